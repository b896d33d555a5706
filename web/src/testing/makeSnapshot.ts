import {
  agentActivity,
  type Agent,
  type Channel,
  type IntervalPoint,
  type Queue,
  type Snapshot,
} from '@switchboard/shared';

/**
 * Deterministic snapshots for component tests and the browser benchmark, shaped like the server's: a
 * contact centre of `queues` queues and `agents` agents at `nowMs`, with `tick` moving figures along.
 */
export interface SnapshotShape {
  queues?: number;
  agents?: number;
  nowMs?: number;
  /** Advances figures and agent states, as successive polls would. */
  tick?: number;
  /** Simulated milliseconds between ticks: an agent's status started at the tick it last changed. */
  tickMs?: number;
  /**
   * Of the agents, the share that changes state on each tick: a tenth by default, as on a busy floor (a real
   * one moves fewer, a few in a hundred every two seconds); 1 changes every agent on every tick.
   */
  agentChurn?: number;
  generation?: number;
  serviceLevelSeconds?: number;
  /**
   * The AgentContactState of the agents' contacts, taken in turn (CONNECTED for all by default): a mix such as
   * CONNECTED, ENDED, INCOMING, MISSED gives agents on contact, in after-contact work, ringing and in error.
   */
  contactStates?: readonly string[];
  stale?: boolean;
}

function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const CHANNEL_SETS: Channel[][] = [
  ['VOICE'],
  ['VOICE', 'CHAT'],
  ['CHAT'],
  ['VOICE', 'CHAT', 'TASK'],
  ['TASK'],
];
const STATUSES = [
  { status: 'Available', statusType: 'ROUTABLE' },
  { status: 'Available', statusType: 'ROUTABLE' },
  { status: 'Available', statusType: 'ROUTABLE' },
  { status: 'Lunch', statusType: 'CUSTOM' },
  { status: 'Training', statusType: 'CUSTOM' },
  { status: 'Offline', statusType: 'OFFLINE' },
] as const;
const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Radia', 'Ken'];
const SURNAMES = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Backus',
  'Perlman',
];

export function queueId(index: number): string {
  return `q-${String(index).padStart(4, '0')}`;
}

