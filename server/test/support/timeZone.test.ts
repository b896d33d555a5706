import { describe, expect, it } from 'vitest';
import { zoneWhereItIs } from './timeZone.js';

const localHour = (ms: number, timeZone: string) =>
  Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone }).format(ms));

describe('a time zone where it is a given hour now', () => {
  it('is that hour there, whatever the hour in UTC', () => {
    const midnight = Date.UTC(2026, 11, 5);
    for (let utc = 0; utc < 24; utc += 1) {
      const now = midnight + utc * 3_600_000 + 17 * 60_000;
      for (const wanted of [0, 11, 14, 23]) expect(localHour(now, zoneWhereItIs(wanted, now))).toBe(wanted);
    }
  });
});
