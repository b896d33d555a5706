import { describe, expect, it } from 'vitest';
import { stuckFor, type Progress } from './stream.js';

/** A connection's counters as Node keeps them: bytes written in all, and those still waiting to be taken. */
const socket = (bytesWritten: number, writableLength: number) => ({ bytesWritten, writableLength });

describe('stuckFor', () => {
  it('counts from the first look that finds bytes waiting and none taken since the look before', () => {
    const progress: Progress = { taken: 0, stuckSince: null };
    expect(stuckFor(progress, socket(1000, 200), 0)).toBe(0); // 800 taken: moving
    expect(stuckFor(progress, socket(1500, 700), 2000)).toBe(0); // still 800 taken: stuck from now
    expect(stuckFor(progress, socket(2000, 1200), 4000)).toBe(2000);
    expect(stuckFor(progress, socket(2500, 1700), 92_000)).toBe(90_000);
  });

  it('starts again whenever the connection takes some, however little, with bytes waiting all along', () => {
    const progress: Progress = { taken: 0, stuckSince: null };
    stuckFor(progress, socket(1000, 200), 0);
    stuckFor(progress, socket(1500, 700), 2000);
    expect(stuckFor(progress, socket(1500, 700), 60_000)).toBe(58_000);
    // One byte taken: 801.
    expect(stuckFor(progress, socket(2000, 1199), 62_000)).toBe(0);
    expect(stuckFor(progress, socket(2000, 1199), 64_000)).toBe(0);
    expect(stuckFor(progress, socket(2000, 1199), 70_000)).toBe(6000);
  });

  it('is never stuck with nothing waiting, nor without a connection', () => {
    const progress: Progress = { taken: 800, stuckSince: 0 };
    expect(stuckFor(progress, socket(800, 0), 100_000)).toBe(0);
    expect(progress.stuckSince).toBeNull();
    expect(stuckFor({ taken: 0, stuckSince: 0 }, null, 100_000)).toBe(0);
  });

  it('starts again from a clock set back, rather than waiting for it to come round', () => {
    const progress: Progress = { taken: 800, stuckSince: 50_000 };
    expect(stuckFor(progress, socket(1000, 200), 10_000)).toBe(0);
    expect(stuckFor(progress, socket(1000, 200), 30_000)).toBe(20_000);
  });
});
