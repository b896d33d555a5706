import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { diffView, type Snapshot } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { History, type DropReason, type HistoryOptions } from '../../src/history/recorder.js';
import { driverLoads, sqliteDriver, type DriverName } from '../../src/history/sqlite.js';
import { createLogger } from '../../src/logger.js';
import { capturedLogger, view } from './support.js';

/** Each driver this Node.js loads: better-sqlite3 where it was built for it, node:sqlite from Node 22.13. */
const drivers = (['better-sqlite3', 'node:sqlite'] as const satisfies DriverName[]).filter(driverLoads);

/** A store on `driver` keeping a week, in a new directory unless `options` names one, with `options` on top. */
const openOn = (
  driver: DriverName,
  options: Omit<HistoryOptions, 'dataDir' | 'retentionDays' | 'driver'> & { dataDir?: string },
) =>
  History.open({
    dataDir: mkdtempSync(join(tmpdir(), 'switchboard-rec-')),
    retentionDays: 7,
    driver,
    ...options,
  });

/** A store on `driver` in `dataDir`, flushed by hand, on `clock`, and the lines it logs. */
const openLogged = (driver: DriverName, dataDir: string, clock: () => number) => {
  const { logger, lines } = capturedLogger();
  const history = openOn(driver, { dataDir, keyframeMs: 60_000, flushMs: 600_000, logger, clock });
  return { history, lines };
};

/** The damaged files set aside in `dataDir`, with their logs, by name. */
const setAsideIn = (dataDir: string) =>
  readdirSync(dataDir)
    .filter((name) => name.includes('.damaged-'))
    .sort();