export function makeSnapshot(shape: SnapshotShape = {}): Snapshot {
  const queueCount = shape.queues ?? 6;
  const agentCount = shape.agents ?? 24;
  const tick = shape.tick ?? 0;
  const tickMs = shape.tickMs ?? 2000;
  const nowMs = shape.nowMs ?? Date.parse('2026-03-02T10:30:00Z');
  const now = new Date(nowMs).toISOString();
  const sl = `SERVICE_LEVEL_${shape.serviceLevelSeconds ?? 20}`;
  const random = rng(7919 * (tick + 1));
  const contactStates = shape.contactStates?.length ? shape.contactStates : ['CONNECTED'];

  const queues: Queue[] = [];
  for (let i = 0; i < queueCount; i++) {
    const channels = CHANNEL_SETS[i % CHANNEL_SETS.length] ?? ['VOICE'];
    const inQueue = Math.floor(random() * 12);
    const realtime = {
      CONTACTS_IN_QUEUE: inQueue,
      OLDEST_CONTACT_AGE: inQueue > 0 ? Math.floor(random() * 400) : 0,
      AGENTS_AVAILABLE: Math.floor(random() * 6),
      AGENTS_ON_CONTACT: Math.floor(random() * 10),
      AGENTS_AFTER_CONTACT_WORK: Math.floor(random() * 3),
      AGENTS_NON_PRODUCTIVE: Math.floor(random() * 3),
      AGENTS_STAFFED: 10 + Math.floor(random() * 5),
      AGENTS_ONLINE: 12,
    };
    const realtimeByChannel =
      channels.length > 1
        ? Object.fromEntries(
            channels.map((channel, c) => [
              channel,
              { CONTACTS_IN_QUEUE: Math.max(0, inQueue - c * 2), OLDEST_CONTACT_AGE: 30 * (c + 1) },
            ]),
          )
        : {};
    const queued = 200 + Math.floor(random() * 300);
    const abandoned = Math.floor(random() * 30);
    const serviceLevel = 60 + random() * 40;
    queues.push({
      id: queueId(i),
      name: `Queue ${String(i + 1).padStart(3, '0')} ${channels.join('/')}`,
      channels,
      realtime,
      realtimeByChannel,
      today: {
        CONTACTS_QUEUED: queued,
        CONTACTS_HANDLED: queued - abandoned,
        CONTACTS_ABANDONED: abandoned,
        QUEUE_ANSWER_TIME: Math.floor(random() * 60),
        [sl]: serviceLevel,
      },
      states: {
        CONTACTS_IN_QUEUE: inQueue >= 10 ? 'critical' : inQueue >= 5 ? 'warn' : 'ok',
        [sl]: serviceLevel < 70 ? 'critical' : serviceLevel < 80 ? 'warn' : 'ok',
      },
    });
  }

  const agents: Agent[] = [];
  for (let i = 0; i < agentCount; i++) {
    // Agent i changes state on the ticks where (i + tick) is a multiple of the period, and keeps that state,
    // its start time and its contact until its next change.
    const period = Math.max(1, Math.round(1 / (shape.agentChurn ?? 0.1)));
    const lastChange = tick - ((i + tick) % period);
    const changed = lastChange >= 1 ? lastChange : 0;
    const pick = STATUSES[(i + changed) % STATUSES.length] ?? STATUSES[0];
    const onContact = pick.statusType === 'ROUTABLE' && (i + changed) % 2 === 0;
    // Agents who change between the same two polls do so at different moments within them.
    const startedAtMs = changed
      ? nowMs - (tick - changed) * tickMs - ((i * 7919) % tickMs)
      : nowMs - tick * tickMs - ((i * 37) % 1800) * 1000;
    const startedAt = new Date(startedAtMs).toISOString();
    const queueIndex = queueCount > 0 ? i % queueCount : 0;
    const contacts: Agent['contacts'] = onContact
      ? [
          {
            contactId: `c-${i}-${changed}`,
            channel: i % 3 === 0 ? 'CHAT' : 'VOICE',
            state: contactStates[Math.floor(i / STATUSES.length) % contactStates.length] ?? 'CONNECTED',
            stateStartedAt: startedAt,
            queueId: queueCount > 0 ? queueId(queueIndex) : null,
          },
        ]
      : [];
    const { activity, since } = agentActivity({
      statusType: pick.statusType,
      statusStartedAt: startedAt,
      contacts,
    });
    agents.push({
      id: `agent-${String(i).padStart(5, '0')}`,
      username: `agent${i}`,
      name: `${NAMES[i % NAMES.length]} ${SURNAMES[i % SURNAMES.length]} ${i}`,
      status: pick.status,
      statusType: pick.statusType,
      statusStartedAt: startedAt,
      routingProfile: { id: `rp-${i % 5}`, name: `Profile ${i % 5}` },
      hierarchyGroup: { id: `hg-${i % 8}`, name: `Team ${String.fromCharCode(65 + (i % 8))}` },
      activity,
      activitySince: since,
      contacts,
    });
  }

  const dayStart = Date.parse(now.slice(0, 10) + 'T00:00:00Z');
  const intervals = Math.max(1, Math.floor((nowMs - dayStart) / 1_800_000) + 1);
  const series = (offset: number): IntervalPoint[] =>
    Array.from({ length: intervals }, (_, k) => ({
      start: new Date(dayStart + k * 1_800_000).toISOString(),
      end: new Date(dayStart + (k + 1) * 1_800_000).toISOString(),
      metrics: {
        CONTACTS_QUEUED: 20 + ((k * 7 + offset) % 25),
        CONTACTS_HANDLED: 18 + ((k * 5 + offset) % 20),
        CONTACTS_ABANDONED: (k + offset) % 4,
        [sl]: 65 + ((k * 13 + offset) % 35),
      },
    }));
  const intradayQueues: Record<string, IntervalPoint[]> = {};
  for (let i = 0; i < Math.min(queueCount, 10); i++) intradayQueues[queueId(i)] = series(i);

  const sum = (metric: 'CONTACTS_IN_QUEUE') => queues.reduce((t, q) => t + (q.realtime[metric] ?? 0), 0);
  return {
    instanceId: '11111111-2222-4333-8444-555555555555',
    serverBuild: 'test-build',
    timeZone: 'Europe/London',
    generation: shape.generation ?? tick + 1,
    generatedAt: now,
    serverTime: now,
    dataSnapshotTime: now,
    stale: shape.stale ?? false,
    cycleMs: 400,
    sections: {
      discovery: { fetchedAt: now, dataSnapshotTime: null, error: null, stale: false },
      queues: { fetchedAt: now, dataSnapshotTime: now, error: null, stale: shape.stale ?? false },
      agents: { fetchedAt: now, dataSnapshotTime: null, error: null, stale: false },
      today: { fetchedAt: now, dataSnapshotTime: null, error: null, stale: false },
      intraday: { fetchedAt: now, dataSnapshotTime: null, error: null, stale: false },
    },
    queues,
    summary: {
      realtime: {
        CONTACTS_IN_QUEUE: sum('CONTACTS_IN_QUEUE'),
        OLDEST_CONTACT_AGE: Math.max(0, ...queues.map((q) => q.realtime.OLDEST_CONTACT_AGE ?? 0)),
        AGENTS_AVAILABLE: agents.filter((a) => a.statusType === 'ROUTABLE' && a.contacts.length === 0).length,
        AGENTS_ON_CONTACT: agents.filter((a) => a.contacts.length > 0).length,
        AGENTS_AFTER_CONTACT_WORK: 3,
        AGENTS_NON_PRODUCTIVE: agents.filter((a) => a.statusType === 'CUSTOM').length,
        AGENTS_STAFFED: agents.filter((a) => a.statusType !== 'OFFLINE').length,
      },
      today: {
        CONTACTS_QUEUED: 5000,
        CONTACTS_HANDLED: 4700,
        CONTACTS_ABANDONED: 300,
        QUEUE_ANSWER_TIME: 24,
        [sl]: 82.5,
      },
      states: { CONTACTS_IN_QUEUE: 'warn', [sl]: 'ok' },
    },
    agents,
    intraday: { intervalMinutes: 30, instance: series(0), queues: intradayQueues },
    alerts: [],
  };
}
