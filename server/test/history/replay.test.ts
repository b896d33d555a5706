import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, AlertEvent, Snapshot } from '@switchboard/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../src/env.js';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';

/**
 * Replay against the real server, poller and simulator: what GET /api/v1/snapshot?at= answers is what the
 * stream served at that moment, a restart loses nothing written, and alerts with their acknowledgements carry on.
 */
let simulator: RunningSimulator;
const running: RunningWallboard[] = [];
const dir = mkdtempSync(join(tmpdir(), 'switchboard-replay-'));
const configFile = join(dir, 'wallboard.yaml');
writeFileSync(
  configFile,
  [
    'boards:',
    '  - { id: all, title: Everything }',
    '  - { id: sales, title: Sales, queues: [Sales] }',
    // Fires at once on every queue.
    'alerts:',
    '  - { id: anything, metric: CONTACTS_IN_QUEUE, value: 0 }',
    '',
  ].join('\n'),
);

beforeAll(async () => {
  simulator = await startSimulator({ queues: 6, agents: 20, seed: 4 });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((wallboard) => wallboard.stop()));
});
afterAll(async () => {
  await simulator.close();
});

async function start(historyDir: string): Promise<RunningWallboard> {
  const wallboard = await startWebServer(
    simulatorEnv(simulator, {
      HISTORY_DIR: historyDir,
      POLL_INTERVAL_MS: '1000',
      WALLBOARD_CONFIG: configFile,
    }),
    { credentials: TEST_CREDENTIALS, webDist: dir },
  );
  running.push(wallboard);
  return wallboard;
}

interface Seen {
  at: number;
  snapshot: Snapshot;
}

/** The next `count` snapshots the wallboard publishes, with when they were published. */
function collect(wallboard: RunningWallboard, count: number): Promise<Seen[]> {
  const source = wallboard.instances[0]?.source;
  if (!source) throw new Error('no instance');
  const seen: Seen[] = [];
  return new Promise((resolve) => {
    const stop = source.subscribe((snapshot) => {
      seen.push({ at: Date.now(), snapshot });
      if (seen.length >= count) {
        stop();
        resolve(seen);
      }
    });
  });
}

