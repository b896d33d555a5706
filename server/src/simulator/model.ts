import {
  Catalog,
  MAX_SLOTS,
  MEAN_ACW_SECONDS,
  MEAN_OUTBOUND_TALK_SECONDS,
  MEAN_TALK_SECONDS,
  OUTBOUND_SHARE,
  STATUS,
  dayCurve,
  servingLines,
  type CatalogOptions,
  type QueueConfig,
  type SimChannel,
  type UserConfig,
} from './catalog.js';
import { EventQueue } from './eventQueue.js';
import { computeFigures, type ModelFigures } from './figures.js';
import { DEQUEUE, IntervalHistory, INTERVAL_MS, P, Q } from './history.js';
import { between, createRng, exponential, logNormal, poisson, type Rng } from './rng.js';
import { startOfLocalDay, startOfNextLocalDay, zoneOffsetMs } from '@switchboard/shared/timeZone';

/**
 * The contact centre as a discrete-event simulation. Contacts arrive on an intraday curve per queue, wait,
 * are offered to the longest-idle agent whose routing profile serves the queue, ring, are answered or missed,
 * talk (with hold), go to after-contact work and complete; customers abandon when their patience runs out and
 * some choose a callback. Agents follow shifts with breaks, lunch and training. The model advances lazily to
 * the time it is asked about, so it costs nothing while nobody calls, and it replays identically for a seed.
 */

export type { SimChannel } from './catalog.js';
export type Initiation = 'INBOUND' | 'CALLBACK' | 'API' | 'OUTBOUND' | 'TRANSFER';
export type ContactStage = 'WAITING' | 'OFFERED' | 'CONNECTED' | 'ON_HOLD' | 'ACW' | 'SCHEDULED' | 'DONE';

/**
 * Contacts that reach an agent without waiting in a queue, and contacts agents pass on: Connect's
 * CONTACTS_HANDLED counts both, so an average of queue figures weighted by it is off. Outbound calls per voice
 * queue, as a share of its inbound arrivals; the share of answered inbound calls an agent transfers to another
 * voice queue (a new contact, INITIATION_METHOD TRANSFER, that waits there).
 */
const TRANSFER_SHARE = 0.05;

export interface SimContact {
  contactId: string;
  queueIndex: number;
  channel: SimChannel;
  initiation: Initiation;
  enqueuedAt: number;
  /** When the customer gives up waiting (Infinity for callbacks and tasks). */
  abandonAt: number;
  stage: ContactStage;
  connectedAt: number;
  talkMs: number;
  holdMs: number;
}

/**
 * Connect's AgentContactState ("About contact states in Amazon Connect"): a queued callback is presented
 * INCOMING, then PENDING, then CONNECTING while the customer is dialled; an inbound contact rings CONNECTING.
 * MISSED, REJECTED and ERROR stay on the agent, whose status stays Available, until the agent clears them.
 */
export type AgentContactState =
  | 'INCOMING'
  | 'PENDING'
  | 'CONNECTING'
  | 'CONNECTED'
  | 'CONNECTED_ONHOLD'
  | 'ENDED'
  | 'MISSED'
  | 'REJECTED'
  | 'ERROR';

/** The states Connect counts in AGENTS_ERROR: a missed contact, a rejected one, a connection failure. */
export const ERROR_CONTACT_STATES: ReadonlySet<AgentContactState> = new Set(['MISSED', 'REJECTED', 'ERROR']);
export const isErrorState = (state: AgentContactState) => ERROR_CONTACT_STATES.has(state);

/**
 * A contact that makes the agent "On contact" and fills an active slot (admin guide, Real-time metrics
 * definitions, On contact and Active): connected, on hold, in after-contact work, or ringing out (a callback
 * dialling the customer). Ringing in, a callback presented, and the error states are not.
 */
export function isActiveContact(entry: AgentContact): boolean {
  return (
    entry.state === 'CONNECTED' ||
    entry.state === 'CONNECTED_ONHOLD' ||
    entry.state === 'ENDED' ||
    (entry.state === 'CONNECTING' && entry.contact.initiation === 'CALLBACK')
  );
}

/**
 * What an agent's time counts as in OCCUPANCY (admin guide, Historical metrics definitions): on contact (busy) is
 * time on a contact, hold and after-contact work included, outside a custom or Offline status; idle is time
 * Available and not handling contacts, plus any time their contacts were in an error state, but not the time a
 * contact rings in (from routing to picking up or declining). Null: neither (ringing in, a custom status).
 */
export function agentTimeKind(
  agent: Pick<SimAgent, 'statusIndex' | 'contacts'>,
  monitoring = false,
): number | null {
  if (agent.statusIndex !== STATUS.AVAILABLE) return null;
  // A supervisor listening in on a call (`monitor`) is neither on a contact of their own nor free to take one.
  if (monitoring) return null;
  if (agent.contacts.some(isActiveContact)) return P.BUSY;
  // A contact being offered (ringing in, a callback presented) is neither; one in error leaves the agent idle.
  if (agent.contacts.some((c) => !isErrorState(c.state))) return null;
  return P.IDLE;
}

export interface AgentContact {
  contact: SimContact;
  state: AgentContactState;
  since: number;
}

