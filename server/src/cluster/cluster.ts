import { randomUUID } from 'node:crypto';
import {
  snapshotSchema,
  type Alert,
  type AlertEvent,
  type IntervalPoint,
  type Snapshot,
} from '@switchboard/shared';
import { Redis } from 'ioredis';
import type { AlertEngine, AlertEngineState } from '../alerts/engine.js';
import type { Logger } from '../logger.js';
import { ageSnapshot } from '../poller/staleness.js';
import { Lease } from './lease.js';
import { NotFoundError, UnavailableError } from '../errors.js';
import { redisAnswer } from './redisAnswer.js';
import { Relay } from './relay.js';

export interface PollerLike {
  /** `before`: the instance's last snapshot this replica holds, which the poller may carry on from. */
  start(before?: Snapshot | null): void;
  stop(): void;
  /** Resolves once the calls it has in flight have ended (or after `timeoutMs`): the lease is released after. */
  settled?(timeoutMs: number): Promise<void>;
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
}

export interface ClusterOptions {
  redisUrl: string;
  instanceId: string;
  leaseMs: number;
  staleAfterMs: number;
  poller: PollerLike;
  engine: AlertEngine;
  logger: Logger;
  clock?: () => number;
  /** The local poller's series of one queue: what the leader answers a follower's request with. */
  queueIntraday?: (queueId: string) => IntervalPoint[] | null;
  /** The wait between a new leader's tries at reading the alert state (200 ms). */
  stateReadRetryMs?: number;
}

type Listener = (snapshot: Snapshot) => void;

export class NoLeaderError extends UnavailableError {
  constructor(message: string) {
    super(message, 'no_leader', 3);
  }
}

/**
 * How far a new leader moves the generation counter on before its first snapshot. A leader cut off from Redis
 * goes on numbering its own viewers' snapshots (one past the last it delivered) until its lease runs out, and the
 * counter in Redis never hears of them; without the jump, the next leader would give other snapshots the same
 * numbers, and a page holding one of the first leader's resuming on another replica would be sent patches of a
 * view it does not hold. 100,000 generations is more than two days of snapshots at a 2 s cycle, far beyond any
 * lease.
 */
export const TAKEOVER_GENERATIONS = 100_000;

/**
 * How long a read or save of the alert state waits for Redis: an acknowledgement is answered all the same after
 * it, and a new leader reads again.
 */
const REDIS_WAIT_MS = 1000;

/** How long Redis keeps the leader's snapshot and alert state: a day, past any lease. */
const SHARED_TTL_MS = 24 * 3600 * 1000;

/**
 * Several replicas, one poller per Connect instance. The replica holding the lease polls; every snapshot is
 * numbered by a Redis counter (so generations rise across a change of leader), cached in Redis and
 * published, and every replica serves the newest it has seen. Alert state and history travel with the lease;
 * an acknowledgement on any replica is carried to the leader over Redis.
 */
export class Cluster {
  readonly replicaId = randomUUID();
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly lease: Lease;
  private snapshot: Snapshot | null = null;
  private readonly listeners = new Set<Listener>();
  /** Acknowledgements made on a follower, carried to the leader's alert engine. */
  private readonly acks: Relay<{ alertId: string; by: string }, Alert>;
  /** One queue's intraday series, asked of the leader's poller. */
  private readonly intraday: Relay<{ queueId: string }, IntervalPoint[] | null>;
  private unsubscribePoller: (() => void) | undefined;
  private redisUp = false;
  /** Whether the log has said Redis is unreachable since it was last up. */
  private saidUnreachable = false;
  /** Whether another replica's snapshot has reached this one since it last took the lease. */
  private othersLed = false;
  /** Whether this lease's jump of the generation counter (TAKEOVER_GENERATIONS) has been made. */
  private jumped = false;
  /**
   * Settles once a new lease's read of the alert state from Redis is done (at once outside a takeover): an
   * acknowledgement waits for it, or it would be made on the state the read then replaces, and be lost.
   */
  private stateRead: Promise<void> = Promise.resolve();
  private readonly keys: Record<
    | 'lease'
    | 'snapshot'
    | 'snapshots'
    | 'generation'
    | 'alerts'
    | 'acks'
    | 'ackReplies'
    | 'intradayRequests'
    | 'intradayReplies',
    string
  >;
  private readonly clock: () => number;

