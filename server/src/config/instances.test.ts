import { describe, expect, it } from 'vitest';
import { boardInstance, configForInstance, instanceIds } from './instances.js';
import { parseConfig } from './load.js';

const instances = [
  'instances:',
  '  - id: emea',
  '    instanceId: 11111111-2222-4333-8444-555555555555',
  '    region: eu-west-2',
  '  - id: apac',
  '    instanceId: 99999999-2222-4333-8444-555555555555',
  '    region: ap-southeast-2',
  '    endpoint: https://connect.example.com',
  '    name: Asia Pacific',
];

describe('instances in the configuration file', () => {
  it('binds each board to its instance, the first by default', () => {
    const config = parseConfig(
      [
        ...instances,
        'boards:',
        '  - id: london',
        '    title: London',
        '  - id: sydney',
        '    title: Sydney',
        '    instance: apac',
      ].join('\n'),
      'w.yaml',
    );
    expect(instanceIds(config)).toEqual(['emea', 'apac']);
    expect(config.boards.map((board) => boardInstance(config, board))).toEqual(['emea', 'apac']);
    expect(configForInstance(config, 'apac').boards.map((b) => b.id)).toEqual(['sydney']);
  });

  it('uses one default instance without an instances list', () => {
    const config = parseConfig('boards:\n  - id: a\n    title: A\n', 'w.yaml');
    expect(instanceIds(config)).toEqual(['default']);
    expect(boardInstance(config, config.boards[0] ?? {})).toBe('default');
  });

  it('names the file, line and field of a mistake', () => {
    const cases: [string[], RegExp][] = [
      [
        [...instances, 'boards:', '  - id: a', '    title: A', '    instance: amer'],
        /w.yaml:13 boards\[0\]\.instance: unknown instance "amer": it must be one of emea, apac/,
      ],
      [
        ['boards:', '  - id: a', '    title: A', '    instance: emea'],
        /w.yaml:4 boards\[0\]\.instance: no instances are listed/,
      ],
      [
        [...instances.slice(0, 4), ...instances.slice(0, 4).slice(1)],
        /w.yaml:5 instances\[1\]\.id: instance id "emea" is used twice/,
      ],
      [
        [
          ...instances.slice(0, 4),
          '  - id: again',
          '    instanceId: 11111111-2222-4333-8444-555555555555',
          '    region: eu-west-1',
        ],
        /w.yaml:6 instances\[1\]\.instanceId: instanceId 11111111-2222-4333-8444-555555555555 is listed twice/,
      ],
      [
        ['instances:', '  - id: x', '    instanceId: arn:aws:connect:x', '    region: eu-west-2'],
        /w.yaml:3 instances\[0\]\.instanceId: instanceId must be the instance id \(a UUID\)/,
      ],
      [
        ['instances:', '  - id: x', '    instanceId: abc', '    region: Europe'],
        /w.yaml:4 instances\[0\]\.region/,
      ],
      [
        ['instances:', '  - id: x', '    instanceId: abc', '    region: eu-west-2', '    endpoint: ftp://x'],
        /w.yaml:5 instances\[0\]\.endpoint: endpoint must be an http\(s\) URL/,
      ],
      [['instances:', '  - id: x', '    region: eu-west-2'], /w.yaml:2 instances\[0\]\.instanceId/],
      [['instances: []'], /instances: instances must list at least one instance/],
    ];
    for (const [lines, message] of cases) {
      expect(() => parseConfig(lines.join('\n'), 'w.yaml'), lines.join(' | ')).toThrow(message);
    }
  });
});