describe.each(drivers)('History on %s', (driver) => {
  /** A store of its own in a new directory, on this driver, keeping a week, with `options` on top. */
  const openHistory = (options: Omit<HistoryOptions, 'dataDir' | 'retentionDays' | 'driver'>) =>
    openOn(driver, options);

  it("replays what earlier releases recorded without its queues' ARNs, which name the AWS account", async () => {
    let now = 1_000_000;
    const history = openHistory({
      keyframeMs: 10_000,
      flushMs: 60_000,
      logger: createLogger('silent'),
      clock: () => now,
    });
    // As an earlier release recorded them: every queue with its ARN, in keyframes and in patches.
    const withArns = (snapshot: Snapshot): Snapshot => ({
      ...snapshot,
      queues: snapshot.queues.map((queue) => ({
        ...queue,
        arn: `arn:aws:connect:eu-west-2:123456789012:instance/i/queue/${queue.id}`,
      })),
    });
    let previous: Snapshot | null = null;
    for (let g = 1; g <= 12; g += 1) {
      const next = withArns(view(g));
      history.record('i', next, previous ? diffView(previous, next) : null);
      previous = next;
      now += 2000;
    }
    await history.flush();
    for (const g of [1, 6, 12]) {
      const found = history.reader.viewAt('i', 1_000_000 + (g - 1) * 2000 + 500);
      if ('gap' in found) throw new Error(`generation ${g} not replayed`);
      expect(found.view).toEqual(view(g));
      expect(JSON.stringify(found.view)).not.toContain('123456789012');
    }
    await history.close();
  });

  it('replays every generation from keyframes and patches, and counts stale and failing ones on the timeline', async () => {
    let now = 1_000_000;
    const history = openHistory({
      keyframeMs: 10_000,
      flushMs: 60_000,
      logger: createLogger('silent'),
      clock: () => now,
    });
    let previous: Snapshot | null = null;
    for (let g = 1; g <= 30; g += 1) {
      const next = view(g, g >= 10 && g < 15, g === 20);
      history.record('i', next, previous ? diffView(previous, next) : null);
      previous = next;
      now += 2000;
      if (g % 7 === 0) await history.flush();
    }
    await history.flush();
    // Forward one generation at a time (as replay plays), then backward, then jumping about: the same views.
    const order = [
      ...Array.from({ length: 30 }, (_, i) => i + 1),
      ...Array.from({ length: 30 }, (_, i) => 30 - i),
      ...[7, 3, 12, 11, 29, 1, 16, 14, 22, 5],
    ];
    for (const g of order) {
      const found = history.reader.viewAt('i', 1_000_000 + (g - 1) * 2000 + 500);
      if ('gap' in found) throw new Error(`generation ${g} not replayed`);
      expect(found.view).toEqual(view(g, g >= 10 && g < 15, g === 20));
    }
    // The patches between keyframes were closed into segments, and still replay one by one.
    expect(history.driver).toBe(driver);
    const db = sqliteDriver(driver).open(history.path, { readonly: true });
    const kinds = db
      .prepare<{ kind: number; n: number }>('SELECT kind, count(*) AS n FROM frames GROUP BY kind')
      .all();
    db.close();
    expect(kinds.find((row) => row.kind === 2)?.n).toBeGreaterThan(2);
    const timeline = history.reader.timeline('i', 1_000_000, now, 20_000);
    // 30 generations 2 s apart in buckets of 20 s: three buckets of ten, each starting on its boundary.
    expect(timeline.buckets.map((bucket) => [bucket.at, bucket.generations])).toEqual(
      [0, 1, 2].map((k) => [new Date(1_000_000 + k * 20_000).toISOString(), 10]),
    );
    expect(timeline.buckets.reduce((sum, bucket) => sum + bucket.generations, 0)).toBe(30);
    expect(timeline.buckets.reduce((sum, bucket) => sum + bucket.stale, 0)).toBe(5);
    expect(timeline.buckets.flatMap((bucket) => bucket.errors)).toEqual(['queues']);
    // Past the last generation by more than a minute, nothing was recorded.
    expect('gap' in history.reader.viewAt('i', now + 120_000)).toBe(true);
    await history.close();
  });

  it('replays the minute still being recorded, and carries on from there as more is written', async () => {
    let now = 5_000_000;
    const history = openHistory({
      keyframeMs: 60_000,
      flushMs: 60_000,
      logger: createLogger('silent'),
      clock: () => now,
    });
    const at = (g: number) => 5_000_000 + (g - 1) * 2000 + 500;
    let previous: Snapshot | null = null;
    const record = async (from: number, to: number) => {
      for (let g = from; g <= to; g += 1) {
        const next = view(g);
        history.record('i', next, previous ? diffView(previous, next) : null);
        previous = next;
        now += 2000;
      }
      await history.flush();
    };
    const replayed = (g: number) => {
      const found = history.reader.viewAt('i', at(g));
      if ('gap' in found) throw new Error(`generation ${g} not replayed`);
      return found.view.generation;
    };
    // The first minute's patches are still one row each: no keyframe has closed them into a segment.
    await record(1, 12);
    expect(replayed(12)).toBe(12);
    // More of the same minute, then past the next keyframe, which closes the first minute into a segment.
    await record(13, 20);
    expect(replayed(20)).toBe(20);
    expect(replayed(14)).toBe(14);
    await record(21, 45);
    expect(replayed(29)).toBe(29);
    expect(replayed(45)).toBe(45);
    expect(replayed(31)).toBe(31);
    for (let g = 1; g <= 45; g += 1) expect(replayed(g)).toBe(g);
    await history.close();
  });

  it('drops history, never blocks, when the disk is behind, and replays again from the next whole view', async () => {
    const WRITER_DELAY_MS = 300;
    const drops: DropReason[] = [];
    const history = openHistory({
      keyframeMs: 3600_000,
      flushMs: 60_000,
      maxInFlight: 1,
      maxQueued: 5,
      writerDelayMs: WRITER_DELAY_MS,
      logger: createLogger('silent'),
      onDrop: (reason, generations) => drops.push(...Array<DropReason>(generations).fill(reason)),
    });
    let previous = view(1);
    history.record('i', previous, null);
    const record = (g: number) => {
      const next = view(g);
      const started = performance.now();
      history.record('i', next, diffView(previous, next));
      previous = next;
      // Appending is all the stream's path does: it never waits for the writer, which takes 300 ms a batch
      // here. (A bound on what waiting would take, not a speed target: a busy machine stretches both.)
      expect(performance.now() - started).toBeLessThan(WRITER_DELAY_MS / 2);
    };
    const slowWrite = history.flush();
    for (let g = 2; g <= 8; g += 1) record(g); // 2..6 queued, 7 and 8 dropped: the queue is full
    await history.flush(); // the writer is still on the first batch: 2..6 are dropped
    await slowWrite;
    record(9);
    await history.flush();
    expect(drops.filter((reason) => reason === 'queue_full')).toHaveLength(2);
    expect(drops.filter((reason) => reason === 'disk_slow')).toHaveLength(5);
    // Generation 9 went whole: it replays although the ones before it were dropped.
    const found = history.reader.viewAt('i', Date.now());
    if ('gap' in found) throw new Error('nothing replayed');
    expect(found.view.generation).toBe(9);
    await history.close();
  });

  /** Every generation the timeline counts as recorded replays as itself, and nothing else is counted. */
  const expectEveryGenerationReplays = (history: History, expected: number[]) => {
    const db = sqliteDriver(driver).open(history.path, { readonly: true });
    const rows = db
      .prepare<{ at: number; generation: number }>(
        'SELECT at, generation FROM generations ORDER BY at, generation',
      )
      .all();
    db.close();
    expect(rows.map((row) => row.generation)).toEqual(expected);
    for (const row of rows) {
      const found = history.reader.viewAt('i', row.at);
      if ('gap' in found) throw new Error(`generation ${row.generation} not replayed`);
      expect(found.view).toEqual(view(row.generation));
    }
  };

  it('records the first generation after a full queue whole, not one queued before the drop', async () => {
    let now = 2_000_000;
    const drops: DropReason[] = [];
    const history = openHistory({
      keyframeMs: 3600_000,
      flushMs: 60_000,
      maxQueued: 5,
      logger: createLogger('silent'),
      clock: () => now,
      onDrop: (reason, generations) => drops.push(...Array<DropReason>(generations).fill(reason)),
    });
    let previous = view(1);
    history.record('i', previous, null);
    await history.flush();
    const record = (g: number) => {
      now += 2000;
      const next = view(g);
      history.record('i', next, diffView(previous, next));
      previous = next;
    };
    for (let g = 2; g <= 8; g += 1) record(g); // 2..6 queued, 7 and 8 dropped: the queue is full
    await history.flush();
    record(9);
    record(10);
    await history.flush();
    expect(drops).toEqual(['queue_full', 'queue_full']);
    const found = history.reader.viewAt('i', now);
    if ('gap' in found) throw new Error('nothing replayed');
    expect(found.view).toEqual(view(10));
    // Past the minute after 6, the last generation before the drop, 9 and 10 still replay.
    now += 120_000;
    expectEveryGenerationReplays(history, [1, 2, 3, 4, 5, 6, 9, 10]);
    await history.close();
  });

  it('after a failed write, drops the patches already on their way to the disk and records the next generation whole', async () => {
    let now = 3_000_000;
    const drops: DropReason[] = [];
    const history = openHistory({
      keyframeMs: 3600_000,
      flushMs: 60_000,
      logger: createLogger('silent'),
      clock: () => now,
      onDrop: (reason, generations) => drops.push(...Array<DropReason>(generations).fill(reason)),
    });
    let previous = view(1);
    history.record('i', previous, null);
    await history.flush();
    // A write that fails whenever it holds generation 3, as a full disk would, and rolls its batch back.
    const db = sqliteDriver(driver).open(history.path);
    db.exec(
      "CREATE TRIGGER fail_write BEFORE INSERT ON generations WHEN NEW.generation = 3 BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    db.close();
    const record = (g: number) => {
      now += 2000;
      const next = view(g);
      history.record('i', next, diffView(previous, next));
      previous = next;
    };
    record(2);
    record(3);
    const failing = history.flush(); // 2 and 3: fails
    record(4);
    record(5);
    const inFlight = history.flush(); // sent before the failure is known: 4 and 5 are patches on 3
    record(6); // queued before the failure is known
    await Promise.all([failing, inFlight]);
    record(7);
    await history.flush();
    // 2 and 3 were lost with the write, and 4 and 5 with them: their patches apply to 3. 6 is whole.
    expectEveryGenerationReplays(history, [1, 6, 7]);
    expect(drops).toEqual(Array<DropReason>(4).fill('write_failed'));
    await history.close();
  });
});

describe.each(drivers)('History on %s, with the clock stepped back', (driver) => {
  it('replays each generation recorded after the step as itself, not the view before it', async () => {
    let now = 9_000_000;
    const history = openOn(driver, {
      keyframeMs: 60_000,
      flushMs: 60_000,
      logger: createLogger('silent'),
      clock: () => now,
    });
    const recordedAt = new Map<number, number>();
    let previous: Snapshot | null = null;
    const record = (g: number) => {
      const next = view(g);
      recordedAt.set(g, now);
      history.record('i', next, previous ? diffView(previous, next) : null);
      previous = next;
      now += 2000;
    };
    for (let g = 1; g <= 10; g += 1) record(g);
    await history.flush();
    // An NTP step of 10 s back: the generations after it are recorded at moments already recorded once.
    now -= 10_000;
    for (let g = 11; g <= 20; g += 1) record(g);
    await history.flush();
    // Then half an hour back: moments before anything was recorded.
    now -= 1800_000;
    for (let g = 21; g <= 30; g += 1) record(g);
    await history.flush();
    // The moments after the last one recorded before each step are the new generations' alone.
    for (const g of [16, 18, 20, ...Array.from({ length: 10 }, (_, i) => 21 + i)]) {
      const found = history.reader.viewAt('i', (recordedAt.get(g) ?? 0) + 500);
      if ('gap' in found) throw new Error(`generation ${g} not replayed`);
      expect(found.view.generation).toBe(g);
    }
    await history.close();
  });

  it("records a generation at the moment it was made, so ?at= its own time or an alert's raised on it finds it", async () => {
    let now = 50_000_000;
    const history = openOn(driver, {
      keyframeMs: 60_000,
      flushMs: 60_000,
      logger: createLogger('silent'),
      clock: () => now,
    });
    let previous: Snapshot | null = null;
    const made = new Map<number, number>();
    for (let g = 1; g <= 5; g += 1) {
      // Made by the poller at `now`; the alerts are stepped on it and its boards projected before it reaches
      // the recorder, 40 ms later.
      const next = { ...view(g), generatedAt: new Date(now).toISOString() };
      made.set(g, now);
      now += 40;
      history.record('i', next, previous ? diffView(previous, next) : null);
      previous = next;
      now += 1960;
    }
    // Made by a host whose clock is ten minutes off: recorded at this clock's time instead.
    const skewed = { ...view(6), generatedAt: new Date(now - 600_000).toISOString() };
    const skewedAt = now + 40;
    now += 40;
    history.record('i', skewed, previous ? diffView(previous, skewed) : null);
    await history.flush();
    for (const g of [2, 3, 4, 5]) {
      const at = made.get(g) ?? 0;
      // Its own time, an alert event stamped 20 ms into serving it, and the moment before it was made.
      for (const [moment, expected] of [
        [at, g],
        [at + 20, g],
        [at - 1, g - 1],
      ] as const) {
        const found = history.reader.viewAt('i', moment);
        if ('gap' in found) throw new Error(`nothing at ${moment}`);
        expect(found.view.generation).toBe(expected);
      }
    }
    const before = history.reader.viewAt('i', skewedAt - 1);
    const after = history.reader.viewAt('i', skewedAt);
    if ('gap' in before || 'gap' in after) throw new Error('the skewed generation was not recorded');
    expect([before.view.generation, after.view.generation]).toEqual([5, 6]);
    await history.close();
  });
});

describe.each(drivers)('History on %s, with its directory removed while running', (driver) => {
  it('makes a new file at its path, says so, and replays what is recorded after', async () => {
    let now = 20_000_000;
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-rec-'));
    const { history, lines } = openLogged(driver, dataDir, () => now);
    let previous: Snapshot | null = null;
    const record = async (g: number) => {
      const next = view(g);
      history.record('i', next, previous ? diffView(previous, next) : null);
      previous = next;
      await history.flush();
      now += 2000;
    };
    await record(1);
    await record(2);
    // A clean-up removes the data directory, the history file with it.
    rmSync(dataDir, { recursive: true, force: true });
    now += 60_000;
    const at = now;
    await record(3);
    await record(4);
    expect(existsSync(history.path)).toBe(true);
    expect(lines.join('')).toMatch(/history file removed or replaced while running/);
    const found = history.reader.viewAt('i', at + 2500);
    if ('gap' in found) throw new Error('generation 4 not replayed');
    expect(found.view.generation).toBe(4);
    expect(history.error).toBeNull();
    // Removed again, and a file put where the directory was: no new one can be made, and /readyz says so.
    rmSync(dataDir, { recursive: true, force: true });
    writeFileSync(dataDir, '');
    now += 60_000;
    await record(5);
    expect(history.error).toMatch(/was removed while the server ran and cannot be made again/);
    expect(lines.join('')).toMatch(/a new one cannot be made/);
    rmSync(dataDir);
    await history.close();
  });
});

describe.each(drivers)('History on %s, with a file a crash damaged', (driver) => {
  it('starts on a new file, keeping the damaged one aside, rather than refusing to start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-rec-'));
    const damaged = 'SQLite format 3\0' + 'lost sectors '.repeat(400);
    writeFileSync(join(dataDir, 'history.sqlite'), damaged);
    // A write-ahead log of the damaged file, which must not be applied to the new one.
    writeFileSync(join(dataDir, 'history.sqlite-wal'), 'stale log');
    const { history, lines } = openLogged(driver, dataDir, () => 30_000_000);
    history.record('i', view(1), null);
    await history.flush();
    const found = history.reader.viewAt('i', 30_000_500);
    if ('gap' in found) throw new Error('generation 1 not replayed');
    expect(found.view.generation).toBe(1);
    await history.close();
    const aside = readdirSync(dataDir).filter((name) => name.includes('.damaged-'));
    expect(aside.find((name) => !name.endsWith('-wal'))).toBeDefined();
    const kept = aside.find((name) => !name.endsWith('-wal')) ?? '';
    expect(readFileSync(join(dataDir, kept), 'utf8')).toBe(damaged);
    expect(lines.join('')).toMatch(/history file damaged/);
  });
});

