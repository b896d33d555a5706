import { SIM_CHANNELS, STATUS, type SimChannel } from './catalog.js';
import { INTERVAL_MS, Q, queueValue } from './history.js';
import { isActiveContact, isErrorState, type ContactCentreModel, type SimAgent } from './model.js';

/**
 * Current figures computed from the model's state, as GetCurrentMetricData defines them. The API handlers and
 * `model.figures()` both use this one function, so a consistency test compares the wire with the model and the
 * model with its raw contacts and agents.
 */

/**
 * The metrics GetCurrentMetricData takes and the unit it answers each in (API Reference, "CurrentMetric"). The
 * simulator keeps its own copy of the poller's table (shared/src/metrics.ts) on purpose: it stands for Connect,
 * so a unit misread on the poller's side is not also the simulator's, and a test of the poller against it fails.
 */
export const CURRENT_METRIC_UNITS = {
  AGENTS_ONLINE: 'COUNT',
  AGENTS_AVAILABLE: 'COUNT',
  AGENTS_ON_CALL: 'COUNT',
  AGENTS_ON_CONTACT: 'COUNT',
  AGENTS_STAFFED: 'COUNT',
  AGENTS_AFTER_CONTACT_WORK: 'COUNT',
  AGENTS_NON_PRODUCTIVE: 'COUNT',
  AGENTS_ERROR: 'COUNT',
  CONTACTS_IN_QUEUE: 'COUNT',
  CONTACTS_SCHEDULED: 'COUNT',
  SLOTS_ACTIVE: 'COUNT',
  SLOTS_AVAILABLE: 'COUNT',
  OLDEST_CONTACT_AGE: 'SECONDS',
  ESTIMATED_WAIT_TIME: 'SECONDS',
} as const;
export type CurrentMetric = keyof typeof CURRENT_METRIC_UNITS;

/** Figures for one scope. OLDEST_CONTACT_AGE is in seconds here; the API applies Connect's unit quirk. */
export type Figures = Record<CurrentMetric, number | null>;

export interface ModelFigures {
  at: number;
  /** Every queue and channel: GetCurrentMetricData over all queues with no grouping. */
  instance: Figures;
  /** Per queue id: the QUEUE grouping's rows (every queue, including those Connect would leave out). */
  queues: Map<string, Figures>;
  /** Per channel over all queues: the CHANNEL grouping's rows. */
  channels: Map<SimChannel, Figures>;
}

export interface Scope {
  queueIndices: readonly number[];
  /** Channels counted; all three when the request has no channel filter or grouping. */
  channels: readonly SimChannel[];
  /** Routing profiles whose agents count; undefined means every profile serving the scope's queues. */
  profileIndices?: readonly number[];
}

type AgentFigures = Record<
  | 'AGENTS_ONLINE'
  | 'AGENTS_AVAILABLE'
  | 'AGENTS_ON_CALL'
  | 'AGENTS_ON_CONTACT'
  | 'AGENTS_STAFFED'
  | 'AGENTS_AFTER_CONTACT_WORK'
  | 'AGENTS_NON_PRODUCTIVE'
  | 'AGENTS_ERROR'
  | 'SLOTS_ACTIVE'
  | 'SLOTS_AVAILABLE',
  number
>;

const zeroAgents = (): AgentFigures => ({
  AGENTS_ONLINE: 0,
  AGENTS_AVAILABLE: 0,
  AGENTS_ON_CALL: 0,
  AGENTS_ON_CONTACT: 0,
  AGENTS_STAFFED: 0,
  AGENTS_AFTER_CONTACT_WORK: 0,
  AGENTS_NON_PRODUCTIVE: 0,
  AGENTS_ERROR: 0,
  SLOTS_ACTIVE: 0,
  SLOTS_AVAILABLE: 0,
});

/** Computes figures for many scopes of one request, caching per-profile agent counts. */
export class FigureCalculator {
  private readonly profileCache = new Map<string, AgentFigures>();
  private readonly recentAnswers = new Map<number, number | null>();

  constructor(
    private readonly model: ContactCentreModel,
    private readonly nowMs: number,
  ) {}

  figures(scope: Scope): Figures {
    const channels = new Set(scope.channels);
    const profiles = new Set<number>();
    if (scope.profileIndices) {
      for (const p of scope.profileIndices) profiles.add(p);
    } else {
      for (const q of scope.queueIndices) {
        const config = this.model.catalog.queues[q];
        if (config && channels.has(config.channel)) for (const p of config.profileIndices) profiles.add(p);
      }
    }
    const agents = zeroAgents();
    for (const p of profiles) {
      const counts = this.profileFigures(p, scope.channels);
      for (const key of Object.keys(agents) as (keyof AgentFigures)[]) {
        agents[key] = (agents[key] ?? 0) + (counts[key] ?? 0);
      }
    }
    let inQueue = 0;
    let scheduled = 0;
    let oldest = Number.POSITIVE_INFINITY;
    let estimateSum = 0;
    let estimateCount = 0;
    for (const q of scope.queueIndices) {
      const queue = this.model.queues[q];
      if (!queue || !channels.has(queue.channel)) continue;
      inQueue += queue.waiting.length;
      scheduled += queue.scheduled;
      const head = queue.waiting[0];
      if (head) oldest = Math.min(oldest, head.enqueuedAt);
      const estimate = this.estimatedWait(q);
      if (estimate !== null) {
        estimateSum += estimate;
        estimateCount += 1;
      }
    }
    return {
      ...agents,
      CONTACTS_IN_QUEUE: inQueue,
      CONTACTS_SCHEDULED: scheduled,
      OLDEST_CONTACT_AGE: Number.isFinite(oldest) ? Math.floor((this.nowMs - oldest) / 1000) : 0,
      ESTIMATED_WAIT_TIME: estimateCount > 0 ? Math.round(estimateSum / estimateCount) : null,
    };
  }

