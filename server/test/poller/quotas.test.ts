import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '@switchboard/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env.js';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { RateLimiter } from '../../src/simulator/rateLimits.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';
import { fetchSnapshot } from './support.js';

// Connect's quotas as Connect sets them, through the real SDK: the simulator enforces its published quotas per
// operation (GetCurrentUserData and SearchUsers 2 a second, the listings 10), with the wallboard's defaults.
const started: { stop(): Promise<void> }[] = [];

afterEach(async () => {
  for (const item of started.splice(0).reverse()) await item.stop();
});

/** A simulator at midday today on the real clock, so most agents are logged in. */
async function simulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const realStart = Date.now();
  const midday = new Date(realStart).setUTCHours(12, 0, 0, 0);
  const sim = await startSimulator({ clock: () => midday + (Date.now() - realStart), ...options });
  started.push({ stop: () => sim.close() });
  return sim;
}

async function wallboardFor(env: ReturnType<typeof parseEnv>): Promise<RunningWallboard> {
  const wallboard = await startWebServer(env, { credentials: TEST_CREDENTIALS });
  started.push(wallboard);
  return wallboard;
}

const readyAt = (wallboard: RunningWallboard, timeoutMs: number) =>
  waitFor(
    async () => ((await fetch(`${wallboard.url}/readyz`)).ok ? Date.now() : undefined),
    '/readyz to say ready',
    timeoutMs,
  );

/** Every agent on the wall with the name Connect has for them, not their username. */
function fullyNamed(snapshot: Snapshot | undefined, sim: RunningSimulator): boolean {
  if (!snapshot || snapshot.agents.length === 0) return false;
  return snapshot.agents.every((agent) => {
    const user = sim.model.catalog.user(agent.id);
    return user !== undefined && agent.name === `${user.firstName} ${user.lastName}`;
  });
}

const throttled = (...sims: RunningSimulator[]) =>
  sims.flatMap((sim) => sim.calls).filter((call) => call.status === 429);

