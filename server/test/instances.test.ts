import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicConfigSchema, type Alert, type Snapshot } from '@switchboard/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../src/env.js';
import { startWebServer, type RunningWallboard } from '../src/main.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { TEST_CREDENTIALS, waitFor } from './support/wallboard.js';

/** Two Connect instances in one deployment: two simulators, with different instance ids and queue counts. */
const NORTH_ID = 'aaaaaaaa-1111-4111-8111-111111111111';
const SOUTH_ID = 'bbbbbbbb-2222-4222-8222-222222222222';
let north: RunningSimulator;
let south: RunningSimulator;
const credentials = TEST_CREDENTIALS;
const dir = mkdtempSync(join(tmpdir(), 'switchboard-instances-'));

const instancesYaml = () =>
  [
    'instances:',
    '  - id: north',
    `    instanceId: ${NORTH_ID}`,
    `    region: ${north.region}`,
    `    endpoint: ${north.endpoint}`,
    '    name: North contact centre',
    '  - id: south',
    `    instanceId: ${SOUTH_ID}`,
    `    region: ${south.region}`,
    `    endpoint: ${south.endpoint}`,
  ].join('\n');

const boardsYaml = (southTitle = 'South floor') =>
  [
    'boards:',
    '  - id: first',
    '    title: First instance by default',
    '  - id: south-floor',
    `    title: ${southTitle}`,
    '    instance: south',
    '    queues: ["Sales*", "Support*"]',
    '  - id: north-floor',
    '    title: North floor',
    '    instance: north',
    'alerts:',
    '  - id: anything',
    '    metric: CONTACTS_IN_QUEUE',
    '    value: 0',
  ].join('\n');

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, `${text}\n`);
  return file;
}

const env = (extra: Record<string, string>) =>
  parseEnv({
    PORT: '0',
    POLL_INTERVAL_MS: '1000',
    STALE_AFTER_MS: '5000',
    LOG_LEVEL: 'silent',
    HISTORY_DIR: mkdtempSync(join(tmpdir(), 'switchboard-history-')),
    ...extra,
  });

beforeAll(async () => {
  north = await startSimulator({ queues: 5, agents: 20, seed: 11, instanceId: NORTH_ID });
  south = await startSimulator({
    queues: 9,
    agents: 30,
    seed: 12,
    instanceId: SOUTH_ID,
    region: 'eu-west-2',
  });
});

afterAll(async () => {
  await north?.close();
  await south?.close();
});

