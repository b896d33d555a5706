import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffView, type Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { History, recorderHost, type DropReason, type HistoryOptions } from '../../src/history/recorder.js';
import { sqliteDriver } from '../../src/history/sqlite.js';
import { HISTORY_FILE } from '../../src/history/store.js';
import { createLogger } from '../../src/logger.js';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';
import { frameCount, generationsIn, startRecording, view } from './support.js';

/**
 * Two replicas given one directory (a shared volume, one DATA_DIR in two units) would both record into one
 * history file: every moment twice on the timeline, and each closing the other's patches into its segments. The
 * first to open the file holds it; the other records nothing, says so, and takes the file over once the first
 * lets go of it, stops saying it holds it, or is a process of this host no longer running.
 */

/** A recorder on `dir` with a clock the test moves, as the replica `host`. */
function replica(dir: string, host: string | null, clock: () => number, drops: DropReason[] = []) {
  const options: HistoryOptions = {
    dataDir: dir,
    retentionDays: 7,
    keyframeMs: 60_000,
    flushMs: 60_000,
    logger: createLogger('silent'),
    clock,
    onDrop: (reason, generations) => drops.push(...Array<DropReason>(generations).fill(reason)),
    ...(host ? { identity: { host, pid: 4242 } } : {}),
  };
  const history = History.open(options);
  let previous: Snapshot | null = null;
  return {
    history,
    drops,
    record(generation: number) {
      const next = view(generation);
      history.record('i', next, previous ? diffView(previous, next) : null);
      previous = next;
    },
  };
}

/** Writes a holder's row into the file as a wallboard that stopped without letting go would leave it. */
function leaveClaim(dir: string, host: string, pid: number, seen: number) {
  const db = sqliteDriver().open(join(dir, HISTORY_FILE));
  try {
    db.prepare('INSERT OR REPLACE INTO writer (id, token, host, pid, seen) VALUES (1, ?, ?, ?, ?)').run(
      'left-behind',
      host,
      pid,
      seen,
    );
  } finally {
    db.close();
  }
}