export interface SimQueue {
  index: number;
  id: string;
  arn: string;
  name: string;
  channel: SimChannel;
  /** Contacts in queue, oldest first: CONTACTS_IN_QUEUE is its length. */
  waiting: SimContact[];
  /** Callbacks scheduled for later (CONTACTS_SCHEDULED). */
  scheduled: number;
  surgeMultiplier: number;
  surgeUntil: number;
}

export interface SimAgent {
  index: number;
  id: string;
  arn: string;
  username: string;
  profileIndex: number;
  statusIndex: number;
  statusSince: number;
  nextStatusIndex: number | null;
  contacts: AgentContact[];
  /**
   * A missed, rejected or errored contact stays on the agent, unroutable though still Available, until they clear
   * it (Connect's Agent Activity: Missed, Rejected, Error; counted in AGENTS_ERROR).
   */
  error: boolean;
  /** When the agent last became idle: routing offers to the longest idle. */
  idleSince: number;
  /** For agent-time accounting. */
  accruedAt: number;
}

interface ScenarioSurge {
  multiplier: number;
  from: number;
  until: number;
  rampMs: number;
}

export interface ModelOptions extends CatalogOptions {
  /** When the simulation starts; the server passes local midnight so "today so far" is pre-simulated. */
  startMs: number;
  timeZone?: string;
  retentionDays?: number;
  /**
   * How far ahead of the real local time the day's curve and the agents' shifts run (a busy demo at any hour).
   * Only the curve moves: every timestamp stays real time, as Connect's are.
   */
  dayShiftMs?: number;
}

export class ContactCentreModel {
  readonly catalog: Catalog;
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly timeZone: string;
  readonly startedAt: number;
  readonly queues: SimQueue[];
  readonly agents: SimAgent[];
  readonly history: IntervalHistory;
  private readonly events = new EventQueue();
  /** Per queue: each serving profile's routing delay (seconds), and the distinct non-zero delays. */
  private readonly delayByProfile: Map<number, number>[];
  private readonly delays: number[][];
  /** Per routing profile: the agents who could take a contact now (routable, with a free slot). */
  private readonly free: Set<SimAgent>[];
  private readonly rng: Rng;
  /** Outbound calls and transfers draw from a stream of their own, so they change a seed's day as little as they can. */
  private readonly sideRng: Rng;
  /** Voice queues some routing profile serves: where transfers go. */
  private readonly voiceQueues: number[];
  private nowMs: number;
  private contactSeq = 0;
  private offsetMs = 0;
  private readonly dayShiftMs: number;
  /** Surges posted as scenario events, by queue index: they add arrivals on top of the interval's draw. */
  private readonly scenarioSurges = new Map<number, ScenarioSurge>();
  /**
   * Supervisors listening in on a call (Connect's Manager Monitor), by the supervisor's index: the call, and since
   * when. A supervisor listening in takes no contact of their own; it ends with the call.
   */
  readonly monitoring = new Map<number, { call: AgentContact; since: number }>();
  /** Contacts processed, for the benchmark. */
  eventsProcessed = 0;

  constructor(options: ModelOptions) {
    this.catalog = new Catalog(options);
    this.rng = createRng(options.seed ^ 0x5eed);
    this.sideRng = createRng(options.seed ^ 0x0b7d);
    this.instanceId = options.instanceId;
    this.instanceArn = this.catalog.instanceArn;
    this.timeZone = options.timeZone ?? 'UTC';
    this.dayShiftMs = options.dayShiftMs ?? 0;
    this.nowMs = options.startMs;
    this.startedAt = options.startMs;
    this.history = new IntervalHistory(
      this.catalog.queues.length,
      this.catalog.profiles.length,
      (options.retentionDays ?? 3) * 86_400_000,
    );
    this.delayByProfile = this.catalog.queues.map(() => new Map<number, number>());
    for (const profile of this.catalog.profiles) {
      for (const entry of servingLines(this.catalog.queues, profile.queues))
        this.delayByProfile[entry.queueIndex]?.set(profile.index, entry.delaySeconds);
    }
    this.delays = this.delayByProfile.map((byProfile) => [
      ...new Set([...byProfile.values()].filter((d) => d > 0)),
    ]);
    this.queues = this.catalog.queues.map((q) => ({
      index: q.index,
      id: q.id,
      arn: q.arn,
      name: q.name,
      channel: q.channel,
      waiting: [],
      scheduled: 0,
      surgeMultiplier: 1,
      surgeUntil: 0,
    }));
    this.agents = this.catalog.users.map((u) => ({
      index: u.index,
      id: u.id,
      arn: u.arn,
      username: u.username,
      profileIndex: u.profileIndex,
      statusIndex: STATUS.OFFLINE,
      statusSince: options.startMs,
      nextStatusIndex: null,
      contacts: [],
      error: false,
      idleSince: options.startMs,
      accruedAt: options.startMs,
    }));
    this.free = this.catalog.profiles.map(() => new Set<SimAgent>());
    this.voiceQueues = this.catalog.queues
      .filter((q) => q.channel === 'VOICE' && q.profileIndices.length > 0)
      .map((q) => q.index);
    const today = this.dayStartOf(options.startMs);
    // Yesterday's night shift is still on when the simulation starts at midnight.
    this.scheduleDay(this.dayStartOf(today - 3_600_000));
    this.scheduleDay(today);
    this.onInterval(Math.floor(options.startMs / INTERVAL_MS) * INTERVAL_MS);
  }

