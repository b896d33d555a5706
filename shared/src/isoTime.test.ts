import { describe, expect, it } from 'vitest';
import { readIsoTime, withOffsetPlus } from './isoTime.js';

describe('readIsoTime', () => {
  it('reads an ISO 8601 time with its offset, and names a day the month does not have', () => {
    expect(readIsoTime('2026-12-06T13:00:00+01:00')).toEqual({ ms: Date.parse('2026-12-06T12:00:00Z') });
    expect(readIsoTime('2026-12-06T12:00Z')).toEqual({ ms: Date.parse('2026-12-06T12:00:00Z') });
    for (const value of ['yesterday', '2026-12-06T12:00:00', '2026-12-06', '2026-13-45T99:00:00Z'])
      expect(readIsoTime(value)).toEqual({ problem: 'format' });
    expect(readIsoTime('2026-02-31T10:00:00Z')).toEqual({ problem: 'no_day', day: '2026-02-31' });
  });

  it('puts back the + of an offset that an address turned into a space', () => {
    expect(withOffsetPlus('2026-12-06T13:00:00 01:00')).toBe('2026-12-06T13:00:00+01:00');
    expect(withOffsetPlus('2026-12-06T13:00:00Z')).toBeNull();
  });
});
