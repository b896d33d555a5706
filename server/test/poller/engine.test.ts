import { clientFor } from '../simulator/support.js';
import { GetMetricDataCommand } from '@aws-sdk/client-connect';
import { AGENT_COUNT_METRICS, CURRENT_METRIC_NAMES, type Snapshot } from '@switchboard/shared';
import { atLocalTime } from '@switchboard/shared/timeZone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { startSimulator, type CallRecord, type RunningSimulator } from '../../src/simulator/server.js';
import { zoneWhereItIs } from '../support/timeZone.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';
import { fetchSnapshot, isFirstPage, minimumPages, requestKey, snapshotAfter } from './support.js';

// 250 queues and 1,500 agents through the real SDK. The simulated clock stands still, so every figure the
// poller reads belongs to one moment, and the test compares it with the simulator's own figures at that moment.
const QUEUES = 250;
const AGENTS = 1500;
// Frozen at the real time of the run (the poller's "today" runs on the real clock), in a time zone where it is
// early afternoon, so "today" has contacts in it at any hour of the run.
const TIME_ZONE = zoneWhereItIs(14);
const now = Math.floor(Date.now() / 1000) * 1000;
const midnight = atLocalTime(now, 0, 0, TIME_ZONE);
let simulator: RunningSimulator;
let wallboard: RunningWallboard;

