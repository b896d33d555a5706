import type { Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { zoneWhereItIs } from '../support/timeZone.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';
import { fetchSnapshot } from './support.js';

// Connect's response model marks much optional: a metric's `Value`, a queue reference's `Id`. Through
// the real SDK, the simulator leaves CONTACTS_QUEUED's value out of every GetMetricData answer (its `omitValues`
// fault): the wallboard reads it as no figure, never as none queued, so the forecast has no arrival rate rather
// than predicting for a queue nobody calls.
let simulator: RunningSimulator;
let wallboard: RunningWallboard;

beforeAll(async () => {
  // Late morning where the centre is, for the simulator and the wallboard alike: a day of intervals behind it
  // whatever the hour of the run (the wallboard's own day, in UTC, has one interval just after midnight UTC).
  const timeZone = zoneWhereItIs(11);
  simulator = await startSimulator({
    queues: 8,
    agents: 60,
    seed: 3,
    timeZone,
    rateLimits: { enabled: false },
  });
  simulator.setFaults({ omitValues: ['CONTACTS_QUEUED'], operations: ['GetMetricData'] });
  wallboard = await startWebServer(
    simulatorEnv(simulator, {
      POLL_INTERVAL_MS: '1000',
      HISTORY_INTERVAL_MS: '5000',
      API_READS_PER_MINUTE: '100000',
      TIME_ZONE: timeZone,
    }),
    { credentials: TEST_CREDENTIALS },
  );
}, 60_000);

afterAll(async () => {
  await wallboard?.stop();
  await simulator?.close();
});

const withIntervals = (accept: (snapshot: Snapshot) => boolean) =>
  waitFor(
    async () => {
      const snapshot = await fetchSnapshot(wallboard);
      return snapshot && snapshot.intraday.instance.length > 0 && accept(snapshot) ? snapshot : undefined;
    },
    "a snapshot with today's intervals",
    30_000,
  );

it('reads a figure Connect gives without a value as none, not 0, and forecasts no arrivals from it', async () => {
  const without = await withIntervals(() => true);
  // The answers had the metric, without its value: the series hold no figure, where handle time still shows.
  const points = without.intraday.instance;
  expect(points.every((point) => point.metrics.CONTACTS_QUEUED === null)).toBe(true);
  expect(points.some((point) => typeof point.metrics.CONTACTS_HANDLED === 'number')).toBe(true);
  const call = simulator.calls.find((c) => c.operation === 'GetMetricData');
  expect(call).toBeDefined();
  for (const queue of without.queues) expect(queue.forecast?.arrivalsPerHour ?? null).toBeNull();

  // Values again: the figures and the arrival rate come back.
  simulator.clearFaults();
  const back = await withIntervals((s) =>
    s.intraday.instance.some((point) => typeof point.metrics.CONTACTS_QUEUED === 'number'),
  );
  await waitFor(
    async () => {
      const latest = await fetchSnapshot(wallboard);
      return latest?.queues.some((q) => typeof q.forecast?.arrivalsPerHour === 'number') ? true : undefined;
    },
    'an arrival rate once the values come back',
    30_000,
  );
  expect(back.intraday.instance.length).toBeGreaterThan(0);
});

it('reads a queue Connect names by its ARN alone (a QueueReference without its Id) as that queue', async () => {
  const before = await withIntervals(() => true);
  simulator.setFaults({ omitQueueIds: true, operations: ['GetCurrentMetricData', 'GetMetricData'] });
  const since = simulator.calls.length;
  const fresh = await waitFor(
    async () => {
      const snapshot = await fetchSnapshot(wallboard);
      const asked = simulator.calls.slice(since);
      const both = ['GetCurrentMetricData', 'GetMetricData'].every((op) =>
        asked.some((c) => c.operation === op),
      );
      return both && snapshot && Date.parse(snapshot.sections.today.fetchedAt ?? '') > Date.now() - 1000
        ? snapshot
        : undefined;
    },
    'figures fetched while queues come by their ARNs alone',
    30_000,
  );
  simulator.clearFaults();
  expect(fresh.sections.queues.error).toBeNull();
  expect(fresh.sections.today.error).toBeNull();
  expect(fresh.queues.map((q) => q.id)).toEqual(before.queues.map((q) => q.id));
  expect(fresh.queues.every((q) => typeof q.realtime.CONTACTS_IN_QUEUE === 'number')).toBe(true);
  expect(fresh.queues.some((q) => typeof q.today.CONTACTS_HANDLED === 'number')).toBe(true);
});
