import { describe, expect, it } from 'vitest';
import { ConfigFileError, defaultConfig, parseConfig } from './load.js';

describe('parseConfig', () => {
  it('gives one board of every queue with default thresholds for an empty file', () => {
    const config = parseConfig('', 'wallboard.yaml');
    expect(config).toEqual(defaultConfig());
    expect(config.boards).toMatchObject([{ id: 'all', queues: 'all' }]);
    expect(config.thresholds.defaults.CONTACTS_IN_QUEUE).toEqual({
      warn: 5,
      critical: 10,
      direction: 'above',
    });
  });

  it('names the file, the line and the field, and says what is expected', () => {
    const text = [
      'timeZone: Europe/London',
      'boards:',
      '  - id: sales',
      '    title: Sales',
      '    queues: []',
      '',
    ].join('\n');
    expect(() => parseConfig(text, 'wallboard.yaml')).toThrow(ConfigFileError);
    expect(() => parseConfig(text, 'wallboard.yaml')).toThrow(
      /wallboard.yaml:5 boards\[0\]\.queues: queues must list at least one queue/,
    );
  });

  it('reports a threshold whose levels are in the wrong order at its line', () => {
    const text = [
      'thresholds:',
      '  defaults:',
      '    CONTACTS_IN_QUEUE:',
      '      warn: 10',
      '      critical: 5',
      '',
    ].join('\n');
    expect(() => parseConfig(text, 'w.yaml')).toThrow(
      /w.yaml:5 thresholds\.defaults\.CONTACTS_IN_QUEUE\.critical: critical \(5\) must be at least warn \(10\)/,
    );
  });

  it('reports a YAML syntax error with its line', () => {
    expect(() => parseConfig('boards:\n  - id: [unclosed\n', 'w.yaml')).toThrow(/w.yaml:\d+ /);
  });

  it('refuses an unknown time zone and an unknown key', () => {
    expect(() => parseConfig('timeZone: Mars/Olympus\n', 'w.yaml')).toThrow(
      /w.yaml:1 timeZone: must be an IANA time zone/,
    );
    expect(() => parseConfig('boardz: []\n', 'w.yaml')).toThrow(/Unrecognized key.*boardz/);
  });

  it('refuses a default handle time under a second, which a forecast could not show', () => {
    expect(() => parseConfig('forecast:\n  defaultHandleTimeSeconds: 0.004\n', 'w.yaml')).toThrow(
      /w.yaml:2 forecast\.defaultHandleTimeSeconds: forecast\.defaultHandleTimeSeconds must be at least 1 second/,
    );
    expect(
      parseConfig('forecast:\n  defaultHandleTimeSeconds: 1\n', 'w.yaml').forecast.defaultHandleTimeSeconds,
    ).toBe(1);
  });

  it('refuses two boards with the same id', () => {
    const text = 'boards:\n  - id: a\n    title: A\n  - id: a\n    title: B\n';
    expect(() => parseConfig(text, 'w.yaml')).toThrow(/w.yaml:4 boards\[1\]\.id: board id "a" is used twice/);
  });

  it('refuses an agent limit that is not a whole positive number of seconds, naming the field', () => {
    expect(() => parseConfig('agentLimits:\n  acwSeconds: 0\n', 'w.yaml')).toThrow(
      /w.yaml:2 agentLimits\.acwSeconds: acwSeconds must be at least 1 second/,
    );
    const text = 'boards:\n  - id: a\n    title: A\n    agentLimits: { customSeconds: "15m" }\n';
    expect(() => parseConfig(text, 'w.yaml')).toThrow(
      /w.yaml:4 boards\[0\]\.agentLimits\.customSeconds: customSeconds must be a number of seconds, e.g. 900/,
    );
    expect(() => parseConfig('agentLimits: { breakSeconds: 60 }\n', 'w.yaml')).toThrow(/breakSeconds/);
  });

  it("refuses a custom status's limit that is neither seconds nor none, naming the status", () => {
    expect(() => parseConfig('agentLimits:\n  statusSeconds:\n    Lunch: 1h\n', 'w.yaml')).toThrow(
      /agentLimits\.statusSeconds\.Lunch: a status limit must be a number of seconds, e\.g\. 3600, or none/,
    );
    expect(() => parseConfig('agentLimits:\n  statusSeconds:\n    Lunch: 0\n', 'w.yaml')).toThrow(
      /agentLimits\.statusSeconds\.Lunch: a status limit must be at least 1 second/,
    );
    expect(() =>
      parseConfig('agentLimits:\n  statusSeconds:\n    Lunch: 3600\n    " LUNCH": none\n', 'w.yaml'),
    ).toThrow(
      /statusSeconds names one status twice, as "Lunch" and "LUNCH" \(case does not count\): keep one/,
    );
    expect(() => parseConfig('agentLimits:\n  statusSeconds: [Lunch]\n', 'w.yaml')).toThrow(
      /statusSeconds must map custom status names to seconds/,
    );
    expect(
      parseConfig('agentLimits:\n  statusSeconds: { Lunch: 3600, Training: none }\n', 'w.yaml').agentLimits,
    ).toEqual({ statusSeconds: { Lunch: 3600, Training: 'none' } });
  });
});
