import { describe, expect, it } from 'vitest';
import { SnapshotCache } from './context.js';

describe('SnapshotCache', () => {
  it('serves a pagination until its tokens expire', () => {
    const cache = new SnapshotCache();
    cache.set('a', [1, 2], 1000, 0);
    expect(cache.get('a', 1000)).toEqual([1, 2]);
    expect(cache.get('a', 1001)).toBeUndefined();
  });

  it('lets expired paginations go when a new one is kept, not only past 100', () => {
    const cache = new SnapshotCache();
    for (let i = 0; i < 10; i += 1) cache.set(`old-${i}`, [i], 1000, 0);
    expect(cache.size).toBe(10);
    cache.set('new', [1], 3000, 2000);
    expect(cache.size).toBe(1);
    expect(cache.get('new', 2000)).toEqual([1]);
  });

  it('keeps at most 100 paginations, the oldest going first', () => {
    const cache = new SnapshotCache();
    for (let i = 0; i < 101; i += 1) cache.set(`key-${i}`, [i], 10_000, 0);
    expect(cache.size).toBe(100);
    expect(cache.get('key-0', 0)).toBeUndefined();
    expect(cache.get('key-100', 0)).toEqual([100]);
  });
});
