import { afterEach, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';
import { fetchSnapshot, snapshotAfter } from './support.js';

// Connect refusing a call from the very first poll (a policy without the permission, an outage at start): the
// wall must say why it has no figures, not wait for them in silence.
const started: { stop(): Promise<void> }[] = [];

afterEach(async () => {
  for (const item of started.splice(0).reverse()) await item.stop();
});

async function run(
  options: SimulatorOptions,
): Promise<{ sim: RunningSimulator; wallboard: RunningWallboard }> {
  const realStart = Date.now();
  const midday = new Date(realStart).setUTCHours(12, 0, 0, 0);
  const sim = await startSimulator({ clock: () => midday + (Date.now() - realStart), ...options });
  started.push({ stop: () => sim.close() });
  const wallboard = await startWebServer(
    simulatorEnv(sim, {
      POLL_INTERVAL_MS: '1000',
      DISCOVERY_INTERVAL_MS: '1000',
      API_READS_PER_MINUTE: '100000',
    }),
    { credentials: TEST_CREDENTIALS },
  );
  started.push(wallboard);
  return { sim, wallboard };
}

describe('Connect refusing from the first poll', () => {
  it('serves the queues without figures, stale and with the error, until GetCurrentMetricData is allowed', async () => {
    const { sim, wallboard } = await run({
      queues: 5,
      agents: 40,
      seed: 31,
      faults: { deniedOperations: ['GetCurrentMetricData'] },
    });
    const refused = await waitFor(
      async () => {
        const s = await fetchSnapshot(wallboard);
        return s?.sections.queues.error ? s : undefined;
      },
      'a snapshot that says why the queues have no figures',
      15_000,
    );
    expect(refused.sections.queues.error?.code).toBe('AccessDeniedException');
    // What was refused, as IAM says it, but not who asked, nor the account: the error goes to every screen.
    const message = refused.sections.queues.error?.message ?? '';
    expect(message).toContain(
      'is not authorized to perform: connect:GetCurrentMetricData on resource: arn:(hidden)',
    );
    expect(message).not.toMatch(/arn:aws|123456789012|assumed-role/);
    expect(refused.sections.queues.fetchedAt).toBeNull();
    expect(refused.stale).toBe(true);
    // Every queue listed, and none with figures it never had: no zeros posing as an empty queue.
    expect(refused.queues).toHaveLength(5);
    for (const queue of refused.queues) expect(queue.realtime.CONTACTS_IN_QUEUE).toBeUndefined();
    expect(refused.summary.realtime.CONTACTS_IN_QUEUE ?? null).toBeNull();
    sim.clearFaults();
    const fresh = await snapshotAfter(wallboard, refused.generation, (s) => !s.stale, 15_000);
    expect(fresh.sections.queues.error).toBeNull();
    expect(fresh.queues.every((q) => typeof q.realtime.CONTACTS_IN_QUEUE === 'number')).toBe(true);
  }, 40_000);

  it('says discovery is failing while ListQueues is refused, rather than that it is still loading', async () => {
    const { sim, wallboard } = await run({
      queues: 5,
      agents: 40,
      seed: 32,
      faults: { deniedOperations: ['ListQueues'] },
    });
    const refused = await waitFor(
      () => fetchSnapshot(wallboard),
      'a snapshot that says why there are no queues',
      15_000,
    );
    expect(refused.sections.discovery.error?.code).toBe('AccessDeniedException');
    expect(refused.stale).toBe(true);
    // Ready: what the screens will show is that error, not a wall waiting for figures that cannot come. A replica
    // behind a readiness probe takes its screens and says why.
    const ready = await fetch(`${wallboard.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, loading: [] });
    sim.clearFaults();
    await snapshotAfter(wallboard, refused.generation, (s) => !s.stale && s.queues.length === 5, 20_000);
  }, 40_000);
});
