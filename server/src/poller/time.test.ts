import { describe, expect, it } from 'vitest';
import { intradayIntervals, todayRanges, withinLookback } from './time.js';

const iso = (ms: number) => new Date(ms).toISOString();
const spans = (ranges: { start: number; end: number }[]) => ranges.map((r) => [iso(r.start), iso(r.end)]);
const DAY = 24 * 3_600_000;

describe("today's GetMetricData ranges", () => {
  it('start at local midnight, not UTC midnight', () => {
    const now = Date.parse('2026-11-24T03:00:00Z');
    expect(spans(todayRanges(now, 'America/New_York'))).toEqual([
      ['2026-11-23T05:00:00.000Z', '2026-11-24T03:00:00.000Z'],
    ]);
    expect(spans(todayRanges(now, 'Asia/Kolkata'))).toEqual([
      ['2026-11-23T18:30:00.000Z', '2026-11-24T03:00:00.000Z'],
    ]);
  });

  it('end on the last 5-minute boundary, never in the future', () => {
    const [range] = todayRanges(Date.parse('2026-11-24T10:07:30Z'), 'UTC');
    expect(iso(range?.end ?? 0)).toBe('2026-11-24T10:05:00.000Z');
    // In the first five minutes nothing of the day has closed: no request at all.
    expect(todayRanges(Date.parse('2026-11-24T00:04:59Z'), 'UTC')).toEqual([]);
  });

  // Clocks went from 00:00 to 01:00 in each of these zones on that date: the day starts at 01:00.
  it.each([
    ['America/Santiago', '2025-09-07T15:02:00Z', '2025-09-07T04:00:00.000Z'],
    ['America/Havana', '2025-03-09T15:02:00Z', '2025-03-09T05:00:00.000Z'],
    ['America/Asuncion', '2024-10-06T15:02:00Z', '2024-10-06T04:00:00.000Z'],
  ])('start the spring-forward day in %s at 01:00, not an hour early', (zone, at, start) => {
    expect(spans(todayRanges(Date.parse(at), zone))).toEqual([[start, `${at.slice(0, 14)}00:00.000Z`]]);
  });

  it('cover all 25 hours of a fall-back day in two requests, each under 24 hours', () => {
    // Santiago's 5 April 2025 runs from 03:00 UTC to 04:00 UTC the next day; at 23:50 local it is 24h50m old.
    const zone = 'America/Santiago';
    const now = Date.parse('2025-04-06T03:52:00Z');
    const ranges = todayRanges(now, zone);
    expect(spans(ranges)).toEqual([
      ['2025-04-05T03:00:00.000Z', '2025-04-05T04:00:00.000Z'],
      ['2025-04-05T04:00:00.000Z', '2025-04-06T03:50:00.000Z'],
    ]);
    for (const range of ranges) expect(range.end - range.start).toBeLessThan(DAY);
    // The second is always within Connect's 24-hour lookback; the head only while it was under 24 hours old.
    expect(withinLookback(ranges[1]?.start ?? 0, now)).toBe(true);
    expect(withinLookback(ranges[0]?.start ?? 0, now)).toBe(false);
    expect(withinLookback(ranges[0]?.start ?? 0, Date.parse('2025-04-06T02:55:00Z'))).toBe(true);
    // With a minute to spare for the request's wait and Connect's clock: not in the last minute before 24 hours.
    const head = ranges[0]?.start ?? 0;
    expect(withinLookback(head, head + DAY - 60_000)).toBe(true);
    expect(withinLookback(head, head + DAY - 59_000)).toBe(false);
    // Before the head has closed, one range is enough.
    expect(spans(todayRanges(Date.parse('2025-04-05T03:40:00Z'), zone))).toEqual([
      ['2025-04-05T03:00:00.000Z', '2025-04-05T03:40:00.000Z'],
    ]);
  });
});

describe("today's intervals", () => {
  it('cuts the day into intervals, the last one ending on the last 5-minute boundary', () => {
    const intervals = intradayIntervals(Date.parse('2026-11-24T01:07:00Z'), 'UTC', 30);
    expect(spans(intervals).map(([s, e]) => [s?.slice(11, 16), e?.slice(11, 16)])).toEqual([
      ['00:00', '00:30'],
      ['00:30', '01:00'],
      ['01:00', '01:05'],
    ]);
  });

  it('starts the intervals of a day without a midnight at 01:00', () => {
    const intervals = intradayIntervals(Date.parse('2025-03-09T06:10:00Z'), 'America/Havana', 30);
    expect(spans(intervals)).toEqual([
      ['2025-03-09T05:00:00.000Z', '2025-03-09T05:30:00.000Z'],
      ['2025-03-09T05:30:00.000Z', '2025-03-09T06:00:00.000Z'],
      ['2025-03-09T06:00:00.000Z', '2025-03-09T06:10:00.000Z'],
    ]);
  });
});
