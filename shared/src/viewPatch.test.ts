import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agent, IntervalPoint, Queue, Snapshot } from './snapshot.js';
import { snapshotSchema } from './snapshot.js';
import {
  applyPatch,
  checkPatch,
  diffView,
  PatchError,
  type EntityDelta,
  type ViewPatch,
} from './viewPatch.js';

const T0 = Date.parse('2026-12-04T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const figure = fc.option(fc.integer({ min: 0, max: 500 }), { nil: null });

const forecast = fc.record({
  model: fc.constant('erlang-c' as const),
  arrivalsPerHour: fc.option(fc.constantFrom(0, 120, 240.5), { nil: null }),
  handleTimeSeconds: fc.option(fc.constantFrom(180, 250), { nil: null }),
  agentsStaffed: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
  serviceLevelSeconds: fc.constant(20),
  targetPercent: fc.constant(80),
  predictedServiceLevel: fc.option(fc.constantFrom(0, 64.2, 91), { nil: null }),
  agentsRequired: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
});

const queue = (id: string): fc.Arbitrary<Queue> =>
  fc.record(
    {
      id: fc.constant(id),
      name: fc.constantFrom(`Queue ${id}`, `Renamed ${id}`),
      channels: fc.subarray(['VOICE', 'CHAT', 'TASK', 'EMAIL'] as const, { minLength: 1 }),
      realtime: fc.record({ CONTACTS_IN_QUEUE: figure, AGENTS_AVAILABLE: figure }),
      realtimeByChannel: fc.constant({}),
      today: fc.record({ CONTACTS_HANDLED: figure }),
      states: fc.record({ CONTACTS_IN_QUEUE: fc.constantFrom('ok', 'warn', 'critical') }),
      forecast,
    },
    { requiredKeys: ['id', 'name', 'channels', 'realtime', 'realtimeByChannel', 'today', 'states'] },
  );

const agent = (id: string): fc.Arbitrary<Agent> =>
  fc.record({
    id: fc.constant(id),
    username: fc.constant(`user-${id}`),
    name: fc.constant(`Agent ${id}`),
    status: fc.constantFrom('Available', 'Lunch', 'Offline'),
    statusType: fc.constantFrom('ROUTABLE', 'CUSTOM', 'OFFLINE'),
    statusStartedAt: fc.constant(iso(T0)),
    activity: fc.constantFrom('available', 'on-contact', 'acw', 'custom', 'offline'),
    activitySince: fc.constant(iso(T0)),
    routingProfile: fc.constant({ id: 'rp-1', name: 'Sales' }),
    hierarchyGroup: fc.constant(null),
    contacts: fc.array(
      fc.record({
        contactId: fc.uuid(),
        channel: fc.constantFrom('VOICE', 'CHAT'),
        state: fc.constantFrom('CONNECTED', 'ENDED'),
        stateStartedAt: fc.constant(iso(T0)),
        queueId: fc.constantFrom('q1', 'q2', null),
      }),
      { maxLength: 2 },
    ),
  });

/** A subset of ids, in a shuffled order. */
const ids = (prefix: string, max: number) =>
  fc.shuffledSubarray(
    Array.from({ length: max }, (_, i) => `${prefix}${i}`),
    { minLength: 0, maxLength: max },
  );

const series = (length: number): fc.Arbitrary<IntervalPoint[]> =>
  fc.array(fc.record({ CONTACTS_HANDLED: figure }), { minLength: 0, maxLength: length }).map((points) =>
    points.map((metrics, i) => ({
      start: iso(T0 + i * 900_000),
      end: iso(T0 + (i + 1) * 900_000),
      metrics,
    })),
  );

const snapshotAt = (generation: number): fc.Arbitrary<Snapshot> =>
  fc
    .record({
      queueIds: ids('q', 6),
      agentIds: ids('a', 8),
      stale: fc.boolean(),
      board: fc.option(fc.constant('lobby'), { nil: undefined }),
      error: fc.option(fc.constant({ code: 'Throttling', message: 'slow down', at: iso(T0) }), { nil: null }),
      instanceSeries: series(5),
      seriesQueues: ids('q', 3),
      interval: fc.constantFrom(15, 30),
      centre: fc.option(forecast, { nil: undefined }),
    })
    .chain((shape) =>
      fc
        .record({
          queues: fc.tuple(...shape.queueIds.map(queue)),
          agents: fc.tuple(...shape.agentIds.map(agent)),
          queueSeries: fc.tuple(...shape.seriesQueues.map(() => series(4))),
        })
        .map(({ queues, agents, queueSeries }) => {
          const section = {
            fetchedAt: iso(T0),
            dataSnapshotTime: null,
            error: shape.error,
            stale: shape.stale,
          };
          const snapshot: Snapshot = {
            instanceId: 'i-1',
            serverBuild: 'b1',
            timeZone: 'Europe/London',
            generation,
            generatedAt: iso(T0 + generation * 2000),
            serverTime: iso(T0 + generation * 2000),
            dataSnapshotTime: null,
            stale: shape.stale,
            cycleMs: 120,
            sections: {
              discovery: section,
              queues: section,
              agents: section,
              today: section,
              intraday: section,
            },
            queues: [...queues],
            summary: {
              realtime: {},
              today: {},
              states: {},
              ...(shape.centre ? { forecast: shape.centre } : {}),
            },
            agents: [...agents],
            intraday: {
              intervalMinutes: shape.interval,
              instance: shape.instanceSeries,
              queues: Object.fromEntries(shape.seriesQueues.map((id, i) => [id, queueSeries[i] ?? []])),
            },
            alerts: [],
            ...(shape.board ? { board: shape.board } : {}),
          };
          return snapshot;
        }),
    );

/** Snapshots of rising generations, each an arbitrary step from nothing to everything changed. */
const sequence = fc
  .integer({ min: 2, max: 8 })
  .chain((length) => fc.tuple(...Array.from({ length }, (_, i) => snapshotAt(i + 1))));

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing');
  return value;
}

