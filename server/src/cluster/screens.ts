import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * What one replica tells the others about the screens: a screen's record changed (a report), one of its streams
 * opened, closed or is still open, it was renamed, it was forgotten (its record, its name and the stream entry
 * of each replica that served it, all at once), or a command (reload) is for it. Every replica keeps the whole
 * registry in memory, loaded from Redis at start and kept current by these messages.
 */
export type ScreenChange =
  | { type: 'record'; key: string; value: string | null }
  | { type: 'stream'; key: string; replica: string; value: string | null }
  | { type: 'name'; key: string; value: string | null }
  | { type: 'forget'; key: string; replicas: string[] };
export type ScreenCommand = { type: 'command'; keys: string[]; command: 'reload' };
export type ScreenMessage = ScreenChange | ScreenCommand;

/** The field of a screen's stream on one replica, in the streams hash. */
export const streamField = (key: string, replica: string) => `${key}|${replica}`;

/** Where the registry keeps its screens: this process alone, or shared over Redis. */
export interface ScreenStore {
  readonly replicaId: string;
  /**
   * Loads what the store has, then passes on what the other replicas say. `names`: the names this replica knows,
   * written back to a store that lost them all (a Redis restarted empty), since no report writes a name again.
   */
  start(
    receive: (message: ScreenMessage) => void,
    names?: () => ReadonlyMap<string, string>,
  ): Promise<{
    records: Record<string, string>;
    streams: Record<string, string>;
    names: Record<string, string>;
  }>;
  /** Saves and tells the other replicas, as best it can: the next report or refresh writes a lost change again. */
  send(change: ScreenChange): void;
  /**
   * A supervisor's change (a name, a Forget), which no report writes again: saved at once, and rejected when the
   * store did not take it (with Redis: Redis away), so the caller does not say it was made.
   */
  sendNow(change: ScreenChange): Promise<void>;
  /**
   * Delivers a command to every replica, this one included; rejects when it could not be handed over (with
   * Redis: Redis did not take it), so the caller does not say it was sent.
   */
  command(command: ScreenCommand): Promise<void>;
  stop(): Promise<void>;
}

/** The registry is dropped by Redis a week after its last write (every write renews all three hashes). */
const KEEP_MS = 7 * 24 * 3600 * 1000;

/**
 * The registry shared by every replica through the Redis of the cluster (REDIS_URL): hashes of the records,
 * streams and names, and one channel for changes and commands. A reload command reaches every replica, and the
 * one holding the screen's stream pushes it. Redis away: each replica goes on with what it has, and writes are
 * dropped (the next report writes the screen again).
 */
export class RedisScreenStore implements ScreenStore {
  readonly replicaId = randomUUID();
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly keys: { records: string; streams: string; names: string; channel: string };
  /** The screens a word on the name of came for while catchUpNames read the names (it leaves those alone). */
  private heardWhileReading: Set<string> | null = null;

