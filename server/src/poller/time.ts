import { localDate, startOfLocalDay, startOfNextLocalDay } from '@switchboard/shared/timeZone';
import { FIVE_MINUTES, floorToFiveMinutes } from '../connect/historical.js';

export { localDate, startOfLocalDay };

/**
 * GetMetricData's reference: StartTime and EndTime on 5-minute boundaries, the range less than 24 hours, and
 * StartTime no earlier than 24 hours before the request.
 */
export const MAX_LOOKBACK_MS = 24 * 3600_000;

export interface Interval {
  start: number;
  end: number;
}

/**
 * Where "today so far" ends: the last 5-minute boundary at or before now. The reference promises nothing for
 * an EndTime in the future, and AWS's own wallboard sample (aws-serverless-connect-wallboard) rounds down too;
 * Connect's figures for the open five minutes have not settled anyway.
 */
export const closedUntil = (nowMs: number) => floorToFiveMinutes(nowMs);

/**
 * Time to spare on the lookback: a request leaves after its wait in the rate budget (seconds, at a busy start),
 * and Connect's clock may be a little ahead of ours.
 */
export const LOOKBACK_MARGIN_MS = 60_000;

/**
 * Whether Connect still answers for a range starting at `start`: no earlier than 24 hours before the request,
 * with LOOKBACK_MARGIN_MS to spare. In the last minute of a day, today's range is the one asked in the minutes
 * before (it ends on the last 5-minute boundary, 23:55), and that answer stands.
 */
export const withinLookback = (start: number, nowMs: number) =>
  start >= nowMs - MAX_LOOKBACK_MS + LOOKBACK_MARGIN_MS;

/**
 * Whether Connect answers for a range starting at `start` at all, no time to spare: a range never fetched is
 * still asked in that last minute (a server started then), rather than shown as nothing.
 */
export const reachable = (start: number, nowMs: number) => start >= nowMs - MAX_LOOKBACK_MS;

/**
 * Today's ranges for GetMetricData, from the start of the local day to the last 5-minute boundary. One range,
 * except on a day longer than 24 hours (a fall-back day in a zone whose clocks change at midnight, 25 hours),
 * which no single request can cover: its first `length - 24 h` form a head range, the rest a range under 24
 * hours. Empty in the first five minutes of the day.
 */
export function todayRanges(nowMs: number, timeZone: string): Interval[] {
  // Every zone's offset today is a whole number of 5 minutes; flooring keeps a stray historical one valid.
  const start = floorToFiveMinutes(startOfLocalDay(nowMs, timeZone));
  const end = closedUntil(nowMs);
  if (end <= start) return [];
  const length = floorToFiveMinutes(startOfNextLocalDay(nowMs, timeZone)) - start;
  const split = start + Math.max(0, length - MAX_LOOKBACK_MS);
  if (split === start || end <= split) return [{ start, end }];
  return [
    { start, end: split },
    { start: split, end },
  ];
}

/** How long one of today's intervals of `minutes` is: at least the five minutes Connect's figures come in. */
export const intervalLengthMs = (minutes: number) => Math.max(FIVE_MINUTES, minutes * 60_000);

/**
 * Today's intervals of `minutes` from the start of the local day, the last one ending at the last 5-minute
 * boundary (it grows until it is whole).
 */
export function intradayIntervals(nowMs: number, timeZone: string, minutes: number): Interval[] {
  const dayStart = floorToFiveMinutes(startOfLocalDay(nowMs, timeZone));
  const end = closedUntil(nowMs);
  const size = intervalLengthMs(minutes);
  const intervals: Interval[] = [];
  for (let start = dayStart; start < end; start += size) {
    intervals.push({ start, end: Math.min(start + size, end) });
  }
  return intervals;
}
