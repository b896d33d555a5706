import type { Snapshot } from '@switchboard/shared';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AlertEngine } from '../src/alerts/engine.js';
import { Cluster, TAKEOVER_GENERATIONS, type PollerLike } from '../src/cluster/cluster.js';
import { parseConfig } from '../src/config/load.js';
import { startRedis, type TestRedis } from './support/redis.js';

/**
 * A new leader jumps the generation counter past whatever a leader cut off from Redis numbered on its own. When
 * Redis refuses the jump as the lease is taken, the leader's first publish that Redis takes makes it first.
 * Redis refuses it here by its access list: the replica's user may do everything but INCRBY, then INCRBY too.
 */

let redis: TestRedis;
let admin: Redis;

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
  await admin.acl('SETUSER', 'replica', 'on', '>replica-password', '~*', '&*', '+@all', '-incrby');
});

afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

function snapshot(): Snapshot {
  const at = new Date().toISOString();
  const section = { fetchedAt: at, dataSnapshotTime: at, error: null, stale: false };
  return {
    instanceId: 'jump',
    serverBuild: 'b',
    timeZone: 'UTC',
    generation: 1,
    generatedAt: at,
    serverTime: at,
    dataSnapshotTime: at,
    stale: false,
    cycleMs: 2000,
    sections: { discovery: section, queues: section, agents: section, today: section, intraday: section },
    queues: [],
    summary: { realtime: {}, today: {}, states: {} },
    agents: [],
    intraday: { intervalMinutes: 30, instance: [], queues: {} },
    alerts: [],
  };
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('makes the jump at its first publish Redis takes, when Redis refused it as the lease was taken', async () => {
  const listeners = new Set<(snapshot: Snapshot) => void>();
  let started = false;
  const poller: PollerLike = {
    start: () => {
      started = true;
    },
    stop: () => {
      started = false;
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const config = parseConfig('boards: [{ id: all, title: All }]\n', 'jump.yaml');
  const url = new URL(redis.url);
  url.username = 'replica';
  url.password = 'replica-password';
  const cluster = new Cluster({
    redisUrl: url.toString(),
    instanceId: 'jump',
    leaseMs: 1500,
    staleAfterMs: 10_000,
    poller,
    engine: new AlertEngine(() => config),
    logger: pino({ level: 'silent' }),
  });
  const delivered: number[] = [];
  cluster.subscribe((s) => delivered.push(s.generation));
  try {
    await cluster.start();
    await until(() => (cluster.role === 'leader' && started ? true : undefined), 'the lease');
    const publish = () => {
      for (const listener of listeners) listener(snapshot());
    };

    // Redis refuses INCRBY: the snapshot still reaches this replica's viewers, numbered on its own.
    publish();
    await until(() => (delivered.length === 1 ? true : undefined), 'the first snapshot');
    expect(await admin.get('switchboard:jump:generation')).toBeNull();

    // Redis takes it again: the next publish jumps first, then numbers.
    await admin.acl('SETUSER', 'replica', '+incrby');
    publish();
    await until(() => (delivered.length === 2 ? true : undefined), 'the second snapshot');
    expect(delivered[1]).toBe(TAKEOVER_GENERATIONS + 1);
    expect(Number(await admin.get('switchboard:jump:generation'))).toBe(TAKEOVER_GENERATIONS + 1);

    // Once only: the one after is numbered on from there.
    publish();
    await until(() => (delivered.length === 3 ? true : undefined), 'the third snapshot');
    expect(delivered[2]).toBe(TAKEOVER_GENERATIONS + 2);
  } finally {
    await cluster.stop();
  }
});