/** The patch as it crosses the wire: JSON text, parsed and checked. */
const wire = (patch: ViewPatch) => checkPatch(JSON.parse(JSON.stringify(patch)));

describe('view patches', () => {
  it('the first view plus every patch is the last view, for any sequence', () => {
    fc.assert(
      fc.property(sequence, (snapshots) => {
        const [first, ...rest] = snapshots;
        let view = JSON.parse(JSON.stringify(first)) as Snapshot;
        let prev = must(first);
        for (const next of rest) {
          view = applyPatch(view, wire(diffView(prev, next)));
          expect(view).toEqual(next);
          prev = next;
        }
        expect(snapshotSchema.parse(view)).toEqual(prev);
      }),
      { numRuns: 300 },
    );
    // Bounded by its count of runs, not by time: under a full suite on two cores it has taken over 5 s.
  }, 60_000);

  it('keeps unchanged queues and agents the same objects', () => {
    fc.assert(
      fc.property(sequence, (snapshots) => {
        const [first, second] = snapshots;
        const view = JSON.parse(JSON.stringify(first)) as Snapshot;
        const next = applyPatch(view, wire(diffView(must(first), must(second))));
        const before = new Map(view.queues.map((q) => [q.id, q]));
        for (const q of next.queues) {
          const old = before.get(q.id);
          if (old && JSON.stringify(old) === JSON.stringify(q)) expect(q).toBe(old);
        }
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('sends nothing but the generation and how fresh the view is when nothing else changed', () => {
    const [snapshot] = fc.sample(snapshotAt(1), 1);
    const next = { ...structuredClone(must(snapshot)), generation: 2, serverTime: iso(T0 + 4000) };
    expect(diffView(must(snapshot), next)).toEqual({
      base: 1,
      generation: 2,
      top: {
        s: { serverTime: next.serverTime, stale: next.stale },
        d: {
          sections: {
            d: Object.fromEntries(
              Object.entries(next.sections).map(([name, section]) => [name, { s: { stale: section.stale } }]),
            ),
          },
        },
      },
    });
  });

  it('sends a series only when an interval closes or is revised, and then only from that interval on', () => {
    const point = (k: number, handled: number): IntervalPoint => ({
      start: iso(T0 + k * 1_800_000),
      end: iso(T0 + (k + 1) * 1_800_000),
      metrics: { CONTACTS_HANDLED: handled },
    });
    const [drawn] = fc.sample(snapshotAt(1), 1);
    const base: Snapshot = {
      ...structuredClone(must(drawn)),
      intraday: {
        intervalMinutes: 30,
        instance: [point(0, 10), point(1, 12)],
        queues: { q1: [point(0, 4), point(1, 5)] },
      },
    };
    const same = { ...structuredClone(base), generation: 2 };
    // No interval closed or revised: no series at all.
    expect(diffView(base, same)).not.toHaveProperty('intraday');
    // One more closed for the centre and the queue: that one alone, from its index.
    const closed: Snapshot = {
      ...structuredClone(base),
      generation: 2,
      intraday: {
        intervalMinutes: 30,
        instance: [point(0, 10), point(1, 12), point(2, 9)],
        queues: { q1: [point(0, 4), point(1, 5), point(2, 3)] },
      },
    };
    expect(diffView(base, closed).intraday).toEqual({
      instance: { from: 2, points: [point(2, 9)] },
      queues: { set: { q1: { from: 2, points: [point(2, 3)] } } },
    });
    // The queue's second interval revised (late contacts): from it on, and nothing of the centre's.
    const revised: Snapshot = {
      ...structuredClone(closed),
      generation: 3,
      intraday: {
        ...structuredClone(closed.intraday),
        queues: { q1: [point(0, 4), point(1, 6), point(2, 3)] },
      },
    };
    expect(diffView(closed, revised).intraday).toEqual({
      queues: { set: { q1: { from: 1, points: [point(1, 6), point(2, 3)] } } },
    });
  });

  it('leaves nothing of how fresh a polled copy of its base was: the stream’s copy was aged when published', () => {
    const [snapshot] = fc.sample(snapshotAt(1), 1);
    const base = { ...structuredClone(must(snapshot)), stale: false };
    base.sections = { ...base.sections, agents: { ...base.sections.agents, stale: false } };
    // The same generation as a poll served it a minute later, while no new one came: stale, and so its agents.
    const polled: Snapshot = {
      ...base,
      serverTime: iso(Date.parse(base.serverTime) + 60_000),
      stale: true,
      sections: { ...base.sections, agents: { ...base.sections.agents, stale: true } },
    };
    const next = {
      ...structuredClone(base),
      generation: 2,
      serverTime: iso(Date.parse(base.serverTime) + 62_000),
    };
    const patch = wire(diffView(base, next));
    expect(applyPatch(polled, patch)).toEqual(next);
  });

  it('sends a changed queue as its changed figures, and keeps its unchanged parts the same objects', () => {
    const [sample] = fc.sample(
      snapshotAt(1).filter((s) => s.queues.length >= 1),
      1,
    );
    const view = must(sample);
    const queue = must(view.queues[0]);
    const moved = { ...queue, realtime: { ...queue.realtime, CONTACTS_IN_QUEUE: 999 } };
    const next = { ...view, generation: 2, queues: [moved, ...view.queues.slice(1)] };
    const patch = diffView(view, next);
    expect(patch.queues).toEqual({
      update: [{ id: queue.id, d: { realtime: { s: { CONTACTS_IN_QUEUE: 999 } } } }],
    });
    const applied = applyPatch(view, wire(patch));
    expect(applied.queues[0]).toEqual(moved);
    expect(applied.queues[0]?.today).toBe(queue.today);
    expect(applied.queues[0]?.states).toBe(queue.states);
    // What a change makes is checked: a figure that is not a number is refused, naming it.
    expect(() =>
      applyPatch(view, {
        base: 1,
        generation: 2,
        queues: { update: [{ id: queue.id, d: { realtime: { s: { CONTACTS_IN_QUEUE: 'lots' } } } }] },
      }),
    ).toThrow(/realtime\.CONTACTS_IN_QUEUE/);
    const refused = (delta: Record<string, unknown>) => () =>
      applyPatch(view, { base: 1, generation: 2, queues: { update: [{ id: queue.id, ...delta }] } });
    expect(refused({ d: { states: { s: { CONTACTS_IN_QUEUE: 'purple' } } } })).toThrow(
      /states\.CONTACTS_IN_QUEUE/,
    );
    expect(refused({ d: { realtimeByChannel: { s: { FAX: {} } } } })).toThrow(/realtimeByChannel\.FAX/);
    expect(refused({ d: { realtime: { s: { NOT_A_METRIC: 1 } } } })).toThrow(/realtime\.NOT_A_METRIC/);
    expect(refused({ u: ['name'] })).toThrow(/\(name: /);
    expect(refused({ s: { colour: 'red' } })).toThrow(/no such field/);
    expect(() =>
      applyPatch(view, { base: 1, generation: 2, queues: { update: [{ id: 'nobody', s: { name: 'x' } }] } }),
    ).toThrow(/does not have/);
    expect(() => applyPatch(view, { base: 1, generation: 2, top: { s: { queues: [] } } })).toThrow(
      /not a field it may change/,
    );
  });

  it("sends a queue's changed forecast as its changed figures, and checks them", () => {
    const [sample] = fc.sample(
      snapshotAt(1).filter((s) => s.queues.length >= 1),
      1,
    );
    const view = must(sample);
    const queue = must(view.queues[0]);
    const before = {
      model: 'erlang-c' as const,
      arrivalsPerHour: 240,
      handleTimeSeconds: 250,
      agentsStaffed: 14,
      serviceLevelSeconds: 20,
      targetPercent: 80,
      predictedServiceLevel: 81.5,
      agentsRequired: 14,
    };
    const first = { ...view, queues: [{ ...queue, forecast: before }, ...view.queues.slice(1)] };
    const worse = { ...before, predictedServiceLevel: 62.1, agentsRequired: 17 };
    const next = {
      ...first,
      generation: 2,
      queues: [{ ...queue, forecast: worse }, ...view.queues.slice(1)],
    };
    const patch = diffView(first, next);
    expect(patch.queues).toEqual({
      update: [{ id: queue.id, d: { forecast: { s: { predictedServiceLevel: 62.1, agentsRequired: 17 } } } }],
    });
    expect(applyPatch(first, wire(patch)).queues[0]?.forecast).toEqual(worse);
    expect(() =>
      applyPatch(first, {
        base: 1,
        generation: 2,
        queues: { update: [{ id: queue.id, d: { forecast: { s: { predictedServiceLevel: 140 } } } }] },
      }),
    ).toThrow(/forecast\.predictedServiceLevel/);
    // The centre's forecast travels in the summary, a top-level field.
    const centre = { ...next, generation: 3, summary: { ...next.summary, forecast: worse } };
    const top = diffView(next, centre);
    // Beside how fresh the view is (the sections' flags), which every patch sets.
    expect(Object.keys(top.top?.d ?? {}).sort()).toEqual(['sections', 'summary']);
    expect(applyPatch(next, wire(top)).summary.forecast).toEqual(worse);
  });

  it('refuses a patch for another generation, or one that does not fit the view', () => {
    const [a, b] = fc.sample(snapshotAt(1), 2);
    const patch = diffView(must(a), { ...must(b), generation: 2 });
    expect(() => applyPatch({ ...must(a), generation: 5 }, patch)).toThrow(PatchError);
    expect(() =>
      applyPatch(must(a), { base: 1, generation: 2, queues: { order: ['no-such-queue'] } }),
    ).toThrow(/no-such-queue/);
    expect(() =>
      applyPatch(must(a), { base: 1, generation: 2, intraday: { instance: { from: 99, points: [] } } }),
    ).toThrow(PatchError);
  });

  it('removes without an order, and refuses an order that names an entity twice', () => {
    const [a] = fc.sample(
      snapshotAt(1).filter((s) => s.queues.length >= 2),
      1,
    );
    const view = must(a);
    const first = must(view.queues[0]);
    const removed = applyPatch(view, { base: 1, generation: 2, queues: { remove: [first.id] } });
    expect(removed.queues.map((q) => q.id)).toEqual(view.queues.slice(1).map((q) => q.id));
    expect(() =>
      applyPatch(view, { base: 1, generation: 2, queues: { order: [first.id, first.id] } }),
    ).toThrow(/twice/);
  });

  it('refuses a change to an entity the view does not have, or to one entity twice, with or without an order', () => {
    const [a] = fc.sample(
      snapshotAt(1).filter((s) => s.queues.length >= 2),
      1,
    );
    const view = must(a);
    const [first, second] = [must(view.queues[0]), must(view.queues[1])];
    const change = (id: string) => ({ id, d: { realtime: { s: { CONTACTS_IN_QUEUE: 7 } } } });
    const order = view.queues.map((q) => q.id);
    for (const extra of [{}, { order }]) {
      expect(() =>
        applyPatch(view, {
          base: 1,
          generation: 2,
          queues: { update: [change(first.id), change('no-such-queue')], ...extra },
        }),
      ).toThrow(/changes queue "no-such-queue", which the view does not have/);
      expect(() =>
        applyPatch(view, {
          base: 1,
          generation: 2,
          queues: { update: [change(first.id), change(first.id)], ...extra },
        }),
      ).toThrow(/changes queue ".*" twice/);
    }
    // A field of any name, those every object inherits among them, is refused as no field of a queue.
    for (const field of ['__proto__', 'toString', 'valueOf', 'constructor'])
      expect(() =>
        applyPatch(view, {
          base: 1,
          generation: 2,
          queues: { update: [JSON.parse(`{"id":"${first.id}","s":{"${field}":1}}`) as EntityDelta] },
        }),
      ).toThrow(new RegExp(`changes "${field}" of queue .*, which has no such field`));
    // A view that lists a queue twice (no server makes one) changes both, and still refuses an unknown one.
    const twice = { ...view, queues: [first, ...view.queues] };
    expect(
      applyPatch(twice, { base: 1, generation: 2, queues: { update: [change(first.id)] } }).queues.filter(
        (q) => q.id === first.id && q.realtime.CONTACTS_IN_QUEUE === 7,
      ),
    ).toHaveLength(2);
    expect(() =>
      applyPatch(twice, { base: 1, generation: 2, queues: { update: [change(first.id), change('nope')] } }),
    ).toThrow(/changes queue "nope"/);
    // A queue both sent whole and removed, with no order to place it, is refused.
    expect(() =>
      applyPatch(view, { base: 1, generation: 2, queues: { upsert: [first], remove: [first.id] } }),
    ).toThrow(/without saying where they go/);
    // A change to a queue the same patch removes is no contradiction: the queue goes.
    const gone = applyPatch(view, {
      base: 1,
      generation: 2,
      queues: { update: [change(first.id)], remove: [first.id] },
    });
    expect(gone.queues.map((q) => q.id)).toEqual(order.slice(1));
    // With an order, a changed queue is changed wherever the order puts it.
    const moved = applyPatch(view, {
      base: 1,
      generation: 2,
      queues: { update: [change(first.id)], order: [second.id, first.id, ...order.slice(2)] },
    });
    expect(moved.queues[1]?.realtime.CONTACTS_IN_QUEUE).toBe(7);
    expect(moved.queues[0]).toBe(second);
  });

  it('leaves out the fields a patch says are gone, at any depth', () => {
    const [a] = fc.sample(
      snapshotAt(1).filter((s) => s.queues.some((q) => q.forecast !== undefined)),
      1,
    );
    const view = must(a);
    const queue = must(view.queues.find((q) => q.forecast !== undefined));
    const next = applyPatch(view, {
      base: 1,
      generation: 2,
      queues: { update: [{ id: queue.id, u: ['forecast'], d: { realtime: { u: ['AGENTS_AVAILABLE'] } } }] },
    });
    const changed = must(next.queues.find((q) => q.id === queue.id));
    expect('forecast' in changed).toBe(false);
    expect('AGENTS_AVAILABLE' in changed.realtime).toBe(false);
    expect(changed.today).toBe(queue.today);
    expect('forecast' in queue).toBe(true);
  });

  it('checks what a patch carries and names the field', () => {
    expect(() => checkPatch({ base: 1, generation: 2, queues: { upsert: [{ id: 'q1' }] } })).toThrow(
      /queues\.upsert\.0/,
    );
    expect(() => checkPatch({ base: 1, generation: 2, surprise: true })).toThrow(PatchError);
    expect(() =>
      checkPatch({ base: 1, generation: 2, agents: { update: [{ id: 'a1', s: {} }, { s: {} }] } }),
    ).toThrow(/agents\.update\.1: a changed entity has its id/);
    expect(() => checkPatch({ base: 1, generation: 2, agents: { update: { id: 'a1' } } })).toThrow(
      /agents\.update: expected a list/,
    );
    expect(() => checkPatch({ base: -1, generation: 2 })).toThrow(/base/);
  });
});
