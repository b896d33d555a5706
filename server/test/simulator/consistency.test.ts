import {
  GetCurrentMetricDataCommand,
  GetMetricDataCommand,
  GetMetricDataV2Command,
  paginateGetCurrentUserData,
  type HistoricalMetric,
  type UserData,
} from '@aws-sdk/client-connect';
import { describe, expect, it } from 'vitest';
import { Q, queueValue } from '../../src/simulator/history.js';
import { sumIntervals } from '../../src/simulator/ops/aggregate.js';
import { startSimulator } from '../../src/simulator/server.js';
import { ALL_CURRENT_METRICS, CURRENT_METRICS_BUT_ESTIMATE, clockedSimulator, valueOf } from './support.js';

// The numbers must agree: the wire with the model, the model with its own contacts and agents, and the
// historical figures with each other however they are sliced.
/** Contact states that hold an agent in error (missed, rejected, failed): not work, counted in AGENTS_ERROR. */
const ERROR_STATES: readonly string[] = ['MISSED', 'REJECTED', 'ERROR'];
const dayStart = Date.parse('2026-11-24T00:00:00Z');
const run = clockedSimulator(Date.parse('2026-11-24T09:31:07Z'), { queues: 40, agents: 300, seed: 21 });

const moments = ['09:31:07', '11:17:45', '14:45:00', '18:05:31', '23:58:02'].map((t) =>
  Date.parse(`2026-11-24T${t}Z`),
);

async function allUserData(): Promise<UserData[]> {
  const rows: UserData[] = [];
  const profiles = run.sim.model.catalog.profiles.map((p) => p.id);
  for await (const page of paginateGetCurrentUserData(
    { client: run.client },
    { InstanceId: run.sim.instanceId, Filters: { RoutingProfiles: profiles }, MaxResults: 100 },
  )) {
    rows.push(...(page.UserDataList ?? []));
  }
  return rows;
}

async function instanceRow() {
  const response = await run.client.send(
    new GetCurrentMetricDataCommand({
      InstanceId: run.sim.instanceId,
      Filters: { Queues: run.sim.model.queues.map((q) => q.id) },
      CurrentMetrics: CURRENT_METRICS_BUT_ESTIMATE,
    }),
  );
  return response.MetricResults?.[0];
}

