import fc from 'fast-check';
import {
  agentActivity,
  applyPatch,
  checkPatch,
  diffView,
  QUEUE_NOT_ON_BOARD,
  snapshotSchema,
  type Agent,
  combineForecasts,
  forecastQueue,
  type Alert,
  type Forecast,
  type Queue,
  type Snapshot,
} from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { AlertEngine } from '../alerts/engine.js';
import { parseConfig } from '../config/load.js';
import { agentCounts, agentsOfQueues, projectView, viewRevision } from './project.js';
import { Views } from './views.js';

const config = parseConfig(
  [
    'thresholds:',
    '  defaults:',
    '    CONTACTS_IN_QUEUE: { warn: 5, critical: 10 }',
    'boards:',
    '  - id: everything',
    '    title: Everything',
    '  - id: sales',
    '    title: Sales floor',
    '    queues: ["Sales*"]',
    '    thresholds:',
    '      CONTACTS_IN_QUEUE: { warn: 1, critical: 2 }',
    '  - id: lobby',
    '    title: Lobby',
    '    queues: [Support]',
    '    sections: [summary, queues]',
    '',
  ].join('\n'),
  'views.yaml',
);
const board = (id: string) => {
  const found = config.boards.find((b) => b.id === id);
  if (!found) throw new Error(id);
  return found;
};

const AT = '2026-12-04T10:00:00.000Z';

function queue(id: string, name: string, inQueue: number, handled: number, answerTime: number): Queue {
  return {
    id,
    name,
    channels: ['VOICE'],
    realtime: { CONTACTS_IN_QUEUE: inQueue, OLDEST_CONTACT_AGE: inQueue * 10 },
    realtimeByChannel: {},
    today: {
      CONTACTS_HANDLED_INCOMING: handled,
      CALLBACK_CONTACTS_HANDLED: 0,
      API_CONTACTS_HANDLED: 0,
      QUEUE_ANSWER_TIME: answerTime,
    },
    states: { CONTACTS_IN_QUEUE: 'ok' },
    forecast: forecastOf(inQueue * 20 + handled, 8 + inQueue),
  };
}

function forecastOf(arrivalsPerHour: number, agentsStaffed: number): Forecast {
  return forecastQueue(
    {
      series: [{ startMs: 0, endMs: 3_600_000, contactsQueued: arrivalsPerHour }],
      handleTimeSeconds: 240,
      contactsHandled: 100,
      agentsStaffed,
    },
    { serviceLevelSeconds: 20, targetPercent: 80, defaultHandleTimeSeconds: 300 },
  );
}

function agent(
  id: string,
  profile: string,
  statusType: Agent['statusType'],
  contacts: Partial<Agent['contacts'][number]>[] = [],
): Agent {
  const own: Agent['contacts'] = contacts.map((c, i) => ({
    contactId: `${id}-${i}`,
    channel: 'VOICE',
    state: 'CONNECTED',
    stateStartedAt: AT,
    queueId: null,
    ...c,
  }));
  return {
    id,
    username: id,
    name: `Agent ${id}`,
    status: statusType === 'CUSTOM' ? 'Lunch' : statusType === 'OFFLINE' ? 'Offline' : 'Available',
    statusType,
    statusStartedAt: AT,
    // As the server works it out (server/src/poller/agents.ts).
    activity: agentActivity({ statusType, statusStartedAt: AT, contacts: own }).activity,
    activitySince: AT,
    routingProfile: { id: profile, name: profile },
    hierarchyGroup: null,
    contacts: own,
  };
}

function alert(id: string, queueId: string | null): Alert {
  return {
    id,
    ruleId: 'r',
    metric: 'CONTACTS_IN_QUEUE',
    queueId,
    level: 'warn',
    since: AT,
    value: 12,
    threshold: 10,
    acknowledgedBy: null,
    acknowledgedAt: null,
  };
}

