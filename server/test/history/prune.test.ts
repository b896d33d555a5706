import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { History } from '../../src/history/recorder.js';
import { capturedLogger, generationsIn, view } from './support.js';

const HOUR = 3600_000;
/** A moment of the test's own: generation numbers are the hours since it. */
const T0 = Date.parse('2026-11-02T00:00:00Z');

/** A store keeping `retentionDays`, on a clock the test sets, with its log read by the test. */
function store(retentionDays: number) {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-prune-'));
  let now = T0;
  const { logger, lines } = capturedLogger();
  const open = () =>
    History.open({
      dataDir: dir,
      retentionDays,
      keyframeMs: 60_000,
      flushMs: 600_000,
      logger,
      clock: () => now,
    });
  const s = {
    dir,
    history: open(),
    lines,
    /** Records one generation, whole, at `hours` after T0 on the clock. */
    async recordAt(hours: number) {
      now = T0 + hours * HOUR;
      s.history.record('i', view(hours), null);
      await s.history.flush();
    },
    setClock(hours: number) {
      now = T0 + hours * HOUR;
    },
    /** The server stopped, and started again at `hours`. */
    async restartAt(hours: number) {
      await s.history.close();
      now = T0 + hours * HOUR;
      s.history = open();
      // The prune at start, answered.
      await s.history.prune();
    },
  };
  return s;
}

describe('removing old days', () => {
  it('removes what is older than the retention and keeps the rest', async () => {
    const s = store(2);
    for (const hours of [0, 24, 40, 60, 70, 80]) await s.recordAt(hours);
    // At 96 h: the cutoff is 48 h.
    s.setClock(96);
    await s.history.prune();
    expect(generationsIn(s.dir)).toEqual([60, 70, 80]);
    expect(s.lines.join('')).not.toContain('clock may be set ahead');
    await s.history.close();
  });

  it('keeps everything when a clock set far ahead makes it all look older than the retention', async () => {
    const s = store(7);
    for (const hours of [0, 24, 48, 72]) await s.recordAt(hours);
    // The clock jumps 30 days ahead (a host's wrong battery clock before NTP, say), and the server records on.
    await s.recordAt(72 + 30 * 24);
    await s.history.prune();
    expect(generationsIn(s.dir)).toEqual([0, 24, 48, 72, 792]);
    expect(s.lines.join('')).toContain('the clock may be set ahead');

    // The clock put right: recording goes on after the last real moment, and nothing was lost.
    await s.recordAt(73);
    await s.history.prune();
    expect(generationsIn(s.dir)).toEqual([0, 24, 48, 72, 73, 792]);
    await s.history.close();
  });

  it('prunes again once a record is half a day old at the new clock, after a server stopped past its retention', async () => {
    const s = store(1);
    for (const hours of [0, 10, 20]) await s.recordAt(hours);
    // Stopped for ten days, then recording again: at first the old records are kept…
    await s.restartAt(260);
    await s.recordAt(260);
    await s.history.prune();
    expect(generationsIn(s.dir)).toEqual([0, 10, 20, 260]);
    await s.recordAt(272);
    await s.history.prune();
    expect(generationsIn(s.dir)).toEqual([0, 10, 20, 260, 272]);
    // …until one recorded at this clock is half a day old (half the retention of one day): then they go.
    await s.recordAt(273);
    await s.history.prune();
    expect(generationsIn(s.dir)).toEqual([260, 272, 273]);
    await s.history.close();
  });

  it('keeps old days for a day at most, across restarts, for a server that runs in short sessions', async () => {
    const s = store(1);
    // Ten hours every other day: no session reaches the half day the hole is looked for in.
    for (let hours = 0; hours <= 9; hours += 3) await s.recordAt(hours);
    await s.restartAt(48);
    for (let hours = 48; hours <= 57; hours += 3) await s.recordAt(hours);
    await s.history.prune();
    expect(generationsIn(s.dir)[0]).toBe(0);
    expect(s.lines.join('')).toContain('the clock may be set ahead');
    // Two days later, the hold first seen at 48 h has lasted more than a day: the first session goes, and the
    // second, older than the retention too.
    await s.restartAt(96);
    await s.recordAt(96);
    expect(generationsIn(s.dir)).toEqual([96]);
    await s.history.close();
  });

  it('keeps a day recorded without a hole, with a retention of one day', async () => {
    const s = store(1);
    for (let hours = 0; hours <= 30; hours += 2) await s.recordAt(hours);
    await s.history.prune();
    // The cutoff is 6 h: what is before it goes, whatever the window looked at.
    expect(generationsIn(s.dir)[0]).toBe(6);
    await s.history.close();
  });
});
