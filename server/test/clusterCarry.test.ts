import { afterAll, beforeAll, expect, it } from 'vitest';
import { AlertEngine } from '../src/alerts/engine.js';
import { parseConfig } from '../src/config/load.js';
import { drivenReplica, until } from './support/drivenReplica.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { fixtureSnapshot } from './support/snapshotFixture.js';

/**
 * A replica that takes the lease hands its poller the last snapshot it received from the leader before it, so the
 * poller carries the agents' times on from it (server/test/poller/agentsCarried.test.ts) rather than starting them
 * afresh. A replica first to lead has none to hand.
 */

let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

const replica = () =>
  drivenReplica(
    redis.url,
    'carry',
    new AlertEngine(() => parseConfig('boards: [{ id: all, title: All }]\n', 'carry.yaml')),
  );

it("hands a new leader's poller the last leader's snapshot", async () => {
  const first = replica();
  const second = replica();
  try {
    await first.cluster.start();
    await until(first.leading, 'the lease');
    expect(first.startedWith()).toBeNull();
    await second.cluster.start();
    const published = fixtureSnapshot({ instanceId: 'carry' });
    const freeAt = new Date(Date.now() - 40_000).toISOString();
    // Free since their call ended 40 s ago, Available since long before it.
    published.agents = [
      {
        id: 'agent-1',
        username: 'dana',
        name: 'Dana',
        status: 'Available',
        statusType: 'ROUTABLE',
        statusStartedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
        activity: 'available',
        activitySince: freeAt,
        routingProfile: null,
        hierarchyGroup: null,
        contacts: [],
      },
    ];
    first.poll(published);
    const received = await until(
      () =>
        second.cluster.latest?.sections.agents.fetchedAt === published.sections.agents.fetchedAt
          ? second.cluster.latest
          : undefined,
      "the first leader's snapshot on the second replica",
    );

    await first.cluster.stop();
    await until(second.leading, 'the lease for the second replica');
    const handed = second.startedWith();
    expect(handed?.generation).toBe(received.generation);
    expect(handed?.agents).toMatchObject([{ id: 'agent-1', activitySince: freeAt }]);
  } finally {
    await Promise.all([first.cluster.stop(), second.cluster.stop()]);
  }
});
