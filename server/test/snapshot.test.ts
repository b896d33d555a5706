import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intervalPointSchema, snapshotSchema, type Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startWebServer, type RunningWallboard } from '../src/main.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { zoneWhereItIs } from './support/timeZone.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from './support/wallboard.js';

// The real SDK over HTTP against the simulator, with a clock the test owns: figures are exact, not lucky.
let now = Date.parse('2026-11-24T10:00:00Z');
let simulator: RunningSimulator;
let wallboard: RunningWallboard;

beforeAll(async () => {
  simulator = await startSimulator({ queues: 130, agents: 400, seed: 7, clock: () => now });
  now += 15 * 60_000;
  wallboard = await startWebServer(simulatorEnv(simulator), { credentials: TEST_CREDENTIALS });
});

afterAll(async () => {
  await wallboard?.stop();
  await simulator?.close();
});

async function snapshotAfter(generation: number): Promise<Snapshot> {
  return waitFor(async () => {
    const response = await fetch(`${wallboard.url}/api/v1/snapshot`);
    if (!response.ok) return undefined;
    const snapshot = snapshotSchema.parse(await response.json());
    return snapshot.generation > generation ? snapshot : undefined;
  }, `a snapshot after generation ${generation}`);
}

describe('GET /api/v1/snapshot', () => {
  it('serves every queue with the simulator figures, across more than one chunk of 100 queues', async () => {
    const snapshot = await snapshotAfter(0);
    expect(snapshot.queues).toHaveLength(130);
    for (const queue of simulator.model.queues) {
      const served = snapshot.queues.find((q) => q.id === queue.id);
      expect(served?.name).toBe(queue.name);
      expect(served?.realtime.CONTACTS_IN_QUEUE).toBe(queue.waiting.length);
    }
    expect(snapshot.dataSnapshotTime).toBe(new Date(now).toISOString());
  });

  it('follows the simulation as it moves on', async () => {
    const first = await snapshotAfter(0);
    now += 10 * 60_000;
    const later = await snapshotAfter(first.generation);
    expect(Date.parse(later.dataSnapshotTime ?? '')).toBe(now);
    const waiting = simulator.model.queues.map((q) => q.waiting.length);
    expect(later.queues.map((q) => q.realtime.CONTACTS_IN_QUEUE)).toEqual(waiting);
  });

  it('answers 404 with a message for an unknown API path', async () => {
    const response = await fetch(`${wallboard.url}/api/v1/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      code: 'unknown_path',
      detail: expect.stringContaining('Unknown API path'),
    });
  });
});

describe('a path asked with a method it does not take', () => {
  it('is answered 405 with the methods the path takes, in Allow and in the problem', async () => {
    const cases: [string, string, string][] = [
      ['POST', '/api/v1/snapshot', 'GET, HEAD'],
      ['DELETE', '/API/V1/Stream/', 'GET, HEAD'],
      ['PUT', '/api/v1/displays/abc', 'PATCH, DELETE'],
      ['GET', '/api/v1/alerts/some-alert/acknowledge', 'POST'],
      ['POST', '/healthz', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${wallboard.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : '{}',
      });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect(await response.json()).toMatchObject({
        code: 'method_not_allowed',
        allow,
        detail: `This path does not take ${method}; it takes ${allow}.`,
      });
    }
  });

  it('answers OPTIONS with the methods the path takes, and nothing for another origin', async () => {
    // Express answers for the routes of a router of their own; the server for the rest, the same way.
    for (const [path, methods] of [
      ['/api/v1/snapshot', ['GET', 'HEAD']],
      ['/healthz', ['GET', 'HEAD']],
      ['/api/v1/alerts/a1/acknowledge', ['POST']],
    ] as const) {
      const response = await fetch(`${wallboard.url}${path}`, { method: 'OPTIONS' });
      expect(response.status, path).toBeLessThan(300);
      const allow = (response.headers.get('allow') ?? '').split(/,\s*/);
      expect(allow, path).toEqual(expect.arrayContaining([...methods]));
      expect(allow, path).not.toContain('DELETE');
      expect(response.headers.get('access-control-allow-origin'), path).toBeNull();
    }
  });

  it('is still 404 where the path is not one of the server’s', async () => {
    const response = await fetch(`${wallboard.url}/api/v1/nope`, { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'unknown_path' });
  });
});

describe('a board of some queues on a centre of more than 100', () => {
  it('draws the line of its queues together, though the snapshot carries no queue’s own series', async () => {
    // On the real clock, so today's history is there to fetch, in a time zone where it is mid-morning: just after
    // midnight there is none yet.
    const timeZone = zoneWhereItIs(10);
    const centre = await startSimulator({
      queues: 110,
      agents: 200,
      seed: 9,
      timeZone,
      rateLimits: { enabled: false },
    });
    const dir = mkdtempSync(join(tmpdir(), 'board-line-'));
    const chosen = centre.model.queues.slice(0, 3).map((queue) => queue.id);
    const configFile = join(dir, 'wallboard.yaml');
    writeFileSync(
      configFile,
      `boards:\n  - id: floor\n    title: Floor\n    queues: [${chosen.join(', ')}]\n`,
    );
    const boards = await startWebServer(
      simulatorEnv(centre, { WALLBOARD_CONFIG: configFile, TIME_ZONE: timeZone }),
      {
        credentials: TEST_CREDENTIALS,
      },
    );
    try {
      const read = async (path: string): Promise<unknown> => {
        const response = await fetch(`${boards.url}${path}`);
        if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
        return response.json();
      };
      const whole = await waitFor(
        async () => {
          const response = await fetch(`${boards.url}/api/v1/snapshot`);
          if (!response.ok) return undefined;
          const snapshot = snapshotSchema.parse(await response.json());
          return snapshot.intraday.instance.length > 0 ? snapshot : undefined;
        },
        'the intraday series',
        30_000,
      );
      // 110 queues: more than the snapshot carries series for.
      expect(Object.keys(whole.intraday.queues)).toHaveLength(0);
      const view = snapshotSchema.parse(await read(`/api/v1/snapshot?board=floor`));
      expect(view.boardIntraday).toBeUndefined();
      const line = view.intraday.instance;
      expect(line.length).toBeGreaterThan(0);
      const series = await Promise.all(
        chosen.map(
          async (id) =>
            z.object({ points: intervalPointSchema.array() }).parse(await read(`/api/v1/intraday/${id}`))
              .points,
        ),
      );
      const sum = (i: number, metric: string) =>
        series.reduce((total, points) => total + (points[i]?.metrics[metric] ?? 0), 0);
      line.forEach((point, i) => {
        expect(point.start).toBe(series[0]?.[i]?.start);
        expect(point.metrics.CONTACTS_QUEUED).toBe(sum(i, 'CONTACTS_QUEUED'));
        expect(point.metrics.CONTACTS_HANDLED).toBe(sum(i, 'CONTACTS_HANDLED'));
      });
      expect(line.some((point) => (point.metrics.CONTACTS_QUEUED ?? 0) > 0)).toBe(true);
    } finally {
      await boards.stop();
      await centre.close();
    }
  }, 60_000);
});