  get now(): number {
    return this.nowMs;
  }

  /** Runs every event up to and including `targetMs`. Time never runs backwards. */
  advanceTo(targetMs: number): void {
    while (this.events.peekTime() <= targetMs) {
      const event = this.events.pop();
      if (!event) break;
      this.nowMs = Math.max(this.nowMs, event.at);
      this.eventsProcessed += 1;
      event.run();
    }
    this.nowMs = Math.max(this.nowMs, targetMs);
  }

  /** The model's own current figures, instance-wide and per queue, for consistency checks. */
  figures(nowMs: number): ModelFigures {
    this.advanceTo(nowMs);
    return computeFigures(this, this.nowMs);
  }

  /** Books agent time up to now, so the open interval's occupancy is current. */
  accrueAll(): void {
    for (const agent of this.agents) this.accrue(agent);
  }

  // ---- scenario events (faults) ----

  /**
   * Multiplies a queue's arrivals for a while, starting now: the extra callers arrive one by one over the
   * surge (a Poisson stream following the day's curve), building up linearly over `rampMs` if given, so the
   * queue grows as it would in a real surge rather than in one jump. A new surge on a queue replaces its last.
   */
  surge(queueIndex: number, multiplier: number, durationMs: number, rampMs = 0): void {
    const config = this.catalog.queues[queueIndex];
    if (!config) return;
    const surge: ScenarioSurge = {
      multiplier,
      from: this.nowMs,
      until: this.nowMs + durationMs,
      rampMs: Math.min(rampMs, durationMs),
    };
    this.scenarioSurges.set(queueIndex, surge);
    // It takes over from a surge the queue drew on its own, and keeps it from drawing one meanwhile.
    const queue = this.queues[queueIndex];
    if (queue) {
      queue.surgeMultiplier = multiplier;
      queue.surgeUntil = surge.until;
    }
    this.nextSurgeArrival(config, surge, this.nowMs);
  }

  /** Schedules the surge's next extra arrival after `fromMs`, by thinning a stream at its highest rate. */
  private nextSurgeArrival(config: QueueConfig, surge: ScenarioSurge, fromMs: number): void {
    const peakExtraPerMs = (config.peakArrivalsPerHour * (surge.multiplier - 1)) / 3_600_000;
    if (peakExtraPerMs <= 0) return;
    let at = fromMs;
    for (;;) {
      at += exponential(this.rng, 1 / peakExtraPerMs);
      if (at >= surge.until) return;
      const ramp = surge.rampMs > 0 ? Math.min(1, (at - surge.from) / surge.rampMs) : 1;
      const extraPerMs = (this.arrivalRate(config, at, 1) * (surge.multiplier - 1) * ramp) / 3_600_000;
      if (this.rng() * peakExtraPerMs < extraPerMs) break;
    }
    this.events.push(at, () => {
      if (this.scenarioSurges.get(config.index) !== surge) return;
      this.arrive(config.index, config.channel === 'TASK' ? 'API' : 'INBOUND');
      this.nextSurgeArrival(config, surge, at);
    });
  }

  /**
   * `supervisor` (online, with no contact) listens in on a voice call another agent is on now (Manager Monitor),
   * until the call's talk ends: GetCurrentUserData shows the call among the supervisor's contacts with
   * InitiationMethod MONITOR, and the supervisor takes no contact meanwhile. Null when no such call is under way or
   * the supervisor cannot listen in.
   */
  monitor(supervisor: SimAgent): { agent: SimAgent; call: AgentContact } | null {
    if (supervisor.statusIndex === STATUS.OFFLINE || supervisor.contacts.length > 0) return null;
    if (supervisor.nextStatusIndex !== null) return null;
    if (this.monitoring.has(supervisor.index)) return null;
    // A call nobody listens in on yet, where there is one.
    const watched = new Set([...this.monitoring.values()].map((watch) => watch.call));
    let found: { agent: SimAgent; call: AgentContact } | undefined;
    for (const agent of this.agents) {
      if (agent === supervisor) continue;
      const call = agent.contacts.find(
        (entry) =>
          entry.contact.channel === 'VOICE' &&
          (entry.state === 'CONNECTED' || entry.state === 'CONNECTED_ONHOLD'),
      );
      if (!call) continue;
      found ??= { agent, call };
      if (!watched.has(call)) {
        found = { agent, call };
        break;
      }
    }
    if (!found) return null;
    this.accrue(supervisor);
    this.monitoring.set(supervisor.index, { call: found.call, since: this.nowMs });
    this.touch(supervisor);
    return found;
  }

  /** The monitoring of `call` ends (its talk is over): its supervisors are free again. */
  private endMonitoring(call: AgentContact): void {
    for (const [index, watch] of this.monitoring) {
      if (watch.call !== call) continue;
      this.monitoring.delete(index);
      const supervisor = this.agents[index];
      if (!supervisor) continue;
      this.accrue(supervisor);
      this.touch(supervisor);
      // A status asked for while listening in (a break, the end of a shift) applies now, as after a contact.
      this.freed(supervisor);
      this.routeAgent(supervisor);
    }
  }

