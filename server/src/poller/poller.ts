import type { ConnectClient } from '@aws-sdk/client-connect';
import {
  SECTION_NAMES,
  type Agent,
  OTHER_CHANNEL,
  type Channel,
  type IntervalPoint,
  type RealtimeMetrics,
  type SectionName,
  type Snapshot,
} from '@switchboard/shared';
import type { ConnectContext } from '../connect/context.js';
import { AGENT_TOTAL_METRICS, getAgentTotals, getQueueRealtime } from '../connect/currentMetrics.js';
import { describeError, isThrottle, mayNameSomethingGone, type ConnectOperation } from '../connect/errors.js';
import { getCurrentUsers } from '../connect/userData.js';
import { ageSnapshot } from './staleness.js';
import type { Logger } from '../logger.js';
import { toAgents } from './agents.js';
import { assembleSnapshot, type RealtimeFigures } from './assemble.js';
import { RateBudget, type CallOutcome, type Priority, type Quota } from './budget.js';
import { Directory } from './directory.js';
import { History } from './history.js';
import {
  agentsRetry,
  BACKFILL_DELAY_MS,
  cycleFor,
  DEFAULT_DISCOVERY_INTERVAL_MS,
  DEFAULT_HISTORY_INTERVAL_MS,
  discoveryRetry,
  HISTORY_RETRY,
  MAX_SLOW_RETRY_MS,
} from './cadence.js';
import { Loop } from './loop.js';
import { SectionBook } from './sections.js';

export { INTRADAY_QUEUES_IN_SNAPSHOT } from './assemble.js';

export interface PollerObserver {
  call?(operation: ConnectOperation, outcome: CallOutcome, durationMs: number): void;
  cycle?(section: SectionName, durationMs: number, ok: boolean): void;
  /** An enum value from Connect that this build does not know, each time it is seen. */
  unknownValue?(field: string, value: string): void;
}

/** Distinct unknown (field, value) pairs logged; past this a flood of new values is counted, not logged. */
const MAX_UNKNOWN_VALUES_LOGGED = 200;

/** How old the agents' answer before may be for the time agents went free to be read from it (toAgents). */
const AGENTS_SEEN_RECENTLY_MS = 60_000;
/** How far ahead of this server's clock another's snapshot may be and still be carried on from (carriedAgents). */
const CARRIED_CLOCK_AHEAD_MS = 10_000;

export interface PollerOptions {
  client: ConnectClient;
  instanceId: string;
  /** The shortest real-time cycle; with many queues the budget makes it longer. */
  intervalMs: number;
  staleAfterMs: number;
  logger: Logger;
  /** The clock of the figures (fetchedAt, serverTime, staleness, "today"); the rate budget runs on real time. */
  clock?: () => number;
  /**
   * Connect's own clock, where it differs from ours: a simulator running faster than real time. "Today" and its
   * intervals follow it; freshness still runs on `clock`. Defaults to `clock`.
   */
  connectClock?: () => number;
  /** Applied to every snapshot before it is published (threshold states, alerts). */
  enrich?: (snapshot: Snapshot) => Snapshot;
  timeZone?: string;
  serviceLevelThresholds?: readonly number[];
  intradayIntervalMinutes?: number;
  /**
   * The rate budget of the instance's AWS account and Region, shared with the pollers of its other instances
   * there; without one the poller makes its own from `rateShare` and `quotas`.
   */
  budget?: RateBudget;
  rateShare?: number;
  quotas?: Partial<Record<ConnectOperation, Quota>>;
  discoveryIntervalMs?: number;
  historyIntervalMs?: number;
  observer?: PollerObserver;
}

type Listener = (snapshot: Snapshot) => void;

export class PollerStoppedError extends Error {
  override readonly name = 'PollerStopped';
  constructor() {
    super('The poller was stopped; the request was not sent.');
  }
}

/** Names described per round, at discovery priority. */
const DESCRIBE_BATCH = 10;

const unknownAgentTotals = (): RealtimeMetrics =>
  Object.fromEntries(AGENT_TOTAL_METRICS.map((name) => [name, null]));

