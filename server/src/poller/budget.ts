import PQueue from 'p-queue';
import { isThrottle, type ConnectOperation } from '../connect/errors.js';

/**
 * Connect's rate limits come in two families (the 2018 reference): the metric operations at 5 requests a second
 * with a burst of 8, everything else at 2 a second with a burst of 5. They are per account and region and
 * shared with every other tool, so the wallboard takes only a share (80% by default).
 */
export type ApiFamily = 'metrics' | 'other';

export const OPERATION_FAMILY: Record<ConnectOperation, ApiFamily> = {
  GetCurrentMetricData: 'metrics',
  GetMetricData: 'metrics',
  GetCurrentUserData: 'other',
  ListQueues: 'other',
  ListRoutingProfiles: 'other',
  ListAgentStatuses: 'other',
  ListUsers: 'other',
  DescribeUser: 'other',
  ListUserHierarchyGroups: 'other',
};

/** Who waits for whom when a family's tokens run short: the queue tiles first, users' names last. */
export const PRIORITIES = { realtime: 40, agents: 30, history: 20, discovery: 10, names: 5 } as const;
export type Priority = keyof typeof PRIORITIES;

export interface FamilyRate {
  perSecond: number;
  burst: number;
}

export const DEFAULT_RATES: Record<ApiFamily, FamilyRate> = {
  metrics: { perSecond: 5, burst: 8 },
  other: { perSecond: 2, burst: 5 },
};

export type CallOutcome = 'ok' | 'throttled' | 'error';

export interface BudgetOptions {
  rates?: Record<ApiFamily, FamilyRate>;
  /** The share of Connect's limits this wallboard may use, 0 to 1. */
  share?: number;
  /** Requests of one family in flight at once (default half its burst: 3 for metrics, 2 for the rest). */
  maxInFlight?: number;
  /** Attempts per request when Connect throttles it anyway. */
  maxAttempts?: number;
  clock?: () => number;
  random?: () => number;
  onCall?: (operation: ConnectOperation, outcome: CallOutcome, durationMs: number) => void;
}

/** The slowest a throttled family goes, as a share of its rate. */
const BACKOFF_FLOOR = 1 / 4;
/**
 * A success doubles the rate back only this long after the last throttle: answers to requests sent before it
 * prove nothing, and while Connect keeps throttling now and then (another tool on the account) the rate stays
 * down instead of bouncing back between throttles.
 */
const RECOVERY_AFTER_MS = 1000;

/**
 * A token bucket whose rate backs off when Connect throttles (halved each time, down to a quarter) and doubles
 * back with each success a second or more after the last throttle (full speed two such successes from the
 * floor). A storm slows the wallboard to a quarter of its share instead of turning into a retry storm; the floor
 * still lets requests through (metrics: one a second; the rest: one every 2.5 s), so the first one after the
 * storm ends finds out, and the wall is fresh within a cycle.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private lastThrottle = Number.NEGATIVE_INFINITY;
  rate: number;

  constructor(
    readonly baseRate: number,
    readonly burst: number,
    private readonly clock: () => number,
  ) {
    this.tokens = burst;
    this.rate = baseRate;
    this.last = clock();
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }

  /** Milliseconds until a token is free; 0 means one was taken. */
  tryTake(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }

  throttled(): void {
    this.refill();
    this.rate = Math.max(this.baseRate * BACKOFF_FLOOR, this.rate / 2);
    this.tokens = Math.min(this.tokens, 0);
    this.lastThrottle = this.clock();
  }

  succeeded(): void {
    if (this.rate < this.baseRate && this.clock() - this.lastThrottle >= RECOVERY_AFTER_MS) {
      this.rate = Math.min(this.baseRate, this.rate * 2);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BudgetStats {
  throttles: number;
  /** Current allowed rate per family, after any backoff. */
  rates: Record<ApiFamily, number>;
}

/** Owns the rate budget: every Connect request waits here for a token of its family, in priority order. */
export class RateBudget {
  private readonly buckets: Record<ApiFamily, TokenBucket>;
  private readonly queues: Record<ApiFamily, PQueue>;
  private readonly slots: Record<ApiFamily, PQueue>;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  throttles = 0;

  constructor(private readonly options: BudgetOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.maxAttempts = options.maxAttempts ?? 4;
    const rates = options.rates ?? DEFAULT_RATES;
    const share = options.share ?? 0.8;
    const bucket = (rate: FamilyRate) =>
      new TokenBucket(rate.perSecond * share, Math.max(1, Math.floor(rate.burst * share)), this.clock);
    this.buckets = { metrics: bucket(rates.metrics), other: bucket(rates.other) };
    // One token handed out at a time per family, to the highest priority waiting.
    this.queues = { metrics: new PQueue({ concurrency: 1 }), other: new PQueue({ concurrency: 1 }) };
    // Connect counts a request when it arrives. Behind a slow answer, requests sent a token apart can arrive
    // together and overrun the burst, so at most half a burst of a family is in flight at once.
    const inFlight = (family: ApiFamily) =>
      options.maxInFlight ?? Math.max(1, Math.floor(this.buckets[family].burst / 2));
    this.slots = {
      metrics: new PQueue({ concurrency: inFlight('metrics') }),
      other: new PQueue({ concurrency: inFlight('other') }),
    };
  }

  /** The steady rate (requests a second) a family may use, before any backoff. */
  ratePerSecond(family: ApiFamily): number {
    return this.buckets[family].baseRate;
  }

  get stats(): BudgetStats {
    return {
      throttles: this.throttles,
      rates: { metrics: this.buckets.metrics.rate, other: this.buckets.other.rate },
    };
  }

  /** Waits for a token, sends, and retries a throttled request after the (slowed) bucket allows. */
  async call<T>(operation: ConnectOperation, priority: Priority, request: () => Promise<T>): Promise<T> {
    const family = OPERATION_FAMILY[operation];
    const bucket = this.buckets[family];
    const waitForToken = async () => {
      for (let wait = bucket.tryTake(); wait > 0; wait = bucket.tryTake()) {
        // Jitter (up to a tenth of a token's time) keeps replicas and loops from moving in lockstep.
        await sleep(wait + Math.floor(this.random() * (100 / bucket.rate)));
      }
    };
    for (let attempt = 1; ; attempt += 1) {
      let started = this.clock();
      try {
        const result = (await this.slots[family].add(
          async () => {
            await this.queues[family].add(waitForToken, { priority: PRIORITIES[priority] });
            started = this.clock();
            return request();
          },
          { priority: PRIORITIES[priority] },
        )) as T;
        bucket.succeeded();
        this.options.onCall?.(operation, 'ok', this.clock() - started);
        return result;
      } catch (error) {
        if (!isThrottle(error)) {
          this.options.onCall?.(operation, 'error', this.clock() - started);
          throw error;
        }
        this.throttles += 1;
        bucket.throttled();
        this.options.onCall?.(operation, 'throttled', this.clock() - started);
        if (attempt >= this.maxAttempts) throw error;
      }
    }
  }

  /** Clears waiting requests (on stop). */
  clear(): void {
    for (const queue of [...Object.values(this.queues), ...Object.values(this.slots)]) queue.clear();
  }
}