  /** Logs out a share of the agents now (those on a contact finish it first); they return after a while. */
  massLogout(fraction: number, returnAfterMs: number | null): number {
    let count = 0;
    for (const agent of this.agents) {
      if (agent.statusIndex === STATUS.OFFLINE || this.rng() >= fraction) continue;
      count += 1;
      this.requestStatus(agent, STATUS.OFFLINE);
      if (returnAfterMs !== null) {
        this.events.push(this.nowMs + returnAfterMs, () => this.requestStatus(agent, STATUS.AVAILABLE));
      }
    }
    return count;
  }

  // ---- arrivals ----

  /** Arrivals per hour for a queue at `ms`: the day curve, with noise and any surge. */
  private arrivalRate(config: QueueConfig, ms: number, noise: number): number {
    const hour = ((((ms + this.offsetMs) % 86_400_000) + 86_400_000) % 86_400_000) / 3_600_000;
    const curve = dayCurve(hour);
    const queue = this.queues[config.index];
    // A posted surge brings its extra callers itself (see `surge`): only a queue's own surges scale the draw.
    const posted = this.scenarioSurges.get(config.index);
    const surge =
      queue && queue.surgeUntil > ms && !(posted && posted.until > ms) ? queue.surgeMultiplier : 1;
    return config.peakArrivalsPerHour * curve * noise * surge;
  }

  private onInterval(start: number): void {
    this.offsetMs = zoneOffsetMs(start + this.dayShiftMs, this.timeZone) + this.dayShiftMs;
    this.history.intervalAt(start);
    for (const config of this.catalog.queues) {
      const queue = this.queues[config.index];
      // Now and then a queue surges on its own (an outage elsewhere, a marketing mail): thresholds trip.
      if (queue && queue.surgeUntil <= start && this.rng() < 0.0015) {
        queue.surgeMultiplier = between(this.rng, 2, 3.5);
        queue.surgeUntil = start + between(this.rng, 15, 45) * 60_000;
      }
      const noise = 0.75 + this.rng() * 0.5;
      const count = poisson(
        this.rng,
        (this.arrivalRate(config, start + INTERVAL_MS / 2, noise) * INTERVAL_MS) / 3_600_000,
      );
      for (let n = 0; n < count; n += 1) {
        const initiation: Initiation = config.channel === 'TASK' ? 'API' : 'INBOUND';
        this.events.push(start + this.rng() * INTERVAL_MS, () => this.arrive(config.index, initiation));
      }
      if (config.channel === 'VOICE') {
        const mean = (this.arrivalRate(config, start + INTERVAL_MS / 2, 1) * INTERVAL_MS) / 3_600_000;
        for (let n = poisson(this.sideRng, mean * OUTBOUND_SHARE); n > 0; n -= 1) {
          this.events.push(start + this.sideRng() * INTERVAL_MS, () => this.dialOut(config.index));
        }
      }
    }
    this.events.push(start + INTERVAL_MS, () => this.onInterval(start + INTERVAL_MS));
  }

  private arrive(queueIndex: number, initiation: Initiation): void {
    const queue = this.queues[queueIndex];
    if (!queue) return;
    const now = this.nowMs;
    this.history.add(now, queueIndex, Q.ARRIVED, 1);
    if (initiation === 'TRANSFER') this.history.add(now, queueIndex, Q.TRANSFERRED_IN, 1);
    // With a long queue some callers take the offer of a callback instead of holding.
    if (
      initiation === 'INBOUND' &&
      queue.channel === 'VOICE' &&
      queue.waiting.length >= 6 &&
      this.rng() < 0.2
    ) {
      queue.scheduled += 1;
      this.history.queuedRecordClosed(now, queueIndex, 0, DEQUEUE.CALLBACK);
      this.history.add(now, queueIndex, Q.CALLBACKS_OFFERED, 1);
      this.events.push(now + between(this.rng, 10, 30) * 60_000, () => {
        queue.scheduled -= 1;
        this.arrive(queueIndex, 'CALLBACK');
      });
      return;
    }
    const patienceMean = queue.channel === 'VOICE' ? 200_000 : 600_000;
    // Nobody hangs up on an email or a task: they wait in the queue until an agent takes them.
    const waitsForever = initiation === 'CALLBACK' || queue.channel === 'TASK' || queue.channel === 'EMAIL';
    const contact: SimContact = {
      contactId: this.contactId(),
      queueIndex,
      channel: queue.channel,
      initiation,
      enqueuedAt: now,
      abandonAt: waitsForever ? Number.POSITIVE_INFINITY : now + 5_000 + exponential(this.rng, patienceMean),
      stage: 'WAITING',
      connectedAt: 0,
      talkMs: 0,
      holdMs: 0,
    };
    // Every agent who frees up pulls from their queues at once, so if contacts already wait here nobody can
    // take this one either (it is younger than the head): routing it now would only cost time.
    const queueWasEmpty = queue.waiting.length === 0;
    queue.waiting.push(contact);
    if (Number.isFinite(contact.abandonAt)) this.events.push(contact.abandonAt, () => this.abandon(contact));
    for (const delay of this.delays[queueIndex] ?? []) {
      this.events.push(now + delay * 1000, () => this.routeQueue(queueIndex));
    }
    if (queueWasEmpty) this.routeQueue(queueIndex);
  }

