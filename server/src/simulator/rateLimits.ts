/**
 * Connect's request quotas as token buckets per operation family. The 2018 reference: GetMetricData and
 * GetCurrentMetricData 5 requests per second with a burst of 8; every other operation 2 per second, burst 5.
 * Quotas are per account and region, so every caller of the simulator shares them too.
 */
export interface Bucket {
  rate: number;
  burst: number;
}

export interface RateLimitOptions {
  metrics?: Bucket;
  others?: Bucket;
  /** Per-operation overrides, e.g. { GetCurrentUserData: { rate: 2, burst: 5 } }. */
  operations?: Record<string, Bucket>;
  /** false turns throttling off (benchmarks). */
  enabled?: boolean;
}

export const DEFAULT_RATE_LIMITS = {
  metrics: { rate: 5, burst: 8 },
  others: { rate: 2, burst: 5 },
} as const;

const METRICS_FAMILY = new Set(['GetCurrentMetricData', 'GetMetricData']);

export function familyOf(operation: string): string {
  return METRICS_FAMILY.has(operation) ? 'metrics' : 'others';
}

export class RateLimiter {
  private readonly state = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: () => number,
  ) {}

  private bucketFor(operation: string): { key: string; bucket: Bucket } {
    const own = this.options.operations?.[operation];
    if (own) return { key: `op:${operation}`, bucket: own };
    const family = familyOf(operation);
    const bucket =
      family === 'metrics'
        ? (this.options.metrics ?? DEFAULT_RATE_LIMITS.metrics)
        : (this.options.others ?? DEFAULT_RATE_LIMITS.others);
    return { key: family, bucket };
  }

  /** Takes one token; false when the bucket is empty and the request must be throttled. */
  take(operation: string): boolean {
    if (this.options.enabled === false) return true;
    const { key, bucket } = this.bucketFor(operation);
    const now = this.clock();
    const current = this.state.get(key) ?? { tokens: bucket.burst, at: now };
    const tokens = Math.min(bucket.burst, current.tokens + ((now - current.at) / 1000) * bucket.rate);
    if (tokens < 1) {
      this.state.set(key, { tokens, at: now });
      return false;
    }
    this.state.set(key, { tokens: tokens - 1, at: now });
    return true;
  }
}
