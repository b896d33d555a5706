import { describe, expect, it } from 'vitest';
import { stuckFor, type Progress } from './stream.js';

/** A connection the stream has written `sent` bytes to: what it keeps of it (stuckFor). */
const written = (sent: number): Progress => ({ sent, taken: 0, stuckSince: null });

describe('stuckFor', () => {
  it('counts from the first look that finds bytes waiting and none taken since the look before', () => {
    const progress = written(1000);
    expect(stuckFor(progress, 200, 0)).toBe(0); // 800 taken: moving
    progress.sent += 500;
    expect(stuckFor(progress, 700, 2000)).toBe(0); // still 800 taken: stuck from now
    progress.sent += 500;
    expect(stuckFor(progress, 1200, 4000)).toBe(2000);
    expect(stuckFor(progress, 1200, 92_000)).toBe(90_000);
  });

  it('starts again whenever the connection takes some, however little, with bytes waiting all along', () => {
    const progress = written(1000);
    stuckFor(progress, 200, 0);
    stuckFor(progress, 200, 2000);
    expect(stuckFor(progress, 200, 60_000)).toBe(58_000);
    // One byte taken: 801.
    expect(stuckFor(progress, 199, 62_000)).toBe(0);
    expect(stuckFor(progress, 199, 64_000)).toBe(0);
    expect(stuckFor(progress, 199, 70_000)).toBe(6000);
  });

  it('is never stuck with nothing waiting', () => {
    const progress: Progress = { sent: 800, taken: 800, stuckSince: 0 };
    expect(stuckFor(progress, 0, 100_000)).toBe(0);
    expect(progress.stuckSince).toBeNull();
  });

  it('starts again from a clock that went back, rather than waiting for it to come round', () => {
    const progress: Progress = { sent: 1000, taken: 800, stuckSince: 50_000 };
    expect(stuckFor(progress, 200, 10_000)).toBe(0);
    expect(stuckFor(progress, 200, 30_000)).toBe(20_000);
  });
});
