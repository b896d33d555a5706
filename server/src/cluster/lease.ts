import type { Redis } from 'ioredis';
import { redisAnswer } from './redisAnswer.js';

/**
 * A lease in Redis: one owner at a time, with an expiry, renewed while the owner lives. The holder also
 * fences itself: if it cannot renew within two thirds of the lease time it gives up before anyone else can
 * take over (they must wait for the full expiry), so two holders never overlap.
 */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LeaseEvents {
  onAcquired(): void;
  onLost(reason: string): void;
  /** On a graceful stop, between giving up the work and releasing the lease to others. */
  beforeRelease?(): Promise<void>;
}

export class Lease {
  private timer: NodeJS.Timeout | undefined;
  private held = false;
  private lastRenewedAt = 0;
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
    private readonly events: LeaseEvents,
    private readonly clock: () => number = Date.now,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.held) {
      this.lose('stopping');
      await this.events.beforeRelease?.();
      await this.redis.eval(RELEASE, 1, this.key, this.owner).catch(() => undefined);
    }
  }

  private lose(reason: string): void {
    if (!this.held) return;
    this.held = false;
    this.events.onLost(reason);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    // Self-fencing: past two thirds of the lease without a renewal, stop acting as the holder.
    if (this.held && this.clock() - this.lastRenewedAt > (this.ttlMs * 2) / 3) this.lose('renewal overdue');
    try {
      if (this.held) {
        // Redis restarts the expiry when it receives this, so no earlier than now: count from now, not the reply.
        const sent = this.clock();
        const renewed = await this.withTimeout(
          this.redis.eval(RENEW, 1, this.key, this.owner, String(this.ttlMs)),
        );
        if (renewed === 1) this.lastRenewedAt = sent;
        else this.lose('lease taken over');
      } else {
        const started = this.clock();
        const acquired = await this.withTimeout(this.redis.set(this.key, this.owner, 'PX', this.ttlMs, 'NX'));
        if (acquired === 'OK' && !this.stopped) {
          this.held = true;
          this.lastRenewedAt = started;
          this.events.onAcquired();
        }
      }
    } catch {
      // Redis unreachable: the fencing check above retires a holder in time; a follower just tries again.
    }
    if (!this.stopped)
      this.timer = setTimeout(() => void this.tick(), Math.max(50, Math.floor(this.ttlMs / 4)));
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    return redisAnswer(promise, Math.max(100, Math.floor(this.ttlMs / 4)));
  }
}