  /**
   * An agent of the queue with nothing on hand calls a customer: connected at once, never queued, recorded in
   * the queue (Connect records outbound calls in the routing profile's outbound queue). Skipped when nobody is free.
   */
  private dialOut(queueIndex: number): void {
    const config = this.catalog.queues[queueIndex];
    if (!config) return;
    let caller: SimAgent | undefined;
    for (const profileIndex of config.profileIndices) {
      for (const agent of this.free[profileIndex] ?? []) {
        if (agent.contacts.length > 0 || !this.canTake(agent, 'VOICE')) continue;
        if (!caller || agent.idleSince < caller.idleSince) caller = agent;
      }
    }
    if (!caller) return;
    this.accrue(caller);
    const now = this.nowMs;
    const contact: SimContact = {
      contactId: this.contactId(),
      queueIndex,
      channel: 'VOICE',
      initiation: 'OUTBOUND',
      enqueuedAt: now,
      abandonAt: Number.POSITIVE_INFINITY,
      stage: 'CONNECTED',
      connectedAt: now,
      talkMs: logNormal(this.sideRng, MEAN_OUTBOUND_TALK_SECONDS * 1000),
      holdMs: 0,
    };
    const entry: AgentContact = { contact, state: 'CONNECTED', since: now };
    caller.contacts.push(entry);
    this.touch(caller);
    const agent = caller;
    this.events.push(now + contact.talkMs, () => this.endTalk(agent, entry));
  }

  private contactId(): string {
    this.contactSeq += 1;
    const n = this.contactSeq.toString(16).padStart(12, '0');
    return `c0ffee00-0000-4000-8000-${n}`;
  }

  private abandon(contact: SimContact): void {
    if (contact.stage !== 'WAITING') return;
    const queue = this.queues[contact.queueIndex];
    if (!queue) return;
    const at = queue.waiting.indexOf(contact);
    if (at >= 0) queue.waiting.splice(at, 1);
    contact.stage = 'DONE';
    const waited = (this.nowMs - contact.enqueuedAt) / 1000;
    this.history.add(this.nowMs, contact.queueIndex, Q.ABANDONED, 1);
    this.history.add(this.nowMs, contact.queueIndex, Q.ABANDON_TIME_SUM, waited);
    this.history.queuedRecordClosed(this.nowMs, contact.queueIndex, waited, DEQUEUE.ABANDONED);
  }

  // ---- routing ----

  private delayOf(profileIndex: number, queueIndex: number): number {
    return this.delayByProfile[queueIndex]?.get(profileIndex) ?? 0;
  }

  private routable(agent: SimAgent): boolean {
    return (
      agent.statusIndex === STATUS.AVAILABLE &&
      !agent.error &&
      agent.nextStatusIndex === null &&
      !this.monitoring.has(agent.index)
    );
  }

  /** Voice takes the agent whole; chats and tasks run concurrently up to the profile's slots, one channel at a time. */
  canTake(agent: SimAgent, channel: SimChannel): boolean {
    if (!this.routable(agent)) return false;
    const contacts = agent.contacts;
    if (contacts.length === 0) return true;
    if (contacts.some((c) => c.contact.channel !== channel)) return false;
    return (
      contacts.length < (this.catalog.profiles[agent.profileIndex]?.maxSlots[channel] ?? MAX_SLOTS[channel])
    );
  }

  /** Keeps the profile's set of agents with spare capacity current after any change to the agent. */
  private touch(agent: SimAgent): void {
    const set = this.free[agent.profileIndex];
    if (!set) return;
    const first = agent.contacts[0];
    const spare =
      this.routable(agent) &&
      (!first ||
        agent.contacts.length <
          (this.catalog.profiles[agent.profileIndex]?.maxSlots[first.contact.channel] ?? 1));
    if (spare) set.add(agent);
    else set.delete(agent);
  }

  /** Offers a queue's oldest contacts to the longest-idle eligible agents. */
  private routeQueue(queueIndex: number): void {
    const queue = this.queues[queueIndex];
    const config = this.catalog.queues[queueIndex];
    if (!queue || !config) return;
    while (queue.waiting.length > 0) {
      const head = queue.waiting[0];
      if (!head) return;
      const waitedSeconds = (this.nowMs - head.enqueuedAt) / 1000;
      let best: SimAgent | undefined;
      for (const profileIndex of config.profileIndices) {
        if (this.delayOf(profileIndex, queueIndex) > waitedSeconds) continue;
        for (const agent of this.free[profileIndex] ?? []) {
          if (this.canTake(agent, queue.channel) && (!best || agent.idleSince < best.idleSince)) best = agent;
        }
      }
      if (!best) return;
      this.offer(best, queue);
    }
  }

