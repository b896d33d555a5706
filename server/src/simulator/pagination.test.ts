import { describe, expect, it } from 'vitest';
import { ServiceError } from './errors.js';
import { TOKEN_LIFETIME_MS, page } from './pagination.js';

const items = Array.from({ length: 250 }, (_, i) => i);

describe('simulator pagination', () => {
  it('pages through every item with tokens, all pages sharing the first page snapshot time', () => {
    const first = page(items, { maxResults: 100, nextToken: undefined, params: { a: 1 }, nowMs: 1000 });
    const second = page(items, {
      maxResults: 100,
      nextToken: first.nextToken,
      params: { a: 1 },
      nowMs: 2000,
    });
    const third = page(items, {
      maxResults: 100,
      nextToken: second.nextToken,
      params: { a: 1 },
      nowMs: 3000,
    });
    expect([...first.pageItems, ...second.pageItems, ...third.pageItems]).toEqual(items);
    expect(third.nextToken).toBeUndefined();
    expect(new Set([first.snapshotAt, second.snapshotAt, third.snapshotAt])).toEqual(new Set([1000]));
  });

  it('refuses a token reused with other parameters', () => {
    const first = page(items, { maxResults: 100, nextToken: undefined, params: { a: 1 }, nowMs: 0 });
    expect(() =>
      page(items, { maxResults: 100, nextToken: first.nextToken, params: { a: 2 }, nowMs: 0 }),
    ).toThrow(ServiceError);
  });

  it('refuses a token older than five minutes', () => {
    const first = page(items, { maxResults: 100, nextToken: undefined, params: {}, nowMs: 0 });
    expect(() =>
      page(items, { maxResults: 100, nextToken: first.nextToken, params: {}, nowMs: TOKEN_LIFETIME_MS + 1 }),
    ).toThrow(/expired/);
  });
});
