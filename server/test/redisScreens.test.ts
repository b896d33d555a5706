import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisScreenStore } from '../src/cluster/screens.js';
import { DisplayRegistry } from '../src/displays/registry.js';
import { createLogger } from '../src/logger.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { waitFor } from './support/wallboard.js';
import { screenReport } from './support/screenReport.js';

/** The registry shared over a real Redis: replicas as registries of their own, on a clock the test moves. */
let redis: TestRedis;
let client: Redis;
const running: DisplayRegistry[] = [];

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((registry) => registry.stop()));
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

const TV = 'b:retired-tv-0000000000000';
const DAY_MS = 24 * 3600 * 1000;

const report = () => screenReport({ id: 'retired-tv-0000000000000' });

async function replica(
  prefix: string,
  clock: { now: number },
  store = new RedisScreenStore(redis.url, createLogger('silent'), prefix),
): Promise<DisplayRegistry> {
  const logger = createLogger('silent');
  const registry = new DisplayRegistry({
    store,
    logger,
    clock: () => clock.now,
    intervalMs: 10_000,
    staleAfterMs: 15_000,
    serverBuild: 'v2',
    serverStartedAt: clock.now,
  });
  await registry.start();
  running.push(registry);
  return registry;
}

/**
 * The screen's stream held by replica `b`, its report made to `a`, and a reload of it asked of `a`: sent, and
 * arrived on b's stream. Returns the commands that stream got.
 */
async function reloadedAcross(a: DisplayRegistry, b: DisplayRegistry): Promise<unknown[]> {
  const commands: unknown[] = [];
  b.streamOpened(TV, 'sales', (_event, data) => commands.push(data));
  a.report(TV, 'browser', 'retired-tv-0000000000000', report());
  await waitFor(() => (a.list()[0]?.streamOpen ? true : undefined), 'the stream on replica b, seen by a');
  expect(await a.reload({ key: TV })).toEqual([TV]);
  await waitFor(() => (commands.length === 1 ? true : undefined), 'the reload on replica b’s stream');
  return commands;
}

/** The fields of the three hashes that belong to screen `key`. */
async function fieldsOf(prefix: string, key: string): Promise<string[]> {
  const fields = await Promise.all(
    ['records', 'streams', 'names'].map(async (hash) =>
      (await client.hkeys(`${prefix}:${hash}`)).map((field) => `${hash}:${field}`),
    ),
  );
  return fields.flat().filter((field) => field.split(':').slice(1).join(':').startsWith(key));
}