  /** Fills a newly free agent's slots from its profile's queues: best priority first, then the oldest contact. */
  private routeAgent(agent: SimAgent): void {
    const profile = this.catalog.profiles[agent.profileIndex];
    if (!profile) return;
    for (;;) {
      let bestQueue: SimQueue | undefined;
      let bestPriority = Number.POSITIVE_INFINITY;
      let bestAt = Number.POSITIVE_INFINITY;
      for (const entry of profile.queues) {
        const queue = this.queues[entry.queueIndex];
        const head = queue?.waiting[0];
        // A line on another channel than the queue's contacts (a voice queue served for tasks) brings nothing.
        if (!queue || !head || entry.channel !== queue.channel || !this.canTake(agent, queue.channel))
          continue;
        if ((this.nowMs - head.enqueuedAt) / 1000 < entry.delaySeconds) continue;
        if (entry.priority < bestPriority || (entry.priority === bestPriority && head.enqueuedAt < bestAt)) {
          bestQueue = queue;
          bestPriority = entry.priority;
          bestAt = head.enqueuedAt;
        }
      }
      if (!bestQueue) return;
      this.offer(agent, bestQueue);
    }
  }

  private offer(agent: SimAgent, queue: SimQueue): void {
    const contact = queue.waiting.shift();
    if (!contact) return;
    this.accrue(agent);
    contact.stage = 'OFFERED';
    // A queued callback is presented to the agent (INCOMING); anything else rings (CONNECTING).
    const callback = contact.initiation === 'CALLBACK';
    const entry: AgentContact = { contact, state: callback ? 'INCOMING' : 'CONNECTING', since: this.nowMs };
    agent.contacts.push(entry);
    this.touch(agent);
    const user = this.catalog.users[agent.index];
    const missProbability = user?.missProbability ?? 0.01;
    const roll = this.rng();
    if (roll < missProbability) {
      // Nobody picks up: after the ring timeout the contact goes back to the queue and the agent is in error.
      this.events.push(this.nowMs + 20_000, () => this.refuse(agent, entry, 'MISSED'));
      return;
    }
    if (contact.channel !== 'VOICE' && roll < 2 * missProbability) {
      // A chat, task or email can be declined in the CCP: it is REJECTED, back to the queue, and the agent too is
      // in error until they clear it.
      this.events.push(this.nowMs + between(this.rng, 2_000, 6_000), () =>
        this.refuse(agent, entry, 'REJECTED'),
      );
      return;
    }
    const ring =
      contact.channel === 'VOICE' ? between(this.rng, 3_000, 10_000) : between(this.rng, 1_000, 4_000);
    this.events.push(this.nowMs + ring, () =>
      callback ? this.dialCallback(agent, entry) : this.connect(agent, entry),
    );
  }

  /**
   * The agent accepted a queued callback: it is PENDING for a moment, then CONNECTING while the customer is
   * dialled and hears the outbound whisper. A customer who hangs up then leaves the agent's contact in ERROR.
   */
  private dialCallback(agent: SimAgent, entry: AgentContact): void {
    this.setContactState(agent, entry, 'PENDING');
    this.events.push(this.nowMs + between(this.rng, 500, 2_000), () => {
      this.setContactState(agent, entry, 'CONNECTING');
      const hangsUp = this.rng() < 0.1;
      this.events.push(this.nowMs + between(this.rng, 4_000, 12_000), () =>
        hangsUp ? this.failContact(agent, entry) : this.connect(agent, entry),
      );
    });
  }

  /** The customer went during the outbound whisper: the contact is over, the agent's copy stays in ERROR. */
  private failContact(agent: SimAgent, entry: AgentContact): void {
    this.setContactState(agent, entry, 'ERROR');
    agent.error = true;
    this.touch(agent);
    const contact = entry.contact;
    contact.stage = 'DONE';
    const waited = (this.nowMs - contact.enqueuedAt) / 1000;
    this.history.add(this.nowMs, contact.queueIndex, Q.ABANDONED, 1);
    this.history.add(this.nowMs, contact.queueIndex, Q.ABANDON_TIME_SUM, waited);
    this.history.queuedRecordClosed(this.nowMs, contact.queueIndex, waited, DEQUEUE.ABANDONED);
    this.awaitClear(agent, entry);
  }

  /** A missed or rejected offer: the contact returns to its place in the queue, the agent is in error. */
  private refuse(agent: SimAgent, entry: AgentContact, state: 'MISSED' | 'REJECTED'): void {
    this.setContactState(agent, entry, state);
    agent.error = true;
    this.touch(agent);
    const contact = entry.contact;
    this.history.add(this.nowMs, contact.queueIndex, Q.MISSED, 1);
    const queue = this.queues[contact.queueIndex];
    if (queue) {
      contact.stage = 'WAITING';
      // Back at the head of the queue with its original place in line.
      const at = queue.waiting.findIndex((c) => c.enqueuedAt > contact.enqueuedAt);
      queue.waiting.splice(at < 0 ? queue.waiting.length : at, 0, contact);
      if (contact.abandonAt <= this.nowMs) this.abandon(contact);
      else this.routeQueue(queue.index);
    }
    this.awaitClear(agent, entry);
  }

