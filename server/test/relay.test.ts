import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NoLeaderError } from '../src/cluster/cluster.js';
import { Relay } from '../src/cluster/relay.js';
import { startRedis, type TestRedis } from './support/redis.js';

/** A question a follower puts to the leader over Redis, answered, refused, or refused with a code. */

let redis: TestRedis;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

/** A replica's end of the relay: its own connection to publish, another to listen. */
async function end(answer: (question: { n: number }) => number, leading: boolean) {
  const publisher = new Redis(redis.url);
  const subscriber = new Redis(redis.url);
  clients.push(publisher, subscriber);
  const relay = new Relay<{ n: number }, number>(publisher, 'test:requests', 'test:replies', answer, 2000);
  subscriber.on('message', (channel: string, message: string) => relay.onMessage(channel, message, leading));
  await subscriber.subscribe('test:requests', 'test:replies');
  return relay;
}

it("carries the leader's answer, its refusal, and the refusal's code, to the follower that asked", async () => {
  await end(({ n }) => {
    if (n === 0) throw new Error('no such thing');
    if (n < 0) throw new NoLeaderError('lost the lease while it waited');
    return n * 2;
  }, true);
  const follower = await end(() => 0, false);
  await expect(follower.ask({ n: 21 })).resolves.toEqual({ answer: 42 });
  await expect(follower.ask({ n: 0 })).resolves.toEqual({ error: 'no such thing' });
  // A leader that lost its lease meanwhile says so: the follower answers 503 no leader, not 404 unknown alert.
  await expect(follower.ask({ n: -1 })).resolves.toEqual({
    error: 'lost the lease while it waited',
    code: 'no_leader',
  });
});
