import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatches, queueKeyMatches, queueThresholds, resolveQueueRefs } from './boards.js';
import { configForInstance } from './instances.js';
import { parseConfig } from './load.js';

const queues = [
  { id: 'q1', name: 'Sales' },
  { id: 'q2', name: 'Sales 2' },
  { id: 'q3', name: 'Support' },
  { id: 'q4', name: 'Billing' },
];

describe('resolveQueueRefs', () => {
  it('resolves ids, names (ignoring case) and * patterns, in Connect order without duplicates', () => {
    expect(resolveQueueRefs(['Billing', 'q3', 'sales*', 'Sales'], queues)).toEqual(['q1', 'q2', 'q3', 'q4']);
  });

  it('resolves nothing for a reference that matches no queue', () => {
    expect(resolveQueueRefs(['Nope'], queues)).toEqual([]);
  });

  it('treats regular-expression characters in a name literally', () => {
    expect(resolveQueueRefs(['S.les*'], queues)).toEqual([]);
  });

  it('matches a per-queue override key by id or by name', () => {
    expect(queueKeyMatches('q3', { id: 'q3', name: 'Support' })).toBe(true);
    expect(queueKeyMatches('support', { id: 'q3', name: 'Support' })).toBe(true);
    expect(queueKeyMatches('Sales', { id: 'q3', name: 'Support' })).toBe(false);
  });
});

describe('queue name patterns', () => {
  it('match as a regular expression of the pattern would, ignoring case', () => {
    const escape = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    const asRegExp = (pattern: string) => new RegExp(`^${escape(pattern).replace(/\*/g, '.*')}$`, 'i');
    fc.assert(
      fc.property(
        fc.stringMatching(/^[abAB*.]{0,8}$/),
        fc.stringMatching(/^[abAB.]{0,12}$/),
        (pattern, name) => {
          expect(globMatches(pattern, name)).toBe(asRegExp(pattern).test(name));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('answer a pattern of many stars against a long name at once, where a regular expression backtracks', () => {
    const name = 'a'.repeat(120);
    expect(globMatches('*a*a*a*a*a*a*a*a*a*a*a*a*b', name)).toBe(false);
    expect(globMatches('*a*a*a*a*a*a*a*a*a*a*a*a*a', name)).toBe(true);
  });
});

describe('queueThresholds', () => {
  const config = parseConfig(
    [
      'thresholds:',
      '  defaults:',
      '    CONTACTS_IN_QUEUE: { warn: 5, critical: 10 }',
      '  queues:',
      '    Sales:',
      '      CONTACTS_IN_QUEUE: { warn: 2, critical: 4 }',
      'boards:',
      '  - id: a',
      '    title: A',
    ].join('\n'),
    'w.yaml',
  );
  const sales = { id: 'q-1', name: 'Sales' };

  it("merges a queue's own thresholds over the defaults", () => {
    expect(queueThresholds(config, sales).CONTACTS_IN_QUEUE).toMatchObject({ warn: 2, critical: 4 });
    expect(queueThresholds(config, { id: 'q-2', name: 'Support' }).CONTACTS_IN_QUEUE).toMatchObject({
      warn: 5,
      critical: 10,
    });
  });

  it("works them out once for every copy of a configuration that shares its thresholds (an instance's own)", () => {
    // The alert engine reads its instance's copy, a new object each generation: it finds the same set.
    expect(queueThresholds(configForInstance(config, 'default'), sales)).toBe(queueThresholds(config, sales));
  });
});
