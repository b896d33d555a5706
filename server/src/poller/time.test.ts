import { describe, expect, it } from 'vitest';
import { intradayIntervals, startOfLocalDay, todayRange } from './time.js';

describe('today in the contact centre time zone', () => {
  it('starts at local midnight, not UTC midnight', () => {
    const now = Date.parse('2026-11-24T03:00:00Z');
    expect(new Date(startOfLocalDay(now, 'America/New_York')).toISOString()).toBe('2026-11-23T05:00:00.000Z');
    expect(new Date(startOfLocalDay(now, 'Asia/Kolkata')).toISOString()).toBe('2026-11-23T18:30:00.000Z');
    expect(new Date(startOfLocalDay(now, 'UTC')).toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });

  it('finds midnight on a daylight-saving day', () => {
    // Europe/London moves to BST at 01:00 UTC on 29 March 2026: midnight that day is still UTC+0.
    const now = Date.parse('2026-03-29T12:00:00Z');
    expect(new Date(startOfLocalDay(now, 'Europe/London')).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    const after = Date.parse('2026-03-30T12:00:00Z');
    expect(new Date(startOfLocalDay(after, 'Europe/London')).toISOString()).toBe('2026-03-29T23:00:00.000Z');
  });

  it('ends the range at the next 5-minute boundary and keeps it non-empty', () => {
    const range = todayRange(Date.parse('2026-11-24T10:07:30Z'), 'UTC');
    expect(new Date(range.end).toISOString()).toBe('2026-11-24T10:10:00.000Z');
    const justAfterMidnight = todayRange(Date.parse('2026-11-24T00:00:00Z'), 'UTC');
    expect(justAfterMidnight.end - justAfterMidnight.start).toBe(5 * 60_000);
  });

  it('cuts the day into intervals, the last one open', () => {
    const intervals = intradayIntervals(Date.parse('2026-11-24T01:07:00Z'), 'UTC', 30);
    expect(
      intervals.map((i) => [
        new Date(i.start).toISOString().slice(11, 16),
        new Date(i.end).toISOString().slice(11, 16),
      ]),
    ).toEqual([
      ['00:00', '00:30'],
      ['00:30', '01:00'],
      ['01:00', '01:10'],
    ]);
  });
});
