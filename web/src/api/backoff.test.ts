import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles up to the ceiling at the top of its jitter', () => {
    const top = () => 1;
    expect(
      [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, { firstMs: 1000, maxMs: 8000, random: top })),
    ).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('never waits less than half the ceiling', () => {
    expect(backoffDelay(3, { firstMs: 1000, maxMs: 8000, random: () => 0 })).toBe(4000);
    expect(backoffDelay(0, { firstMs: 1000, maxMs: 8000, random: () => 0 })).toBe(500);
  });

  it('stays within its bounds for any random draw and a long outage', () => {
    for (const attempt of [0, 1, 5, 40, 2000]) {
      for (const draw of [0, 0.25, 0.5, 0.999]) {
        const delay = backoffDelay(attempt, { firstMs: 1000, maxMs: 30_000, random: () => draw });
        const ceiling = Math.min(30_000, 1000 * 2 ** attempt);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});
