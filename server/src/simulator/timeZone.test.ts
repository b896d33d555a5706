import { describe, expect, it } from 'vitest';
import { localMidnight, zoneOffsetMs } from './timeZone.js';

describe('local time', () => {
  it('finds local midnight east and west of Greenwich', () => {
    const at = Date.parse('2026-11-24T03:30:00Z');
    expect(localMidnight(at, 'UTC')).toBe(Date.parse('2026-11-24T00:00:00Z'));
    // 03:30 UTC is still the 23rd in New York (UTC-5 in November).
    expect(localMidnight(at, 'America/New_York')).toBe(Date.parse('2026-11-23T05:00:00Z'));
    // …and already the 24th, since 13:00 the day before (UTC), in Auckland (UTC+13 in summer).
    expect(localMidnight(at, 'Pacific/Auckland')).toBe(Date.parse('2026-11-23T11:00:00Z'));
  });

  it('knows midnight on the day the clocks change', () => {
    // London moves to summer time at 01:00 UTC on 29 March 2026: midnight that day is still on GMT.
    expect(localMidnight(Date.parse('2026-03-29T20:00:00Z'), 'Europe/London')).toBe(
      Date.parse('2026-03-29T00:00:00Z'),
    );
    // The day after, midnight is 23:00 UTC the evening before.
    expect(localMidnight(Date.parse('2026-03-30T20:00:00Z'), 'Europe/London')).toBe(
      Date.parse('2026-03-29T23:00:00Z'),
    );
    expect(zoneOffsetMs(Date.parse('2026-07-01T12:00:00Z'), 'Europe/London')).toBe(3_600_000);
  });
});
