/**
 * Connect's request quotas: one token bucket per API operation, per account and Region. Connect's admin guide
 * ("Amazon Connect service quotas", API throttling quotas) and Service Quotas list a rate per operation;
 * "if multiple requests are sent from different instances from the same account, they are also sharing a
 * throttle bucket", so simulators standing for instances of one account share one limiter.
 *
 * Rates are Service Quotas' defaults ("Rate of <Operation> API requests"). Bursts: 8 for the two metric
 * operations and 5 for the 2-a-second ones, as the reference gives them; the operations raised to 10 a second
 * are given a burst of 10 (one second's worth; Service Quotas lists no burst for them).
 */
export interface Bucket {
  rate: number;
  burst: number;
}

export const CONNECT_QUOTAS: Readonly<Record<string, Bucket>> = {
  GetCurrentMetricData: { rate: 5, burst: 8 },
  GetMetricData: { rate: 5, burst: 8 },
  GetCurrentUserData: { rate: 2, burst: 5 },
  SearchUsers: { rate: 2, burst: 5 },
  GetMetricDataV2: { rate: 10, burst: 10 },
  ListQueues: { rate: 10, burst: 10 },
  ListUsers: { rate: 10, burst: 10 },
  DescribeUser: { rate: 10, burst: 10 },
  ListRoutingProfiles: { rate: 10, burst: 10 },
  ListRoutingProfileQueues: { rate: 10, burst: 10 },
  ListAgentStatuses: { rate: 10, burst: 10 },
  ListUserHierarchyGroups: { rate: 10, burst: 10 },
};

/** Every operation Service Quotas lists at the old default. */
export const DEFAULT_QUOTA: Bucket = { rate: 2, burst: 5 };

export function quotaOf(operation: string, overrides: Record<string, Bucket> = {}): Bucket {
  return overrides[operation] ?? CONNECT_QUOTAS[operation] ?? DEFAULT_QUOTA;
}

export interface RateLimitOptions {
  /** Per-operation quotas in place of Connect's defaults, e.g. { GetCurrentUserData: { rate: 5, burst: 8 } }. */
  operations?: Record<string, Bucket>;
  /** false turns throttling off (benchmarks). */
  enabled?: boolean;
}

export class RateLimiter {
  private readonly state = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: () => number,
  ) {}

  /** Takes one token of the operation's bucket; false when it is empty and the request must be throttled. */
  take(operation: string): boolean {
    if (this.options.enabled === false) return true;
    const bucket = quotaOf(operation, this.options.operations);
    const now = this.clock();
    const current = this.state.get(operation) ?? { tokens: bucket.burst, at: now };
    const tokens = Math.min(bucket.burst, current.tokens + ((now - current.at) / 1000) * bucket.rate);
    if (tokens < 1) {
      this.state.set(operation, { tokens, at: now });
      return false;
    }
    this.state.set(operation, { tokens: tokens - 1, at: now });
    return true;
  }
}
