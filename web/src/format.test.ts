import { describe, expect, it } from 'vitest';
import { NO_DATA, describeDuration, formatCount, formatDuration, makeFormatters } from './format';

describe('formatDuration', () => {
  it('shows minutes and seconds under an hour and hours beyond', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(59.6)).toBe('1:00');
    expect(formatDuration(3599.5)).toBe('1:00:00');
    expect(formatDuration(36_000 + 59 * 60 + 9)).toBe('10:59:09');
  });

  it('shows "no data" for a figure Connect could not compute, never zero', () => {
    expect(formatDuration(null)).toBe(NO_DATA);
    expect(formatCount(null)).toBe(NO_DATA);
    expect(formatCount(0)).toBe('0');
  });
});

describe('describeDuration', () => {
  it('says a duration in words, leaving out the parts that are zero', () => {
    expect(describeDuration(0)).toBe('0 seconds');
    expect(describeDuration(1)).toBe('1 second');
    expect(describeDuration(65)).toBe('1 minute 5 seconds');
    expect(describeDuration(120)).toBe('2 minutes');
    expect(describeDuration(3600)).toBe('1 hour');
    expect(describeDuration(3725)).toBe('1 hour 2 minutes 5 seconds');
    expect(describeDuration(7201)).toBe('2 hours 1 second');
    expect(describeDuration(null)).toBe('no data');
  });
});

describe('makeFormatters and the time zone', () => {
  it("writes the board's zone when the browser knows it, and the browser's own when it does not", () => {
    const noon = Date.UTC(2026, 5, 1, 12, 0, 0);
    expect(makeFormatters('en-GB', 'Asia/Tokyo').clock(noon)).toBe('21:00:00');
    expect(makeFormatters('en-GB', 'Mars/Olympus_Mons').timeZone).toBe(
      Intl.DateTimeFormat().resolvedOptions().timeZone,
    );
  });
});
