import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rateLimits.js';

describe('rate limits', () => {
  it('shares one bucket per family, refills at the rate and never holds more than the burst', () => {
    let now = 0;
    const limiter = new RateLimiter({}, () => now);
    const take = (operation: string, n: number) => Array.from({ length: n }, () => limiter.take(operation));
    expect(take('GetCurrentMetricData', 5).every(Boolean)).toBe(true);
    expect(take('GetMetricData', 4)).toEqual([true, true, true, false]);
    now += 10_000; // ten idle seconds refill to the burst of 8, not to 50
    expect(take('GetMetricData', 9).filter(Boolean)).toHaveLength(8);
    expect(take('ListUsers', 6).filter(Boolean)).toHaveLength(5);
    now += 500; // half a second at 2 per second: one more
    expect(take('DescribeUser', 2)).toEqual([true, false]);
  });

  it('lets one operation have a budget of its own, and can be turned off', () => {
    const now = 0;
    const limiter = new RateLimiter({ operations: { GetCurrentUserData: { rate: 1, burst: 1 } } }, () => now);
    expect([limiter.take('GetCurrentUserData'), limiter.take('GetCurrentUserData')]).toEqual([true, false]);
    expect(limiter.take('ListQueues')).toBe(true);
    const off = new RateLimiter({ enabled: false }, () => now);
    expect(Array.from({ length: 100 }, () => off.take('GetMetricData')).every(Boolean)).toBe(true);
  });
});