  constructor(
    redisUrl: string,
    private readonly logger: Logger,
    prefix = 'switchboard:screens',
  ) {
    this.keys = {
      records: `${prefix}:records`,
      streams: `${prefix}:streams`,
      names: `${prefix}:names`,
      channel: `${prefix}:changes`,
    };
    const connection = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(200 * times, 2000),
    };
    this.redis = new Redis(redisUrl, connection);
    this.subscriber = new Redis(redisUrl, { ...connection, enableOfflineQueue: true });
    for (const client of [this.redis, this.subscriber]) client.on('error', () => undefined);
  }

  async start(receive: (message: ScreenMessage) => void, namesHere?: () => ReadonlyMap<string, string>) {
    if (namesHere) {
      // Connected again after a loss: a Redis that restarted empty lost the names, which no report brings back.
      onReconnected(this.redis, () => void this.restoreNames(namesHere()));
      // Subscribed again after a loss: what was published meanwhile is gone. Names are written only by a rename,
      // so the renames made through other replicas meanwhile are read from Redis (a Forget missed leaves the
      // screen's record here until it ages out, or its next report). Subscribed first (ioredis says ready before it
      // subscribes again): a rename after the read then comes as a message, and none falls between the two.
      onReconnected(
        this.subscriber,
        () =>
          void this.subscriber
            .subscribe(this.keys.channel)
            .then(() => this.catchUpNames(receive, namesHere))
            .catch(() => undefined),
      );
    }
    await Promise.allSettled([this.redis.connect(), this.subscriber.connect()]);
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.keys.channel) return;
      try {
        const message = JSON.parse(text) as ScreenMessage & { from?: string };
        if (message.type === 'name' || message.type === 'forget') this.heardWhileReading?.add(message.key);
        // A replica applies its own records, streams and forgets as it makes them; commands come back to every
        // replica, and so do its own names, in the order Redis took them among the other replicas'.
        const ownKept = message.type !== 'command' && message.type !== 'name';
        if (ownKept && message.from === this.replicaId) return;
        receive(message);
      } catch {
        this.logger.warn('unreadable screen message from the shared store; ignored');
      }
    });
    await this.subscriber.subscribe(this.keys.channel).catch(() => undefined);
    const [records, streams, names] = await Promise.all(
      [this.keys.records, this.keys.streams, this.keys.names].map((key) =>
        this.redis.hgetall(key).catch(() => ({}) as Record<string, string>),
      ),
    );
    return { records: records ?? {}, streams: streams ?? {}, names: names ?? {} };
  }

  send(message: ScreenChange): void {
    this.multiOf(message)
      .exec()
      .catch(() => undefined);
  }

  async sendNow(message: ScreenChange): Promise<void> {
    const replies = await this.multiOf(message).exec();
    const failed = replies?.find(([error]) => error)?.[0];
    if (!replies || failed) throw failed ?? new Error('the shared store did not take the change');
  }

  private multiOf(message: ScreenChange) {
    const multi = this.redis.multi();
    if (message.type === 'forget') {
      multi.hdel(this.keys.records, message.key).hdel(this.keys.names, message.key);
      if (message.replicas.length > 0)
        multi.hdel(
          this.keys.streams,
          ...message.replicas.map((replica) => streamField(message.key, replica)),
        );
    } else {
      const hash = { record: this.keys.records, stream: this.keys.streams, name: this.keys.names }[
        message.type
      ];
      const field = message.type === 'stream' ? streamField(message.key, message.replica) : message.key;
      if (message.value === null) multi.hdel(hash, field);
      else multi.hset(hash, field, message.value);
      // All three renewed together: names are written rarely, and a hash renewed alone outlived or lost the others
      // (a week without a rename dropped every name while the screens went on reporting).
      for (const key of [this.keys.records, this.keys.streams, this.keys.names]) multi.pexpire(key, KEEP_MS);
    }
    return multi.publish(this.keys.channel, JSON.stringify({ ...message, from: this.replicaId }));
  }

  /**
   * The names as Redis has them, delivered where this replica's differ (set, changed, or taken away through another
   * replica while this one's subscription was lost). Nothing where Redis has no names at all: a Redis that
   * restarted empty, whose names this replica writes back (restoreNames). Tried again while Redis is away.
   */
  private async catchUpNames(
    receive: (message: ScreenMessage) => void,
    namesHere: () => ReadonlyMap<string, string>,
  ): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      // A word on a name that comes while the names are read is newer than what the read gives for it.
      const heard = new Set<string>();
      this.heardWhileReading = heard;
      try {
        const [exists, names] = await Promise.all([
          this.redis.exists(this.keys.names),
          this.redis.hgetall(this.keys.names),
        ]);
        if (exists === 0) return;
        const here = namesHere();
        for (const [key, value] of Object.entries(names))
          if (!heard.has(key) && here.get(key) !== value) receive({ type: 'name', key, value });
        for (const key of [...here.keys()])
          if (!heard.has(key) && !(key in names)) receive({ type: 'name', key, value: null });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      } finally {
        if (this.heardWhileReading === heard) this.heardWhileReading = null;
      }
    }
  }

  /** Writes `names` back where Redis has no names at all, each only where no other replica wrote it first. */
  private async restoreNames(names: ReadonlyMap<string, string>): Promise<void> {
    if (names.size === 0) return;
    try {
      if ((await this.redis.exists(this.keys.names)) > 0) return;
      const multi = this.redis.multi();
      for (const [key, name] of names) multi.hsetnx(this.keys.names, key, name);
      for (const key of [this.keys.records, this.keys.streams, this.keys.names]) multi.pexpire(key, KEEP_MS);
      await multi.exec();
      this.logger.warn(
        { names: names.size },
        'the shared store had lost the screens’ names (a Redis restarted empty): written back from this replica',
      );
    } catch {
      // Redis away again: the next reconnection tries again.
    }
  }

  async command(command: ScreenCommand): Promise<void> {
    // Without the offline queue a Redis away refuses at once rather than holding the supervisor's request.
    await this.redis.publish(this.keys.channel, JSON.stringify({ ...command, from: this.replicaId }));
  }

  stop(): Promise<void> {
    this.redis.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }
}

/** Calls `then` each time `client` is ready again after its connection closed (not at its first connection). */
function onReconnected(client: Redis, then: () => void): void {
  let lost = false;
  client.on('close', () => {
    lost = true;
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    then();
  });
}
