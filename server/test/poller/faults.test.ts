import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { wallboardThroughProxy, type ProxiedWallboard } from '../support/connectProxy.js';
import { waitFor } from '../support/wallboard.js';
import { QueueHidingProxy } from './proxy.js';
import { fetchSnapshot, snapshotAfter } from './support.js';

// Connect misbehaving, through the real SDK: the simulator's faults, with its own rate limits in force (Connect's
// quotas per operation) and a wall clock the test can fast-forward through an outage.
let wallOffset = 0;
let simulator: RunningSimulator;
let proxied: ProxiedWallboard<QueueHidingProxy>;
let proxy: QueueHidingProxy;
let wallboard: RunningWallboard;

beforeAll(async () => {
  // Midday today, running in real time: enough agents online that their list takes several pages.
  const realStart = Date.now();
  const midday = new Date(realStart).setUTCHours(12, 0, 0, 0);
  simulator = await startSimulator({
    queues: 30,
    agents: 1000,
    seed: 9,
    clock: () => midday + (Date.now() - realStart) + wallOffset,
    wallClock: () => Date.now() + wallOffset,
  });
  proxied = await wallboardThroughProxy(simulator, new QueueHidingProxy(new URL(simulator.endpoint)), {
    POLL_INTERVAL_MS: '1000',
    STALE_AFTER_MS: '3000',
    DISCOVERY_INTERVAL_MS: '1000',
    API_READS_PER_MINUTE: '100000',
  });
  ({ proxy, wallboard } = proxied);
  await snapshotAfter(wallboard, 0, (s) => s.sections.agents.fetchedAt !== null, 30_000);
}, 60_000);

