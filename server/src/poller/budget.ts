import PQueue from 'p-queue';
import {
  CONNECT_OPERATIONS,
  isConnectionReset,
  isServerError,
  isThrottle,
  type ConnectOperation,
} from '../connect/errors.js';

/**
 * Connect's API quotas, per operation, per account and Region (admin guide, "Amazon Connect service quotas",
 * API throttling quotas; Service Quotas lists each as "Rate of <Operation> API requests"). They are shared with
 * every other tool of the account, so the wallboard takes only a share (80% by default), and several instances of
 * one account and Region share one budget. Rates are Service Quotas' defaults; bursts are those the reference
 * gives (8 for the metric operations, 5 for those at 2 a second) and one second's worth for the operations
 * raised to 10 a second, for which no burst is published. Each is overridable (CONNECT_QUOTAS).
 */
export interface Quota {
  perSecond: number;
  burst: number;
}

export const CONNECT_QUOTAS: Readonly<Record<ConnectOperation, Quota>> = {
  GetCurrentMetricData: { perSecond: 5, burst: 8 },
  GetMetricData: { perSecond: 5, burst: 8 },
  GetCurrentUserData: { perSecond: 2, burst: 5 },
  SearchUsers: { perSecond: 2, burst: 5 },
  ListQueues: { perSecond: 10, burst: 10 },
  ListRoutingProfiles: { perSecond: 10, burst: 10 },
  ListRoutingProfileQueues: { perSecond: 10, burst: 10 },
  ListAgentStatuses: { perSecond: 10, burst: 10 },
  ListUsers: { perSecond: 10, burst: 10 },
  DescribeUser: { perSecond: 10, burst: 10 },
  ListUserHierarchyGroups: { perSecond: 10, burst: 10 },
};

/** Who waits for whom when an operation's tokens run short: the queue tiles first, users' names last. */
export const PRIORITIES = { realtime: 40, agents: 30, history: 20, discovery: 10, names: 5 } as const;
export type Priority = keyof typeof PRIORITIES;

export type CallOutcome = 'ok' | 'throttled' | 'error';

export type CallObserver = (operation: ConnectOperation, outcome: CallOutcome, durationMs: number) => void;

export interface BudgetOptions {
  /** Connect's quotas where they differ from the defaults (a raised quota), per operation. */
  quotas?: Partial<Record<ConnectOperation, Quota>>;
  /** The share of Connect's limits this wallboard may use, 0 to 1. */
  share?: number;
  /** Requests of one operation in flight at once (default half its burst: 3 for the metric operations). */
  maxInFlight?: number;
  /** Attempts per request when Connect throttles it anyway. */
  maxAttempts?: number;
  clock?: () => number;
  random?: () => number;
  onCall?: CallObserver;
}

/**
 * Attempts per request when Connect answers with a service error (5xx), or the connection is reset under it: one
 * more, so a lone InternalServiceException or a kept-alive connection closed by the far end as the request went
 * out does not fail a whole cycle (and put a warning on the wall), while an outage costs at most twice its calls.
 */
const TRANSIENT_ERROR_ATTEMPTS = 2;

/** The slowest a throttled operation goes, as a share of its rate. */
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
 * still lets requests through (GetCurrentMetricData: one a second; GetCurrentUserData: one every 2.5 s), so the
 * first one after the storm ends finds out, and the wall is fresh within a cycle.
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
  /** Current allowed rate per operation, after any backoff. */
  rates: Record<ConnectOperation, number>;
}

/** One operation's bucket, its priority queue for tokens and its cap on requests in flight. */
interface Lane {
  bucket: TokenBucket;
  tokens: PQueue;
  slots: PQueue;
}

/**
 * Owns the rate budget of one AWS account and Region: every Connect request waits here for a token of its
 * operation's bucket, in priority order. Pollers of several instances in one account and Region share one
 * budget (`join`), as Connect's buckets are shared by them.
 */
export class RateBudget {
  private readonly lanes: Record<ConnectOperation, Lane>;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private memberCount = 0;
  throttles = 0;

