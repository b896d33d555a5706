import { describe, expect, it } from 'vitest';
import { queueKeyMatches, resolveQueueRefs } from './boards.js';

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