describe('two recorders on one history file', () => {
  it('records only the first; the second says who holds it, and takes it over once it is let go', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-shared-'));
    let now = 5_000_000;
    const a = replica(dir, 'replica-a', () => now);
    a.record(1);
    await a.history.flush();
    now += 2000;
    const b = replica(dir, 'replica-b', () => now);
    for (let g = 2; g <= 4; g += 1) {
      a.record(g);
      b.record(100 + g);
      now += 2000;
    }
    await a.history.flush();
    await b.history.flush();
    expect(generationsIn(dir)).toEqual([1, 2, 3, 4]);
    expect(a.history.error).toBeNull();
    expect(b.history.error).toContain('another wallboard (host replica-a, process 4242)');
    expect(b.history.error).toContain('Give each replica a DATA_DIR of its own');
    expect(b.drops).toEqual(Array<DropReason>(3).fill('in_use'));

    // The first stops, and lets go: the second records from its next whole view.
    await a.history.close();
    now += 5000;
    b.record(105);
    b.record(106);
    await b.history.flush();
    expect(b.history.error).toBeNull();
    expect(generationsIn(dir)).toEqual([1, 2, 3, 4, 105, 106]);
    expect(b.history.reader.viewAt('i', now)).toMatchObject({ view: { generation: 106 } });
    await b.history.close();
  });

  it('takes over a holder not heard from for 30 s, and not before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-shared-'));
    let now = 7_000_000;
    // Opened once to make the file, then held by a replica on another host that was killed at `now`.
    await replica(dir, 'replica-b', () => now).history.close();
    leaveClaim(dir, 'replica-gone', 9, now);
    now += 1000;
    const b = replica(dir, 'replica-b', () => now);
    b.record(1);
    await b.history.flush();
    expect(b.history.error).toContain('host replica-gone, process 9');
    now += 27_000;
    b.record(2);
    await b.history.flush();
    expect(b.history.error).toContain('host replica-gone');
    // Claims are said again every 5 s: the first after 30 s takes the file.
    now += 5000;
    b.record(3);
    await b.history.flush();
    expect(b.history.error).toBeNull();
    expect(generationsIn(dir)).toEqual([3]);
    await b.history.close();
  });

  it('takes over at once from a process of this host that is no longer running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-shared-'));
    const now = 9_000_000;
    await replica(dir, null, () => now).history.close();
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    expect(exited).toBeGreaterThan(0);
    leaveClaim(dir, recorderHost(), exited ?? 0, now);
    const b = replica(dir, null, () => now);
    b.record(1);
    await b.history.flush();
    expect(b.history.error).toBeNull();
    expect(generationsIn(dir)).toEqual([1]);
    await b.history.close();
  });

  it("takes over a claim seen further ahead than 30 s, written while its host's clock was set ahead", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-shared-'));
    const now = 11_000_000;
    await replica(dir, 'replica-b', () => now).history.close();
    leaveClaim(dir, 'replica-ahead', 7, now + 3600_000);
    const b = replica(dir, 'replica-b', () => now);
    b.record(1);
    await b.history.flush();
    expect(b.history.error).toBeNull();
    expect(generationsIn(dir)).toEqual([1]);
    await b.history.close();
  });

  it('writes nothing while its claim fails, says why, and records once a claim succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-shared-'));
    let now = 13_000_000;
    await replica(dir, 'replica-b', () => now).history.close();
    // Another connection holds the file's write lock past SQLite's busy timeout (2 s): the first claim fails.
    const lock = sqliteDriver().open(join(dir, HISTORY_FILE));
    lock.exec('BEGIN IMMEDIATE');
    const drops: DropReason[] = [];
    const b = replica(dir, 'replica-b', () => now, drops);
    b.record(1);
    await b.history.flush();
    expect(b.history.error).toContain('cannot be claimed');
    expect(b.history.error).toMatch(/SQLITE_BUSY|locked/);
    expect(drops).toEqual(['write_failed']);
    lock.exec('COMMIT');
    lock.close();
    // The claim is tried again with the next batch 5 s on.
    now += 5000;
    b.record(2);
    await b.history.flush();
    expect(b.history.error).toBeNull();
    expect(generationsIn(dir)).toEqual([2]);
    await b.history.close();
  }, 20_000);
});

describe('a wallboard started on the history directory of one still running', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-shared-'));
  let simulator: RunningSimulator;
  let wallboard: RunningWallboard | undefined;

  beforeAll(async () => {
    simulator = await startSimulator({ queues: 4, agents: 10, seed: 3, rateLimits: { enabled: false } });
  });

  afterAll(async () => {
    await wallboard?.stop();
    await simulator?.close();
  });

  it('says on /readyz which process records there, and records once that process is gone', async () => {
    // The first wallboard, in a process of its own, recording into `dir`.
    const { child, recording, exited } = startRecording(dir);
    try {
      await recording;
      wallboard = await startWebServer(
        simulatorEnv(simulator, { HISTORY_DIR: dir, POLL_INTERVAL_MS: '1000' }),
        {
          credentials: TEST_CREDENTIALS,
        },
      );
      const refused = await waitFor(
        async () => (await historyError(wallboard)) ?? undefined,
        'the history error',
      );
      expect(refused).toContain(`host ${recorderHost()}, process ${child.pid}`);
      expect(refused).toContain('HISTORY_DIR');
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // Killed without letting go: its process is gone, so the next claim (within 5 s) takes the file.
    await waitFor(
      async () => ((await historyError(wallboard)) === null ? true : undefined),
      'recording',
      15_000,
    );
    const instance = wallboard?.instances[0]?.id ?? '';
    const before = frameCount(dir, instance);
    await waitFor(
      () => (frameCount(dir, instance) > before ? true : undefined),
      'generations recorded by the wallboard',
      10_000,
    );
  }, 60_000);
});

async function historyError(wallboard: RunningWallboard | undefined): Promise<string | null> {
  const response = await fetch(`${wallboard?.url ?? ''}/readyz`);
  return ((await response.json()) as { historyError: string | null }).historyError;
}