  /** The agent notices and sets themselves available again after a while, which clears the contact. */
  private awaitClear(agent: SimAgent, entry: AgentContact): void {
    this.events.push(this.nowMs + between(this.rng, 15_000, 90_000), () => {
      if (!agent.contacts.includes(entry)) return;
      this.clearError(agent);
      this.routeAgent(agent);
    });
  }

  private clearError(agent: SimAgent): void {
    this.accrue(agent);
    agent.contacts = agent.contacts.filter((c) => !isErrorState(c.state));
    agent.error = false;
    if (agent.contacts.length === 0) agent.idleSince = this.nowMs;
    this.touch(agent);
  }

  private connect(agent: SimAgent, entry: AgentContact): void {
    this.accrue(agent);
    const contact = entry.contact;
    const now = this.nowMs;
    entry.state = 'CONNECTED';
    entry.since = now;
    contact.stage = 'CONNECTED';
    contact.connectedAt = now;
    const waited = (now - contact.enqueuedAt) / 1000;
    this.history.add(now, contact.queueIndex, Q.ANSWERED, 1);
    this.history.add(now, contact.queueIndex, Q.ANSWER_TIME_SUM, waited);
    contact.talkMs = logNormal(this.rng, MEAN_TALK_SECONDS[contact.channel] * 1000);
    if (contact.channel === 'VOICE' && this.rng() < 0.25) {
      contact.holdMs = between(this.rng, 20_000, 120_000);
      const holdAt = now + contact.talkMs * between(this.rng, 0.2, 0.7);
      this.events.push(holdAt, () => this.setContactState(agent, entry, 'CONNECTED_ONHOLD'));
      this.events.push(holdAt + contact.holdMs, () => this.setContactState(agent, entry, 'CONNECTED'));
    }
    this.events.push(now + contact.talkMs + contact.holdMs, () => this.endTalk(agent, entry));
  }

  private setContactState(agent: SimAgent, entry: AgentContact, state: AgentContactState): void {
    this.accrue(agent);
    const holdChange =
      (entry.state === 'CONNECTED' && state === 'CONNECTED_ONHOLD') ||
      (entry.state === 'CONNECTED_ONHOLD' && state === 'CONNECTED');
    entry.state = state;
    // Connect: "When AgentContactState is set to CONNECTED_ONHOLD, StateStartTimestamp is not changed": it
    // stays the time the contact was connected (API reference, AgentContactReference).
    if (!holdChange) entry.since = this.nowMs;
    if (state === 'CONNECTED_ONHOLD') entry.contact.stage = 'ON_HOLD';
    else if (state === 'CONNECTED') entry.contact.stage = 'CONNECTED';
  }

  private endTalk(agent: SimAgent, entry: AgentContact): void {
    this.accrue(agent);
    if (this.monitoring.size > 0) this.endMonitoring(entry);
    const { contact } = entry;
    // Now and then the agent passes an inbound call on to another voice queue, then wraps up their own part.
    if (
      contact.initiation === 'INBOUND' &&
      contact.channel === 'VOICE' &&
      this.voiceQueues.length > 1 &&
      this.sideRng() < TRANSFER_SHARE
    ) {
      const others = this.voiceQueues.filter((q) => q !== contact.queueIndex);
      const target = others[Math.floor(this.sideRng() * others.length)];
      if (target !== undefined) {
        this.history.add(this.nowMs, contact.queueIndex, Q.TRANSFERRED_OUT, 1);
        this.arrive(target, 'TRANSFER');
      }
    }
    entry.state = 'ENDED';
    entry.since = this.nowMs;
    entry.contact.stage = 'ACW';
    const acwMs = logNormal(this.rng, MEAN_ACW_SECONDS[entry.contact.channel] * 1000);
    const disconnectedAt = this.nowMs;
    this.events.push(this.nowMs + acwMs, () => this.complete(agent, entry, acwMs, disconnectedAt));
  }

  /**
   * The end of a contact's after-contact work: its record closes, and is filed in the interval of its disconnect
   * (admin guide, "Historical metrics": "contact records whose disconnect date falls in the interval are
   * selected"; the contact record's DisconnectTimestamp is when "the customer endpoint disconnected"), which may
   * have closed already: a past interval's figures grow as its contacts' work ends.
   */
  private complete(agent: SimAgent, entry: AgentContact, acwMs: number, disconnectedAt: number): void {
    this.accrue(agent);
    const contact = entry.contact;
    contact.stage = 'DONE';
    agent.contacts = agent.contacts.filter((c) => c !== entry);
    this.touch(agent);
    const q = contact.queueIndex;
    this.history.add(disconnectedAt, q, Q.HANDLED, 1);
    this.history.add(disconnectedAt, q, Q.HANDLE_TIME_SUM, (contact.talkMs + contact.holdMs + acwMs) / 1000);
    this.history.add(disconnectedAt, q, Q.TALK_TIME_SUM, contact.talkMs / 1000);
    this.history.add(disconnectedAt, q, Q.HOLD_TIME_SUM, contact.holdMs / 1000);
    this.history.add(disconnectedAt, q, Q.ACW_TIME_SUM, acwMs / 1000);
    if (contact.holdMs > 0) this.history.add(disconnectedAt, q, Q.HOLDS, 1);
    // CONTACTS_HANDLED_INCOMING counts inbound and transferred contacts alike.
    const kind =
      contact.initiation === 'CALLBACK'
        ? Q.CALLBACK_HANDLED
        : contact.initiation === 'API'
          ? Q.API_HANDLED
          : contact.initiation === 'OUTBOUND'
            ? Q.OUTBOUND_HANDLED
            : Q.INCOMING_HANDLED;
    this.history.add(disconnectedAt, q, kind, 1);
    if (contact.initiation !== 'OUTBOUND') {
      const waited = (contact.connectedAt - contact.enqueuedAt) / 1000;
      this.history.add(disconnectedAt, q, Q.HANDLED_FROM_QUEUE, 1);
      this.history.add(disconnectedAt, q, Q.HANDLED_QUEUE_WAIT_SUM, waited);
      this.history.queuedRecordClosed(disconnectedAt, q, waited, DEQUEUE.ANSWERED);
    }
    if (agent.contacts.length === 0) this.freed(agent);
    this.routeAgent(agent);
  }

