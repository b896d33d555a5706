import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffView, type Snapshot } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { History, recorderHost, type HistoryOptions } from '../../src/history/recorder.js';
import { sqliteDriver, type SqlDatabase } from '../../src/history/sqlite.js';
import { createLogger } from '../../src/logger.js';
import { generationsIn, view } from './support.js';

/** A history in a directory of its own (or `dataDir`), on a clock the test moves. */
function open(clock: () => number, options: Partial<HistoryOptions> = {}) {
  return History.open({
    dataDir: mkdtempSync(join(tmpdir(), 'switchboard-edges-')),
    retentionDays: 7,
    keyframeMs: 60_000,
    flushMs: 600_000,
    logger: createLogger('silent'),
    clock,
    ...options,
  });
}

/** Records generation after generation, each a patch on the one before (the first whole). */
function recorder(history: History, first = 1, instance = 'i') {
  let previous: Snapshot | null = null;
  let generation = first - 1;
  return (change?: (view: Snapshot) => void) => {
    generation += 1;
    const next = view(generation);
    change?.(next);
    history.record(instance, next, previous ? diffView(previous, next) : null);
    previous = next;
  };
}

/**
 * A history keeping one day, `floor` bytes kept free on its disk: a day of views that do not compress (about 40 KB
 * each, every ten minutes: a few MB in the file) and one more the day after, then the disk filling up (1 MB short
 * of the floor, and recording pauses), and the first day removed a day later: the file has freed pages.
 */
async function aDayFreedOnADisk(floor: number) {
  const start = Date.parse('2026-11-02T00:00:00Z');
  let now = start;
  let disk = 5_000_000_000;
  const history = open(() => now, {
    retentionDays: 1,
    minFreeBytes: floor,
    freeBytes: () => Promise.resolve(disk),
  });
  const record = recorder(history);
  const settle = async () => {
    await history.flush();
    // The free space is looked at without waiting: its answer counts from the next flush.
    await new Promise((resolve) => setImmediate(resolve));
  };
  for (let m = 0; m < 144; m += 1) {
    now = start + m * 10 * 60_000;
    record((v) => {
      const [first] = v.queues;
      if (first) first.name = randomBytes(20_000).toString('hex');
    });
    await settle();
  }
  now = start + 30 * 3600_000;
  record();
  await settle();
  expect(history.error).toBeNull();
  disk = floor - 1_000_000;
  now += 60_000;
  record();
  await settle();
  expect(history.error).toMatch(/its disk has \d+ MB free, under the \d+ MB kept free/);
  now = start + 2 * 24 * 3600_000;
  await history.prune();
  expect(history.reader.reusableBytes()).toBeGreaterThan(1_000_000);
  return {
    history,
    set: (bytes: number) => {
      disk = bytes;
    },
    /** Two generations a minute apart (the second recorded by what the disk check before it found). */
    async recordTwice() {
      now += 60_000;
      record();
      await settle();
      record();
      await settle();
    },
  };
}

describe('the history file', () => {
  it("is readable by the server's user alone, with its log, in a directory an operator made 0755", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-mode-'));
    chmodSync(dataDir, 0o755);
    // A file left by an earlier release, or copied in, readable by everyone.
    writeFileSync(join(dataDir, 'history.sqlite'), '');
    chmodSync(join(dataDir, 'history.sqlite'), 0o644);
    const before = process.umask(0o022);
    try {
      const history = open(() => 10_000_000, { dataDir });
      recorder(history)();
      await history.flush();
      const modes = Object.fromEntries(
        readdirSync(dataDir)
          .filter((name) => name.startsWith('history.sqlite'))
          .map((name) => [name, statSync(join(dataDir, name)).mode & 0o777]),
      );
      expect(modes).toEqual({
        'history.sqlite': 0o600,
        'history.sqlite-wal': 0o600,
        'history.sqlite-shm': 0o600,
      });
      await history.close();
    } finally {
      process.umask(before);
    }
  });

  it('is made 0600 when it is new', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'switchboard-mode-')), 'data');
    const history = open(() => 10_000_000, { dataDir });
    recorder(history)();
    await history.flush();
    expect(statSync(join(dataDir, 'history.sqlite')).mode & 0o777).toBe(0o600);
    await history.close();
  });
});