describe('current figures agree with agents user data and with the model', () => {
  it.each(moments.map((at) => [new Date(at).toISOString().slice(11, 19), at]))(
    'at %s',
    async (_label, at) => {
      run.now = at;
      const [summary, users] = [await instanceRow(), await allUserData()];
      const statusOf = (u: UserData) => u.Status?.StatusName;
      // On contact: connected, on hold, after-contact work, or ringing out (a callback dialling the customer).
      const working = (u: UserData) =>
        (u.Contacts ?? []).filter(
          (c) =>
            ['CONNECTED', 'CONNECTED_ONHOLD', 'ENDED'].includes(c.AgentContactState ?? '') ||
            (c.AgentContactState === 'CONNECTING' && c.InitiationMethod === 'CALLBACK'),
        );
      expect(valueOf(summary, 'AGENTS_ONLINE')).toBe(users.filter((u) => statusOf(u) !== 'Offline').length);
      expect(valueOf(summary, 'AGENTS_ONLINE')).toBe(
        run.sim.model.agents.filter((a) => a.statusIndex !== 4).length,
      );
      expect(valueOf(summary, 'AGENTS_NON_PRODUCTIVE')).toBe(
        users.filter((u) => ['Break', 'Lunch', 'Training'].includes(statusOf(u) ?? '')).length,
      );
      expect(valueOf(summary, 'AGENTS_ON_CONTACT')).toBe(users.filter((u) => working(u).length > 0).length);
      expect(valueOf(summary, 'AGENTS_ERROR')).toBe(
        users.filter((u) => u.Contacts?.some((c) => ERROR_STATES.includes(c.AgentContactState ?? ''))).length,
      );
      expect(valueOf(summary, 'AGENTS_AFTER_CONTACT_WORK')).toBe(
        users.flatMap((u) => u.Contacts ?? []).filter((c) => c.AgentContactState === 'ENDED').length,
      );
      const slots = (key: 'ActiveSlotsByChannel' | 'AvailableSlotsByChannel') =>
        users.reduce((sum, u) => sum + Object.values(u[key] ?? {}).reduce((a, b) => a + b, 0), 0);
      expect(valueOf(summary, 'SLOTS_ACTIVE')).toBe(slots('ActiveSlotsByChannel'));
      expect(valueOf(summary, 'SLOTS_AVAILABLE')).toBe(slots('AvailableSlotsByChannel'));
      // Available: can take an inbound contact, so a free slot and no contact ongoing (admin guide, Available).
      expect(valueOf(summary, 'AGENTS_AVAILABLE')).toBe(
        users.filter(
          (u) =>
            (u.Contacts ?? []).length === 0 &&
            Object.values(u.AvailableSlotsByChannel ?? {}).some((n) => n > 0),
        ).length,
      );

      const waiting = run.sim.model.queues.map((q) => q.waiting.length);
      expect(valueOf(summary, 'CONTACTS_IN_QUEUE')).toBe(waiting.reduce((a, b) => a + b, 0));
      const figures = run.sim.model.figures(run.now);
      expect(valueOf(summary, 'AGENTS_ONLINE')).toBe(figures.instance.AGENTS_ONLINE);

      const byChannel = await run.client.send(
        new GetCurrentMetricDataCommand({
          InstanceId: run.sim.instanceId,
          Filters: { Queues: run.sim.model.queues.map((q) => q.id), Channels: ['VOICE', 'CHAT', 'TASK'] },
          Groupings: ['CHANNEL'],
          CurrentMetrics: CURRENT_METRICS_BUT_ESTIMATE,
        }),
      );
      for (const row of byChannel.MetricResults ?? []) {
        const own = figures.channels.get(row.Dimensions?.Channel as 'VOICE');
        for (const { Name } of CURRENT_METRICS_BUT_ESTIMATE)
          expect([Name, valueOf(row, Name)]).toEqual([Name, own?.[Name] ?? null]);
      }
      expect(byChannel.MetricResults?.length).toBeGreaterThan(0);

      const grouped = await run.client.send(
        new GetCurrentMetricDataCommand({
          InstanceId: run.sim.instanceId,
          Filters: { Queues: run.sim.model.queues.map((q) => q.id) },
          Groupings: ['QUEUE'],
          CurrentMetrics: CURRENT_METRICS_BUT_ESTIMATE,
        }),
      );
      const byQueue = new Map(grouped.MetricResults?.map((r) => [r.Dimensions?.Queue?.Id, r]));
      for (const queue of run.sim.model.queues) {
        const row = byQueue.get(queue.id);
        // Absent from grouped results means nothing to report: zero in queue, nobody online.
        expect(row ? valueOf(row, 'CONTACTS_IN_QUEUE') : 0).toBe(queue.waiting.length);
        const own = figures.queues.get(queue.id);
        if (!row) {
          expect(own?.AGENTS_ONLINE).toBe(0);
          continue;
        }
        for (const { Name } of CURRENT_METRICS_BUT_ESTIMATE)
          expect([Name, valueOf(row, Name)]).toEqual([Name, own?.[Name] ?? null]);
      }

      // Every metric, the estimate too, in the one combination Connect documents for the estimate.
      const byQueueChannel = await run.client.send(
        new GetCurrentMetricDataCommand({
          InstanceId: run.sim.instanceId,
          Filters: { Queues: run.sim.model.queues.map((q) => q.id), Channels: ['VOICE', 'CHAT', 'TASK'] },
          Groupings: ['QUEUE', 'CHANNEL'],
          CurrentMetrics: ALL_CURRENT_METRICS,
          MaxResults: 100,
        }),
      );
      // Email queues cannot be asked for by channel (the filter takes VOICE, CHAT, TASK): they have no row here.
      const filterable = run.sim.model.queues.filter((q) => q.channel !== 'EMAIL' && byQueue.has(q.id));
      expect(byQueueChannel.MetricResults?.length).toBe(filterable.length);
      for (const row of byQueueChannel.MetricResults ?? []) {
        const queue = run.sim.model.queues.find((q) => q.id === row.Dimensions?.Queue?.Id);
        expect(row.Dimensions?.Channel).toBe(queue?.channel);
        const own = figures.queues.get(queue?.id ?? '');
        // A queue has one channel here, so its contact figures are its channel row's (agent counts are per channel).
        for (const Name of [
          'CONTACTS_IN_QUEUE',
          'CONTACTS_SCHEDULED',
          'OLDEST_CONTACT_AGE',
          'ESTIMATED_WAIT_TIME',
        ] as const)
          expect([Name, valueOf(row, Name)]).toEqual([Name, own?.[Name] ?? null]);
      }
    },
  );
});