  /** The agent has nothing on hand again: idle from now, and a status they asked for meanwhile applies. */
  private freed(agent: SimAgent): void {
    agent.idleSince = this.nowMs;
    if (agent.nextStatusIndex === null) return;
    const next = agent.nextStatusIndex;
    agent.nextStatusIndex = null;
    this.touch(agent);
    this.setStatus(agent, next);
  }

  // ---- agent statuses and shifts ----

  private setStatus(agent: SimAgent, statusIndex: number): void {
    this.accrue(agent);
    if (agent.error) this.clearError(agent);
    agent.statusIndex = statusIndex;
    agent.statusSince = this.nowMs;
    this.touch(agent);
    if (statusIndex === STATUS.AVAILABLE) {
      agent.idleSince = this.nowMs;
      this.routeAgent(agent);
    }
  }

  /** An agent asks for a status: on a contact, it becomes their next status, applied once the contact is done. */
  requestStatus(agent: SimAgent, statusIndex: number): void {
    // Listening in on a call is being busy with it: a status asked for meanwhile applies when it ends.
    const busy = agent.contacts.some((c) => !isErrorState(c.state)) || this.monitoring.has(agent.index);
    if (statusIndex === STATUS.AVAILABLE) {
      agent.nextStatusIndex = null;
      this.touch(agent);
      if (agent.statusIndex !== STATUS.AVAILABLE) this.setStatus(agent, statusIndex);
      else this.routeAgent(agent);
      return;
    }
    if (busy) {
      agent.nextStatusIndex = statusIndex;
      this.touch(agent);
    } else if (agent.statusIndex !== statusIndex) this.setStatus(agent, statusIndex);
  }

  /** The start of the (shifted) local day containing `ms`, which the agents' shifts follow. */
  private dayStartOf(ms: number): number {
    return startOfLocalDay(ms + this.dayShiftMs, this.timeZone) - this.dayShiftMs;
  }

  /** Schedules every agent's shift for the local day starting at `dayStart`, and the next day's planning. */
  private scheduleDay(dayStart: number): void {
    for (const agent of this.agents) {
      const user = this.catalog.users[agent.index];
      if (user) this.scheduleShift(agent, user, dayStart);
    }
    const nextDay = startOfNextLocalDay(dayStart + this.dayShiftMs, this.timeZone) - this.dayShiftMs;
    if (nextDay > this.nowMs) this.events.push(nextDay, () => this.scheduleDay(nextDay));
  }

  private scheduleShift(agent: SimAgent, user: UserConfig, dayStart: number): void {
    // A few minutes' give or take each day: agents are people.
    const start = dayStart + user.shiftStartMs + between(this.rng, -5, 10) * 60_000;
    const end = start + user.shiftLengthMs;
    if (end <= this.nowMs) return;
    const at = (ms: number, run: () => void) => this.events.push(Math.max(ms, this.nowMs), run);
    at(start, () => this.requestStatus(agent, STATUS.AVAILABLE));
    for (const activity of user.activities) {
      const from = start + activity.offsetMs;
      at(from, () => this.onShiftActivity(agent, activity.statusIndex));
      at(from + activity.durationMs, () => this.onShiftActivity(agent, STATUS.AVAILABLE));
    }
    at(end, () => this.requestStatus(agent, STATUS.OFFLINE));
  }

  /** A break, lunch or training on the plan: skipped by an agent who is logged out (or logging out). */
  private onShiftActivity(agent: SimAgent, statusIndex: number): void {
    if (agent.statusIndex === STATUS.OFFLINE || agent.nextStatusIndex === STATUS.OFFLINE) return;
    this.requestStatus(agent, statusIndex);
  }

  /** Books the agent's time since the last booking as busy, idle or other, per routing profile. */
  private accrue(agent: SimAgent): void {
    const from = agent.accruedAt;
    const to = this.nowMs;
    if (to <= from) return;
    agent.accruedAt = to;
    if (agent.statusIndex === STATUS.OFFLINE && agent.contacts.length === 0) return;
    this.history.addAgentTime(
      agent.profileIndex,
      agentTimeKind(agent, this.monitoring.has(agent.index)),
      from,
      to,
    );
  }
}
