import { snapshotSchema, type Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../src/main.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
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