beforeAll(async () => {
  simulator = await startSimulator({
    queues: QUEUES,
    agents: AGENTS,
    seed: 42,
    clock: () => now,
    timeZone: TIME_ZONE,
    rateLimits: { enabled: false },
  });
  wallboard = await startWebServer(
    simulatorEnv(simulator, {
      // Cycles well apart, so the test can tell one cycle's calls from the next even on a busy machine.
      POLL_INTERVAL_MS: '3000',
      // A generous budget so the test does not wait on Connect's real limits; the budget itself is unit-tested.
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

describe(`the poller against ${QUEUES} queues and ${AGENTS} agents`, () => {
  it('serves every queue with the simulator figures of that moment, whatever chunk it fell in', async () => {
    const snapshot = await snapshotAfter(wallboard, 0);
    const figures = simulator.model.figures(now);
    expect(snapshot.queues).toHaveLength(QUEUES);
    expect(snapshot.dataSnapshotTime).toBe(new Date(now).toISOString());
    for (const queue of snapshot.queues) {
      const expected = figures.queues.get(queue.id);
      expect(expected, queue.id).toBeDefined();
      for (const metric of CURRENT_METRIC_NAMES) {
        // A queue Connect leaves out has no estimate; the simulator keeps its own (null when idle). The estimate
        // is a test of its own below (an email queue has none).
        if (metric === 'ESTIMATED_WAIT_TIME') continue;
        expect(queue.realtime[metric], `${queue.name} ${metric}`).toBe(expected?.[metric]);
      }
      // Email cannot be asked for by channel (GetCurrentMetricData's Channels filter): no per-channel split.
      if (simulator.model.catalog.queue(queue.id)?.channel === 'EMAIL') {
        expect(queue.realtimeByChannel.EMAIL, queue.name).toBeUndefined();
        continue;
      }
      const byChannel = Object.values(queue.realtimeByChannel).reduce(
        (sum, channel) => sum + (channel?.CONTACTS_IN_QUEUE ?? 0),
        0,
      );
      expect(byChannel, `${queue.name} contacts over its channels`).toBe(queue.realtime.CONTACTS_IN_QUEUE);
    }
  });

  it('gives instance totals equal to the simulator instance figures, counting each agent once', async () => {
    // Agent totals come once the routing profiles are known (discovery may finish after the first cycle).
    const snapshot = await snapshotAfter(
      wallboard,
      0,
      (s) => s.sections.queues.error === null && s.summary.realtime.AGENTS_ONLINE != null,
    );
    const { instance } = simulator.model.figures(now);
    for (const metric of [
      ...AGENT_COUNT_METRICS,
      'CONTACTS_IN_QUEUE',
      'CONTACTS_SCHEDULED',
      'OLDEST_CONTACT_AGE',
    ] as const) {
      expect(snapshot.summary.realtime[metric], metric).toBe(instance[metric]);
    }
    // Summing per-queue agent counts would count agents who serve several queues more than once.
    const summed = snapshot.queues.reduce((sum, q) => sum + (q.realtime.AGENTS_ONLINE ?? 0), 0);
    expect(summed).toBeGreaterThan(instance.AGENTS_ONLINE ?? 0);
  });

  it('asks for ESTIMATED_WAIT_TIME only by Queues and Channels grouped by QUEUE and CHANNEL, and shows every queue and the centre the simulator estimate', async () => {
    await snapshotAfter(wallboard, 0);
    const seen = new Set<CallRecord>(simulator.calls);
    const asksEstimate = (call: CallRecord) =>
      (call.params.CurrentMetrics as { Name: string }[]).some((m) => m.Name === 'ESTIMATED_WAIT_TIME');
    const made = () =>
      simulator.calls.filter((call) => !seen.has(call) && call.operation === 'GetCurrentMetricData');
    // A whole cycle's requests made since: the cycle under way when `seen` was taken may have made its own before
    // (on a busy machine, the snapshot it publishes next holds none made since), then a snapshot after them.
    const chunks = Math.ceil(QUEUES / 100);
    await waitFor(
      () => (made().filter(asksEstimate).length >= chunks ? true : undefined),
      'a cycle of real-time requests',
    );
    const asked = await fetchSnapshot(wallboard);
    const snapshot = await snapshotAfter(wallboard, asked?.generation ?? 0);
    const realtime = made();
    expect(realtime.filter(asksEstimate).length).toBeGreaterThanOrEqual(chunks);
    for (const call of realtime) {
      const filters = call.params.Filters as { Queues?: string[]; Channels?: string[] };
      const documented =
        JSON.stringify(call.params.Groupings) === '["QUEUE","CHANNEL"]' &&
        (filters.Queues?.length ?? 0) > 0 &&
        JSON.stringify(filters.Channels) === '["VOICE","CHAT","TASK"]';
      expect(asksEstimate(call), requestKey(call)).toBe(documented);
      expect(call.status, requestKey(call)).toBe(200);
    }
    const figures = simulator.model.figures(now);
    const reported: number[] = [];
    for (const queue of snapshot.queues) {
      const expected = figures.queues.get(queue.id);
      const active = (expected?.CONTACTS_IN_QUEUE ?? 0) > 0 || (expected?.AGENTS_ONLINE ?? 0) > 0;
      // An email queue has no estimate: the estimate comes only per channel, and the Channels filter cannot name
      // EMAIL.
      const isEmail = simulator.model.queues.find((q) => q.id === queue.id)?.channel === 'EMAIL';
      const estimate = active && !isEmail ? (expected?.ESTIMATED_WAIT_TIME ?? null) : null;
      expect(queue.realtime.ESTIMATED_WAIT_TIME, queue.name).toBe(estimate);
      if (estimate !== null) reported.push(estimate);
    }
    expect(reported.length).toBeGreaterThan(0);
    // Connect has no instance-wide estimate: the centre's is the longest of any queue.
    expect(snapshot.summary.realtime.ESTIMATED_WAIT_TIME).toBe(Math.max(...reported));
  });

  it('makes exactly the fewest real-time calls the chunking allows in a cycle', async () => {
    // One cycle's calls: those the simulator answered between two publishes of fresh figures, taken as each is
    // published (in this process), so a test that looks late never counts the next cycle's first calls too.
    const source = wallboard.instances[0]?.source;
    if (!source) throw new Error('the wallboard has no instance');
    const cycle = await new Promise<CallRecord[]>((resolve, reject) => {
      let before: Set<CallRecord> | null = null;
      const timer = setTimeout(() => {
        stop();
        reject(new Error('no two fresh snapshots in a row within 30 s'));
      }, 30_000);
      const stop = source.subscribe((snapshot) => {
        if (snapshot.sections.queues.error !== null) {
          // A failed cycle (it publishes too): count the next whole one instead.
          before = null;
        } else if (before === null) {
          before = new Set(simulator.calls);
        } else {
          const seen = before;
          clearTimeout(timer);
          stop();
          resolve(
            simulator.calls.filter((call) => !seen.has(call) && call.operation === 'GetCurrentMetricData'),
          );
        }
      });
    });
    const requests = new Map<string, CallRecord[]>();
    for (const call of cycle)
      requests.set(requestKey(call), [...(requests.get(requestKey(call)) ?? []), call]);
    const profiles = simulator.model.catalog.profiles.length;
    // QUEUE and QUEUE+CHANNEL for each chunk of 100 queues, and one ungrouped request per 100 routing profiles.
    expect([...requests.values()].filter((pages) => pages.some(isFirstPage))).toHaveLength(
      2 * Math.ceil(QUEUES / 100) + Math.ceil(profiles / 100),
    );
    let minimum = 0;
    for (const pages of requests.values()) {
      const fewest = await minimumPages(simulator, pages[0]?.params ?? {});
      expect(pages, requestKey(pages[0] as CallRecord)).toHaveLength(fewest);
      minimum += fewest;
    }
    expect(cycle).toHaveLength(minimum);
    expect(cycle.every((call) => call.status === 200)).toBe(true);
  });

  it('gives the centre today averages over the contacts each is an average of, equal to the simulator figure for the whole centre', async () => {
    const snapshot: Snapshot = await waitFor(
      async () => {
        const latest = await fetchSnapshot(wallboard);
        return latest?.sections.today.fetchedAt ? latest : undefined;
      },
      'today figures',
      30_000,
    );
    // The poller's "today" ends at the last 5-minute boundary of the real clock when it asked (which may have
    // passed since `now`): the latest end of its GetMetricData calls grouped by queue from the start of the day,
    // read from the call log. (The intraday series' first half-hour starts there too, and ends at 00:30.)
    const todayEnds = simulator.calls
      .filter(
        (call) =>
          call.operation === 'GetMetricData' &&
          call.status === 200 &&
          Number(call.params.StartTime) * 1000 === midnight &&
          Array.isArray(call.params.Groupings) &&
          call.params.Groupings.includes('QUEUE'),
      )
      .map((call) => Number(call.params.EndTime) * 1000);
    expect(todayEnds.length, "the poller's today requests").toBeGreaterThan(0);
    const endTime = Math.max(...todayEnds);
    expect(endTime % 300_000, 'EndTime on a 5-minute boundary').toBe(0);
    // The simulator's own answer for the whole centre: GetMetricData not grouped, one request per 100 queues (the
    // filter's limit; a Channels filter would leave email queues out). Each chunk's figure is Connect's own; chunks
    // are put together by the contacts each average is taken over, which is exact across disjoint queues.
    const client = clientFor(simulator);
    const averages = ['QUEUE_ANSWER_TIME', 'HANDLE_TIME', 'AFTER_CONTACT_WORK_TIME', 'ABANDON_TIME'] as const;
    const counts = [
      'CONTACTS_HANDLED',
      'CONTACTS_HANDLED_OUTBOUND',
      'CONTACTS_HANDLED_INCOMING',
      'CALLBACK_CONTACTS_HANDLED',
      'API_CONTACTS_HANDLED',
      'CONTACTS_ABANDONED',
    ] as const;
    const overContacts: Record<(typeof averages)[number], readonly (typeof counts)[number][]> = {
      QUEUE_ANSWER_TIME: ['CONTACTS_HANDLED_INCOMING', 'CALLBACK_CONTACTS_HANDLED', 'API_CONTACTS_HANDLED'],
      HANDLE_TIME: ['CONTACTS_HANDLED'],
      AFTER_CONTACT_WORK_TIME: ['CONTACTS_HANDLED'],
      ABANDON_TIME: ['CONTACTS_ABANDONED'],
    };
    const queueIds = simulator.model.queues.map((q) => q.id);
    const chunks: Map<string, number | null>[] = [];
    try {
      for (let start = 0; start < queueIds.length; start += 100) {
        const answer = await client.send(
          new GetMetricDataCommand({
            InstanceId: simulator.instanceId,
            StartTime: new Date(midnight),
            EndTime: new Date(endTime),
            Filters: { Queues: queueIds.slice(start, start + 100) },
            HistoricalMetrics: [
              ...counts.map((Name) => ({ Name, Unit: 'COUNT' as const, Statistic: 'SUM' as const })),
              ...averages.map((Name) => ({ Name, Unit: 'SECONDS' as const, Statistic: 'AVG' as const })),
            ],
          }),
        );
        chunks.push(
          new Map(
            (answer.MetricResults?.[0]?.Collections ?? []).map((c) => [
              c.Metric?.Name ?? '',
              c.Value ?? null,
            ]),
          ),
        );
      }
    } finally {
      client.destroy();
    }
    const total = (name: string) => chunks.reduce((sum, chunk) => sum + (chunk.get(name) ?? 0), 0);
    const figure = (name: string): number | null => {
      if (!(name in overContacts)) return total(name);
      const weights = overContacts[name as (typeof averages)[number]];
      let weighted = 0;
      let contacts = 0;
      for (const chunk of chunks) {
        const value = chunk.get(name) ?? null;
        const w = weights.reduce((sum, weight) => sum + (chunk.get(weight) ?? 0), 0);
        if (value === null || w === 0) continue;
        weighted += value * w;
        contacts += w;
      }
      return contacts > 0 ? weighted / contacts : null;
    };
    expect(figure('CONTACTS_HANDLED_OUTBOUND')).toBeGreaterThan(0);
    expect(snapshot.summary.today.CONTACTS_HANDLED).toBe(figure('CONTACTS_HANDLED'));
    for (const name of averages) {
      expect(snapshot.summary.today[name], name).toBeCloseTo(figure(name) ?? Number.NaN, 6);
    }
    // Weighted by every contact handled (outbound calls included), the answer time would be off: the conformance
    // suite shows by how much on a fixed clock.
  });

  it('lists every agent online once, with names, status and time in state', async () => {
    const online = simulator.model.figures(now).instance.AGENTS_ONLINE ?? 0;
    const snapshot = await waitFor(
      async () => {
        const latest = await fetchSnapshot(wallboard);
        return latest && latest.agents.length === online && latest.agents.every((a) => a.name !== a.username)
          ? latest
          : undefined;
      },
      'every agent online, with names described',
      170_000,
    );
    expect(new Set(snapshot.agents.map((a) => a.id)).size).toBe(online);
    for (const agent of snapshot.agents) {
      const user = simulator.model.catalog.user(agent.id);
      expect(agent.username).toBe(user?.username);
      expect(agent.statusStartedAt).not.toBeNull();
      expect(agent.routingProfile?.name).toBeTruthy();
    }
    expect(Date.parse(snapshot.serverTime)).toBeGreaterThan(0);
  }, 180_000);

  it('serves today so far per queue and for the instance, and an intraday series up to now', async () => {
    const snapshot: Snapshot = await waitFor(
      async () => {
        const latest = await fetchSnapshot(wallboard);
        const first = latest?.intraday.instance[0];
        return latest?.sections.today.fetchedAt && first && Date.parse(first.start) === midnight
          ? latest
          : undefined;
      },
      'today and intraday figures',
      30_000,
    );
    const queued = snapshot.queues.reduce((sum, q) => sum + (q.today.CONTACTS_QUEUED ?? 0), 0);
    expect(queued).toBeGreaterThan(0);
    expect(snapshot.summary.today.CONTACTS_QUEUED).toBe(queued);
    expect(snapshot.summary.today).toHaveProperty('SERVICE_LEVEL_20');
    // The last interval ends on the last 5-minute boundary: never in the future, as GetMetricData wants it.
    const end = Date.parse(snapshot.intraday.instance.at(-1)?.end ?? '');
    expect(end % 300_000).toBe(0);
    expect(end).toBeLessThanOrEqual(Date.now());
    expect(end).toBeGreaterThan(now - 5 * 60_000);
    expect(Date.parse(snapshot.intraday.instance[0]?.start ?? '')).toBe(midnight);
    // Past 100 queues the per-queue series stay out of the snapshot, served one queue at a time.
    expect(snapshot.intraday.queues).toEqual({});
    // One queue's series, against the snapshot read with it: read again as a pair if a round of history (a
    // 5-minute boundary passing) came between the two reads, so they hold different rounds.
    const pair = async () => {
      const latest = await fetchSnapshot(wallboard);
      const queue = latest?.queues[0];
      const response = await fetch(`${wallboard.url}/api/v1/intraday/${queue?.id ?? ''}`);
      const { points } = (await response.json()) as {
        points: { start: string; metrics: Record<string, number> }[];
      };
      return {
        starts: points.map((p) => p.start),
        snapshotStarts: latest?.intraday.instance.map((p) => p.start),
        queued: points.reduce((sum, p) => sum + (p.metrics.CONTACTS_QUEUED ?? 0), 0),
        today: queue?.today.CONTACTS_QUEUED,
      };
    };
    let read = await pair();
    for (let attempt = 0; attempt < 15 && read.queued !== read.today; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      read = await pair();
    }
    expect(read.starts).toEqual(read.snapshotStarts);
    expect(read.queued).toBe(read.today);
    expect((await fetch(`${wallboard.url}/api/v1/intraday/no-such-queue`)).status).toBe(404);
  });
});