describe.each(drivers)('History on %s, with damaged files set aside', (driver) => {
  it('removes those set aside longer ago than the retention, with their logs, at its hourly removal', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-rec-'));
    const now = Date.parse('2026-06-01T12:00:00.000Z');
    const aside = (daysAgo: number, base = 'history.sqlite') =>
      `${base}.damaged-${new Date(now - daysAgo * 86_400_000).toISOString().replace(/[:.]/g, '-')}`;
    const old = aside(8);
    const recent = aside(6);
    const ahead = aside(-1);
    const another = aside(30, 'other.sqlite');
    for (const name of [old, `${old}-wal`, `${old}-shm`, recent, `${recent}-wal`, ahead, another])
      writeFileSync(join(dataDir, name), 'lost sectors');
    const { history, lines } = openLogged(driver, dataDir, () => now);
    await history.prune();
    await history.close();
    // A week kept (openOn): the one set aside 8 days ago goes, with its logs; the rest stay.
    expect(setAsideIn(dataDir)).toEqual([recent, `${recent}-wal`, ahead, another].sort());
    expect(lines.join('')).toMatch(/removed 3 damaged file\(s\) set aside longer ago than the retention/);
  });

  it('names a file it sets aside by its own clock, so its retention counts from then', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-rec-'));
    writeFileSync(join(dataDir, 'history.sqlite'), 'SQLite format 3\0' + 'lost sectors '.repeat(400));
    let now = Date.parse('2026-06-01T12:00:00.000Z');
    const first = openLogged(driver, dataDir, () => now);
    await first.history.close();
    const setAside = 'history.sqlite.damaged-2026-06-01T12-00-00-000Z';
    expect(readdirSync(dataDir)).toContain(setAside);
    // Another set aside a day later, so the first is not the latest.
    const later = 'history.sqlite.damaged-2026-06-02T12-00-00-000Z';
    writeFileSync(join(dataDir, later), 'lost sectors');
    now += 6 * 86_400_000;
    const second = openLogged(driver, dataDir, () => now);
    await second.history.prune();
    expect(readdirSync(dataDir)).toContain(setAside);
    now += 2 * 86_400_000;
    await second.history.prune();
    await second.history.close();
    expect(setAsideIn(dataDir)).toEqual([later]);
  });

  it('keeps the latest set aside, however old its name says it is', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-rec-'));
    // Named by a clock a month behind (a host back from a power cut before its clock was put right).
    const latest = 'history.sqlite.damaged-2026-05-01T12-00-00-000Z';
    const older = 'history.sqlite.damaged-2026-04-01T12-00-00-000Z';
    for (const name of [latest, `${latest}-wal`, older]) writeFileSync(join(dataDir, name), 'lost sectors');
    const { history } = openLogged(driver, dataDir, () => Date.parse('2026-06-01T12:00:00.000Z'));
    await history.prune();
    await history.close();
    expect(setAsideIn(dataDir)).toEqual([latest, `${latest}-wal`]);
  });
});