function snapshot(generation = 1): Snapshot {
  const section = { fetchedAt: AT, dataSnapshotTime: AT, error: null, stale: false };
  const point = (handled: number) => ({
    start: AT,
    end: '2026-12-04T10:30:00.000Z',
    metrics: { CONTACTS_HANDLED: handled },
  });
  return {
    instanceId: 'i-1',
    serverBuild: 'b',
    timeZone: 'UTC',
    generation,
    generatedAt: AT,
    serverTime: AT,
    dataSnapshotTime: AT,
    stale: false,
    cycleMs: 2000,
    sections: { discovery: section, queues: section, agents: section, today: section, intraday: section },
    queues: [
      queue('q-sales-uk', 'Sales UK', 3, 30, 20),
      queue('q-sales-fr', 'Sales FR', 1, 10, 60),
      queue('q-support', 'Support', 7, 50, 5),
    ],
    summary: {
      realtime: { CONTACTS_IN_QUEUE: 11, AGENTS_AVAILABLE: 40, AGENTS_STAFFED: 30 },
      today: {},
      states: {},
      forecast: { ...forecastOf(200, 30), agentsRequired: 40 },
    },
    agents: [
      agent('a-sales', 'rp-sales', 'ROUTABLE'),
      agent('a-sales-busy', 'rp-sales', 'ROUTABLE', [{ queueId: 'q-sales-uk' }]),
      agent('a-support', 'rp-support', 'CUSTOM'),
      // In the support profile, holding a contact transferred from a sales queue.
      agent('a-transfer', 'rp-support', 'ROUTABLE', [{ queueId: 'q-sales-fr', state: 'ENDED' }]),
      agent('a-offline', 'rp-sales', 'OFFLINE'),
    ],
    routingProfiles: [
      { id: 'rp-sales', name: 'Sales', queueIds: ['q-sales-uk', 'q-sales-fr'] },
      { id: 'rp-support', name: 'Support', queueIds: ['q-support'] },
    ],
    intraday: {
      intervalMinutes: 30,
      instance: [point(90)],
      queues: { 'q-sales-uk': [point(30)], 'q-sales-fr': [point(10)], 'q-support': [point(50)] },
    },
    alerts: [alert('on-sales', 'q-sales-uk'), alert('on-support', 'q-support'), alert('centre', null)],
    boardStates: { sales: { 'q-sales-uk': { CONTACTS_IN_QUEUE: 'critical' } } },
  };
}

