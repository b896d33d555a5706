import type { RetryPolicy } from './loop.js';

/**
 * How often each section runs. When all is well: as often as its share of the rate budget allows, never more
 * often than its floor. After a failure a loop retries after 2 s, doubling up to 10 s (real time) or 15 s (the
 * slow sections), so an outage is not met with a stream of doomed calls and recovery still shows within seconds.
 */
export const FIRST_RETRY_MS = 2000;
export const MAX_RETRY_MS = 10_000;
export const MAX_SLOW_RETRY_MS = 15_000;
/** Filling in the day's earlier intervals goes on at once, at history's priority below the queue tiles. */
export const BACKFILL_DELAY_MS = 500;
export const DEFAULT_DISCOVERY_INTERVAL_MS = 60_000;
export const DEFAULT_HISTORY_INTERVAL_MS = 30_000;

/** The cycle a section's `calls` allow at `ratePerSecond`, never shorter than `floorMs`. */
export function cycleFor(floorMs: number, calls: number, ratePerSecond: number): number {
  return Math.max(floorMs, Math.ceil((calls * 1000) / ratePerSecond));
}

/**
 * A failed discovery leaves queues, profiles or names unknown (and with them whole sections): retried soon,
 * backing off, never later than the normal interval; sooner while the directory is not yet ready.
 */
export function discoveryRetry(intervalMs: number, directoryReady: boolean): RetryPolicy {
  return { firstMs: FIRST_RETRY_MS, maxMs: Math.min(intervalMs, directoryReady ? MAX_SLOW_RETRY_MS : 5000) };
}

/** Agents retry never sooner than their normal cycle. */
export function agentsRetry(normalMs: number): RetryPolicy {
  return { firstMs: Math.max(FIRST_RETRY_MS, normalMs), maxMs: Math.max(MAX_RETRY_MS, normalMs) };
}

export const HISTORY_RETRY: RetryPolicy = { firstMs: FIRST_RETRY_MS, maxMs: MAX_SLOW_RETRY_MS };
