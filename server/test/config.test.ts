import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicConfigSchema, snapshotSchema, type Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigFileError } from '../src/config/load.js';
import { startWebServer, type RunningWallboard } from '../src/main.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from './support/wallboard.js';

let now = Date.parse('2026-11-24T11:00:00Z');
let simulator: RunningSimulator;
let wallboard: RunningWallboard;
const dir = mkdtempSync(join(tmpdir(), 'switchboard-config-'));
const configFile = join(dir, 'wallboard.yaml');

const goodConfig = [
  'timeZone: Europe/London',
  'thresholds:',
  '  defaults:',
  '    CONTACTS_IN_QUEUE: { warn: 1, critical: 3 }',
  'boards:',
  '  - id: sales',
  '    title: Sales floor',
  '    queues: ["Sales*"]',
  '    sections: [summary, queues]',
  '    agentLimits: { acwSeconds: 90, statusSeconds: { lunch: 2700, Meeting: none } }',
  '  - id: everything',
  '    title: Everything',
  'alerts:',
  '  - id: any-waiting',
  '    metric: CONTACTS_IN_QUEUE',
  '    value: 1',
  '    clearAt: 0',
  'agentLimits: { customSeconds: 1200, statusSeconds: { Lunch: 3600, Training: none } }',
  '',
].join('\n');

const env = (extra: Record<string, string>) => simulatorEnv(simulator, extra);
const credentials = TEST_CREDENTIALS;

beforeAll(async () => {
  // Understaffed: queues with callers waiting, for the thresholds and the alert rule to trip.
  simulator = await startSimulator({
    queues: 20,
    agents: 30,
    seed: 3,
    staffing: 'understaffed',
    clock: () => now,
  });
  now += 60 * 60_000;
  writeFileSync(configFile, goodConfig);
  wallboard = await startWebServer(env({ WALLBOARD_CONFIG: configFile }), { credentials });
});

afterAll(async () => {
  await wallboard?.stop();
  await simulator?.close();
});

const getJson = async (path: string) => (await fetch(`${wallboard.url}${path}`)).json() as Promise<unknown>;

