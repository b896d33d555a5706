import { describe, expect, it } from 'vitest';
import { NO_DATA, formatCount, formatDuration } from './format';

describe('formatDuration', () => {
  it('shows minutes and seconds under an hour and hours beyond', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('shows "no data" for a figure Connect could not compute, never zero', () => {
    expect(formatDuration(null)).toBe(NO_DATA);
    expect(formatCount(null)).toBe(NO_DATA);
    expect(formatCount(0)).toBe('0');
  });
});
