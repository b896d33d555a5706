import type { Snapshot } from '@switchboard/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AlertEngine } from '../src/alerts/engine.js';
import { TAKEOVER_GENERATIONS } from '../src/cluster/cluster.js';
import { parseConfig } from '../src/config/load.js';
import { drivenReplica, until } from './support/drivenReplica.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { fixtureSnapshot } from './support/snapshotFixture.js';

/**
 * A new leader jumps the generation counter past whatever a leader cut off from Redis numbered on its own. When
 * Redis refuses the jump as the lease is taken, the leader's first publish that Redis takes makes it first.
 * Redis refuses it here by its access list: the replica's user may do everything but INCRBY, then INCRBY too.
 * A counter Redis does not have starts at the clock's milliseconds, so a Redis that restarts empty does not
 * number the next snapshots below the generations the other replicas hold.
 */

let redis: TestRedis;
let admin: Redis;

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
  await admin.acl('SETUSER', 'replica', 'on', '>replica-password', '~*', '&*', '+@all', '-incrby');
  // A replica that cannot take the lease (SET), so it only follows.
  await admin.acl('SETUSER', 'follower', 'on', '>follower-password', '~*', '&*', '+@all', '-set');
});

afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

const snapshot = (instanceId = 'jump'): Snapshot => fixtureSnapshot({ instanceId });

/**
 * A replica of instance `instanceId` signed in as `user` (none: Redis's default user), with a poller the test
 * drives, and the generations delivered to its viewers.
 */
function replica(instanceId: string, user?: { name: string; password: string }) {
  const engine = new AlertEngine(() =>
    parseConfig('boards: [{ id: all, title: All }]\n', `${instanceId}.yaml`),
  );
  const { cluster, leading, poll } = drivenReplica(redis.url, instanceId, engine, user ? { user } : {});
  const delivered: number[] = [];
  cluster.subscribe((s) => delivered.push(s.generation));
  return { cluster, delivered, leading, publish: () => poll(snapshot(instanceId)) };
}

it('makes the jump at its first publish Redis takes, when Redis refused it as the lease was taken', async () => {
  const { cluster, delivered, leading, publish } = replica('jump', {
    name: 'replica',
    password: 'replica-password',
  });
  try {
    await cluster.start();
    await until(leading, 'the lease');

    // Redis refuses INCRBY: the snapshot still reaches this replica's viewers, numbered on its own.
    publish();
    await until(() => (delivered.length === 1 ? true : undefined), 'the first snapshot');
    expect(await admin.get('switchboard:jump:generation')).toBeNull();

    // Redis takes it again: the next publish jumps first (the counter, which Redis did not have, starting at the
    // clock's milliseconds), then numbers.
    await admin.acl('SETUSER', 'replica', '+incrby');
    const before = Date.now();
    publish();
    await until(() => (delivered.length === 2 ? true : undefined), 'the second snapshot');
    const second = delivered[1] ?? 0;
    expect(second).toBeGreaterThanOrEqual(before + TAKEOVER_GENERATIONS + 1);
    expect(second).toBeLessThanOrEqual(Date.now() + TAKEOVER_GENERATIONS + 1);
    expect(Number(await admin.get('switchboard:jump:generation'))).toBe(second);

    // Once only: the one after is numbered on from there.
    publish();
    await until(() => (delivered.length === 3 ? true : undefined), 'the third snapshot');
    expect(delivered[2]).toBe(second + 1);
  } finally {
    await cluster.stop();
  }
});

it('numbers past the replicas’ generations after Redis restarts empty, from a new leader', async () => {
  const first = replica('lost');
  const follower = replica('lost', { name: 'follower', password: 'follower-password' });
  const next = replica('lost');
  try {
    await first.cluster.start();
    await until(first.leading, 'the lease');
    await follower.cluster.start();
    for (let n = 1; n <= 3; n += 1) {
      first.publish();
      await until(
        () => (follower.delivered.length === n ? true : undefined),
        `snapshot ${n} on the follower`,
      );
    }
    const held = follower.delivered.at(-1) ?? 0;

    // The leader goes, and Redis loses everything (a restart without persistence): the next leader is a replica
    // that has delivered nothing, and finds no counter.
    await first.cluster.stop();
    await admin.flushall();
    await next.cluster.start();
    await until(next.leading, 'the lease for the new leader');
    next.publish();
    await until(() => (next.delivered.length === 1 ? true : undefined), "the new leader's snapshot");
    expect(next.delivered[0]).toBeGreaterThan(held);
    // The follower takes it: it is newer than anything it holds.
    await until(
      () => (follower.delivered.length === 4 ? true : undefined),
      "the new leader's snapshot on the follower",
    );
    expect(follower.delivered[3]).toBe(next.delivered[0]);
  } finally {
    await Promise.all([first.cluster.stop(), follower.cluster.stop(), next.cluster.stop()]);
  }
});