describe('a board’s view', () => {
  it('is the snapshot as it is for the whole instance', () => {
    const s = snapshot();
    expect(projectView(s, null, config)).toBe(s);
  });

  it('carries the board’s queues with its own threshold states, and no other board’s states', () => {
    const view = projectView(snapshot(), board('sales'), config);
    expect(view.board).toBe('sales');
    expect(view.queues.map((q) => q.id)).toEqual(['q-sales-uk', 'q-sales-fr']);
    expect(view.queues[0]?.states).toEqual({ CONTACTS_IN_QUEUE: 'critical' });
    expect(view).not.toHaveProperty('boardStates');
    expect(snapshotSchema.parse(view)).toEqual(view);
  });

  it('judges the centre’s figures by the board’s own thresholds where it shows every queue, as its tiles', () => {
    const withOwn = parseConfig(
      [
        'thresholds:',
        '  defaults:',
        '    CONTACTS_IN_QUEUE: { warn: 50, critical: 100 }',
        'boards:',
        '  - id: floor',
        '    title: Floor',
        '    thresholds:',
        '      CONTACTS_IN_QUEUE: { warn: 5, critical: 10 }',
        '',
      ].join('\n'),
      'floor.yaml',
    );
    const floor = withOwn.boards.find((b) => b.id === 'floor');
    if (!floor) throw new Error('no board floor');
    // 11 waiting across the centre: critical by the board's 10, though only "ok" by the file's 100.
    expect(projectView(snapshot(), floor, withOwn).summary.states).toMatchObject({
      CONTACTS_IN_QUEUE: 'critical',
    });
    // Every queue and no thresholds of its own: the centre's summary as it is.
    const s = snapshot();
    expect(projectView(s, board('everything'), config).summary).toBe(s.summary);
  });

  it('carries the agents who can take its queues: by routing profile, or holding a contact from one', () => {
    const view = projectView(snapshot(), board('sales'), config);
    expect(view.agents.map((a) => a.id)).toEqual(['a-sales', 'a-sales-busy', 'a-transfer', 'a-offline']);
    expect(view.routingProfiles).toEqual([
      { id: 'rp-sales', name: 'Sales', queueIds: ['q-sales-uk', 'q-sales-fr'] },
    ]);
  });

  it('says of a contact its agent holds from a queue it does not show only that the agent holds it', () => {
    const s = snapshot();
    const busy = agent('a-sales-busy', 'rp-sales', 'ROUTABLE', [
      { contactId: 'c-uk', queueId: 'q-sales-uk' },
      { contactId: 'c-support', queueId: 'q-support', channel: 'CHAT' },
      { contactId: 'c-outbound', queueId: null },
    ]);
    const withElsewhere = { ...s, agents: s.agents.map((a) => (a.id === busy.id ? busy : a)) };
    const view = projectView(withElsewhere, board('sales'), config);
    const seen = view.agents.find((a) => a.id === busy.id);
    expect(seen?.contacts).toEqual([
      busy.contacts[0],
      { ...busy.contacts[1], contactId: `${QUEUE_NOT_ON_BOARD}-1`, queueId: QUEUE_NOT_ON_BOARD },
      busy.contacts[2],
    ]);
    expect(JSON.stringify(view)).not.toMatch(/c-support|"q-support"/);
    // Still counted as on contact; and agents without such a contact are the same objects.
    expect(view.summary.realtime.AGENTS_ON_CONTACT).toBe(2);
    expect(view.agents.find((a) => a.id === 'a-sales')).toBe(withElsewhere.agents[0]);
    // The whole instance, and a board of every queue, show it as it is.
    expect(projectView(withElsewhere, board('everything'), config).agents).toContain(busy);
    expect(snapshotSchema.parse(view)).toEqual(view);
  });

  it('sums its own queues in the summary, weighting averages by what they average', () => {
    const view = projectView(snapshot(), board('sales'), config);
    expect(view.summary.realtime.CONTACTS_IN_QUEUE).toBe(4);
    expect(view.summary.realtime.OLDEST_CONTACT_AGE).toBe(30);
    // (30 × 20 + 10 × 60) / 40 answered from the queues.
    expect(view.summary.today.QUEUE_ANSWER_TIME).toBe(30);
    // Its agents, counted: two staffed and online (one on a contact), the transfer in after-contact work.
    expect(view.summary.realtime).toMatchObject({
      AGENTS_ONLINE: 3,
      AGENTS_STAFFED: 3,
      AGENTS_AVAILABLE: 1,
      AGENTS_ON_CONTACT: 2,
      AGENTS_AFTER_CONTACT_WORK: 1,
    });
    // Under the board's thresholds (warn 1, critical 2): 4 waiting is critical.
    expect(view.summary.states.CONTACTS_IN_QUEUE).toBe('critical');
    // The centre's line on the charts is its queues' sum.
    expect(view.intraday.instance[0]?.metrics.CONTACTS_HANDLED).toBe(40);
    expect(Object.keys(view.intraday.queues)).toEqual(['q-sales-uk', 'q-sales-fr']);
  });

  it('forecasts its own queues together, against the agents who can take them', () => {
    const s = snapshot();
    const view = projectView(s, board('sales'), config);
    const [uk, fr] = s.queues;
    expect(view.summary.forecast).toEqual(
      combineForecasts([uk?.forecast as Forecast, fr?.forecast as Forecast], 3, {
        serviceLevelSeconds: 20,
        targetPercent: 80,
      }),
    );
    expect(view.summary.forecast?.arrivalsPerHour).toBe(
      (uk?.forecast?.arrivalsPerHour ?? 0) + (fr?.forecast?.arrivalsPerHour ?? 0),
    );
    expect(view.summary.forecast?.agentsStaffed).toBe(3);
    expect(projectView(s, null, config).summary.forecast?.agentsRequired).toBe(40);
  });

  it('carries the alerts on its queues and the centre-wide ones, not those of other queues', () => {
    expect(projectView(snapshot(), board('sales'), config).alerts.map((a) => a.id)).toEqual([
      'on-sales',
      'centre',
    ]);
    expect(projectView(snapshot(), board('everything'), config).alerts).toHaveLength(3);
  });

  it('leaves out the sections the board does not show', () => {
    const view = projectView(snapshot(), board('lobby'), config);
    expect(view.queues.map((q) => q.id)).toEqual(['q-support']);
    expect(view.agents).toEqual([]);
    expect(view.intraday).toEqual({ intervalMinutes: 30, instance: [], queues: {} });
    // Its summary still counts the agents it does not list.
    expect(view.summary.realtime.AGENTS_ONLINE).toBe(2);
  });

  it('judges its queues by the configuration it is projected under, as its summary, not the one of the snapshot', () => {
    const before = parseConfig(
      'boards:\n  - id: sales\n    title: Sales\n    queues: ["Sales*"]\n',
      'before.yaml',
    );
    const salesWithThresholds = [
      'boards:',
      '  - id: sales',
      '    title: Sales',
      '    queues: ["Sales*"]',
      '    thresholds:',
      '      CONTACTS_IN_QUEUE: { warn: 2, critical: 3 }',
      '',
    ];
    const after = parseConfig(salesWithThresholds.join('\n'), 'after.yaml');
    // Enriched before the board had thresholds of its own; projected after the edit (a stalled poller, or a
    // follower whose configuration is newer than its leader's).
    const s = new AlertEngine(() => before).enrich(snapshot());
    const sales = after.boards[0];
    if (!sales) throw new Error('no board');
    const view = projectView(s, sales, after);
    // Sales UK has 3 waiting: critical by the board's 3, as the summary (4 waiting) is.
    expect(view.queues.find((q) => q.id === 'q-sales-uk')?.states.CONTACTS_IN_QUEUE).toBe('critical');
    expect(view.queues.find((q) => q.id === 'q-sales-fr')?.states.CONTACTS_IN_QUEUE).toBe('ok');
    expect(view.summary.states.CONTACTS_IN_QUEUE).toBe('critical');
    // A replayed moment keeps the states it was recorded with, as its alerts do.
    const replayed = projectView(s, sales, after, { recorded: true });
    expect(replayed.queues.find((q) => q.id === 'q-sales-uk')?.states).toEqual(
      s.queues.find((q) => q.id === 'q-sales-uk')?.states,
    );
    // The revision names the edit, and one of a queue's own thresholds too.
    expect(viewRevision(sales, after)).not.toBe(viewRevision(before.boards[0] ?? null, before));
    const perQueue = parseConfig(
      [
        'thresholds:',
        '  queues:',
        '    Sales UK: { CONTACTS_IN_QUEUE: { warn: 1, critical: 2 } }',
        ...salesWithThresholds,
      ].join('\n'),
      'per-queue.yaml',
    );
    expect(viewRevision(perQueue.boards[0] ?? null, perQueue)).not.toBe(viewRevision(sales, after));
  });

  it('keeps unchanged queues and agents the same objects as the snapshot’s', () => {
    // Enriched under the configuration the view is projected under: each queue's states are the view's.
    const s = new AlertEngine(() => config).enrich(snapshot());
    const view = projectView(s, board('lobby'), config);
    expect(view.queues[0]).toBe(s.queues[2]);
    expect(projectView(s, board('everything'), config).agents[0]).toBe(s.agents[0]);
  });

  it('is worked out once per snapshot and board', () => {
    const views = new Views(() => config, 'default');
    const s = snapshot();
    expect(views.of(s, 'sales')).toBe(views.of(s, 'sales'));
    expect(views.of(s, 'no-such-board')).toBeUndefined();
    expect(views.of(s, null)).toBe(s);
  });

  it('is worked out again when the configuration is reloaded, for a snapshot seen before (a replayed one)', () => {
    let current = config;
    const views = new Views(() => current, 'default');
    const s = snapshot();
    const before = views.of(s, 'sales');
    const sales = board('sales');
    current = {
      ...config,
      boards: config.boards.map((b) => (b.id === 'sales' ? { ...sales, queues: 'all' as const } : b)),
    };
    const after = views.of(s, 'sales');
    expect(after).not.toBe(before);
    expect(after?.queues.length).toBeGreaterThan(before?.queues.length ?? Infinity);
    expect(views.of(s, 'sales')).toBe(after);
  });

  it('names its revision by what the view shows, not by the board’s webhook (whose URL may hold a secret)', () => {
    const sales = board('sales');
    const withHook = (url: string) => ({ ...sales, webhook: { url } });
    const one = viewRevision(withHook('https://hooks.example.com/T000/secret-one'), config);
    expect(viewRevision(withHook('https://hooks.example.com/T000/secret-two'), config)).toBe(one);
    expect(viewRevision(sales, config)).toBe(one);
    // What the view shows does change it.
    expect(viewRevision({ ...sales, queues: 'all' as const }, config)).not.toBe(one);
  });

  it('answers for a board only while it shows this instance, so a board moved to another one leaves it', () => {
    const twoInstances = (salesOn: string) =>
      parseConfig(
        [
          'instances:',
          '  - { id: emea, instanceId: 11111111-2222-3333-4444-555555555555, region: eu-west-2 }',
          '  - { id: amer, instanceId: 66666666-7777-8888-9999-000000000000, region: us-east-1 }',
          'boards:',
          `  - { id: sales, title: Sales floor, instance: ${salesOn} }`,
          '  - { id: lobby, title: Lobby }',
          '',
        ].join('\n'),
        'views.yaml',
      );
    let current = twoInstances('emea');
    const emea = new Views(() => current, 'emea');
    const amer = new Views(() => current, 'amer');
    const s = snapshot();
    expect(emea.of(s, 'sales')).toBeDefined();
    expect(amer.of(s, 'sales')).toBeUndefined();
    // A board that names no instance shows the first.
    expect(emea.of(s, 'lobby')).toBeDefined();
    expect(amer.of(s, 'lobby')).toBeUndefined();
    current = twoInstances('amer');
    expect(emea.of(s, 'sales')).toBeUndefined();
    expect(amer.of(s, 'sales')).toBeDefined();
  });

  it('counts agents as Connect defines its agent figures', () => {
    // Admin guide, Real-time metrics definitions, On contact: "connected, on hold, in After contact work, or
    // outbound ring"; AGENTS_ON_CALL is its former name, the same figure.
    expect(
      agentCounts([
        agent('missed', 'p', 'ROUTABLE', [{ state: 'MISSED' }]),
        agent('ringing', 'p', 'ROUTABLE', [{ state: 'INCOMING' }]),
        agent('ringing-in', 'p', 'ROUTABLE', [{ state: 'CONNECTING', initiationMethod: 'INBOUND' }]),
        agent('ringing-out', 'p', 'ROUTABLE', [{ state: 'CONNECTING', initiationMethod: 'OUTBOUND' }]),
        agent('chat', 'p', 'ROUTABLE', [{ state: 'CONNECTED', channel: 'CHAT' }]),
        agent('break-finishing', 'p', 'CUSTOM', [{ state: 'CONNECTED' }]),
        agent('gone', 'p', 'OFFLINE'),
      ]),
    ).toEqual({
      AGENTS_ONLINE: 6,
      AGENTS_AVAILABLE: 0,
      AGENTS_ON_CONTACT: 3,
      AGENTS_ON_CALL: 3,
      AGENTS_STAFFED: 5,
      AGENTS_AFTER_CONTACT_WORK: 0,
      AGENTS_NON_PRODUCTIVE: 1,
      AGENTS_ERROR: 1,
    });
  });

  it('counts a supervisor listening in on a call as neither on contact nor available, and not on its queue', () => {
    const supervisor = agent('supervisor', 'p-elsewhere', 'ROUTABLE', [
      { state: 'CONNECTED', initiationMethod: 'MONITOR', queueId: 'q-sales' },
    ]);
    const listened = agent('listened', 'p', 'ROUTABLE', [{ state: 'CONNECTED', queueId: 'q-sales' }]);
    expect([supervisor.activity, listened.activity]).toEqual(['monitoring', 'on-contact']);
    expect(agentCounts([supervisor, listened])).toMatchObject({
      AGENTS_ONLINE: 2,
      AGENTS_AVAILABLE: 0,
      AGENTS_ON_CONTACT: 1,
      AGENTS_STAFFED: 2,
    });
    const view = { ...snapshot(), agents: [supervisor, listened], routingProfiles: [] };
    expect(agentsOfQueues(view, new Set(['q-sales'])).map((a) => a.id)).toEqual(['listened']);
  });

  it("counts what Connect sends that this build does not know as the agent's activity shows it", () => {
    // A contact state new to this build shows as On contact, a status of an unknown type as a custom one, and a
    // status read as Error as Error: a board's counts agree with its list of agents.
    const agents = [
      agent('new-state', 'p', 'ROUTABLE', [{ state: 'SOME_NEW_STATE' }]),
      agent('new-type', 'p', 'UNKNOWN'),
      agent('error-status', 'p', 'ERROR'),
    ];
    expect(agents.map((a) => a.activity)).toEqual(['on-contact', 'custom', 'error']);
    expect(agentCounts(agents)).toEqual({
      AGENTS_ONLINE: 3,
      AGENTS_AVAILABLE: 0,
      AGENTS_ON_CONTACT: 1,
      AGENTS_ON_CALL: 1,
      AGENTS_STAFFED: 2,
      AGENTS_AFTER_CONTACT_WORK: 0,
      AGENTS_NON_PRODUCTIVE: 1,
      AGENTS_ERROR: 1,
    });
  });
});