describe("the poller within Connect's quotas per operation", () => {
  it('puts every agent on the wall, with their full names, within seconds of ready: 237 queues, 513 agents, 40 a page', async () => {
    const sim = await simulator({ queues: 237, agents: 513, seed: 21, faults: { maxPageSize: 40 } });
    const start = Date.now();
    const wallboard = await wallboardFor(simulatorEnv(sim, { API_READS_PER_MINUTE: '100000' }));
    // Watched from the start: when /readyz first says ready, and when every agent is first on the wall, named.
    // No snapshot shows an agent by id alone, before the users are known.
    let nameless = 0;
    const named = waitFor(
      async () => {
        const latest = await fetchSnapshot(wallboard);
        if (latest?.agents.some((agent) => agent.username === '')) nameless += 1;
        return fullyNamed(latest, sim) ? { at: Date.now(), snapshot: latest } : undefined;
      },
      'every agent on the wall with a full name',
      60_000,
    );
    const ready = await readyAt(wallboard, 60_000);
    const { at: namedAt, snapshot } = await named;
    const agentsAfterReadyMs = namedAt - ready;
    console.log(
      `ready ${ready - start} ms after start; ${snapshot?.agents.length} agents named ${namedAt - start} ms after start, ` +
        `${agentsAfterReadyMs} ms after ready; ` +
        `agents every ${snapshot?.sections.agents.intervalMs} ms, queues every ${snapshot?.cycleMs} ms`,
    );
    // Agents are on the wall when it says ready, not a minute after; one real-time cycle of slack for the
    // snapshot that carries them.
    expect(agentsAfterReadyMs).toBeLessThan(5000);
    expect(nameless).toBe(0);
    expect(ready - start).toBeLessThan(30_000);
    expect(snapshot?.queues).toHaveLength(237);
    // Names came from SearchUsers, 40 users a page: no DescribeUser per agent.
    expect(sim.calls.filter((call) => call.operation === 'DescribeUser')).toHaveLength(0);
    expect(sim.calls.filter((call) => call.operation === 'SearchUsers').length).toBeGreaterThanOrEqual(13);
    // Each asks for Connect's most, 500 a page (this simulator sends 40): five times fewer calls than 100 a page
    // on SearchUsers' quota of 2 a second.
    expect(
      new Set(
        sim.calls.filter((call) => call.operation === 'SearchUsers').map((call) => call.params.MaxResults),
      ),
    ).toEqual(new Set([500]));
    // GetCurrentUserData has its own quota of 2 a second: 13 pages at 80% of it, about 8 s, not 11.
    expect(snapshot?.sections.agents.intervalMs).toBeLessThan(10_000);
    expect(throttled(sim)).toEqual([]);
  }, 90_000);

  it('falls back to ListUsers and DescribeUser when the IAM policy refuses SearchUsers, asking for it once', async () => {
    const sim = await simulator({
      queues: 10,
      agents: 60,
      seed: 22,
      faults: { deniedOperations: ['SearchUsers'] },
    });
    const wallboard = await wallboardFor(
      simulatorEnv(sim, { API_READS_PER_MINUTE: '100000', DISCOVERY_INTERVAL_MS: '1000' }),
    );
    await waitFor(
      async () => (fullyNamed(await fetchSnapshot(wallboard), sim) ? true : undefined),
      'every agent named through DescribeUser',
      30_000,
    );
    const searches = sim.calls.filter((call) => call.operation === 'SearchUsers');
    expect(searches).toHaveLength(1);
    expect(searches[0]?.errorType).toBe('AccessDeniedException');
    expect(sim.calls.filter((call) => call.operation === 'ListUsers').length).toBeGreaterThan(0);
    expect(sim.calls.filter((call) => call.operation === 'DescribeUser').length).toBeGreaterThan(0);
  }, 60_000);

  it('shares one budget between two instances of one account and Region: together they stay within the quotas', async () => {
    // Connect's buckets are the account's: two simulators standing for its two instances share one limiter.
    const account = new RateLimiter({}, Date.now);
    const north = await simulator({
      queues: 20,
      agents: 400,
      seed: 23,
      instanceId: 'aaaaaaaa-1111-4111-8111-111111111111',
      rateLimiter: account,
      faults: { maxPageSize: 20 },
    });
    const south = await simulator({
      queues: 20,
      agents: 400,
      seed: 24,
      instanceId: 'bbbbbbbb-2222-4222-8222-222222222222',
      rateLimiter: account,
      faults: { maxPageSize: 20 },
    });
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-quotas-'));
    const file = join(dir, 'wallboard.yaml');
    writeFileSync(
      file,
      [
        'instances:',
        ...[north, south].flatMap((sim, i) => [
          `  - id: ${i === 0 ? 'north' : 'south'}`,
          `    instanceId: ${sim.instanceId}`,
          `    region: ${sim.region}`,
          `    endpoint: ${sim.endpoint}`,
        ]),
      ].join('\n'),
    );
    const wallboard = await wallboardFor(
      parseEnv({
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-quotas-')),
        WALLBOARD_CONFIG: file,
        API_READS_PER_MINUTE: '100000',
      }),
    );
    await readyAt(wallboard, 60_000);
    // Several agent cycles of both instances: each alone would take 80% of GetCurrentUserData's quota.
    const from = Date.now();
    await waitFor(() => (Date.now() - from > 20_000 ? true : undefined), '20 s of polling', 25_000);
    expect(throttled(north, south)).toEqual([]);
    const [first, second] = wallboard.instances;
    expect(first?.poller.budget).toBe(second?.poller.budget);
    // Each instance plans its cycles on half of the shared rate.
    expect(first?.poller.budget.sharers).toBe(2);
    const latest = await fetchSnapshot(wallboard);
    expect(latest?.sections.agents.error).toBeNull();
  }, 90_000);
});