describe('several Connect instances in one deployment', () => {
  let wallboard: RunningWallboard;
  let configFile: string;
  const get = (path: string) => fetch(`${wallboard.url}${path}`);
  const snapshotOf = async (query: string) => {
    const response = await get(`/api/v1/snapshot${query}`);
    return response.ok ? ((await response.json()) as Snapshot) : undefined;
  };

  beforeAll(async () => {
    configFile = writeConfig('wallboard.yaml', `${instancesYaml()}\n${boardsYaml()}`);
    wallboard = await startWebServer(env({ WALLBOARD_CONFIG: configFile }), { credentials });
    await waitFor(async () => ((await get('/readyz')).ok ? true : undefined), 'both instances ready');
  });

  afterAll(async () => {
    await wallboard?.stop();
  });

  it('serves each board the view of its own instance: its queues only', async () => {
    const southBoard = await waitFor(() => snapshotOf('?board=south-floor'), 'south snapshot');
    expect(southBoard.instanceId).toBe(SOUTH_ID);
    expect(southBoard.board).toBe('south-floor');
    // The board shows "Sales*" and "Support*": the view carries those, the whole instance all nine.
    expect(southBoard.queues.length).toBeGreaterThan(0);
    expect(southBoard.queues.length).toBeLessThan(9);
    for (const queue of southBoard.queues) expect(queue.name).toMatch(/^(Sales|Support)/);
    expect((await snapshotOf('?instance=south'))?.queues).toHaveLength(9);
    const northBoard = await waitFor(() => snapshotOf('?board=north-floor'), 'north snapshot');
    expect(northBoard.instanceId).toBe(NORTH_ID);
    expect(northBoard.queues).toHaveLength(5);
    expect((await snapshotOf('?board=first'))?.instanceId).toBe(NORTH_ID);
    expect((await snapshotOf(''))?.instanceId).toBe(NORTH_ID);
    expect((await snapshotOf('?instance=south'))?.instanceId).toBe(SOUTH_ID);
    expect((await snapshotOf('?instance=south&board=south-floor'))?.instanceId).toBe(SOUTH_ID);
  });

  it('answers 400 with a clear message for an unknown instance or board', async () => {
    // Each with the code a program branches on: the same for an unknown board wherever it is named.
    const cases: [string, RegExp, string][] = [
      [
        '/api/v1/snapshot?instance=west',
        /Unknown instance "west": the instances are north, south/,
        'unknown_instance',
      ],
      ['/api/v1/snapshot?board=lobby', /Unknown board "lobby"/, 'unknown_board'],
      [
        '/api/v1/snapshot?board=north-floor&instance=south',
        /shows instance "north", not "south"/,
        'board_not_of_instance',
      ],
      ['/api/v1/snapshot?instance=a&instance=b', /instance must be given once/, 'bad_request'],
      ['/api/v1/alerts?instance=west', /Unknown instance "west"/, 'unknown_instance'],
      ['/api/v1/alerts/history?board=lobby', /Unknown board "lobby"/, 'unknown_board'],
      ['/api/v1/stream?board=lobby', /Unknown board "lobby"/, 'unknown_board'],
    ];
    for (const [path, message, code] of cases) {
      const response = await get(path);
      expect(response.status, path).toBe(400);
      const problem = (await response.json()) as { detail: string; code: string };
      expect(problem.detail, path).toMatch(message);
      expect(problem.code, path).toBe(code);
    }
    const ack = await fetch(`${wallboard.url}/api/v1/alerts/x/acknowledge?instance=west`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'Dana' }),
    });
    expect(ack.status).toBe(400);
  });

  it('lists the instances and each board’s instance in the public configuration', async () => {
    const config = publicConfigSchema.parse(await (await get('/api/v1/config')).json());
    expect(config.instances).toEqual([
      { id: 'north', name: 'North contact centre' },
      { id: 'south', name: 'south' },
    ]);
    expect(config.boards.map((b) => [b.id, b.instance])).toEqual([
      ['first', 'north'],
      ['south-floor', 'south'],
      ['north-floor', 'north'],
    ]);
    // Queue references resolve against the board's own instance.
    const southQueues = (await snapshotOf('?instance=south'))?.queues ?? [];
    const southFloor = config.boards.find((b) => b.id === 'south-floor');
    expect(southFloor?.queueIds?.length).toBeGreaterThan(0);
    for (const id of southFloor?.queueIds ?? []) expect(southQueues.map((q) => q.id)).toContain(id);
  });

  it('keeps alerts per instance, and acknowledges on the instance asked for', async () => {
    const alertsOf = async (query: string) =>
      ((await (await get(`/api/v1/alerts${query}`)).json()) as { alerts: Alert[] }).alerts;
    const southAlerts = await waitFor(async () => {
      const alerts = await alertsOf('?instance=south');
      return alerts.length > 0 ? alerts : undefined;
    }, 'alerts on the south instance');
    const southQueueIds = new Set(((await snapshotOf('?instance=south'))?.queues ?? []).map((q) => q.id));
    for (const alert of southAlerts) expect(southQueueIds.has(alert.queueId ?? '')).toBe(true);
    const northAlerts = await alertsOf('?board=north-floor');
    const northQueueIds = new Set(((await snapshotOf('?instance=north'))?.queues ?? []).map((q) => q.id));
    for (const alert of northAlerts) expect(northQueueIds.has(alert.queueId ?? '')).toBe(true);

    const alert = southAlerts.find((a) => !northAlerts.some((n) => n.id === a.id));
    if (!alert) throw new Error('no alert of the south instance alone');
    const acknowledge = (query: string) =>
      fetch(`${wallboard.url}/api/v1/alerts/${encodeURIComponent(alert.id)}/acknowledge${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ by: 'Dana' }),
      });
    expect((await acknowledge('?instance=north')).status).toBe(404);
    const response = await acknowledge('?board=south-floor');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: alert.id, acknowledgedBy: 'Dana' });
    const history = (await (await get('/api/v1/alerts/history?instance=south')).json()) as {
      events: { kind: string; alertId: string }[];
    };
    expect(history.events.some((e) => e.kind === 'acknowledged' && e.alertId === alert.id)).toBe(true);
  });

  it('reports readiness per instance', async () => {
    const ready = (await (await get('/readyz')).json()) as {
      ready: boolean;
      instances: Record<string, { ready: boolean }>;
    };
    expect(ready.ready).toBe(true);
    expect(ready.instances).toEqual({
      north: { ready: true, loading: [] },
      south: { ready: true, loading: [] },
    });
  });

  it('applies an edit but keeps the instances in force until a restart', async () => {
    const moved = instancesYaml().replace(`endpoint: ${south.endpoint}`, 'endpoint: http://127.0.0.1:9');
    writeFileSync(configFile, `${moved}\n${boardsYaml('South floor, renamed')}\n`);
    await wallboard.configStore.reload();
    expect(wallboard.configStore.error).toMatch(/instances: changing the instances needs a restart/);
    const config = publicConfigSchema.parse(await (await get('/api/v1/config')).json());
    expect(config.boards.find((b) => b.id === 'south-floor')?.title).toBe('South floor, renamed');
    expect(config.configError).toMatch(/needs a restart/);
    // Saved again as it is: nothing new to apply, and the notice stands.
    const applied = wallboard.configStore.current;
    await wallboard.configStore.reload();
    expect(wallboard.configStore.current).toBe(applied);
    expect(wallboard.configStore.error).toMatch(/instances: changing the instances needs a restart/);
    // Still polling the south simulator where it was.
    const before = (await snapshotOf('?instance=south'))?.generation ?? 0;
    await waitFor(
      async () => ((await snapshotOf('?instance=south'))?.generation ?? 0) > before || undefined,
      'south still polled',
    );

    // A board on an instance that is not running cannot apply before a restart.
    writeFileSync(
      configFile,
      `${instancesYaml()}\n  - id: west\n    instanceId: cccccccc-3333-4333-8333-333333333333\n    region: eu-west-1\n` +
        `${boardsYaml().replace('instance: south', 'instance: west')}\n`,
    );
    await wallboard.configStore.reload();
    expect(wallboard.configStore.error).toMatch(/board "south-floor" names an instance that is not running/);
    expect(wallboard.configStore.current.boards.find((b) => b.id === 'south-floor')?.instance).toBe('south');

    writeFileSync(configFile, `${instancesYaml()}\n${boardsYaml()}\n`);
    await wallboard.configStore.reload();
    expect(wallboard.configStore.error).toBeNull();

    // The instances edited again and put back, the rest as in force: the notice goes with the edit.
    writeFileSync(configFile, `${moved}\n${boardsYaml()}\n`);
    await wallboard.configStore.reload();
    expect(wallboard.configStore.error).toMatch(/instances: changing the instances needs a restart/);
    writeFileSync(configFile, `${instancesYaml()}\n${boardsYaml()}\n`);
    await wallboard.configStore.reload();
    expect(wallboard.configStore.error).toBeNull();
  });
});

describe('several Connect instances across replicas on Redis', () => {
  let redis: TestRedis;
  const replicas: RunningWallboard[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const configFile = writeConfig('cluster.yaml', `${instancesYaml()}\n${boardsYaml()}`);
    for (let i = 0; i < 2; i += 1) {
      replicas.push(
        await startWebServer(env({ WALLBOARD_CONFIG: configFile, REDIS_URL: redis.url, LEASE_MS: '1500' }), {
          credentials,
        }),
      );
    }
  }, 30_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis?.stop();
  });

  it('holds one lease per instance, and every replica serves both instances', async () => {
    const leadersOf = (id: string) =>
      replicas.filter((r) => r.instances.find((i) => i.id === id)?.cluster?.role === 'leader');
    await waitFor(
      () => (leadersOf('north').length === 1 && leadersOf('south').length === 1 ? true : undefined),
      'one leader per instance',
    );
    const client = new Redis(redis.url);
    try {
      const leases = (await client.keys('switchboard:*:lease')).sort();
      expect(leases).toEqual([`switchboard:${NORTH_ID}:lease`, `switchboard:${SOUTH_ID}:lease`]);
    } finally {
      client.disconnect();
    }
    for (const replica of replicas) {
      for (const [board, instanceId] of [
        ['north-floor', NORTH_ID],
        ['south-floor', SOUTH_ID],
      ] as const) {
        const snapshot = await waitFor(async () => {
          const response = await fetch(`${replica.url}/api/v1/snapshot?board=${board}`);
          return response.ok ? ((await response.json()) as Snapshot) : undefined;
        }, `${board} on every replica`);
        expect(snapshot.instanceId).toBe(instanceId);
      }
      const ready = (await (await fetch(`${replica.url}/readyz`)).json()) as {
        instances: Record<string, { role: string; redis: string }>;
      };
      expect(Object.keys(ready.instances)).toEqual(['north', 'south']);
      expect(ready.instances.north?.redis).toBe('up');
    }
    expect(leadersOf('north')).toHaveLength(1);
    expect(leadersOf('south')).toHaveLength(1);
  });
});