describe('History at its edges', () => {
  it('replays the moment asked for after the clock stepped back by more than a keyframe interval', async () => {
    const start = 10_000_000;
    let now = start;
    const history = open(() => now);
    const record = recorder(history);
    // Five minutes at 2 s, then the clock goes back three minutes (and 700 ms, so the moments of before and
    // after interleave) and five more are recorded: the minutes from +120 s to +300 s are recorded twice.
    for (let i = 0; i < 150; i += 1) {
      record();
      now += 2000;
    }
    await history.flush();
    now -= 180_700;
    for (let i = 0; i < 150; i += 1) {
      record();
      now += 2000;
    }
    await history.flush();
    const behind: string[] = [];
    for (let at = start + 130_000; at < start + 290_000; at += 5000) {
      const found = history.reader.viewAt('i', at);
      // One of the two moments recorded there: never a view from a minute before.
      if ('gap' in found || at - found.at > 2000) behind.push(`+${(at - start) / 1000} s`);
    }
    expect(behind).toEqual([]);
    await history.close();
  });

  it('replays every moment the timeline still counts after old days are removed', async () => {
    const day = 24 * 3600_000;
    const start = Date.parse('2026-11-02T00:00:00Z');
    let now = start;
    const history = open(() => now, { retentionDays: 1 });
    const record = recorder(history);
    // Three minutes at 2 s on day 0, and one generation 20 hours later, so the removal is not held.
    for (let i = 0; i < 90; i += 1) {
      record();
      now += 2000;
    }
    await history.flush();
    now = start + 20 * 3600_000;
    record();
    await history.flush();
    // The cutoff falls in the second minute, after its keyframe.
    now = start + day + 90_000;
    await history.prune();
    const timeline = history.reader.timeline('i', start, start + 180_000, 2000);
    const counted = timeline.buckets.filter((b) => b.generations > 0).map((b) => Date.parse(b.at));
    expect(counted.length).toBeGreaterThan(0);
    const unreplayable = counted
      .filter((at) => 'gap' in history.reader.viewAt('i', at))
      .map((at) => `+${(at - start) / 1000} s`);
    expect(unreplayable).toEqual([]);
    // Nothing before the cutoff's keyframe is kept: at most one keyframe interval before the cutoff.
    expect(Math.min(...counted)).toBeGreaterThanOrEqual(start + 90_000 - 60_000);
    await history.close();
  });

  it("counts the file's freed pages as room, so removing old days ends a pause for a full disk", async () => {
    const floor = 200_000_000;
    const disk = await aDayFreedOnADisk(floor);
    // A day later the first day is removed (above): the disk has no more room, but the file has freed pages,
    // written before it grows, so recording resumes.
    disk.set(floor - 1_000_000);
    await disk.recordTwice();
    expect(disk.history.error).toBeNull();
    await disk.history.close();
  }, 60_000);

  it('counts freed pages as room only while the disk itself has some left, for the log that grows on it', async () => {
    const disk = await aDayFreedOnADisk(5_000_000);
    // 4.5 MB on the disk, under the 5 MB kept free: the file's freed pages would make up the rest, but the log
    // needs the disk's own room.
    disk.set(4_500_000);
    await disk.recordTwice();
    expect(disk.history.error).toMatch(/its disk has 4 MB free, under the 5 MB kept free/);
    await disk.history.close();
  }, 60_000);

  it('names the process namespace with the host, so containers of one host name are told apart', () => {
    // A link as Linux makes /proc/self/ns/pid: its target names the namespace.
    const link = join(mkdtempSync(join(tmpdir(), 'switchboard-edges-ns-')), 'pid');
    symlinkSync('pid:[4026532198]', link);
    expect(recorderHost(link)).toBe(`${hostname()} (pid:[4026532198])`);
    // Without one (not Linux, or /proc not mounted), the host name alone.
    expect(recorderHost(join(tmpdir(), 'switchboard-no-such-link'))).toBe(hostname());
  });

  it('does not let two containers of one host name, in namespaces of their own, both record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-edges-shared-'));
    let now = 5_000_000;
    // Neither process is running where the other looks (another namespace): here, not running at all.
    const a = open(() => now, { dataDir: dir, identity: { host: 'node-7 (pid:[1001])', pid: 31_001 } });
    const recordA = recorder(a);
    recordA();
    await a.flush();
    const b = open(() => now, { dataDir: dir, identity: { host: 'node-7 (pid:[1002])', pid: 31_002 } });
    const recordB = recorder(b, 1001);
    for (let i = 0; i < 10; i += 1) {
      now += 6000;
      recordA();
      recordB();
      await a.flush();
      await b.flush();
    }
    expect(generationsIn(dir).filter((g) => g > 1000)).toEqual([]);
    expect(b.error).toMatch(
      /recorded into by another wallboard \(host node-7 \(pid:\[1001\]\), process 31001\)/,
    );
    await a.close();
    await b.close();
  });
});

/** An alert engine attached to `history` as instance `i`: `emit` hands it an event, `state` is what it exports. */
function alertsOf<State>(history: History, initial: State) {
  const ignore: (event: unknown) => void = () => undefined;
  const engine = {
    state: initial,
    emit: ignore,
    onEvent: (listener: (event: unknown) => void) => {
      engine.emit = listener;
      return () => undefined;
    },
    exportState: () => engine.state,
    importState: () => undefined,
  };
  history.attachAlerts('i', engine as unknown as Parameters<History['attachAlerts']>[1]);
  return engine;
}

/** The disk full from now on, for every batch the file is asked to take, until freeDisk. */
function fillDisk(db: SqlDatabase): void {
  db.exec(
    "CREATE TRIGGER full BEFORE INSERT ON generations BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
  );
}

function freeDisk(db: SqlDatabase): void {
  db.exec('DROP TRIGGER full');
}

