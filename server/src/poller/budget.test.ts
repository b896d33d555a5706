import { describe, expect, it } from 'vitest';
import { RateBudget, TokenBucket } from './budget.js';

describe('TokenBucket', () => {
  it('allows the burst at once, then one token per 1/rate seconds', () => {
    let now = 0;
    const bucket = new TokenBucket(4, 6, () => now);
    for (let i = 0; i < 6; i += 1) expect(bucket.tryTake()).toBe(0);
    expect(bucket.tryTake()).toBe(250);
    now += 250;
    expect(bucket.tryTake()).toBe(0);
  });

  it('halves its rate on a throttle, down to a quarter, and doubles back with each success a second later', () => {
    let now = 0;
    const bucket = new TokenBucket(4, 6, () => now);
    bucket.throttled();
    expect(bucket.rate).toBe(2);
    for (let i = 0; i < 10; i += 1) bucket.throttled();
    expect(bucket.rate).toBe(1);
    now += 1000;
    bucket.succeeded();
    expect(bucket.rate).toBe(2);
    bucket.succeeded();
    expect(bucket.rate).toBe(4);
    bucket.succeeded();
    expect(bucket.rate).toBe(4);
  });

  it('stays down while throttles keep coming between successes', () => {
    let now = 0;
    const bucket = new TokenBucket(4, 6, () => now);
    // Every other request throttled, sent as fast as allowed: the successes in between do not undo the
    // throttles, so the rate stays at half its base or below (doubling on every success, it would average 3).
    let total = 0;
    for (let i = 0; i < 20; i += 1) {
      now += 1000 / bucket.rate;
      if (i % 2 === 0) bucket.throttled();
      else bucket.succeeded();
      total += bucket.rate;
    }
    expect(total / 20).toBeLessThanOrEqual(2);
  });

  it('still lets a request through every second at the floor, so the end of a storm is seen at once', () => {
    let now = 0;
    const bucket = new TokenBucket(4, 6, () => now);
    for (let i = 0; i < 6; i += 1) bucket.tryTake();
    for (let i = 0; i < 5; i += 1) bucket.throttled();
    expect(bucket.tryTake()).toBe(1000);
    now += 1000;
    expect(bucket.tryTake()).toBe(0);
  });
});

class Throttle extends Error {
  override name = 'ThrottlingException';
}

describe('RateBudget', () => {
  it("takes the configured share of each operation's quota: 80% of GetCurrentUserData's 2/s is 1.6/s", () => {
    const budget = new RateBudget();
    expect(budget.ratePerSecond('GetCurrentMetricData')).toBe(4);
    expect(budget.ratePerSecond('GetMetricData')).toBe(4);
    expect(budget.ratePerSecond('GetCurrentUserData')).toBeCloseTo(1.6);
    expect(budget.ratePerSecond('SearchUsers')).toBeCloseTo(1.6);
    expect(budget.ratePerSecond('ListUsers')).toBe(8);
    expect(budget.ratePerSecond('DescribeUser')).toBe(8);
    const raised = new RateBudget({ quotas: { GetCurrentUserData: { perSecond: 5, burst: 8 } }, share: 0.5 });
    expect(raised.ratePerSecond('GetCurrentUserData')).toBe(2.5);
  });

  it('gives each operation its own bucket: a run of DescribeUser calls takes no token from GetCurrentUserData', async () => {
    const now = 0;
    const budget = new RateBudget({ clock: () => now, share: 1 });
    // The clock stands still: a call that had to wait for a token would never be sent. DescribeUser's burst of 10 spent at once.
    for (let i = 0; i < 10; i += 1) await budget.call('DescribeUser', 'names', async () => i);
    // GetCurrentUserData's burst of 5 is still whole: five calls go without waiting for a token.
    const sent: number[] = [];
    for (let i = 0; i < 5; i += 1)
      sent.push(await budget.call('GetCurrentUserData', 'agents', async () => i));
    expect(sent).toEqual([0, 1, 2, 3, 4]);
  });

  it('hands tokens of one operation to queue metrics before the agent totals of history', async () => {
    const budget = new RateBudget({
      quotas: { GetCurrentMetricData: { perSecond: 50, burst: 1 } },
      share: 1,
      maxInFlight: 1,
    });
    const order: string[] = [];
    const first = budget.call('GetCurrentMetricData', 'history', async () => order.push('first'));
    const history = budget.call('GetCurrentMetricData', 'history', async () => order.push('history'));
    const realtime = budget.call('GetCurrentMetricData', 'realtime', async () => order.push('realtime'));
    await Promise.all([first, history, realtime]);
    expect(order).toEqual(['first', 'realtime', 'history']);
  });

  it('divides among the pollers that joined it, and clears only when the last has left', () => {
    const budget = new RateBudget();
    const leaveFirst = budget.join();
    const leaveSecond = budget.join();
    expect(budget.sharers).toBe(2);
    leaveFirst();
    leaveFirst();
    expect(budget.members).toBe(1);
    leaveSecond();
    expect(budget.members).toBe(0);
    expect(budget.sharers).toBe(1);
  });

  it('retries a throttled request after backing off, and counts the throttle', async () => {
    const outcomes: string[] = [];
    const budget = new RateBudget({
      quotas: { GetCurrentMetricData: { perSecond: 100, burst: 2 } },
      share: 1,
      onCall: (_op, outcome) => outcomes.push(outcome),
    });
    let attempts = 0;
    const result = await budget.call('GetCurrentMetricData', 'realtime', async () => {
      attempts += 1;
      if (attempts < 3) throw new Throttle('slow down');
      return 'done';
    });
    expect(result).toBe('done');
    expect(outcomes).toEqual(['throttled', 'throttled', 'ok']);
    expect(budget.stats.throttles).toBe(2);
    expect(budget.stats.rates.GetCurrentMetricData).toBeLessThan(100);
    expect(budget.stats.rates.GetMetricData).toBe(5);
  });

  it('passes other errors straight through without retrying', async () => {
    const budget = new RateBudget();
    let attempts = 0;
    await expect(
      budget.call('ListQueues', 'discovery', async () => {
        attempts += 1;
        throw new Error('AccessDenied');
      }),
    ).rejects.toThrow('AccessDenied');
    expect(attempts).toBe(1);
  });
});
