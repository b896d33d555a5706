import { describe, expect, it } from 'vitest';
import {
  atLocalTime,
  isTimeZone,
  localDate,
  localDayLength,
  startOfLocalDay,
  startOfNextLocalDay,
  zoneOffsetMs,
} from './timeZone.js';

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('the local day', () => {
  it('starts at local midnight east and west of Greenwich, not at UTC midnight', () => {
    const at = Date.parse('2026-11-24T03:30:00Z');
    expect(iso(startOfLocalDay(at, 'UTC'))).toBe('2026-11-24T00:00:00.000Z');
    expect(iso(startOfLocalDay(at, 'America/New_York'))).toBe('2026-11-23T05:00:00.000Z');
    expect(iso(startOfLocalDay(at, 'Asia/Kolkata'))).toBe('2026-11-23T18:30:00.000Z');
    expect(iso(startOfLocalDay(at, 'Pacific/Auckland'))).toBe('2026-11-23T11:00:00.000Z');
    expect(localDate(at, 'America/New_York')).toBe('2026-11-23');
  });

  it('knows midnight on a day whose clocks change later in the night', () => {
    // London moves to summer time at 01:00 UTC on 29 March 2026: midnight that day is still on GMT.
    expect(iso(startOfLocalDay(Date.parse('2026-03-29T20:00:00Z'), 'Europe/London'))).toBe(
      '2026-03-29T00:00:00.000Z',
    );
    expect(iso(startOfLocalDay(Date.parse('2026-03-30T20:00:00Z'), 'Europe/London'))).toBe(
      '2026-03-29T23:00:00.000Z',
    );
    expect(zoneOffsetMs(Date.parse('2026-07-01T12:00:00Z'), 'Europe/London')).toBe(HOUR);
  });

  // Each of these zones moved its clocks from 00:00 to 01:00: there was no midnight, the day began at 01:00.
  it.each([
    ['America/Santiago', '2025-09-07T12:00:00Z', '2025-09-07T04:00:00.000Z'],
    ['America/Havana', '2025-03-09T12:00:00Z', '2025-03-09T05:00:00.000Z'],
    ['America/Asuncion', '2024-10-06T12:00:00Z', '2024-10-06T04:00:00.000Z'],
  ])('starts the spring-forward day in %s at 01:00, not an hour early', (zone, at, start) => {
    const now = Date.parse(at);
    expect(iso(startOfLocalDay(now, zone))).toBe(start);
    expect(localDate(startOfLocalDay(now, zone), zone)).toBe(at.slice(0, 10));
    // The instant before belongs to the day before.
    expect(localDate(startOfLocalDay(now, zone) - 1, zone)).not.toBe(at.slice(0, 10));
    expect(localDayLength(now, zone)).toBe(23 * HOUR);
  });

  it.each([
    // Santiago goes back from 00:00 to 23:00 on 5 April 2025; Havana from 01:00 to 00:00 on 2 November 2025.
    ['America/Santiago', '2025-04-05T12:00:00Z', '2025-04-05T03:00:00.000Z', '2025-04-06T04:00:00.000Z'],
    ['America/Havana', '2025-11-02T12:00:00Z', '2025-11-02T04:00:00.000Z', '2025-11-03T05:00:00.000Z'],
  ])('gives the fall-back day in %s all 25 hours', (zone, at, start, next) => {
    const now = Date.parse(at);
    expect(iso(startOfLocalDay(now, zone))).toBe(start);
    expect(iso(startOfNextLocalDay(now, zone))).toBe(next);
    expect(localDayLength(now, zone)).toBe(25 * HOUR);
  });

  it('finds a wall-clock time on the local day, and moves one the clocks skip past the gap', () => {
    const now = Date.parse('2026-11-24T03:30:00Z');
    expect(iso(atLocalTime(now, 10, 30, 'America/New_York'))).toBe('2026-11-23T15:30:00.000Z');
    // 00:30 did not exist in Santiago on 7 September 2025: it is read as 01:30.
    expect(iso(atLocalTime(Date.parse('2025-09-07T12:00:00Z'), 0, 30, 'America/Santiago'))).toBe(
      '2025-09-07T04:30:00.000Z',
    );
  });
});

describe('time zone names', () => {
  it('accepts IANA names and UTC, and refuses others', () => {
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('America/Santiago')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone('Europe/Lundon')).toBe(false);
  });
});
