import type { Snapshot } from '@switchboard/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AlertEngine, type AlertEngineState } from '../src/alerts/engine.js';
import { parseConfig } from '../src/config/load.js';
import { drivenReplica, until } from './support/drivenReplica.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { fixtureQueue, fixtureSnapshot } from './support/snapshotFixture.js';

/**
 * Alert state travels with the lease through Redis. An acknowledgement is saved there before it is answered, so a
 * leader that dies before its next publish does not take it along; and a new leader that finds no state there
 * (a Redis that restarted empty) keeps its own holds and alerts only if it evaluated them just now.
 */

let redis: TestRedis;
let admin: Redis;

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});

afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

// Fires at once on any queue with a contact waiting.
const config = parseConfig(
  'boards: [{ id: all, title: All }]\nalerts:\n  - id: waiting\n    metric: CONTACTS_IN_QUEUE\n    value: 1\n',
  'alert-state.yaml',
);

const snapshot = (instanceId: string, waiting: number, fetchedAt: number): Snapshot =>
  fixtureSnapshot({
    instanceId,
    fetchedAt,
    queues: [fixtureQueue('q1', 'Support', { CONTACTS_IN_QUEUE: waiting })],
  });

/** A replica whose poller the test drives: each publish is a fresh fetch, its rules stepped by the engine. */
function replica(
  instanceId: string,
  clock: () => number = Date.now,
  engine = new AlertEngine(() => config, clock),
  user?: { name: string; password: string },
  stateReadRetryMs?: number,
) {
  const { cluster, leading, poll } = drivenReplica(redis.url, instanceId, engine, {
    clock,
    ...(user ? { user } : {}),
    ...(stateReadRetryMs !== undefined ? { stateReadRetryMs } : {}),
  });
  let fetched = 0;
  const publish = (waiting: number) => {
    // Each a fetch of its own, so the rules step on it.
    fetched = Math.max(clock(), fetched + 1);
    poll(engine.enrich(snapshot(instanceId, waiting, fetched)));
  };
  return { cluster, engine, leading, publish };
}

const savedState = async (instanceId: string): Promise<AlertEngineState | null> => {
  const text = await admin.get(`switchboard:${instanceId}:alerts`);
  return text ? (JSON.parse(text) as AlertEngineState) : null;
};

const savedAlert = (state: AlertEngineState | null) =>
  state?.tracks.find(([, track]) => track.alert)?.[1].alert ?? undefined;

it('saves an acknowledgement to Redis before answering it, on the leader and through a follower', async () => {
  const leader = replica('ack');
  const follower = replica('ack');
  try {
    await leader.cluster.start();
    await until(leader.leading, 'the lease');
    await follower.cluster.start();
    leader.publish(3);
    const raised = await until(async () => savedAlert(await savedState('ack')), 'the raised alert in Redis');
    expect(raised.acknowledgedBy).toBeNull();

    // No publish after it: Redis has the acknowledgement all the same, for whichever replica leads next.
    await leader.cluster.acknowledge(raised.id, 'Dana');
    expect(savedAlert(await savedState('ack'))).toMatchObject({ id: raised.id, acknowledgedBy: 'Dana' });

    // The leader raises a second alert; a follower acknowledges it, carried to the leader.
    leader.publish(0);
    leader.publish(2);
    const again = await until(async () => {
      const alert = savedAlert(await savedState('ack'));
      return alert && alert.id !== raised.id ? alert : undefined;
    }, 'the second alert in Redis');
    await follower.cluster.acknowledge(again.id, 'Lee');
    expect(savedAlert(await savedState('ack'))).toMatchObject({ id: again.id, acknowledgedBy: 'Lee' });

    // The leader goes without another publish: the next one shows the alert acknowledged.
    await leader.cluster.stop();
    await until(follower.leading, 'the lease for the follower');
    follower.publish(2);
    expect(follower.engine.active).toMatchObject([{ id: again.id, acknowledgedBy: 'Lee' }]);
  } finally {
    await Promise.all([leader.cluster.stop(), follower.cluster.stop()]);
  }
});

it('answers an acknowledgement on the leader within a second or so, though Redis hangs', async () => {
  const leader = replica('hang');
  try {
    await leader.cluster.start();
    await until(leader.leading, 'the lease');
    leader.publish(3);
    const [alert] = leader.engine.active;
    if (!alert) throw new Error('no alert raised');
    redis.pause();
    const started = Date.now();
    try {
      // Made on the leader all the same, and saved with the next publish that Redis takes.
      await expect(leader.cluster.acknowledge(alert.id, 'Dana')).resolves.toMatchObject({
        acknowledgedBy: 'Dana',
      });
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      redis.resume();
    }
  } finally {
    await leader.cluster.stop();
  }
});