describe.each(drivers)('History on %s, with a table a lost sector damaged', (driver) => {
  it('moves the file aside when its writes find it damaged, and records into a new one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-rec-'));
    let now = 50_000_000;
    const before = openOn(driver, {
      dataDir,
      keyframeMs: 60_000,
      flushMs: 600_000,
      logger: createLogger('silent'),
      clock: () => now,
    });
    before.record('i', view(1), null);
    await before.flush();
    await before.close();
    // The generations table's root page overwritten: the file opens (its schema is whole), its writes fail.
    const path = join(dataDir, 'history.sqlite');
    const db = sqliteDriver(driver).open(path);
    const root = db
      .prepare<{ rootpage: number }>("SELECT rootpage FROM sqlite_master WHERE name = 'generations'")
      .get()?.rootpage;
    const pageSize = db.prepare<{ page_size: number }>('PRAGMA page_size').get()?.page_size;
    db.close();
    if (!root || !pageSize) throw new Error('no generations table');
    const file = openSync(path, 'r+');
    writeSync(file, Buffer.alloc(pageSize, 0xff), 0, pageSize, (root - 1) * pageSize);
    closeSync(file);

    const { history, lines } = openLogged(driver, dataDir, () => now);
    now += 2000;
    history.record('i', view(2), null);
    await history.flush();
    expect(lines.join('')).toMatch(
      /history file damaged while running .*kept as .*damaged-.*recording into a new one/,
    );
    expect(history.error).toBeNull();
    now += 2000;
    history.record('i', view(3), null);
    await history.flush();
    const found = history.reader.viewAt('i', now + 500);
    if ('gap' in found) throw new Error('generation 3 not replayed');
    expect(found.view.generation).toBe(3);
    await history.close();
    const aside = readdirSync(dataDir).filter(
      (name) => name.includes('.damaged-') && !/-(wal|shm)$/.test(name),
    );
    expect(aside).toHaveLength(1);
  });
});