afterAll(async () => {
  await proxied?.stop();
  await simulator?.close();
});

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${wallboard.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

const healthy = (s: { stale: boolean; sections: Record<string, { error: unknown }> }) =>
  !s.stale && s.sections.queues?.error === null && s.sections.agents?.error === null;

describe('the poller when Connect misbehaves', () => {
  it('stays inside Connect rate limits in steady state: no throttles', async () => {
    const start = await snapshotAfter(wallboard, 0);
    await snapshotAfter(wallboard, start.generation + 4);
    expect(simulator.calls.filter((call) => call.status === 429)).toHaveLength(0);
    expect(await metric('switchboard_connect_throttles_total')).toBe(0);
    expect(
      await metric(
        'switchboard_connect_calls_total{instance="default",operation="GetCurrentMetricData",outcome="ok"}',
      ),
    ).toBeGreaterThan(0);
  });

  it('rides out a throttling storm by slowing down, keeps the figures, and is fresh within a cycle of its end', async () => {
    const before = await snapshotAfter(wallboard, 0, healthy);
    // A storm long enough to slow the budget to its floor and fail several cycles in a row.
    simulator.setFaults({ throttleRate: 0.95 });
    await waitFor(
      () => (wallboard.poller.budget.stats.throttles >= 15 ? true : undefined),
      'throttles',
      20_000,
    );
    expect(wallboard.poller.budget.stats.rates.GetCurrentMetricData).toBeLessThan(
      wallboard.poller.budget.ratePerSecond('GetCurrentMetricData'),
    );
    const during = await fetchSnapshot(wallboard);
    expect(during?.queues).toHaveLength(30);
    simulator.clearFaults();
    const ended = Date.now();
    // Fresh queue figures fetched after the storm ended: the backed-off budget still sends a request a second,
    // so the first one after the end succeeds and the rate doubles back.
    const fresh = await snapshotAfter(
      wallboard,
      during?.generation ?? 0,
      (s) =>
        !s.stale &&
        s.sections.queues.error === null &&
        Date.parse(s.sections.queues.fetchedAt ?? '') >= ended,
      30_000,
    );
    const freshMs = Date.now() - ended;
    console.log(
      `queue figures fresh ${freshMs} ms after a throttling storm ended (cycle ${fresh.cycleMs} ms)`,
    );
    // One cycle, plus a cycle for the one under way when the storm ended and this machine's slack.
    expect(freshMs).toBeLessThan(2 * fresh.cycleMs + 3000);
    const after = await snapshotAfter(wallboard, before.generation, healthy, 30_000);
    expect(after.queues).toHaveLength(30);
    expect(await metric('switchboard_connect_throttles_total')).toBeGreaterThanOrEqual(15);
  });

  it('keeps the last complete agent list when page tokens expire mid-pagination, then recovers', async () => {
    const before = await snapshotAfter(wallboard, 0, healthy);
    expect(before.agents.length).toBeGreaterThan(100);
    simulator.setFaults({ expireTokens: true });
    const failing = await snapshotAfter(
      wallboard,
      before.generation,
      (s) => s.sections.agents.error !== null,
    );
    expect(failing.sections.agents.error?.message).toMatch(/expired/i);
    // The figures of the last complete pass, never a partial one.
    expect(failing.agents.length).toBe(before.agents.length);
    expect(failing.sections.queues.error).toBeNull();
    simulator.clearFaults();
    await snapshotAfter(wallboard, failing.generation, healthy, 30_000);
  });

  it("takes later pages without DataSnapshotTime (optional in Connect's answer) as one moment, not a change", async () => {
    const before = await snapshotAfter(wallboard, 0, healthy);
    // Pages of 4 queue rows: every chunk of 30 queues runs to several pages, all but the first without a time.
    simulator.setFaults({
      maxPageSize: 4,
      omitLaterSnapshotTimes: true,
      operations: ['GetCurrentMetricData'],
    });
    const calledBefore = simulator.calls.length;
    // Three cycles on, every snapshot seen on the way with its queues fresh: none failed as a changed snapshot.
    const errors: unknown[] = [];
    const after = await snapshotAfter(wallboard, before.generation, (s) => {
      errors.push(s.sections.queues.error);
      return s.generation >= before.generation + 3;
    });
    simulator.clearFaults();
    const laterPages = simulator.calls
      .slice(calledBefore)
      .filter((call) => call.operation === 'GetCurrentMetricData' && call.params.NextToken !== undefined);
    expect(laterPages.length).toBeGreaterThan(0);
    expect(errors.filter((error) => error !== null)).toEqual([]);
    expect(after.queues).toHaveLength(30);
  });

  it('shows the last figures marked stale through a 5-minute outage, and recovers when Connect returns', async () => {
    const before = await snapshotAfter(wallboard, 0, healthy);
    simulator.setFaults({ outageSeconds: 300 });
    const down = await waitFor(
      async () => {
        const s = await fetchSnapshot(wallboard);
        return s?.stale && s.sections.queues.error ? s : undefined;
      },
      'a stale snapshot with the error',
      15_000,
    );
    // The last complete figures stay (a cycle may have finished just as the outage began): never a partial set.
    expect(down.queues).toHaveLength(30);
    expect(down.generation).toBeGreaterThanOrEqual(before.generation);
    expect(Date.parse(down.sections.queues.fetchedAt ?? '')).toBeLessThan(
      Date.parse(down.sections.queues.error?.at ?? ''),
    );
    expect(await (await fetch(`${wallboard.url}/healthz`)).json()).toEqual({ status: 'ok' });
    // Five minutes pass on Connect's side; the outage ends.
    wallOffset += 300_000;
    const back = await snapshotAfter(wallboard, before.generation, healthy, 30_000);
    expect(back.sections.queues.error).toBeNull();
    simulator.clearFaults();
  });

  it('refuses malformed responses, keeping the last figures with the error, and recovers', async () => {
    const before = await snapshotAfter(wallboard, 0, healthy);
    simulator.setFaults({ malformedRate: 1, operations: ['GetCurrentMetricData'] });
    const failing = await waitFor(async () => {
      const s = await fetchSnapshot(wallboard);
      return s?.sections.queues.error ? s : undefined;
    }, 'the queues section in error');
    expect(failing.queues.map((q) => q.realtime)).toEqual(before.queues.map((q) => q.realtime));
    simulator.clearFaults();
    await snapshotAfter(wallboard, before.generation, healthy, 30_000);
  });

  it(
    'shows queues added in Connect and drops queues removed, without a restart',
    { timeout: 90_000 },
    async () => {
      const [removed] = simulator.model.catalog.queues;
      if (!removed) throw new Error('no queues');
      proxy.hidden.add(removed.id);
      // Discovery shares the slower family's budget with the agent list, behind it: a round takes seconds.
      const without = await snapshotAfter(wallboard, 0, (s) => s.queues.length === 29, 40_000).catch(
        async (error: unknown) => {
          throw new Error(`${String(error)}: ${JSON.stringify((await fetchSnapshot(wallboard))?.sections)}`);
        },
      );
      expect(without.queues.some((q) => q.id === removed.id)).toBe(false);
      proxy.hidden.delete(removed.id);
      const withIt = await snapshotAfter(
        wallboard,
        without.generation,
        (s) => s.queues.length === 30,
        40_000,
      );
      expect(withIt.queues.some((q) => q.id === removed.id)).toBe(true);
    },
  );
});