describe('boards, thresholds and alerts from the configuration file', () => {
  it('serves the boards with their queues resolved from name patterns', async () => {
    const config = publicConfigSchema.parse(await getJson('/api/v1/config'));
    const sales = simulator.model.queues.filter((q) => q.name.startsWith('Sales')).map((q) => q.id);
    expect(config.boards.map((b) => b.id)).toEqual(['sales', 'everything']);
    await waitFor(async () => ((await getJson('/readyz')) as { ready: boolean }).ready || undefined, 'ready');
    const resolved = publicConfigSchema.parse(await getJson('/api/v1/config'));
    expect(resolved.boards[0]).toMatchObject({
      queueIds: sales,
      sections: ['summary', 'queues'],
      timeZone: 'Europe/London',
    });
    expect(resolved.boards[1]?.queueIds).toBeNull();
    expect(resolved.configError).toBeNull();
  });

  it("sends each board's agent limits: the board's own, over the file's, over the defaults", async () => {
    const config = publicConfigSchema.parse(await getJson('/api/v1/config'));
    // A custom status's limit too, named in either case: the board's `lunch` replaces the file's `Lunch`.
    expect(config.boards[0]?.agentLimits).toEqual({
      acwSeconds: 90,
      contactSeconds: 600,
      customSeconds: 1200,
      statusSeconds: { lunch: 2700, Training: null, Meeting: null },
    });
    expect(config.boards[1]?.agentLimits).toEqual({
      acwSeconds: 120,
      contactSeconds: 600,
      customSeconds: 1200,
      statusSeconds: { Lunch: 3600, Training: null },
    });
  });

  it('puts each queue state and the active alerts into the snapshot every screen reads', async () => {
    const snapshot: Snapshot = await waitFor(async () => {
      const response = await fetch(`${wallboard.url}/api/v1/snapshot`);
      return response.ok ? snapshotSchema.parse(await response.json()) : undefined;
    }, 'a snapshot');
    for (const queue of snapshot.queues) {
      const waiting = queue.realtime.CONTACTS_IN_QUEUE ?? 0;
      expect(queue.states.CONTACTS_IN_QUEUE).toBe(waiting >= 3 ? 'critical' : waiting >= 1 ? 'warn' : 'ok');
    }
    const busy = snapshot.queues.filter((q) => (q.realtime.CONTACTS_IN_QUEUE ?? 0) >= 1).map((q) => q.id);
    expect(busy.length).toBeGreaterThan(0);
    expect(snapshot.alerts.map((a) => a.queueId).sort()).toEqual(busy.sort());
  });

  it('lets a supervisor acknowledge an alert, validates the request, and keeps the history', async () => {
    const { alerts } = snapshotSchema.parse(await getJson('/api/v1/snapshot'));
    const alert = alerts[0];
    if (!alert) throw new Error('expected an active alert');
    const post = (id: string, body: unknown) =>
      fetch(`${wallboard.url}/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await post(alert.id, { by: '' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'invalid_body',
      detail: expect.stringContaining('by must not be empty'),
    });
    // No name, and an open wallboard knows none: a code of its own, for the page to ask for the name.
    const nameless = await post(alert.id, {});
    expect([nameless.status, await nameless.json()]).toMatchObject([
      400,
      { code: 'name_required', detail: 'by is required: the name of the supervisor acknowledging the alert' },
    ]);
    const garbled = await post(alert.id, { by: 'Dana\n\u001b[2J' });
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toMatchObject({
      code: 'invalid_body',
      detail: expect.stringContaining('by must not hold control characters'),
    });
    expect((await post('nope', { by: 'Dana' })).status).toBe(404);
    const ok = await post(alert.id, { by: 'Dana' });
    expect(await ok.json()).toMatchObject({ id: alert.id, acknowledgedBy: 'Dana' });
    const history = (await getJson('/api/v1/alerts/history')) as {
      events: { kind: string; by: string | null }[];
    };
    expect(history.events).toContainEqual(expect.objectContaining({ kind: 'acknowledged', by: 'Dana' }));
  });

  it('keeps the last good configuration when an edit breaks it, and says so on /readyz and to every screen', async () => {
    writeFileSync(configFile, goodConfig.replace('warn: 1, critical: 3', 'warn: 5, critical: oops'));
    await wallboard.configStore.reload();
    const ready = (await getJson('/readyz')) as { ready: boolean; configError: string | null };
    expect(ready.configError).toMatch(
      /wallboard.yaml:4 thresholds.defaults.CONTACTS_IN_QUEUE.critical: critical must be a number/,
    );
    const config = publicConfigSchema.parse(await getJson('/api/v1/config'));
    expect(config.configError).toBe(ready.configError);
    expect(config.boards.map((b) => b.id)).toEqual(['sales', 'everything']);

    writeFileSync(configFile, goodConfig.replace('title: Sales floor', 'title: Sales team'));
    await wallboard.configStore.reload();
    const fixed = publicConfigSchema.parse(await getJson('/api/v1/config'));
    expect(fixed.configError).toBeNull();
    expect(fixed.boards[0]?.title).toBe('Sales team');
  });

  it('changes nothing for a file saved unchanged, and takes an undone broken edit as resolved', async () => {
    writeFileSync(configFile, goodConfig);
    await wallboard.configStore.reload();
    const before = wallboard.configStore.current;
    let told = 0;
    const stop = wallboard.configStore.onChange(() => {
      told += 1;
      return null;
    });
    try {
      // Saved again as it was: the same configuration, so no view is projected again and no screen sent one whole.
      writeFileSync(configFile, goodConfig);
      await wallboard.configStore.reload();
      expect(wallboard.configStore.current).toBe(before);
      expect(told).toBe(0);
      // A broken edit, then the file put back as it was.
      writeFileSync(configFile, goodConfig.replace('warn: 1, critical: 3', 'warn: 5, critical: oops'));
      await wallboard.configStore.reload();
      expect(((await getJson('/readyz')) as { configError: string | null }).configError).not.toBeNull();
      writeFileSync(configFile, goodConfig);
      await wallboard.configStore.reload();
      expect(((await getJson('/readyz')) as { configError: string | null }).configError).toBeNull();
      expect(wallboard.configStore.current).toBe(before);
      expect(told).toBe(0);
    } finally {
      stop();
    }
  });

  it('refuses to start on a broken configuration file, naming the file, line and field', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'boards:\n  - id: Bad Id\n    title: x\n');
    await expect(startWebServer(env({ WALLBOARD_CONFIG: broken }), { credentials })).rejects.toThrow(
      ConfigFileError,
    );
    await expect(startWebServer(env({ WALLBOARD_CONFIG: broken }), { credentials })).rejects.toThrow(
      /broken.yaml:2 boards\[0\]\.id: id must be lower-case/,
    );
  });
});