/** The alert states the file holds, as saved. */
function savedAlertStates(db: SqlDatabase): unknown[] {
  const rows = db.prepare('SELECT state FROM alert_state').all() as { state: string }[];
  return rows.map((row) => JSON.parse(row.state) as unknown);
}

/** An alert event of `kind` at `at`, as the engine emits it. */
function alertEvent(kind: 'raised' | 'acknowledged', alertId: string, at: number) {
  return {
    kind,
    alertId,
    at: new Date(at).toISOString(),
    level: 'warn',
    metric: 'CONTACTS_IN_QUEUE',
    queueId: null,
  };
}

/**
 * A history file that has taken its first generation, with an alert engine attached (its state `initial`) and the
 * file open beside it, for `body` to fill the disk and read what was saved; both closed after, whatever happens.
 * `clock.now` is the recorder's time.
 */
async function withAlertsRecorded<State>(
  initial: State,
  options: Partial<HistoryOptions>,
  body: (recording: {
    clock: { now: number };
    history: History;
    engine: ReturnType<typeof alertsOf<State>>;
    record: () => void;
    db: SqlDatabase;
  }) => Promise<void>,
): Promise<void> {
  const clock = { now: 60_000_000 };
  const history = open(() => clock.now, options);
  const engine = alertsOf(history, initial);
  const record = recorder(history);
  record();
  await history.flush();
  const db = sqliteDriver().open(history.path);
  try {
    await body({ clock, history, engine, record: () => record(), db });
  } finally {
    db.close();
    await history.close();
  }
}

describe('a write that fails', () => {
  it('writes the alert events and the alert state it held with the next batch the file takes', () =>
    withAlertsRecorded(
      { acknowledged: [] as string[] },
      {},
      async ({ clock, history, engine, record, db }) => {
        // The disk full for one batch: the one holding the acknowledgement.
        fillDisk(db);
        clock.now += 2000;
        engine.state = { acknowledged: ['a1'] };
        engine.emit(alertEvent('acknowledged', 'a1', clock.now));
        record();
        await history.flush();
        expect(history.error).toMatch(/disk is full/);
        freeDisk(db);
        clock.now += 2000;
        record();
        await history.flush();
        expect(history.error).toBeNull();
        expect(db.prepare('SELECT count(*) AS n FROM alert_events').get()).toEqual({ n: 1 });
        expect(savedAlertStates(db)).toEqual([{ acknowledged: ['a1'] }]);
      },
    ));
});

describe('two writes in flight that both fail', () => {
  it('write their alert events in order, and the alert state as it is now, not the older of the two', () =>
    withAlertsRecorded(
      { version: 0 },
      { writerDelayMs: 200 },
      async ({ clock, history, engine, record, db }) => {
        fillDisk(db);
        // Two batches out at once (the disk slow), each with an event and a newer state; both fail.
        clock.now += 1000;
        engine.state = { version: 1 };
        engine.emit(alertEvent('raised', 'a1', clock.now));
        record();
        const first = history.flush();
        clock.now += 1000;
        engine.state = { version: 2 };
        engine.emit(alertEvent('raised', 'a2', clock.now));
        record();
        const second = history.flush();
        await Promise.all([first, second]);
        freeDisk(db);
        clock.now += 1000;
        record();
        await history.flush();
        const events = db.prepare('SELECT event FROM alert_events ORDER BY at, rowid').all() as {
          event: string;
        }[];
        expect(events.map((row) => (JSON.parse(row.event) as { alertId: string }).alertId)).toEqual([
          'a1',
          'a2',
        ]);
        expect(savedAlertStates(db)).toEqual([{ version: 2 }]);
      },
    ));
});

describe('a writer thread that dies', () => {
  it('is started again, at most once a minute, and recording carries on with a whole view', async () => {
    let now = 60_000_000;
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-edges-'));
    const history = open(() => now, { dataDir: dir });
    const record = recorder(history);
    const killWriter = () =>
      (
        history as unknown as { writer: { worker: { terminate(): Promise<number> } } }
      ).writer.worker.terminate();
    // A generation `ms` after the one before, recorded and flushed.
    const step = async (ms: number) => {
      now += ms;
      record();
      await history.flush();
    };
    try {
      record();
      await history.flush();
      await killWriter();
      await step(2000);
      expect(history.error).toMatch(/writer thread exited/);
      await step(2000);
      expect(history.error).toBeNull();
      expect(generationsIn(dir)).toEqual([1, 3]);
      // Whole: the patch from generation 2, which was not written, would not apply.
      const db = sqliteDriver().open(history.path, { readonly: true });
      try {
        expect(db.prepare('SELECT kind FROM frames WHERE generation = 3').all()).toEqual([{ kind: 1 }]);
      } finally {
        db.close();
      }
      // Dead again within the minute: not started again until the minute is out.
      await killWriter();
      await step(2000);
      await step(2000);
      expect(history.error).toMatch(/writer thread exited/);
      await step(60_000);
      await step(0);
      expect(history.error).toBeNull();
      expect(generationsIn(dir)).toEqual([1, 3, 7]);
    } finally {
      await history.close();
    }
  });
});
