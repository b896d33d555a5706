import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatches, queueKeyMatches, resolveQueueRefs } from './boards.js';

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
