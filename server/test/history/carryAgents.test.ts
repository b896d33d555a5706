import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '@switchboard/shared';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DEFAULT_INSTANCE } from '../../src/config/instances.js';
import { History } from '../../src/history/recorder.js';
import { createLogger } from '../../src/logger.js';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';

/**
 * A server started again (an upgrade) carries its agents' times on from the view it recorded last, if that is from
 * the last minute: an agent free since their call ended is not shown free since they set Available, hours ago.
 * The simulator's clock stands still, so every server here reads the same agents.
 */
let simulator: RunningSimulator;
const running: RunningWallboard[] = [];

beforeAll(async () => {
  const now = Date.parse('2026-11-24T10:30:00Z');
  simulator = await startSimulator({ queues: 6, agents: 30, seed: 4, clock: () => now });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((wallboard) => wallboard.stop()));
});
afterAll(async () => {
  await simulator.close();
});

async function firstAgents(historyDir: string): Promise<Snapshot> {
  const wallboard = await startWebServer(simulatorEnv(simulator, { HISTORY_DIR: historyDir }), {
    credentials: TEST_CREDENTIALS,
    webDist: historyDir,
  });
  running.push(wallboard);
  return waitFor(() => {
    const latest = wallboard.instances[0]?.source.latest;
    return latest?.sections.agents.fetchedAt ? latest : undefined;
  }, 'the first agents');
}

/** A history in a new directory holding one view, recorded `ago` ms ago. */
async function recorded(view: Snapshot, ago: number): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-carry-'));
  const history = History.open({
    dataDir,
    retentionDays: 1,
    keyframeMs: 60_000,
    logger: createLogger('silent'),
    clock: () => Date.now() - ago,
  });
  history.record(DEFAULT_INSTANCE, { ...view, generatedAt: new Date(Date.now() - ago).toISOString() }, null);
  await history.flush();
  await history.close();
  return dataDir;
}

it('carries the time an agent went free on from the view recorded before a restart, if it is recent', async () => {
  const fresh = await firstAgents(mkdtempSync(join(tmpdir(), 'switchboard-carry-')));
  const agent = fresh.agents.find(
    (a) => a.activity === 'available' && a.contacts.length === 0 && a.statusStartedAt !== null,
  );
  if (!agent?.statusStartedAt) throw new Error('no agent free in the simulated centre');
  // Started afresh, the server knows no better than the status's start.
  expect(agent.activitySince).toBe(agent.statusStartedAt);
  await Promise.all(running.splice(0).map((wallboard) => wallboard.stop()));

  // What the server before the restart saw: the agent free since a call that ended well after they set Available.
  const freeAt = new Date(Date.parse(agent.statusStartedAt) + 5 * 60_000).toISOString();
  const before: Snapshot = {
    ...fresh,
    agents: fresh.agents.map((a) => (a.id === agent.id ? { ...a, activitySince: freeAt } : a)),
  };
  const carried = await firstAgents(await recorded(before, 2_000));
  expect(carried.agents.find((a) => a.id === agent.id)?.activitySince).toBe(freeAt);
  await Promise.all(running.splice(0).map((wallboard) => wallboard.stop()));

  // Recorded two minutes before the start: too old to tell.
  const old = await firstAgents(await recorded(before, 120_000));
  expect(old.agents.find((a) => a.id === agent.id)?.activitySince).toBe(agent.statusStartedAt);
}, 60_000);