  /** Connect's estimate has nothing to go on without recent answers: null then, not zero. */
  private estimatedWait(queueIndex: number): number | null {
    const cached = this.recentAnswers.get(queueIndex);
    if (cached !== undefined) return cached;
    let answered = 0;
    let waitSum = 0;
    for (const interval of this.model.history.between(this.nowMs - 4 * INTERVAL_MS, this.nowMs + 1)) {
      answered += queueValue(interval, queueIndex, Q.ANSWERED);
      waitSum += queueValue(interval, queueIndex, Q.ANSWER_TIME_SUM);
    }
    const queue = this.model.queues[queueIndex];
    const head = queue?.waiting[0];
    let estimate: number | null = answered > 0 ? waitSum / answered : null;
    // A queue backing up waits at least as long as its oldest contact has.
    if (head) estimate = Math.max(estimate ?? 0, (this.nowMs - head.enqueuedAt) / 1000);
    this.recentAnswers.set(queueIndex, estimate);
    return estimate;
  }

  private profileFigures(profileIndex: number, channels: readonly SimChannel[]): AgentFigures {
    const key = `${profileIndex}:${channels.join(',')}`;
    const cached = this.profileCache.get(key);
    if (cached) return cached;
    const counts = zeroAgents();
    const profile = this.model.catalog.profiles[profileIndex];
    for (const agentIndex of profile?.agentIndices ?? []) {
      const agent = this.model.agents[agentIndex];
      if (agent) addAgent(counts, this.model, agent, channels);
    }
    this.profileCache.set(key, counts);
    return counts;
  }
}

function addAgent(
  counts: AgentFigures,
  model: ContactCentreModel,
  agent: SimAgent,
  channels: readonly SimChannel[],
) {
  if (agent.statusIndex === STATUS.OFFLINE && agent.contacts.length === 0) return;
  const status = model.catalog.statuses[agent.statusIndex];
  // On contact: connected, on hold, after-contact work or ringing out. A contact ringing in is not yet work, and
  // a missed, rejected or errored one only holds the agent in error until they clear it.
  const working = agent.contacts.filter((c) => isActiveContact(c) && channels.includes(c.contact.channel));
  counts.AGENTS_ONLINE += 1;
  if (status?.type === 'CUSTOM') counts.AGENTS_NON_PRODUCTIVE += 1;
  // Admin guide, Agent error: "an agent is included if they miss a call or reject a chat/task ... or a connection
  // failure". The status stays Available; the contact's state puts them here, and out of AGENTS_AVAILABLE.
  if (agent.contacts.some((c) => isErrorState(c.state))) counts.AGENTS_ERROR += 1;
  if (working.length > 0) {
    counts.AGENTS_ON_CONTACT += 1;
    counts.AGENTS_ON_CALL += 1;
  }
  // Staffed: online and not in a custom status, whatever the agent is doing (an agent on Break finishing a call
  // is on contact but not staffed; one Available with a missed call is staffed).
  if (status?.type === 'ROUTABLE') counts.AGENTS_STAFFED += 1;
  // Despite its name, Connect's AGENTS_AFTER_CONTACT_WORK counts contacts in after-contact work.
  counts.AGENTS_AFTER_CONTACT_WORK += working.filter((c) => c.state === 'ENDED').length;
  counts.SLOTS_ACTIVE += working.length;
  let available = 0;
  for (const channel of channels) {
    if (model.canTake(agent, channel)) {
      const max = model.catalog.profiles[agent.profileIndex]?.maxSlots[channel] ?? 1;
      available += max - agent.contacts.length;
    }
  }
  counts.SLOTS_AVAILABLE += available;
  // Admin guide, Available: "the number of agents who can take an inbound contact"; an agent is unavailable when
  // "the agent has at least one contact ongoing" (free chat slots beside a chat still count in SLOTS_AVAILABLE).
  if (available > 0 && agent.contacts.length === 0) counts.AGENTS_AVAILABLE += 1;
}

export function computeFigures(model: ContactCentreModel, nowMs: number): ModelFigures {
  const calculator = new FigureCalculator(model, nowMs);
  const all = model.queues.map((q) => q.index);
  const queues = new Map<string, Figures>();
  for (const queue of model.queues) {
    queues.set(queue.id, calculator.figures({ queueIndices: [queue.index], channels: SIM_CHANNELS }));
  }
  const channels = new Map<SimChannel, Figures>();
  for (const channel of SIM_CHANNELS)
    channels.set(channel, calculator.figures({ queueIndices: all, channels: [channel] }));
  return {
    at: nowMs,
    instance: calculator.figures({ queueIndices: all, channels: SIM_CHANNELS }),
    queues,
    channels,
  };
}
