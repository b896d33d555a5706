import { FIVE_MINUTES, ceilToFiveMinutes } from '../connect/historical.js';

/** Connect's GetMetricData takes a range shorter than 24 hours. */
const MAX_RANGE_MS = 24 * 3600_000;

function offsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** The local calendar date at `nowMs` in the time zone, as YYYY-MM-DD: the key of "today". */
export function localDate(nowMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(nowMs));
}

/** Midnight of today in the contact centre's time zone, as epoch milliseconds. Not the server's UTC midnight. */
export function startOfLocalDay(nowMs: number, timeZone: string): number {
  const [year, month, day] = localDate(nowMs, timeZone).split('-').map(Number) as [number, number, number];
  const wallMidnight = Date.UTC(year, month - 1, day);
  // Two passes settle the offset even when midnight falls near a daylight-saving change.
  let guess = wallMidnight - offsetMs(wallMidnight, timeZone);
  guess = wallMidnight - offsetMs(guess, timeZone);
  return guess;
}

export interface Interval {
  start: number;
  end: number;
}

/**
 * The range "today so far" for GetMetricData: from local midnight to now rounded up to the next 5-minute
 * boundary (so the open five minutes count), at least one 5-minute step, and under 24 hours (a 25-hour
 * daylight-saving day loses its first hour late in the evening).
 */
export function todayRange(nowMs: number, timeZone: string): Interval {
  const start = startOfLocalDay(nowMs, timeZone);
  const end = Math.max(ceilToFiveMinutes(nowMs), start + FIVE_MINUTES);
  return { start: Math.max(start, end - MAX_RANGE_MS + FIVE_MINUTES), end };
}

/** Today's intervals of `minutes` from local midnight up to the open one, which ends at now (5-minute aligned). */
export function intradayIntervals(nowMs: number, timeZone: string, minutes: number): Interval[] {
  const { start: dayStart, end: rangeEnd } = todayRange(nowMs, timeZone);
  const size = minutes * 60_000;
  const intervals: Interval[] = [];
  for (let start = dayStart; start < rangeEnd; start += size) {
    intervals.push({ start, end: Math.min(start + size, rangeEnd) });
  }
  return intervals;
}