async function getJson(wallboard: RunningWallboard, path: string) {
  const response = await fetch(`${wallboard.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('replay', () => {
  it('answers each moment with the view the stream served then, for the whole instance and a board', async () => {
    const wallboard = await start(join(dir, 'moments'));
    const seen = await collect(wallboard, 4);
    await wallboard.history?.flush();
    for (const { at, snapshot } of seen) {
      const { status, body } = await getJson(wallboard, `/api/v1/snapshot?at=${iso(at)}`);
      expect(status).toBe(200);
      expect(body).toEqual(JSON.parse(JSON.stringify(snapshot)));
    }
    // A board's past is the board's view of the instance's: its queues only.
    const last = seen.at(-1);
    if (!last) throw new Error('nothing seen');
    const board = await getJson(wallboard, `/api/v1/snapshot?at=${iso(last.at)}&board=sales`);
    expect(board.status).toBe(200);
    const queues = (board.body as unknown as Snapshot).queues;
    expect(queues.map((queue) => queue.name)).toEqual(['Sales']);
    expect((board.body as unknown as Snapshot).generation).toBe(last.snapshot.generation);
  });

  it('says what is wrong with a bad time, and when nothing was recorded', async () => {
    const wallboard = await start(join(dir, 'errors'));
    await collect(wallboard, 2);
    await wallboard.history?.flush();
    const bad = await getJson(wallboard, '/api/v1/snapshot?at=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad_at');
    expect(bad.body.detail).toMatch(/^at must be one ISO 8601 time/);
    // A day the month does not have is refused, not read as a day of the next month (31 February: 3 March).
    for (const path of [
      '/api/v1/snapshot?at=2026-02-31T10:00:00Z',
      '/api/v1/timeline?from=2026-04-31T00:00Z&to=2026-05-02T00:00Z',
      '/api/v1/timeline?to=2025-02-29T00:00:00%2B01:00',
    ]) {
      const day = await getJson(wallboard, path);
      expect(day.status, path).toBe(400);
      expect(day.body.detail, path).toMatch(
        /^(at|from|to) must be one ISO 8601 time.*there is no day \d{4}-\d{2}-\d{2}\)$/,
      );
    }
    // A + typed into the address arrives as a space: the answer says to write it as %2B.
    const plus = await getJson(wallboard, '/api/v1/snapshot?at=2026-12-06T12:51:00+01:00');
    expect(plus.status).toBe(400);
    expect(plus.body.detail).toMatch(/write the offset's \+ as %2B \(at=2026-12-06T12:51:00%2B01:00\)$/);
    // A from after now, with to left out: the answer says that to is now.
    const laterFrom = await getJson(wallboard, `/api/v1/timeline?from=${iso(Date.now() + 3600_000)}`);
    expect(laterFrom.status).toBe(400);
    expect(laterFrom.body.detail).toMatch(/^from must be before to, which is now \(.+\) when not given/);
    const before = await getJson(wallboard, `/api/v1/snapshot?at=${iso(Date.now() - 3600_000)}`);
    expect(before.status).toBe(404);
    expect(before.body.code).toBe('not_recorded');
    expect(before.body.detail).toMatch(
      /^Nothing was recorded at .*: this replica's history starts at \d{4}-/,
    );
    // The moments as members of the problem, for the page to write in its board's clock: the one asked for, and
    // the recorded ones either side (none before it here: history starts after it).
    const asked = new Date(Date.parse(String(before.body.at)));
    expect(before.body.at).toBe(asked.toISOString());
    expect(before.body.before).toBeNull();
    expect(Date.parse(String(before.body.after))).toBeGreaterThan(asked.getTime());
    expect(before.body.detail).toContain(`starts at ${String(before.body.after)}`);
    const future = await getJson(wallboard, `/api/v1/snapshot?at=${iso(Date.now() + 3600_000)}`);
    expect(future.status).toBe(400);
    const order = await getJson(
      wallboard,
      `/api/v1/timeline?from=${iso(Date.now())}&to=${iso(Date.now() - 1000)}`,
    );
    expect(order.status).toBe(400);
    expect(order.body.detail).toBe('from must be before to');
  });

  it('lays out generations and alert events on the timeline', async () => {
    const wallboard = await start(join(dir, 'timeline'));
    const from = Date.now() - 1000;
    const seen = await collect(wallboard, 3);
    await wallboard.history?.flush();
    const { status, body } = await getJson(
      wallboard,
      `/api/v1/timeline?from=${iso(from)}&to=${iso(Date.now() + 1000)}`,
    );
    expect(status).toBe(200);
    const buckets = body.buckets as { generations: number }[];
    expect(buckets.reduce((sum, bucket) => sum + bucket.generations, 0)).toBeGreaterThanOrEqual(seen.length);
    const alerts = body.alerts as AlertEvent[];
    expect(alerts.some((event) => event.kind === 'raised')).toBe(true);
    // A board's timeline has its queues' alerts only.
    const sales = seen.at(-1)?.snapshot.queues.find((queue) => queue.name === 'Sales')?.id;
    const board = await getJson(
      wallboard,
      `/api/v1/timeline?from=${iso(from)}&to=${iso(Date.now() + 1000)}&board=sales`,
    );
    const boardAlerts = board.body.alerts as AlertEvent[];
    expect(boardAlerts.length).toBeGreaterThan(0);
    expect(boardAlerts.every((event) => event.queueId === null || event.queueId === sales)).toBe(true);
  });

  it('loses nothing written across a restart, and alerts keep their acknowledgements', async () => {
    const historyDir = join(dir, 'restart');
    const first = await start(historyDir);
    const seen = await collect(first, 3);
    const alert = await waitFor(async () => {
      const { body } = await getJson(first, '/api/v1/alerts');
      return (body.alerts as Alert[])[0];
    }, 'an alert');
    const ack = await fetch(`${first.url}/api/v1/alerts/${encodeURIComponent(alert.id)}/acknowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'Dana' }),
    });
    expect(ack.status).toBe(200);
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await start(historyDir);
    for (const { at, snapshot } of seen) {
      const { status, body } = await getJson(second, `/api/v1/snapshot?at=${iso(at)}`);
      expect(status).toBe(200);
      expect(body.generation).toBe(snapshot.generation);
    }
    const { body } = await getJson(second, '/api/v1/alerts');
    const carried = (body.alerts as Alert[]).find((candidate) => candidate.id === alert.id);
    expect(carried?.acknowledgedBy).toBe('Dana');
    const history = await getJson(second, '/api/v1/alerts/history');
    expect((history.body.events as AlertEvent[]).some((event) => event.kind === 'acknowledged')).toBe(true);
  });

  it('refuses to start with a history directory it cannot write, naming the variable', async () => {
    const file = join(dir, 'not-a-directory');
    writeFileSync(file, 'x');
    await expect(
      startWebServer(simulatorEnv(simulator, { HISTORY_DIR: join(file, 'history') }), {
        credentials: TEST_CREDENTIALS,
      }),
    ).rejects.toThrow(EnvError);
    await expect(
      startWebServer(simulatorEnv(simulator, { HISTORY_DIR: join(file, 'history') }), {
        credentials: TEST_CREDENTIALS,
      }),
    ).rejects.toThrow(/^HISTORY_DIR=.*not-a-directory\/history: the history store cannot be written there/);
  });

  it('reads the retention and keyframe settings with clear errors', () => {
    expect(() => parseEnv({ HISTORY_RETENTION_DAYS: '0' })).toThrow(
      /HISTORY_RETENTION_DAYS must be between 1 and 400/,
    );
    expect(() => parseEnv({ HISTORY_ENABLED: 'yes' })).toThrow(/HISTORY_ENABLED must be true or false/);
    expect(parseEnv({}).HISTORY_RETENTION_DAYS).toBe(7);
  });
});
