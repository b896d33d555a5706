import type { Snapshot } from '@switchboard/shared';
import { pino } from 'pino';
import type { AlertEngine } from '../../src/alerts/engine.js';
import { Cluster, type PollerLike } from '../../src/cluster/cluster.js';

/** Polls `probe` every 20 ms until it gives something, for at most 10 s. */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A replica of instance `instanceId` on the Redis at `redisUrl`, signed in as `user` (none: Redis's default user),
 * whose poller the test drives: `poll` hands the cluster a snapshot as the poller would publish one, and `leading`
 * says whether it holds the lease and polls.
 */
export function drivenReplica(
  redisUrl: string,
  instanceId: string,
  engine: AlertEngine,
  options: {
    clock?: () => number;
    user?: { name: string; password: string };
    stateReadRetryMs?: number;
  } = {},
) {
  const listeners = new Set<(snapshot: Snapshot) => void>();
  let started = false;
  let startedWith: Snapshot | null | undefined;
  const poller: PollerLike = {
    start: (before) => {
      started = true;
      startedWith = before;
    },
    stop: () => {
      started = false;
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const url = new URL(redisUrl);
  if (options.user) {
    url.username = options.user.name;
    url.password = options.user.password;
  }
  const cluster = new Cluster({
    redisUrl: url.toString(),
    instanceId,
    leaseMs: 1500,
    staleAfterMs: 10_000,
    poller,
    engine,
    logger: pino({ level: 'silent' }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.stateReadRetryMs !== undefined ? { stateReadRetryMs: options.stateReadRetryMs } : {}),
  });
  return {
    cluster,
    leading: () => (cluster.role === 'leader' && started ? true : undefined),
    /** The snapshot the cluster handed the poller at its last start, to carry on from. */
    startedWith: () => startedWith,
    poll: (snapshot: Snapshot) => {
      for (const listener of listeners) listener(snapshot);
    },
  };
}
