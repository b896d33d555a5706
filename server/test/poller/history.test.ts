import { clientFor } from '../simulator/support.js';
import { GetMetricDataCommand, type HistoricalMetric } from '@aws-sdk/client-connect';
import type { Snapshot } from '@switchboard/shared';
import { atLocalTime } from '@switchboard/shared/timeZone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';
import { zoneWhereItIs } from '../support/timeZone.js';
import { fetchSnapshot } from './support.js';

// A centre whose queues fit in one request (40 of at most 100), through the real SDK, on a simulated clock that
// stands still at the real time of the run (the poller's "today" runs on the real clock), in a time zone where it
// is early afternoon: a day of contacts behind it at any hour of the run (just after midnight, there were none).
const QUEUES = 40;
const TIME_ZONE = zoneWhereItIs(14);
const now = Math.floor(Date.now() / 1000) * 1000;
const dayStart = atLocalTime(now, 0, 0, TIME_ZONE);
let simulator: RunningSimulator;
let wallboard: RunningWallboard;

beforeAll(async () => {
  simulator = await startSimulator({
    queues: QUEUES,
    agents: 300,
    seed: 8,
    clock: () => now,
    timeZone: TIME_ZONE,
    rateLimits: { enabled: false },
  });
  wallboard = await startWebServer(
    simulatorEnv(simulator, {
      CONNECT_RATE_METRICS: '40/20',
      CONNECT_RATE_OTHER: '100/20',
      API_READS_PER_MINUTE: '100000',
      TIME_ZONE,
    }),
    { credentials: TEST_CREDENTIALS },
  );
}, 60_000);

afterAll(async () => {
  await wallboard?.stop();
  await simulator?.close();
});

const AVERAGES = ['QUEUE_ANSWER_TIME', 'HANDLE_TIME', 'AFTER_CONTACT_WORK_TIME', 'ABANDON_TIME'] as const;

/** The simulator's own figures for every queue together over [start, end): GetMetricData, not grouped. */
async function wholeCentre(start: number, end: number): Promise<Map<string, number | null>> {
  const client = clientFor(simulator);
  try {
    const response = await client.send(
      new GetMetricDataCommand({
        InstanceId: simulator.instanceId,
        StartTime: new Date(start),
        EndTime: new Date(end),
        Filters: { Queues: simulator.model.queues.map((q) => q.id) },
        HistoricalMetrics: [
          { Name: 'OCCUPANCY', Unit: 'PERCENT', Statistic: 'AVG' },
          ...AVERAGES.map((Name): HistoricalMetric => ({ Name, Unit: 'SECONDS', Statistic: 'AVG' })),
        ],
      }),
    );
    return new Map(
      (response.MetricResults?.[0]?.Collections ?? []).map((c) => [c.Metric?.Name ?? '', c.Value ?? null]),
    );
  } finally {
    client.destroy();
  }
}

/** The poller's GetMetricData calls for the centre's OCCUPANCY: not grouped, over every queue. */
const occupancyCalls = () =>
  simulator.calls.filter(
    (call) =>
      call.operation === 'GetMetricData' &&
      call.params.Groupings === undefined &&
      (call.params.Filters as { Queues?: string[] }).Queues?.length === QUEUES,
  );

/**
 * The ends of the poller's "today" so far: the last 5-minute boundary of the real clock when it asked, from the call
 * log. The simulated clock stands still, but a boundary may pass during the run, and a snapshot may hold the
 * figures of the round before the latest: it holds one of these.
 */
function todayEnds(): number[] {
  const ends = occupancyCalls()
    .filter((call) => call.status === 200 && Number(call.params.StartTime) * 1000 === dayStart)
    .map((call) => Number(call.params.EndTime) * 1000);
  return [...new Set(ends)].sort((a, b) => b - a);
}

describe(`the centre's figures today when its ${QUEUES} queues fit in one request`, () => {
  it('takes OCCUPANCY from Connect for all queues together, and weights every other average by its contacts', async () => {
    const snapshot: Snapshot = await waitFor(
      async () => {
        const latest = await fetchSnapshot(wallboard);
        const first = latest?.intraday.instance[0];
        return latest?.sections.today.fetchedAt && first && Date.parse(first.start) === dayStart
          ? latest
          : undefined;
      },
      'today and intraday figures',
      30_000,
    );
    // The poller's calls so far, before this test adds its own.
    const pollerCalls = occupancyCalls();
    const ends = todayEnds();
    expect(ends.length, "the poller's today requests").toBeGreaterThan(0);
    for (const end of ends) expect(end % 300_000, 'the end on a 5-minute boundary').toBe(0);
    // Connect's figures over the "today" the snapshot holds: of the ends the poller asked for, the one whose
    // OCCUPANCY it shows (every other figure is then checked against that same range).
    const candidates = await Promise.all(ends.map((end) => wholeCentre(dayStart, end)));
    const centre =
      candidates.find(
        (figures) =>
          Math.abs((figures.get('OCCUPANCY') ?? Number.NaN) - (snapshot.summary.today.OCCUPANCY ?? 0)) < 1e-6,
      ) ??
      candidates[0] ??
      new Map<string, number | null>();
    expect(centre.get('OCCUPANCY')).toBeGreaterThan(0);
    expect(snapshot.summary.today.OCCUPANCY).toBeCloseTo(centre.get('OCCUPANCY') ?? Number.NaN, 6);
    for (const name of AVERAGES) {
      // Connect gives no average where no contact counts towards it (no abandons yet): neither does the wall.
      const expected = centre.get(name) ?? null;
      if (expected === null) expect(snapshot.summary.today[name] ?? null, name).toBeNull();
      else expect(snapshot.summary.today[name], name).toBeCloseTo(expected, 6);
    }
    // Each point of the instance's intraday series too, to the two decimals a chart gets.
    const point = snapshot.intraday.instance[0];
    const first = await wholeCentre(Date.parse(point?.start ?? ''), Date.parse(point?.end ?? ''));
    const expected = first.get('OCCUPANCY');
    expect(point?.metrics.OCCUPANCY ?? null).toBe(
      expected === null || expected === undefined ? null : Math.round(expected * 100) / 100,
    );

    // The figure is asked for ungrouped, over every queue, OCCUPANCY alone.
    expect(pollerCalls.length).toBeGreaterThan(0);
    for (const call of pollerCalls) {
      expect(call.params.HistoricalMetrics).toEqual([
        { Name: 'OCCUPANCY', Unit: 'PERCENT', Statistic: 'AVG' },
      ]);
      expect(call.status).toBe(200);
    }
  });
});
