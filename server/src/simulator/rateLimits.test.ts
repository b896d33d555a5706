import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rateLimits.js';

describe('rate limits', () => {
  it('gives each operation its own bucket, refilled at its rate and never holding more than its burst', () => {
    let now = 0;
    const limiter = new RateLimiter({}, () => now);
    const take = (operation: string, n: number) => Array.from({ length: n }, () => limiter.take(operation));
    expect(take('GetCurrentMetricData', 9).filter(Boolean)).toHaveLength(8);
    // GetMetricData is a quota of its own: the current metrics' burst took none of its tokens.
    expect(take('GetMetricData', 9).filter(Boolean)).toHaveLength(8);
    expect(take('GetCurrentUserData', 6).filter(Boolean)).toHaveLength(5);
    expect(take('DescribeUser', 11).filter(Boolean)).toHaveLength(10);
    expect(take('SearchUsers', 2)).toEqual([true, true]);
    now += 500; // half a second at 2 per second: one more
    expect(take('GetCurrentUserData', 2)).toEqual([true, false]);
    now += 10_000; // ten idle seconds refill to the burst, not to fifty
    expect(take('GetMetricData', 9).filter(Boolean)).toHaveLength(8);
  });

  it('takes a quota per operation from the options, and can be turned off', () => {
    const now = 0;
    const limiter = new RateLimiter({ operations: { GetCurrentUserData: { rate: 1, burst: 1 } } }, () => now);
    expect([limiter.take('GetCurrentUserData'), limiter.take('GetCurrentUserData')]).toEqual([true, false]);
    expect(limiter.take('ListQueues')).toBe(true);
    const off = new RateLimiter({ enabled: false }, () => now);
    expect(Array.from({ length: 100 }, () => off.take('GetMetricData')).every(Boolean)).toBe(true);
  });
});