it('forgets its own alerts when it leads after another replica did and Redis has no state, else keeps them', async () => {
  // The first replica's alert engine, kept across its leases (as a process keeps it).
  const engine = new AlertEngine(() => config);
  const first = replica('lost-state', Date.now, engine);
  let acknowledged = '';
  try {
    await first.cluster.start();
    await until(first.leading, 'the lease');
    first.publish(3);
    const [old] = engine.active;
    if (!old) throw new Error('no alert raised');
    await first.cluster.acknowledge(old.id, 'Dana');
    acknowledged = old.id;
  } finally {
    await first.cluster.stop();
  }

  // The same process follows (its user cannot take the lease) while a second replica leads: the alert clears
  // and is raised again under it, unacknowledged. Then the second goes, as Redis loses everything.
  await admin.acl('SETUSER', 'observer', 'on', '>observer-password', '~*', '&*', '+@all', '-set');
  const watching = replica('lost-state', Date.now, engine, {
    name: 'observer',
    password: 'observer-password',
  });
  const second = replica('lost-state');
  try {
    await watching.cluster.start();
    await second.cluster.start();
    await until(second.leading, 'the lease for the second replica');
    second.publish(0);
    second.publish(3);
    const raisedSince = second.engine.active[0];
    expect(raisedSince?.acknowledgedBy).toBeNull();
    await until(
      () => (watching.cluster.latest?.alerts[0]?.id === raisedSince?.id ? true : undefined),
      "the second replica's snapshot on the first",
    );
    await second.cluster.stop();
    await admin.flushall();

    // The first leads again: it does not keep the acknowledged alert of its own last lease; the rule, still
    // holding, raises a new one, not acknowledged.
    await admin.acl('SETUSER', 'observer', '+set');
    await until(watching.leading, 'the lease for the first replica again');
    expect(engine.active).toEqual([]);
    watching.publish(3);
    expect(engine.active).toHaveLength(1);
    expect(engine.active[0]?.id).not.toBe(acknowledged);
    expect(engine.active[0]?.acknowledgedBy).toBeNull();
    await watching.cluster.acknowledge(engine.active[0]?.id ?? '', 'Dana');
  } finally {
    await Promise.all([watching.cluster.stop(), second.cluster.stop()]);
  }

  // No other replica led since: its own state stands when it leads again, Redis lost once more.
  await admin.flushall();
  const alone = replica('lost-state', Date.now, engine);
  try {
    await alone.cluster.start();
    await until(alone.leading, 'the lease for the first replica once more');
    expect(engine.active).toMatchObject([{ acknowledgedBy: 'Dana' }]);
  } finally {
    await alone.cluster.stop();
  }
});

it('makes an acknowledgement that comes while a new leader reads the alert state on the state it reads', async () => {
  // The second replica may write the alert state but not yet read it: its first reads fail, as a slow Redis
  // would, and the acknowledgement comes in between.
  const prefix = 'switchboard:takeover';
  const first = replica('takeover');
  let raised: string;
  try {
    await first.cluster.start();
    await until(first.leading, 'the lease');
    first.publish(3);
    raised = (await until(async () => savedAlert(await savedState('takeover')), 'the raised alert in Redis'))
      .id;
  } finally {
    await first.cluster.stop();
  }
  await admin.acl(
    'SETUSER',
    'reader-later',
    'on',
    '>reader-later-password',
    `~${prefix}:lease`,
    `~${prefix}:snapshot*`,
    `~${prefix}:generation`,
    `%W~${prefix}:alerts`,
    '&*',
    '+@all',
  );
  // Its reads tried again 2 s apart: the acknowledgement and the grant come well within that, on a busy machine.
  const second = replica(
    'takeover',
    Date.now,
    undefined,
    { name: 'reader-later', password: 'reader-later-password' },
    2000,
  );
  try {
    await second.cluster.start();
    await until(
      () => (second.cluster.role === 'leader' ? true : undefined),
      'the lease for the second replica',
    );
    const acknowledged = second.cluster.acknowledge(raised, 'Dana');
    await admin.acl('SETUSER', 'reader-later', `%R~${prefix}:alerts`);
    await expect(acknowledged).resolves.toMatchObject({ id: raised, acknowledgedBy: 'Dana' });
    expect(second.engine.active).toMatchObject([{ id: raised, acknowledgedBy: 'Dana' }]);
    expect(savedAlert(await savedState('takeover'))).toMatchObject({ id: raised, acknowledgedBy: 'Dana' });
  } finally {
    await second.cluster.stop();
  }
});