describe('the screens in Redis', () => {
  it('forgets a screen whole (record, name, every replica’s stream entry), so no replica loads it again', async () => {
    const prefix = 'test:forget';
    const clock = { now: Date.now() };
    const a = await replica(prefix, clock);
    const b = await replica(prefix, clock);
    // Served by both replicas in turn, named, then switched off for good.
    a.streamOpened(TV, 'sales', () => undefined)();
    b.streamOpened(TV, 'sales', () => undefined)();
    a.report(TV, 'browser', 'retired-tv-0000000000000', report());
    await a.rename(TV, 'Retired TV');
    await waitFor(() => (b.nameOf(TV) === 'Retired TV' ? true : undefined), 'the name on replica b');
    await waitFor(
      async () => ((await fieldsOf(prefix, TV)).length === 4 ? true : undefined),
      'the record, the name and two stream entries in Redis',
    );

    clock.now += 8 * DAY_MS;
    expect(a.list()).toEqual([]);
    await waitFor(
      async () => ((await fieldsOf(prefix, TV)).length === 0 ? true : undefined),
      'nothing of the screen left in Redis',
    );
    // The other replica lets it go too, name included, without waiting to forget it itself.
    await waitFor(() => (b.has(TV) || b.nameOf(TV) !== null ? undefined : true), 'replica b to forget it');

    // A replica started afterwards (or one restarted) does not bring it back.
    const c = await replica(prefix, clock);
    expect(c.has(TV)).toBe(false);
    expect(c.nameOf(TV)).toBeNull();
  });

  it('answers a reload Redis did not take with an error, not as sent', async () => {
    const prefix = 'test:reload';
    const clock = { now: Date.now() };
    const a = await replica(prefix, clock);
    const b = await replica(prefix, clock);
    // Held by the other replica: sent through Redis.
    const commands = await reloadedAcross(a, b);

    await redis.stop();
    try {
      await expect(a.reload({ key: TV })).rejects.toMatchObject({ status: 503, code: 'reload_not_sent' });
      await expect(a.reload({ board: 'sales' })).rejects.toMatchObject({ status: 503 });
    } finally {
      await redis.restart();
    }
    expect(commands).toHaveLength(1);
  });

  it('takes a screen as connected to a replica whose clock is behind this one’s, and reloads it', async () => {
    const prefix = 'test:skew';
    const now = Date.now();
    // The replica holding the stream runs 40 s behind (more than the 30-s lease): its word is judged on arrival.
    const a = await replica(prefix, { now });
    const b = await replica(prefix, { now: now - 40_000 });
    await reloadedAcross(a, b);
  });

  it('refuses a rename Redis did not take (503), keeping the name it had, and makes it once Redis is back', async () => {
    const prefix = 'test:rename-down';
    const clock = { now: Date.now() };
    const a = await replica(prefix, clock);
    const b = await replica(prefix, clock);
    a.report(TV, 'browser', 'retired-tv-0000000000000', report());
    await waitFor(
      () => (b.nameOf(TV) === null && b.list().length === 1 ? true : undefined),
      'the screen on b',
    );
    await a.rename(TV, 'Lobby TV');
    await waitFor(() => (b.nameOf(TV) === 'Lobby TV' ? true : undefined), 'the name on b');

    await redis.stop();
    try {
      // Said to have worked, it would live on this replica alone, and be gone at its next restart.
      await expect(a.rename(TV, 'Reception TV')).rejects.toMatchObject({
        status: 503,
        code: 'store_unavailable',
      });
      expect(a.nameOf(TV)).toBe('Lobby TV');
    } finally {
      await redis.restart();
    }
    await waitFor(async () => {
      try {
        await a.rename(TV, 'Reception TV');
        return true;
      } catch {
        return undefined;
      }
    }, 'a rename once Redis is back');
    await waitFor(() => (b.nameOf(TV) === 'Reception TV' ? true : undefined), 'the new name on b');
  });

  it('writes the names back to a Redis that restarted empty, since no report brings them back', async () => {
    const prefix = 'test:names-lost';
    const clock = { now: Date.now() };
    const a = await replica(prefix, clock);
    a.report(TV, 'browser', 'retired-tv-0000000000000', report());
    await a.rename(TV, 'Lobby TV');
    expect(await client.hget(`${prefix}:names`, TV)).toBe('Lobby TV');
    // Redis restarts without its data (no persistence): the replica, connected again, writes the name back.
    await redis.stop();
    await redis.restart();
    await waitFor(
      async () =>
        (await client.hget(`${prefix}:names`, TV).catch(() => null)) === 'Lobby TV' ? true : undefined,
      'the name written back',
    );
    expect(await client.pttl(`${prefix}:names`)).toBeGreaterThan(6 * DAY_MS);
    // A replica started now loads it.
    const later = await replica(prefix, clock);
    expect(later.nameOf(TV)).toBe('Lobby TV');
  });

  it('reads the renames it missed while its subscription was lost, once it is back', async () => {
    const prefix = 'test:missed';
    const clock = { now: Date.now() };
    const a = await replica(prefix, clock);
    const store = new RedisScreenStore(redis.url, createLogger('silent'), prefix);
    const b = await replica(prefix, clock, store);
    const other = 'b:other-tv-00000000000000000';
    a.report(TV, 'browser', 'retired-tv-0000000000000', report());
    a.report(
      other,
      'browser',
      'other-tv-00000000000000000',
      screenReport({ id: 'other-tv-00000000000000000' }),
    );
    await a.rename(TV, 'Lobby TV');
    await a.rename(other, 'Kitchen');
    await waitFor(() => (b.nameOf(other) === 'Kitchen' ? true : undefined), 'the names on replica b');
    // b's subscription drops; meanwhile a renames one screen and takes the other's name away.
    const subscriber = (store as unknown as { subscriber: Redis }).subscriber;
    subscriber.disconnect();
    await waitFor(() => (subscriber.status === 'end' ? true : undefined), "b's subscription gone");
    await a.rename(TV, 'Front desk');
    await a.rename(other, '');
    await subscriber.connect();
    await waitFor(
      () => (b.nameOf(TV) === 'Front desk' ? true : undefined),
      'the rename missed, on replica b',
    );
    await waitFor(() => (b.nameOf(other) === null ? true : undefined), 'the name taken away, on replica b');
  });

  it('keeps the names as long as the screens are written, not a week after the last rename', async () => {
    const prefix = 'test:expiry';
    const clock = { now: Date.now() };
    const a = await replica(prefix, clock);
    a.report(TV, 'browser', 'retired-tv-0000000000000', report());
    await a.rename(TV, 'Reception TV');
    await waitFor(async () => ((await client.hlen(`${prefix}:names`)) === 1 ? true : undefined), 'the name');
    // A week without a rename has nearly passed.
    await client.pexpire(`${prefix}:names`, 1000);
    clock.now += 60_000;
    a.report(TV, 'browser', 'retired-tv-0000000000000', report());
    await waitFor(
      async () => ((await client.pttl(`${prefix}:names`)) > 6 * DAY_MS ? true : undefined),
      'the names renewed by a report',
    );
  });
});