  constructor(private readonly options: BudgetOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.maxAttempts = options.maxAttempts ?? 4;
    const share = options.share ?? 0.8;
    const lane = (operation: ConnectOperation): Lane => {
      const quota = options.quotas?.[operation] ?? CONNECT_QUOTAS[operation];
      const bucket = new TokenBucket(
        quota.perSecond * share,
        Math.max(1, Math.floor(quota.burst * share)),
        this.clock,
      );
      return {
        bucket,
        // One token handed out at a time per operation, to the highest priority waiting.
        tokens: new PQueue({ concurrency: 1 }),
        // Connect counts a request when it arrives. Behind a slow answer, requests sent a token apart can arrive
        // together and overrun the burst, so at most half a burst of an operation is in flight at once.
        slots: new PQueue({ concurrency: options.maxInFlight ?? Math.max(1, Math.floor(bucket.burst / 2)) }),
      };
    };
    this.lanes = Object.fromEntries(CONNECT_OPERATIONS.map((op) => [op, lane(op)])) as Record<
      ConnectOperation,
      Lane
    >;
  }

  /**
   * A poller takes part in this budget until it leaves (returns the leave function). Cadences divide each
   * operation's rate among the members, so two instances of one account each plan on half.
   */
  join(): () => void {
    this.memberCount += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.memberCount -= 1;
    };
  }

  /** Pollers taking part now. */
  get members(): number {
    return this.memberCount;
  }

  /** Pollers sharing this budget now (at least 1 for the arithmetic). */
  get sharers(): number {
    return Math.max(1, this.memberCount);
  }

  /** The steady rate (requests a second) an operation may use, before any backoff, for all members together. */
  ratePerSecond(operation: ConnectOperation): number {
    return this.lanes[operation].bucket.baseRate;
  }

  get stats(): BudgetStats {
    return {
      throttles: this.throttles,
      rates: Object.fromEntries(CONNECT_OPERATIONS.map((op) => [op, this.lanes[op].bucket.rate])) as Record<
        ConnectOperation,
        number
      >,
    };
  }

  /**
   * Waits for a token, sends, and retries a throttled request after the (slowed) bucket allows, and a request
   * Connect failed with a service error (5xx), or whose connection was reset under it, once, at the bucket's pace.
   * Client errors (4xx) and timeouts are not retried.
   */
  async call<T>(
    operation: ConnectOperation,
    priority: Priority,
    request: () => Promise<T>,
    onCall: CallObserver | undefined = this.options.onCall,
  ): Promise<T> {
    const { bucket, tokens, slots } = this.lanes[operation];
    const waitForToken = async () => {
      for (let wait = bucket.tryTake(); wait > 0; wait = bucket.tryTake()) {
        // Jitter (up to a tenth of a token's time) keeps replicas and loops from moving in lockstep.
        await sleep(wait + Math.floor(this.random() * (100 / bucket.rate)));
      }
    };
    for (let attempt = 1; ; attempt += 1) {
      let started = this.clock();
      try {
        const result = (await slots.add(
          async () => {
            await tokens.add(waitForToken, { priority: PRIORITIES[priority] });
            started = this.clock();
            return request();
          },
          { priority: PRIORITIES[priority] },
        )) as T;
        bucket.succeeded();
        onCall?.(operation, 'ok', this.clock() - started);
        return result;
      } catch (error) {
        if (!isThrottle(error)) {
          onCall?.(operation, 'error', this.clock() - started);
          if ((isServerError(error) || isConnectionReset(error)) && attempt < TRANSIENT_ERROR_ATTEMPTS)
            continue;
          throw error;
        }
        this.throttles += 1;
        bucket.throttled();
        onCall?.(operation, 'throttled', this.clock() - started);
        if (attempt >= this.maxAttempts) throw error;
      }
    }
  }

  /** Clears waiting requests (when the last member stops). */
  clear(): void {
    for (const lane of Object.values(this.lanes)) {
      lane.tokens.clear();
      lane.slots.clear();
    }
  }
}