  constructor(private readonly options: ClusterOptions) {
    this.clock = options.clock ?? Date.now;
    const prefix = `switchboard:${options.instanceId}`;
    this.keys = {
      lease: `${prefix}:lease`,
      snapshot: `${prefix}:snapshot`,
      snapshots: `${prefix}:snapshots`,
      generation: `${prefix}:generation`,
      alerts: `${prefix}:alerts`,
      acks: `${prefix}:ack-requests`,
      ackReplies: `${prefix}:ack-replies`,
      intradayRequests: `${prefix}:intraday-requests`,
      intradayReplies: `${prefix}:intraday-replies`,
    };
    // Fail fast while Redis is away (no offline queue). ioredis reconnects by itself when it comes back, on its
    // own backoff (50 ms more per attempt, at most 2 s).
    const connection = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    };
    this.redis = new Redis(options.redisUrl, connection);
    this.subscriber = new Redis(options.redisUrl, { ...connection, enableOfflineQueue: true });
    for (const client of [this.redis, this.subscriber]) client.on('error', () => undefined);
    // Reached or not, the log says so once: a Redis never reached made no transition, and the log was silent.
    this.redis.on('error', (error: Error) => {
      if (this.redisUp || this.saidUnreachable) return;
      this.saidUnreachable = true;
      this.options.logger.warn(
        { replicaId: this.replicaId, error: error.message },
        'redis unreachable: REDIS_URL cannot be used (see the error); screens get 503 until it can',
      );
    });
    this.redis.on('ready', () => this.setRedisUp(true));
    this.redis.on('close', () => this.setRedisUp(false));
    this.acks = new Relay(this.redis, this.keys.acks, this.keys.ackReplies, ({ alertId, by }) =>
      this.acknowledgeAsLeader(alertId, by),
    );
    this.intraday = new Relay(
      this.redis,
      this.keys.intradayRequests,
      this.keys.intradayReplies,
      ({ queueId }) => options.queueIntraday?.(String(queueId)) ?? null,
    );
    this.lease = new Lease(this.redis, this.keys.lease, this.replicaId, options.leaseMs, {
      onAcquired: () => void this.lead(),
      onLost: (reason) => this.follow(reason),
      // A successor may start at once: let the last calls of this replica end first.
      beforeRelease: () => options.poller.settled?.(options.leaseMs / 2) ?? Promise.resolve(),
    });
  }

  get role(): 'leader' | 'follower' {
    return this.lease.isHeld ? 'leader' : 'follower';
  }

  get status(): { redis: 'up' | 'down'; role: 'leader' | 'follower' } {
    return { redis: this.redisUp ? 'up' : 'down', role: this.role };
  }

  /** Why this replica has no snapshot to serve, where it is not the first poll: Redis unreachable. */
  unavailable(): NoLeaderError | null {
    return this.redisUp ? null : noLeader('unreachable');
  }

  get latest(): Snapshot | null {
    return this.snapshot ? ageSnapshot(this.snapshot, this.clock(), this.options.staleAfterMs) : null;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    await Promise.allSettled([this.redis.connect(), this.subscriber.connect()]);
    this.subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    await this.subscriber
      .subscribe(
        this.keys.snapshots,
        this.keys.acks,
        this.keys.ackReplies,
        this.keys.intradayRequests,
        this.keys.intradayReplies,
      )
      .catch(() => undefined);
    const cached = await this.redis.get(this.keys.snapshot).catch(() => null);
    if (cached) this.accept(cached);
    this.lease.start();
  }

  async stop(): Promise<void> {
    await this.lease.stop();
    this.redis.disconnect();
    this.subscriber.disconnect();
  }

  /** The alerts of the snapshot this replica serves: the leader's evaluation. */
  active(): Alert[] {
    return this.snapshot?.alerts ?? [];
  }

  /** Today's alert history as the leader last saved it. */
  async history(): Promise<AlertEvent[]> {
    if (this.lease.isHeld) return [...this.options.engine.todaysHistory];
    const saved = await this.redis.get(this.keys.alerts).catch(() => null);
    if (!saved) return [];
    try {
      return this.options.engine.todaysOf(JSON.parse(saved) as AlertEngineState);
    } catch {
      return [];
    }
  }

  /** Acknowledges on the leader, wherever the request arrived. */
  async acknowledge(alertId: string, by: string): Promise<Alert> {
    if (this.lease.isHeld) return this.acknowledgeAsLeader(alertId, by);
    const outcome = await this.acks.ask({ alertId, by });
    if (typeof outcome === 'string') throw noLeader(outcome);
    // The leader lost its lease while it waited to acknowledge: no leader, not an unknown alert.
    if ('error' in outcome && outcome.code === 'no_leader') throw noLeader('no-leader');
    if ('error' in outcome) throw new UnknownAlertOnLeader(outcome.error);
    return outcome.answer;
  }

  /**
   * The leader's acknowledgement, saved to Redis before it is answered: a leader that dies before its next
   * publish does not take it along. Should Redis not take it, the engine holds it, and the next publish saves it.
   */
  private async acknowledgeAsLeader(alertId: string, by: string): Promise<Alert> {
    // The read of a lease taken again meanwhile (lost and won back while the first was reading) is waited for too.
    for (let read = this.stateRead; ; read = this.stateRead) {
      await read;
      if (read === this.stateRead) break;
    }
    // The lease lost while the state was read: the next leader's state is the one to acknowledge on.
    if (!this.lease.isHeld) throw noLeader('no-leader');
    const alert = this.options.engine.acknowledge(alertId, by);
    if (!this.lease.isHeld) return alert;
    // A Redis that takes the connection and answers nothing (no command times out by itself) holds the answer
    // up to a second, not for ever, nor past a follower's wait for it (the relay's 3 s).
    await redisAnswer(
      this.redis.set(
        this.keys.alerts,
        JSON.stringify(this.options.engine.exportState()),
        'PX',
        SHARED_TTL_MS,
      ),
      REDIS_WAIT_MS,
    ).catch((error: unknown) =>
      this.options.logger.warn(
        { replicaId: this.replicaId, error: (error as Error).message },
        'acknowledgement not saved to redis; the next snapshot saves it',
      ),
    );
    return alert;
  }

  /**
   * One queue's series for today, every figure, wherever the request arrived: only the leader polls, so a
   * follower asks it over Redis (the series of a centre over 100 queues are not in the shared snapshot).
   * Null for a queue the instance does not have.
   */
  async queueIntraday(queueId: string): Promise<IntervalPoint[] | null> {
    if (this.lease.isHeld) return this.options.queueIntraday?.(queueId) ?? null;
    const outcome = await this.intraday.ask({ queueId });
    if (typeof outcome === 'string') throw noLeader(outcome);
    return 'answer' in outcome ? outcome.answer : null;
  }

  private setRedisUp(up: boolean): void {
    if (up === this.redisUp) return;
    this.redisUp = up;
    this.saidUnreachable = !up;
    this.options.logger[up ? 'info' : 'warn'](
      { replicaId: this.replicaId },
      up ? 'redis reachable' : 'redis unreachable',
    );
  }

  private async lead(): Promise<void> {
    this.options.logger.info({ replicaId: this.replicaId }, 'holding the polling lease: polling Connect');
    let readDone: () => void = () => undefined;
    this.stateRead = new Promise((resolve) => {
      readDone = resolve;
    });
    try {
      await this.readState();
    } finally {
      readDone();
    }
    if (!this.lease.isHeld) return;
    // Past whatever a leader cut off from Redis numbered on its own (TAKEOVER_GENERATIONS); should Redis not take
    // it now, the first publish it takes does it first.
    this.jumped = await this.jump().then(
      () => true,
      () => false,
    );
    if (!this.lease.isHeld) return;
    this.unsubscribePoller = this.options.poller.subscribe((snapshot) => void this.publish(snapshot));
    // The last leader's snapshot (or this replica's own from an earlier lease): its agents tell when each one's
    // contact was last seen to end, which a poller starting afresh cannot know.
    this.options.poller.start(this.snapshot);
  }

  /**
   * A new lease's alert state: Redis's, read up to three times; else this replica's own, if no other replica has
   * led since it last did.
   */
  private async readState(): Promise<void> {
    const engine = this.options.engine;
    // Read again after a failure: a state that could not be read is not one Redis lost, and this replica's first
    // publish writes its own over it.
    let saved: string | null = null;
    let read = false;
    for (let attempt = 0; attempt < 3 && !read && this.lease.isHeld; attempt += 1) {
      if (attempt > 0)
        await new Promise((resolve) => setTimeout(resolve, this.options.stateReadRetryMs ?? 200));
      try {
        saved = await redisAnswer(this.redis.get(this.keys.alerts), REDIS_WAIT_MS);
        read = true;
      } catch {
        // Tried again.
      }
    }
    let imported = false;
    if (saved) {
      try {
        engine.importState(JSON.parse(saved) as AlertEngineState);
        imported = true;
      } catch {
        this.options.logger.warn('saved alert state unreadable; starting afresh');
      }
    }
    // No state from Redis (a Redis that restarted empty, or one that could not be read three times): this
    // replica's own holds and alerts serve only if no other replica has led since it last did. Otherwise they are
    // what it saw then, and may keep an acknowledgement of an alert that cleared and was raised again since: those
    // rules raise theirs afresh, unacknowledged, which a supervisor sees, rather than an alert shown as seen.
    if (!imported && this.othersLed) engine.forgetTracks();
    this.othersLed = false;
  }

  private follow(reason: string): void {
    this.options.logger.warn({ replicaId: this.replicaId, reason }, 'polling lease lost: following');
    this.options.poller.stop();
    this.unsubscribePoller?.();
    this.unsubscribePoller = undefined;
  }

  /**
   * The takeover's jump of the generation counter (TAKEOVER_GENERATIONS). A counter Redis does not have (a new
   * cluster, or a Redis that restarted empty) starts at the clock's milliseconds first, as a single server's
   * generations do: the other replicas hold generations from before, and drop any snapshot numbered at or below
   * theirs, so a leader that delivered none itself must still number past them. Both or neither: a refused jump
   * leaves the counter as it was, for the next publish to try again.
   */
  private async jump(): Promise<void> {
    const replies = await this.redis
      .multi()
      .set(this.keys.generation, this.clock(), 'NX')
      .incrby(this.keys.generation, TAKEOVER_GENERATIONS)
      .exec();
    const failed = replies?.find(([error]) => error)?.[0];
    if (!replies || failed) throw failed ?? new Error('the generation jump was not made');
  }

  private async publish(snapshot: Snapshot): Promise<void> {
    if (!this.lease.isHeld) return;
    try {
      if (!this.jumped) {
        await this.jump();
        this.jumped = true;
      }
      let generation = await this.redis.incr(this.keys.generation);
      // Past every generation this replica has delivered (one numbered here while Redis was away, or a
      // counter Redis lost): viewers follow generations upwards only.
      const delivered = this.snapshot?.generation ?? 0;
      if (generation <= delivered) {
        generation = delivered + 1;
        await this.redis.set(this.keys.generation, generation);
      }
      const numbered = { ...snapshot, generation };
      const text = JSON.stringify(numbered);
      // deliver() drops it if a higher generation reached this replica meanwhile: viewers keep the newest.
      this.deliver(numbered);
      await this.redis
        .multi()
        .set(this.keys.snapshot, text, 'PX', SHARED_TTL_MS)
        .set(this.keys.alerts, JSON.stringify(this.options.engine.exportState()), 'PX', SHARED_TTL_MS)
        .publish(this.keys.snapshots, text)
        .exec();
    } catch {
      // Redis away: this replica's own viewers still get its snapshot, numbered one past the last delivered so
      // deliver() never drops it (when only the write after delivery failed, they get it again under that number);
      // the lease fencing retires it if it lasts.
      this.deliver({ ...snapshot, generation: (this.snapshot?.generation ?? 0) + 1 });
    }
  }

  private onMessage(channel: string, message: string): void {
    if (channel === this.keys.snapshots) this.accept(message);
    else {
      this.acks.onMessage(channel, message, this.lease.isHeld);
      this.intraday.onMessage(channel, message, this.lease.isHeld);
    }
  }

  private accept(text: string): void {
    let parsed: Snapshot;
    try {
      parsed = snapshotSchema.parse(JSON.parse(text));
    } catch {
      this.options.logger.warn('unreadable snapshot from the shared store; ignored');
      return;
    }
    if (this.snapshot && parsed.generation <= this.snapshot.generation) return;
    if (!this.lease.isHeld) this.othersLed = true;
    this.deliver(parsed);
  }

  private deliver(snapshot: Snapshot): void {
    if (
      this.snapshot &&
      snapshot.generation <= this.snapshot.generation &&
      snapshot.instanceId === this.snapshot.instanceId
    ) {
      return;
    }
    this.snapshot = snapshot;
    const aged = ageSnapshot(snapshot, this.clock(), this.options.staleAfterMs);
    for (const listener of this.listeners) listener(aged);
  }
}

function noLeader(outcome: 'no-leader' | 'unreachable'): NoLeaderError {
  return new NoLeaderError(
    outcome === 'unreachable'
      ? 'The shared store is unreachable; try again in a few seconds.'
      : 'No replica is polling Connect right now; try again shortly.',
  );
}

export class UnknownAlertOnLeader extends NotFoundError {
  constructor(message: string) {
    super(message, 'unknown_alert');
  }
}
