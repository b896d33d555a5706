import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigFileError, parseConfig } from './load.js';

/**
 * Fuzzing the configuration parser: whatever the file holds, parsing either yields a configuration or throws
 * ConfigFileError with a message that names the file. It never throws anything else and never hangs.
 */
function parsesOrExplains(text: string): void {
  try {
    parseConfig(text, 'fuzz.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as Error).message).toMatch(/fuzz\.yaml/);
  }
}

const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const key = fc.constantFrom(
  'timeZone',
  'locale',
  'boards',
  'thresholds',
  'alerts',
  'defaults',
  'queues',
  'id',
  'title',
  'metric',
  'value',
  'warn',
  'critical',
  'direction',
  'holdSeconds',
  'clearAt',
  'sections',
  'CONTACTS_IN_QUEUE',
  'webhook',
  'url',
);
const tree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 5 }),
  ),
})).node;

describe('parseConfig under fuzzing', () => {
  it('explains or accepts arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), parsesOrExplains), { numRuns: 500 });
  });

  it('explains or accepts arbitrary YAML documents shaped like a configuration', () => {
    fc.assert(
      fc.property(tree, (doc) => parsesOrExplains(stringify(doc))),
      { numRuns: 500 },
    );
  });

  it('explains or accepts a valid file with random bytes flipped', () => {
    const valid =
      'boards:\n  - id: a\n    title: A\n    queues: [Sales*]\nalerts:\n  - id: q\n    metric: CONTACTS_IN_QUEUE\n    value: 3\n';
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.string({ minLength: 1, maxLength: 1 })), {
          maxLength: 6,
        }),
        (flips) => {
          const chars = [...valid];
          for (const [at, char] of flips) chars[at] = char;
          parsesOrExplains(chars.join(''));
        },
      ),
      { numRuns: 500 },
    );
  });
});