/**
 * Polls Connect once per instance, whatever the number of viewers, and keeps the last complete figures of every
 * section. Each section runs on its own cadence within its share of the rate budget: real-time queue figures as
 * fast as the budget allows (never faster than `intervalMs`), agents likewise, today's history every
 * `historyIntervalMs`, discovery every `discoveryIntervalMs`. A snapshot is published after each real-time cycle.
 * A failed cycle never replaces good figures: they stay, marked with their age and the error.
 */
export class Poller {
  readonly budget: RateBudget;
  readonly directory: Directory;
  readonly history: History;
  private snapshot: Snapshot | null = null;
  private readonly book: SectionBook;
  private readonly listeners = new Set<Listener>();
  private readonly clock: () => number;
  private readonly connectClock: () => number;
  private readonly loops: Loop[];
  private realtime: RealtimeFigures | null = null;
  private agents: Agent[] = [];
  /**
   * The agents' last answer and when it came (this.clock), while it may serve as the answer before the next one:
   * the time agents free again after a contact began is read from it (toAgents), and a list from before a run of
   * failures is too old to tell when anyone's contact ended. A stop forgets it; a start may be handed the
   * instance's last snapshot (another replica's, or this server's before a restart) to carry it on from.
   */
  private agentsBefore: {
    agents: readonly Agent[];
    /** When it was answered, on this clock: how old it is, against cycle times that run on real time. */
    at: number;
    /** The same moment on Connect's clock (`connectClock`, faster with a simulator ahead of real time). */
    seenAt: number;
  } | null = null;
  private readonly channelsSeen = new Map<string, Set<Channel>>();
  private readonly unknownValuesLogged = new Set<string>();
  /**
   * Starts at the wall clock's milliseconds, so a restarted server never reuses a generation of the process
   * before it: a screen that comes back with an old Last-Event-ID gets the view whole, never patches onto a
   * view of the old process that happens to share a number.
   */
  private generation = Date.now();
  private running = false;
  /** The real-time cycle the budget allows now, which the snapshot reports. */
  cycleMs: number;
  /** The agents' cycle the budget allows now. */
  private agentsIntervalMs: number;
  /** Connect calls of the last complete cycle of each section. */
  readonly lastCalls: Record<SectionName, number>;
  private readonly discoveryLoop: Loop;
  private readonly historyLoop: Loop;
  private readonly agentsLoop: Loop;
  private timeZone: string;
  private loggedMissing: number | null = null;
  private leaveBudget: (() => void) | null = null;
  /** Set once a discovery has finished, whatever its outcome. */
  private discoveredOnce = false;
  /**
   * Sections whose requests Connect refused as naming something it does not have, in a run of such failures that
   * has already asked for a discovery (see failed()).
   */
  private readonly rediscoveryAsked = new Set<SectionName>();
  /**
   * Discovery after a refusal: asked for and not yet begun, under way, and when one last ended (performance.now():
   * a step of the system clock does not move it).
   */
  private discoveryAsked = false;
  private discoveryRunning = false;
  private discoveryFinishedAt = Number.NEGATIVE_INFINITY;
  /** When the queue figures' recovery last woke the other sections (performance.now()). */
  private wokenAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: PollerOptions) {
    this.clock = options.clock ?? Date.now;
    this.connectClock = options.connectClock ?? this.clock;
    this.timeZone = options.timeZone ?? 'UTC';
    this.cycleMs = options.intervalMs;
    this.agentsIntervalMs = options.intervalMs;
    this.book = new SectionBook({
      logger: options.logger,
      clock: this.clock,
      cycle: (section, durationMs, ok) => options.observer?.cycle?.(section, durationMs, ok),
    });
    this.lastCalls = Object.fromEntries(SECTION_NAMES.map((name) => [name, 0])) as Record<
      SectionName,
      number
    >;
    this.budget =
      options.budget ??
      new RateBudget({
        ...(options.quotas ? { quotas: options.quotas } : {}),
        ...(options.rateShare !== undefined ? { share: options.rateShare } : {}),
      });
    this.directory = new Directory({
      onFallback: (error) =>
        options.logger.warn(
          { op: 'SearchUsers', err: describeError(error) },
          "SearchUsers was refused (the IAM policy lacks connect:SearchUsers): agents' names come from " +
            'ListUsers and DescribeUser, one call per agent, and take longer to fill in. Add connect:SearchUsers ' +
            'to the policy and restart to have every name within seconds.',
        ),
      onProfileQueuesDenied: (error) =>
        options.logger.warn(
          { op: 'ListRoutingProfileQueues', err: describeError(error) },
          'ListRoutingProfileQueues was refused (the IAM policy lacks connect:ListRoutingProfileQueues): the ' +
            'agents of a queue are those holding a contact from it, not all who can take it. Add ' +
            'connect:ListRoutingProfileQueues to the policy and restart.',
        ),
    });
    this.history = new History({
      timeZone: this.timeZone,
      serviceLevelThresholds: options.serviceLevelThresholds ?? [20],
      intervalMinutes: options.intradayIntervalMinutes ?? 30,
    });
    this.discoveryLoop = new Loop(
      'discovery',
      () => this.discover(),
      () =>
        discoveryRetry(options.discoveryIntervalMs ?? DEFAULT_DISCOVERY_INTERVAL_MS, this.directory.ready),
    );
    this.historyLoop = new Loop(
      'history',
      () => this.historyCycle(),
      () => HISTORY_RETRY,
    );
    this.agentsLoop = new Loop(
      'agents',
      () => this.agentsCycle(),
      () => agentsRetry(this.agentsNormalMs()),
    );
    this.loops = [
      this.discoveryLoop,
      new Loop('names', () => this.describeNames()),
      new Loop('realtime', () => this.realtimeCycle()),
      this.agentsLoop,
      this.historyLoop,
    ];
  }

  get latest(): Snapshot | null {
    return this.snapshot ? this.withAge(this.snapshot) : null;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts polling. `before`, the instance's last snapshot from elsewhere (the replica that held the lease, or
   * this server's history from before a restart), lends its agents as the answer before the first one, if they
   * are recent enough to serve as one (agentsRecentMs: a minute, or three agents cycles if longer): agents free
   * again after a contact keep the time they went free, rather than start over at the status they set hours ago.
   */
  start(before?: Snapshot | null): void {
    if (this.running) return;
    this.running = true;
    this.agentsBefore = this.carriedAgents(before ?? null);
    this.leaveBudget = this.budget.join();
    for (const loop of this.loops) loop.start();
  }

  stop(): void {
    this.running = false;
    this.agentsBefore = null;
    for (const loop of this.loops) loop.stop();
    this.leaveBudget?.();
    this.leaveBudget = null;
    // Requests of other instances may still wait in a shared budget: only the last one out clears it.
    if (this.budget.members === 0) this.budget.clear();
  }

  /** One queue's intraday series with every figure; null for a queue the instance does not have. */
  queueIntraday(queueId: string): IntervalPoint[] | null {
    if (!this.directory.queues.some((q) => q.id === queueId)) return null;
    return this.history.queueSeries(queueId);
  }

  /**
   * A reloaded configuration: the contact centre's time zone and the service-level thresholds to fetch. A change
   * starts today over in the new terms and fetches it at once; the snapshot says the new zone from then on.
   */
  reconfigure(change: { timeZone: string; serviceLevelThresholds: readonly number[] }): void {
    if (!this.history.reconfigure(change)) return;
    this.timeZone = change.timeZone;
    this.options.logger.info(
      { timeZone: change.timeZone, serviceLevelThresholds: change.serviceLevelThresholds },
      'configuration reloaded: fetching today again',
    );
    if (this.running) this.historyLoop.poke();
  }

  /** Re-reads queues, profiles and users now (e.g. a test after changing the instance). */
  rediscover(): void {
    this.discoveryLoop.poke();
  }

  private context(priority: Priority): ConnectContext {
    return {
      client: this.options.client,
      instanceId: this.options.instanceId,
      // A stopped poller (a replica that lost its lease) sends nothing more, even from a cycle under way.
      send: (operation, request) =>
        this.running
          ? this.budget.call(operation, priority, request, this.options.observer?.call)
          : Promise.reject(new PollerStoppedError()),
      unknownValue: (field, value) => this.unknownValue(field, value),
    };
  }

  /** Counted every time, logged once per field and value: a new channel must not fill the log every cycle. */
  private unknownValue(field: string, value: string): void {
    this.options.observer?.unknownValue?.(field, value);
    const key = `${field}\u0000${value}`;
    if (this.unknownValuesLogged.has(key) || this.unknownValuesLogged.size >= MAX_UNKNOWN_VALUES_LOGGED)
      return;
    this.unknownValuesLogged.add(key);
    this.options.logger.warn(
      { field, value },
      'Connect sent a value this build does not know; it is shown as other until an upgrade knows it',
    );
  }

  /** Requests a second of an operation this poller may plan on: the budget's rate over the instances sharing it. */
  private shareOf(operation: ConnectOperation): number {
    return this.budget.ratePerSecond(operation) / this.budget.sharers;
  }

  /** The agents' cycle the budget allows for the calls of the last one. */
  private agentsNormalMs(): number {
    return cycleFor(this.options.intervalMs, this.lastCalls.agents, this.shareOf('GetCurrentUserData'));
  }

  /** How old the agents' answer before may be to serve: a minute, or three of the cycle's intervals if longer. */
  private agentsRecentMs(): number {
    return Math.max(AGENTS_SEEN_RECENTLY_MS, 3 * Math.max(this.agentsIntervalMs, this.options.intervalMs));
  }

  /**
   * The agents of another poller's snapshot of this instance, as the answer before this one's first, when they
   * were answered recently enough to serve (agentsRecentMs). A time a little ahead of this clock (another
   * replica's clock a few seconds ahead) counts as now; one further ahead is of a clock set wrong, whose times
   * would show agents free since a moment still to come, and is not carried.
   */
  private carriedAgents(
    before: Snapshot | null,
  ): { agents: readonly Agent[]; at: number; seenAt: number } | null {
    if (!before || before.instanceId !== this.options.instanceId) return null;
    const fetchedAt = before.sections.agents?.fetchedAt;
    const at = fetchedAt ? Date.parse(fetchedAt) : NaN;
    const now = this.clock();
    if (!Number.isFinite(at) || now - at > this.agentsRecentMs() || at - now > CARRIED_CLOCK_AHEAD_MS)
      return null;
    // Its time on Connect's clock: as long before Connect's now as it was before this clock's.
    const answeredAt = Math.min(at, now);
    return { agents: before.agents, at: answeredAt, seenAt: this.connectClock() - (now - answeredAt) };
  }

  private async until<T>(ready: () => boolean, run: () => Promise<T>, idleMs = 200): Promise<T | number> {
    return ready() ? run() : idleMs;
  }

  private async discover(): Promise<number> {
    const interval = this.options.discoveryIntervalMs ?? DEFAULT_DISCOVERY_INTERVAL_MS;
    // Any discovery serves one asked for: a refusal asks only while none is under way (failed()).
    this.discoveryAsked = false;
    this.discoveryRunning = true;
    const started = this.clock();
    try {
      await this.directory.refresh(this.context('discovery'), this.clock());
      this.discoveredOnce = true;
      // The channels of queues Connect no longer lists are let go with them (a centre that makes and deletes
      // queues for campaigns would otherwise keep every one it ever had).
      const listed = new Set(this.directory.queues.map((queue) => queue.id));
      for (const id of this.channelsSeen.keys()) if (!listed.has(id)) this.channelsSeen.delete(id);
      this.succeeded('discovery', null, started);
      return interval;
    } catch (error) {
      this.discoveredOnce = true;
      this.failed('discovery', error, started);
      // Until the queues are known no real-time cycle runs to publish: this failure is published itself, so the
      // screens say why there is nothing to show instead of waiting for a first snapshot that never comes.
      if (!this.directory.ready) this.publish();
      throw error;
    } finally {
      this.discoveryRunning = false;
      this.discoveryFinishedAt = performance.now();
    }
  }

  /** Only on the fallback (no connect:SearchUsers): DescribeUser, one call per user whose name is missing. */
  private async describeNames(): Promise<number> {
    if (this.directory.userSource !== 'ListUsers' || this.directory.undescribed.length === 0) return 1000;
    try {
      await this.directory.describeSome(this.context('names'), DESCRIBE_BATCH, this.clock());
      return 0;
    } catch (error) {
      this.options.logger.debug({ op: 'DescribeUser', err: describeError(error) }, 'describing users failed');
      return 5000;
    }
  }

  private async realtimeCycle(): Promise<number> {
    const result = await this.until(
      () => this.directory.ready,
      async () => {
        const started = this.clock();
        const wallStarted = Date.now();
        const ctx = this.context('realtime');
        const queueIds = this.directory.queues.map((q) => q.id);
        const profileIds = this.directory.routingProfiles.map((p) => p.id);
        try {
          // Without routing profiles there is no way to count agents once each: no totals rather than wrong ones.
          const [queues, totals] = await Promise.all([
            getQueueRealtime(ctx, queueIds),
            this.directory.profilesKnown
              ? getAgentTotals(ctx, profileIds)
              : { metrics: unknownAgentTotals(), dataSnapshotTime: null, calls: 0 },
          ]);
          const calls = queues.calls + totals.calls;
          this.lastCalls.queues = calls;
          this.realtime = {
            byQueue: queues.byQueue,
            byQueueChannel: queues.byQueueChannel,
            totals: totals.metrics,
            asked: new Set(queueIds),
          };
          for (const [id, channels] of queues.byQueueChannel) {
            const seen = this.channelsSeen.get(id) ?? new Set<Channel>();
            for (const channel of Object.keys(channels) as Channel[]) seen.add(channel);
            this.channelsSeen.set(id, seen);
          }
          const dataSnapshotTime = [queues.dataSnapshotTime, totals.dataSnapshotTime]
            .filter((d): d is Date => d !== null)
            .sort((a, b) => a.getTime() - b.getTime())[0];
          this.succeeded('queues', dataSnapshotTime ?? null, started);
          // The cycle's calls at this instance's part of GetCurrentMetricData's quota: its own bucket (history
          // uses GetMetricData's), divided among the instances of one account and Region.
          this.cycleMs = cycleFor(this.options.intervalMs, calls, this.shareOf('GetCurrentMetricData'));
          this.publish();
          return this.cycleMs - (Date.now() - wallStarted);
        } catch (error) {
          this.failed('queues', error, started);
          // Published with or without figures: before the first success the queues are listed without figures,
          // stale, with the error, so a call Connect refuses from the start is on the screens, not a blank wait.
          this.publish();
          // Retried on the normal cycle, whatever the failure, so the wall is fresh again within one cycle of
          // Connect's recovery. Throttling is backed off where the calls are paid for: the budget's bucket slows
          // to a quarter of its rate, and a second backoff here would only delay seeing the storm end.
          return this.cycleMs - (Date.now() - wallStarted);
        }
      },
    );
    return result;
  }

  private async agentsCycle(): Promise<number> {
    return this.until(
      // Agents wait for the users too, so none is ever shown by id without a name; a discovery that failed to
      // read the users lets them go on without.
      () => this.directory.profilesKnown && (this.directory.usersKnown || this.discoveredOnce),
      async () => {
        const started = this.clock();
        const wallStarted = Date.now();
        const normal = () => this.agentsNormalMs();
        try {
          const current = await getCurrentUsers(
            this.context('agents'),
            this.directory.routingProfiles.map((p) => p.id),
          );
          this.lastCalls.agents = current.calls;
          this.agentsIntervalMs = normal();
          // The answer before, if it is recent: within a minute (or three of the cycle's intervals, if longer), so a
          // cycle throttled or failed now and then keeps it, and a list from before a long outage does not serve.
          const answeredAt = this.clock();
          const before = this.agentsBefore;
          const recent = before !== null && answeredAt - before.at <= this.agentsRecentMs();
          const seenAt = this.connectClock();
          this.agents = toAgents(
            current.users,
            this.directory,
            recent ? before.agents : [],
            seenAt,
            recent ? before.seenAt : undefined,
          );
          this.agentsBefore = { agents: this.agents, at: answeredAt, seenAt };
          // A queue's channels also show in its contacts: the only way an email queue's channel is known, since
          // GetCurrentMetricData cannot be asked for EMAIL by channel.
          const listed = new Set(this.directory.queues.map((queue) => queue.id));
          for (const agent of this.agents) {
            for (const contact of agent.contacts) {
              if (contact.queueId === null || contact.channel === OTHER_CHANNEL) continue;
              // A contact of a queue Connect no longer lists (deleted, its last contacts still being handled).
              if (!listed.has(contact.queueId)) continue;
              const seen = this.channelsSeen.get(contact.queueId) ?? new Set<Channel>();
              seen.add(contact.channel);
              this.channelsSeen.set(contact.queueId, seen);
            }
          }
          this.succeeded('agents', null, started);
          return normal() - (Date.now() - wallStarted);
        } catch (error) {
          this.failed('agents', error, started);
          // Throttling is backed off by the budget's bucket (see the queue figures); other failures by the loop.
          if (isThrottle(error)) return normal();
          throw error;
        }
      },
    );
  }

  private async historyCycle(): Promise<number> {
    const interval = this.options.historyIntervalMs ?? DEFAULT_HISTORY_INTERVAL_MS;
    return this.until(
      () => this.directory.ready,
      async () => {
        const ctx = this.context('history');
        const queueIds = this.directory.queues.map((q) => q.id);
        let started = this.clock();
        try {
          // Begun before midnight and answered after it: yesterday's, set aside; the new day's, at once.
          if (!(await this.history.refreshToday(ctx, queueIds, this.connectClock())))
            await this.history.refreshToday(ctx, queueIds, this.connectClock());
          this.succeeded('today', null, started);
          const missing = this.history.missingSince;
          if (missing !== null && missing !== this.loggedMissing) {
            this.loggedMissing = missing;
            // Only after a start in the last hour of a 25-hour day: its first hour is past Connect's 24 hours.
            this.options.logger.warn(
              { from: new Date(missing).toISOString() },
              "today's figures lack the start of a day longer than 24 hours: Connect no longer answers for it",
            );
          }
        } catch (error) {
          this.failed('today', error, started);
          // The intraday series is fetched after today: until it has figures, today's error is its error too, so
          // the screens and /readyz say why it is missing instead of "loading" for as long as today fails.
          if (this.book.status.intraday.fetchedAt === null) this.failed('intraday', error, started);
          throw error;
        }
        started = this.clock();
        try {
          const now = this.connectClock();
          await this.history.refreshIntraday(ctx, queueIds, now);
          this.succeeded('intraday', null, started, this.history.missingIntervals(now));
        } catch (error) {
          this.failed('intraday', error, started);
          throw error;
        }
        // Filling in the day's earlier intervals goes on at once, at history's priority below the queue tiles.
        return this.history.backfillPending(this.connectClock()) ? BACKFILL_DELAY_MS : interval;
      },
    );
  }

  private succeeded(
    section: SectionName,
    dataSnapshotTime: Date | null,
    started: number,
    missingIntervals?: number,
  ): void {
    const recovered = this.book.status[section].error !== null;
    this.rediscoveryAsked.delete(section);
    this.book.succeeded(section, dataSnapshotTime, started, this.intervalOf(section), missingIntervals);
    // The queue figures, tried every cycle, are the first to find Connect answering again after a fault: the
    // sections still backing off from it (up to 10 s for the agents, 15 s for today's figures and discovery) try
    // at once instead of at the end of their wait, so the whole wall is fresh again within a cycle or two. A run
    // under way is left to finish, and a queue section that fails and recovers over and over (a throttling storm)
    // wakes the others at most once in their longest backoff, never more often than they would try on their own.
    if (section !== 'queues' || !recovered || performance.now() - this.wokenAt < MAX_SLOW_RETRY_MS) return;
    this.wokenAt = performance.now();
    const { status } = this.book;
    if (status.agents.error) this.agentsLoop.wakeIfWaiting();
    if (status.today.error || status.intraday.error) this.historyLoop.wakeIfWaiting();
    if (status.discovery.error) this.discoveryLoop.wakeIfWaiting();
  }

  private failed(section: SectionName, error: unknown, started: number): void {
    this.book.failed(section, error, started);
    // The queue figures, the agents and today's figures name queues and routing profiles by id. One deleted in
    // Connect since the last discovery may get the whole request refused, every section that names it failing
    // until the next discovery drops it (a minute by default): discovery runs at once instead, once for each run
    // of such failures of a section, so a refusal that a fresh discovery does not cure costs one discovery, not
    // one a cycle. One discovery serves every section refused meanwhile: a deleted queue refused to the queue
    // figures and to today's costs one discovery, not two.
    if (section === 'discovery' || !mayNameSomethingGone(error) || this.rediscoveryAsked.has(section)) return;
    // A discovery under way or about to begin, or one ended since this request went out (on the monotonic clock:
    // the request's duration, not the wall clock's reading), has listed or will list the queues since: the
    // section's next request names what it found, and asks for a discovery of its own only if refused again.
    const sentAt = performance.now() - Math.max(0, this.clock() - started);
    if (this.discoveryRunning || this.discoveryAsked || this.discoveryFinishedAt >= sentAt) return;
    this.rediscoveryAsked.add(section);
    this.discoveryAsked = true;
    this.options.logger.info(
      { section, err: describeError(error) },
      'Connect refused a request naming queues or routing profiles: discovering them again now',
    );
    this.discoveryLoop.poke();
  }

  /**
   * Every published snapshot is a new generation, a failure's too (its sections say what went wrong): viewers
   * follow the stream by generation, and two snapshots that differ never share one.
   */
  private publish(): void {
    // A cycle that ends after the poller was stopped (a call already under way when the lease was let go)
    // publishes nothing: its rules would step and their webhooks go out from a replica that no longer leads,
    // and the next leader, which never learns of it, would raise or clear the same alert again.
    if (!this.running) return;
    // Past midnight, yesterday's figures go at once, and the new day's are fetched now, not at the next round.
    if (this.history.rollOver(this.connectClock())) this.historyLoop.wakeIfWaiting();
    this.generation += 1;
    const snapshot = assembleSnapshot({
      instanceId: this.options.instanceId,
      timeZone: this.timeZone,
      generation: this.generation,
      now: this.clock(),
      cycleMs: this.cycleMs,
      sections: this.book.status,
      directory: this.directory,
      realtime: this.realtime,
      channelsSeen: this.channelsSeen,
      history: this.history,
      agents: this.agents,
    });
    this.snapshot = this.options.enrich ? this.options.enrich(snapshot) : snapshot;
    const current = this.withAge(this.snapshot);
    for (const listener of this.listeners) listener(current);
  }

  /** The snapshot as of now: its sections marked stale once their figures are older than they should be. */
  private withAge(snapshot: Snapshot): Snapshot {
    return ageSnapshot(snapshot, this.clock(), this.options.staleAfterMs);
  }

  /** How often a section is refreshed when all is well. */
  private intervalOf(section: SectionName): number {
    switch (section) {
      case 'queues':
        return this.cycleMs;
      case 'agents':
        return this.agentsIntervalMs;
      case 'today':
      case 'intraday':
        return this.options.historyIntervalMs ?? DEFAULT_HISTORY_INTERVAL_MS;
      case 'discovery':
        return this.options.discoveryIntervalMs ?? DEFAULT_DISCOVERY_INTERVAL_MS;
    }
  }
}