describe('historical figures', () => {
  // A simulator of their own: the current-figures tests above have moved the shared one to midnight.
  const history = clockedSimulator(Date.parse('2026-11-24T13:07:41Z'), { queues: 40, agents: 300, seed: 22 });
  const metrics: HistoricalMetric[] = [
    { Name: 'CONTACTS_QUEUED', Unit: 'COUNT', Statistic: 'SUM' },
    { Name: 'CONTACTS_HANDLED', Unit: 'COUNT', Statistic: 'SUM' },
    { Name: 'CONTACTS_ABANDONED', Unit: 'COUNT', Statistic: 'SUM' },
  ];
  const ceilInterval = (ms: number) => Math.ceil(ms / 300_000) * 300_000;
  /** GetMetricData over every queue from `from` to `to`, through the real SDK. */
  const ask = (
    from: number,
    to: number,
    asked: HistoricalMetric[],
    groupings: ('QUEUE' | 'CHANNEL')[] = [],
  ) =>
    history.client.send(
      new GetMetricDataCommand({
        InstanceId: history.sim.instanceId,
        StartTime: new Date(from),
        EndTime: new Date(to),
        Filters: { Queues: history.sim.model.queues.map((q) => q.id) },
        Groupings: groupings,
        HistoricalMetrics: asked,
        MaxResults: 100,
      }),
    );
  const historical = async (from: number, to: number, groupings: ('QUEUE' | 'CHANNEL')[] = []) => {
    const response = await ask(from, to, metrics, groupings);
    const totals = metrics.map((m) =>
      (response.MetricResults ?? []).reduce((sum, row) => sum + (valueOf(row, m.Name ?? '') ?? 0), 0),
    );
    return totals;
  };

  it('account for every contact queued today: handled, abandoned or called back, and once its record closes', async () => {
    // Contacts queued is a contact-record metric (admin guide, "Historical metrics": "contact records whose
    // disconnect date falls in the interval are selected"): a contact still waiting, or still in an agent's hands,
    // is not counted yet.
    // On a 5-minute boundary, so the range up to now (no EndTime in the future) holds every contact so far.
    history.now = ceilInterval(history.now);
    const [queued, handled, abandoned] = await historical(dayStart, ceilInterval(history.now));
    // Outbound calls reach an agent without being queued: handled, but not among the contacts queued.
    const outbound = await ask(dayStart, ceilInterval(history.now), [
      { Name: 'CONTACTS_HANDLED_OUTBOUND', Unit: 'COUNT', Statistic: 'SUM' },
    ]);
    const handledOutbound = valueOf(outbound.MetricResults?.[0], 'CONTACTS_HANDLED_OUTBOUND') ?? 0;
    expect(handledOutbound).toBeGreaterThan(0);
    const inHands = history.sim.model.agents
      .flatMap((a) => a.contacts)
      .filter((c) => !ERROR_STATES.includes(c.state) && c.contact.initiation !== 'OUTBOUND').length;
    const waiting = history.sim.model.queues.reduce((sum, q) => sum + q.waiting.length, 0);
    let callbacks = 0;
    let arrived = 0;
    for (const interval of history.sim.model.history.between(dayStart, ceilInterval(history.now))) {
      for (const queue of history.sim.model.queues) {
        callbacks += queueValue(interval, queue.index, Q.CALLBACKS_OFFERED);
        arrived += queueValue(interval, queue.index, Q.ARRIVED);
      }
    }
    expect(queued).toBe((handled ?? 0) - handledOutbound + (abandoned ?? 0) + callbacks);
    // Every contact placed in a queue today is counted, waiting, in an agent's hands, or queued.
    expect(waiting + inHands).toBeGreaterThan(0);
    expect(arrived).toBe((queued ?? 0) + inHands + waiting);
  });
  it('give the service level as the contacts removed within X seconds over the contacts queued, of the records closed', async () => {
    // Admin guide, historical metrics definitions, "Service level X":
    // (Contacts removed from queue in X seconds / Contacts queued) * 100, a contact-record metric: both counts are
    // of the contacts whose records closed in the range.
    history.now = Date.parse('2026-11-24T14:05:00Z');
    const end = history.now;
    const response = await ask(
      dayStart,
      end,
      [
        { Name: 'CONTACTS_QUEUED', Unit: 'COUNT', Statistic: 'SUM' },
        {
          Name: 'SERVICE_LEVEL',
          Unit: 'PERCENT',
          Statistic: 'AVG',
          Threshold: { Comparison: 'LT', ThresholdValue: 20 },
        },
      ],
      ['QUEUE'],
    );
    const intervals = history.sim.model.history.between(dayStart, end);
    let checked = 0;
    let withOpen = 0;
    for (const row of response.MetricResults ?? []) {
      const queue = history.sim.model.queues.find((q) => q.id === row.Dimensions?.Queue?.Id);
      if (!queue)
        throw new Error(`a row for a queue the simulator does not have: ${row.Dimensions?.Queue?.Id}`);
      let within = 0;
      let closed = 0;
      let arrived = 0;
      for (const interval of intervals) {
        arrived += queueValue(interval, queue.index, Q.ARRIVED);
        interval.dequeueQueue.forEach((index, i) => {
          if (index !== queue.index) return;
          closed += 1;
          if ((interval.dequeueWait[i] ?? Infinity) < 20) within += 1;
        });
      }
      const queued = valueOf(row, 'CONTACTS_QUEUED') ?? 0;
      expect(queued, queue.name).toBe(closed);
      if (queued === 0) continue;
      if (arrived > closed) withOpen += 1;
      expect(valueOf(row, 'SERVICE_LEVEL')).toBeCloseTo((100 * within) / queued, 6);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(10);
    // Queues with contacts not yet closed (waiting or in an agent's hands), counted in neither figure.
    expect(withOpen).toBeGreaterThan(0);
  });
  it('file a handled contact in the interval of its disconnect, once its after-contact work is done', async () => {
    // Admin guide, "Historical metrics": "contact records whose disconnect date falls in the interval are
    // selected"; the record closes when the after-contact work ends, so a closed interval still grows.
    history.now = Date.parse('2026-11-24T15:00:00Z');
    const [from, to] = [history.now - 300_000, history.now];
    const handledIn = async () => {
      const response = await ask(from, to, [{ Name: 'CONTACTS_HANDLED', Unit: 'COUNT', Statistic: 'SUM' }]);
      return valueOf(response.MetricResults?.[0], 'CONTACTS_HANDLED') ?? 0;
    };
    const before = await handledIn();
    // In after-contact work now, their customers gone in the five minutes just closed.
    const wrappingUp = history.sim.model.agents
      .flatMap((a) => a.contacts)
      .filter((c) => c.state === 'ENDED' && c.since >= from).length;
    expect(wrappingUp).toBeGreaterThan(0);
    history.now = Date.parse('2026-11-24T15:30:00Z');
    expect(await handledIn()).toBe(before + wrappingUp);
  });
  it('average the hold time over the contacts that went on hold only', async () => {
    // Admin guide, "Average customer hold time": "This average only includes contacts that went on hold."
    const end = history.now;
    const response = await ask(dayStart, end, [{ Name: 'HOLD_TIME', Unit: 'SECONDS', Statistic: 'AVG' }]);
    const sums = sumIntervals(
      history.sim.model,
      history.sim.model.history.between(dayStart, end),
      history.sim.model.queues.map((q) => q.index),
    );
    // Most contacts are never held: an average over all of them would be several times lower.
    expect(sums.holds).toBeGreaterThan(0);
    expect(sums.holds).toBeLessThan(sums.handled / 2);
    expect(valueOf(response.MetricResults?.[0], 'HOLD_TIME')).toBeCloseTo(sums.holdTime / sums.holds, 6);
  });
  it('give no figure for a metric Connect deprecated, CONTACTS_CONSULTED, rather than a zero', async () => {
    // Admin guide, Historical metrics definitions: "Deprecated May 2019. When used in a report, it returns a
    // dash (-)".
    const response = await ask(dayStart, history.now, [
      { Name: 'CONTACTS_CONSULTED', Unit: 'COUNT', Statistic: 'SUM' },
      { Name: 'CONTACTS_HANDLED', Unit: 'COUNT', Statistic: 'SUM' },
    ]);
    const row = response.MetricResults?.[0];
    expect(valueOf(row, 'CONTACTS_HANDLED')).toBeGreaterThan(0);
    expect(row?.Collections?.find((c) => c.Metric?.Name === 'CONTACTS_CONSULTED')?.Value).toBeUndefined();
  });
  it('agree however they are sliced: per queue, per channel, per hour, and through GetMetricDataV2', async () => {
    history.now = Date.parse('2026-11-24T16:45:00Z');
    const end = ceilInterval(history.now);
    const total = await historical(dayStart, end);
    expect(total[1]).toBeGreaterThan(1000);
    expect(await historical(dayStart, end, ['QUEUE'])).toEqual(total);
    expect(await historical(dayStart, end, ['CHANNEL'])).toEqual(total);
    const hourly = [0, 0, 0];
    for (let from = dayStart; from < end; from += 3_600_000) {
      const part = await historical(from, Math.min(end, from + 3_600_000));
      part.forEach((value, i) => (hourly[i] = (hourly[i] ?? 0) + value));
    }
    expect(hourly).toEqual(total);

    const v2 = await history.client.send(
      new GetMetricDataV2Command({
        ResourceArn: history.sim.model.instanceArn,
        StartTime: new Date(dayStart),
        EndTime: new Date(end),
        Interval: { IntervalPeriod: 'HOUR', TimeZone: 'UTC' },
        Filters: [{ FilterKey: 'QUEUE', FilterValues: history.sim.model.queues.map((q) => q.id) }],
        Metrics: [{ Name: 'CONTACTS_QUEUED' }, { Name: 'CONTACTS_HANDLED' }, { Name: 'CONTACTS_ABANDONED' }],
        MaxResults: 100,
      }),
    );
    const v2Totals = [0, 1, 2].map((i) =>
      (v2.MetricResults ?? []).reduce((sum, row) => sum + (row.Collections?.[i]?.Value ?? 0), 0),
    );
    expect(v2Totals).toEqual(total);
  });
});

describe('the model itself', () => {
  it('replays the same day for a seed, however often it is advanced', async () => {
    const at = Date.parse('2026-11-24T12:00:00Z');
    const inOneGo = await startSimulator({
      queues: 20,
      agents: 120,
      seed: 5,
      clock: () => at,
      presimulate: true,
    });
    let stepped = Date.parse('2026-11-24T00:00:00Z');
    const inSteps = await startSimulator({ queues: 20, agents: 120, seed: 5, clock: () => stepped });
    const other = await startSimulator({ queues: 20, agents: 120, seed: 6, clock: () => at });
    try {
      while (stepped < at) {
        stepped = Math.min(at, stepped + 97_000);
        inSteps.model.advanceTo(stepped);
      }
      const a = inOneGo.model.figures(at);
      const b = inSteps.model.figures(at);
      expect(b.instance).toEqual(a.instance);
      expect(inSteps.model.queues.map((q) => q.waiting.map((c) => c.contactId))).toEqual(
        inOneGo.model.queues.map((q) => q.waiting.map((c) => c.contactId)),
      );
      expect(other.model.figures(at).instance).not.toEqual(a.instance);
    } finally {
      await Promise.all([inOneGo.close(), inSteps.close(), other.close()]);
    }
  });

  it('pre-simulates today from local midnight in the centre time zone', async () => {
    const at = Date.parse('2026-11-24T15:00:00Z');
    const newYork = await startSimulator({
      queues: 8,
      agents: 40,
      seed: 2,
      clock: () => at,
      timeZone: 'America/New_York',
    });
    try {
      const intervals = newYork.model.history.between(0, at + 1);
      // 10:00 in New York is 15:00 UTC: midnight there was 05:00 UTC.
      expect(intervals[0]?.start).toBe(Date.parse('2026-11-24T05:00:00Z'));
      expect(intervals).toHaveLength(10 * 12 + 1);
      expect(newYork.model.startedAt).toBe(Date.parse('2026-11-24T05:00:00Z'));
    } finally {
      await newYork.close();
    }
  });
});
