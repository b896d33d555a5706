import type { Snapshot } from '@switchboard/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnectClient } from '../../src/connect/client.js';
import { createLogger } from '../../src/logger.js';
import { Poller } from '../../src/poller/poller.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';

// The poller through the real SDK against the simulator, both on a clock the test sets to the days the clocks
// change in zones that change them at midnight.
let now = 0;
let simulator: RunningSimulator | undefined;
let poller: Poller | undefined;

afterEach(async () => {
  poller?.stop();
  await simulator?.close();
  poller = undefined;
  simulator = undefined;
});

async function start(timeZone: string, at: string): Promise<Poller> {
  now = Date.parse(at);
  simulator = await startSimulator({
    queues: 8,
    agents: 60,
    seed: 5,
    timeZone,
    clock: () => now,
    rateLimits: { enabled: false },
  });
  const running = new Poller({
    client: createConnectClient({
      instanceId: simulator.instanceId,
      region: simulator.region,
      endpoint: simulator.endpoint,
      credentials: TEST_CREDENTIALS,
    }),
    instanceId: simulator.instanceId,
    intervalMs: 1000,
    staleAfterMs: 3_600_000,
    logger: createLogger('silent'),
    clock: () => now,
    timeZone,
    serviceLevelThresholds: [20],
    historyIntervalMs: 200,
    // A generous budget: the day's intervals fill in within seconds. The budget itself is unit-tested.
    quotas: {
      GetMetricData: { perSecond: 100, burst: 100 },
      GetCurrentMetricData: { perSecond: 100, burst: 100 },
    },
  });
  poller = running;
  running.start();
  return running;
}

/** The first snapshot published once today and every interval up to the last 5-minute boundary are in. */
async function settled(running: Poller): Promise<Snapshot> {
  const generation = await waitFor(
    () =>
      !running.history.backfillPending(now) &&
      running.latest?.sections.today.fetchedAt === new Date(now).toISOString()
        ? running.latest.generation
        : undefined,
    "today's figures and intervals",
    20_000,
  );
  return waitFor(() => {
    const latest = running.latest;
    return latest && latest.generation > generation ? latest : undefined;
  }, 'the next snapshot');
}

/** Resolves once the simulator has had no call for a while: whatever was in flight has been answered. */
async function quiet(): Promise<void> {
  let last: unknown = Symbol('none yet');
  await waitFor(async () => {
    // The newest call: the log keeps a bounded number, so its length alone may stand still.
    const newest = simulator?.calls.at(-1);
    if (newest === last) return true;
    last = newest;
    await new Promise((resolve) => setTimeout(resolve, 300));
    return undefined;
  }, 'no call in flight');
}

const seconds = (iso: string) => Date.parse(iso) / 1000;
const queuedIn = (snapshot: Snapshot) =>
  snapshot.intraday.instance.reduce((sum, p) => sum + (p.metrics.CONTACTS_QUEUED ?? 0), 0);

describe('today in a zone whose clocks change at midnight', () => {
  it.each([
    ['America/Santiago', '2025-09-07T15:02:00Z', '2025-09-07T04:00:00Z'],
    ['America/Havana', '2025-03-09T15:02:00Z', '2025-03-09T05:00:00Z'],
    ['America/Asuncion', '2024-10-06T15:02:00Z', '2024-10-06T04:00:00Z'],
  ])(
    'asks Connect for the spring-forward day in %s from 01:00, ending on the last 5-minute boundary',
    async (zone, at, dayStart) => {
      const running = await start(zone, at);
      const snapshot = await settled(running);
      const todayCalls = (simulator?.calls ?? []).filter(
        (c) =>
          c.operation === 'GetMetricData' && c.status === 200 && c.params.StartTime === seconds(dayStart),
      );
      // The day's range, and its first interval, start at 01:00 local, not at 23:00 the evening before.
      expect(todayCalls.map((c) => c.params.EndTime)).toContain(seconds(`${at.slice(0, 14)}00:00Z`));
      expect(snapshot.intraday.instance[0]?.start).toBe(new Date(dayStart).toISOString());
      // No request reaches before the day or past now.
      for (const call of simulator?.calls ?? []) {
        if (call.operation !== 'GetMetricData') continue;
        expect(call.status).toBe(200);
        expect(Number(call.params.StartTime)).toBeGreaterThanOrEqual(seconds(dayStart));
        expect(Number(call.params.EndTime)).toBeLessThanOrEqual(now / 1000);
      }
      expect(snapshot.summary.today.CONTACTS_QUEUED).toBe(queuedIn(snapshot));
    },
  );

  it('keeps all 25 hours of a fall-back day, the first hour from before Connect stopped answering for it', async () => {
    // Santiago's 5 April 2025 runs from 03:00 UTC to 04:00 UTC on the 6th.
    const running = await start('America/Santiago', '2025-04-06T02:30:00Z');
    const before = await settled(running);
    expect(before.intraday.instance[0]?.start).toBe('2025-04-05T03:00:00.000Z');
    expect(before.summary.today.CONTACTS_QUEUED).toBe(queuedIn(before));
    // 24 h 52 min into the day: its first hour is past Connect's 24-hour lookback, the rest under 24 hours. The
    // clock jumps with the poller stopped and no call in flight, so no request made for the earlier moment is
    // answered at the later one.
    running.stop();
    await quiet();
    now = Date.parse('2025-04-06T03:52:00Z');
    running.start();
    const late = await settled(running);
    expect(late.intraday.instance[0]?.start).toBe('2025-04-05T03:00:00.000Z');
    expect(late.summary.today.CONTACTS_QUEUED).toBeGreaterThan(before.summary.today.CONTACTS_QUEUED ?? 0);
    expect(late.summary.today.CONTACTS_QUEUED).toBe(queuedIn(late));
    const refused = (simulator?.calls ?? []).filter((c) => c.status !== 200);
    expect(refused).toEqual([]);
  });
});