describe.each(drivers)('History on %s, on a disk that refuses writes', (driver) => {
  it('says so (for /readyz) while its writes fail, and no longer once one is written', async () => {
    let now = 40_000_000;
    const history = openOn(driver, {
      keyframeMs: 60_000,
      flushMs: 600_000,
      logger: createLogger('silent'),
      clock: () => now,
    });
    const record = async (g: number) => {
      history.record('i', view(g), null);
      await history.flush();
      now += 2000;
    };
    await record(1);
    expect(history.error).toBeNull();
    // A full disk (or one remounted read-only): every write fails.
    const db = sqliteDriver(driver).open(history.path);
    db.exec(
      "CREATE TRIGGER full BEFORE INSERT ON generations BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    );
    await record(2);
    expect(history.error).toMatch(/history is not being written.*database or disk is full/);
    db.exec('DROP TRIGGER full');
    db.close();
    await record(3);
    expect(history.error).toBeNull();
    await history.close();
  });
});

describe.each(drivers)('History on %s, on a disk nearly full', (driver) => {
  it('pauses recording under the space kept free, says why, and resumes once there is room', async () => {
    let now = 60_000_000;
    let free = 50_000_000;
    const asked: string[] = [];
    const drops: [string, number][] = [];
    const history = openOn(driver, {
      keyframeMs: 60_000,
      flushMs: 600_000,
      logger: createLogger('silent'),
      clock: () => now,
      minFreeBytes: 200_000_000,
      freeBytes: (dir) => {
        asked.push(dir);
        return Promise.resolve(free);
      },
      onDrop: (reason, generations) => drops.push([reason, generations]),
    });
    const record = async (g: number) => {
      history.record('i', view(g), null);
      await history.flush();
      // The free space is looked at without waiting: its answer counts from the next flush.
      await new Promise((resolve) => setImmediate(resolve));
      now += 2000;
    };
    await record(1);
    expect(asked).toEqual([dirname(history.path)]);
    expect(history.error).toMatch(
      /^history is not being recorded in .*history\.sqlite: its disk has 50 MB free, under the 200 MB kept free \(HISTORY_MIN_FREE_MB\)\. It resumes once there is room/,
    );
    await record(2);
    expect(drops).toEqual([['disk_low', 1]]);
    // Generation 2 was not recorded: that moment replays as the last one recorded before it.
    const paused = history.reader.viewAt('i', now - 2000 + 500);
    if ('gap' in paused) throw new Error('nothing recorded');
    expect(paused.view.generation).toBe(1);
    // Looked at again after 30 s: room again, and the next generation is recorded, whole.
    free = 5_000_000_000;
    now += 30_000;
    await record(3);
    expect(history.error).toBeNull();
    await record(4);
    const found = history.reader.viewAt('i', now - 2000 + 500);
    if ('gap' in found) throw new Error('generation 4 not recorded');
    expect(found.view.generation).toBe(4);
    await history.close();
  });
});