describe('a board’s view followed by patches', () => {
  /** Random steps: queues' figures, agents moving and logging in and out, alerts, intervals closing. */
  const step = fc.record({
    inQueue: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 3, maxLength: 3 }),
    agentsOut: fc.subarray(['a-sales', 'a-sales-busy', 'a-support', 'a-transfer', 'a-offline']),
    busy: fc.subarray(['a-sales', 'a-support']),
    alerts: fc.subarray(['on-sales', 'on-support', 'centre']),
    closed: fc.integer({ min: 0, max: 2 }),
    profileMoves: fc.boolean(),
  });

  type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

  function stepped(generation: number, s: Step): Snapshot {
    const base = snapshot(generation);
    const queues = base.queues.map((q, i) =>
      i === 0
        ? q
        : {
            ...q,
            realtime: { ...q.realtime, CONTACTS_IN_QUEUE: s.inQueue[i] ?? 0 },
            forecast: forecastOf(100 + (s.inQueue[i] ?? 0) * 15, 6 + i),
          },
    );
    const agents = base.agents
      .filter((a) => !s.agentsOut.includes(a.id))
      .map((a) =>
        s.busy.includes(a.id)
          ? {
              ...a,
              contacts: [
                ...a.contacts,
                {
                  contactId: `${a.id}-support`,
                  channel: 'CHAT' as const,
                  state: 'CONNECTED',
                  stateStartedAt: AT,
                  queueId: 'q-support',
                },
              ],
            }
          : a,
      );
    const extra = Array.from({ length: s.closed }, (_, i) => ({
      start: `2026-12-04T1${i + 1}:00:00.000Z`,
      end: `2026-12-04T1${i + 1}:30:00.000Z`,
      metrics: { CONTACTS_HANDLED: generation + i },
    }));
    return {
      ...base,
      queues,
      agents,
      routingProfiles: s.profileMoves
        ? [{ id: 'rp-support', name: 'Support', queueIds: ['q-support', 'q-sales-fr'] }]
        : base.routingProfiles,
      intraday: {
        ...base.intraday,
        queues: Object.fromEntries(
          Object.entries(base.intraday.queues).map(([id, series]) => [id, [...series, ...extra]]),
        ),
      },
      alerts: base.alerts.filter((a) => s.alerts.includes(a.id)),
    };
  }

  it('the first whole view plus every patch equals the view worked out directly, on every board', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 2, maxLength: 10 }), (steps) => {
        for (const id of [null, 'everything', 'sales', 'lobby']) {
          const target = id === null ? null : board(id);
          const snapshots = steps.map((s, i) => stepped(i + 1, s));
          const views = snapshots.map((s) => projectView(s, target, config));
          let held = JSON.parse(JSON.stringify(views[0])) as Snapshot;
          views.reduce((prev, next) => {
            const patch = checkPatch(JSON.parse(JSON.stringify(diffView(prev, next))));
            held = applyPatch(held, patch);
            expect(held).toEqual(next);
            return next;
          });
        }
      }),
      { numRuns: 150 },
    );
  });
});
