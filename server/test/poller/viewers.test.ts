import { get, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';
import { snapshotAfter } from './support.js';

// A thousand screens on one server: Connect is polled once per instance, whatever the number of viewers.
const VIEWERS = 1000;
let simulator: RunningSimulator;
let wallboard: RunningWallboard;

beforeAll(async () => {
  simulator = await startSimulator({ queues: 30, agents: 100, seed: 3 });
  wallboard = await startWebServer(
    simulatorEnv(simulator, {
      POLL_INTERVAL_MS: '1000',
      API_READS_PER_MINUTE: '100000',
      // A thousand viewers from one address: this test is the runaway kiosk the stream cap stops.
      STREAMS_PER_ADDRESS: '100000',
    }),
    { credentials: TEST_CREDENTIALS },
  );
});

afterAll(async () => {
  await wallboard?.stop();
  await simulator?.close();
});

/** One screen on the stream: remembers the highest event id it has read. */
class Viewer {
  lastId = 0;
  private tail = '';
  private readonly request: ClientRequest;

  constructor(url: string) {
    this.request = get(url, { agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const text = this.tail + chunk;
        // Each id is `<generation>@<instance>`: a line split across chunks is whole in the tail kept.
        for (const match of text.matchAll(/^id: (\d+)@\S+$/gm))
          this.lastId = Math.max(this.lastId, Number(match[1]));
        this.tail = text.slice(-256);
      });
    });
    this.request.on('error', () => undefined);
  }

  close(): void {
    this.request.destroy();
  }
}

describe(`${VIEWERS} viewers on the stream`, () => {
  it(
    'cause no Connect calls of their own, and each receives every new snapshot',
    { timeout: 60_000 },
    async () => {
      const first = await snapshotAfter(wallboard, 0);
      // With the poller paused, nothing but the viewers could call Connect.
      wallboard.poller.stop();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const callsBefore = simulator.calls.length;
      const viewers = Array.from({ length: VIEWERS }, () => new Viewer(`${wallboard.url}/api/v1/stream`));
      await waitFor(
        () => (wallboard.instances[0]?.stream.viewerCount === VIEWERS ? true : undefined),
        `${VIEWERS} viewers connected`,
        30_000,
      );
      await waitFor(
        () => (viewers.every((v) => v.lastId >= first.generation) ? true : undefined),
        'the current snapshot at every viewer',
        30_000,
      );
      await Promise.all(
        Array.from({ length: 100 }, () => fetch(`${wallboard.url}/api/v1/snapshot`).then((r) => r.text())),
      );
      expect(simulator.calls.length).toBe(callsBefore);

      // Polling again: the next snapshots reach all of them, for one cycle's worth of calls per cycle.
      const seen = new Set(simulator.calls);
      const paused = wallboard.poller.latest?.generation ?? 0;
      wallboard.poller.start();
      const next = await snapshotAfter(wallboard, paused + 1);
      await waitFor(
        () => (viewers.every((v) => v.lastId >= next.generation) ? true : undefined),
        'the next snapshot at every viewer',
        30_000,
      );
      const realtime = simulator.calls.filter((c) => !seen.has(c) && c.operation === 'GetCurrentMetricData');
      // One chunk of 30 queues: QUEUE, QUEUE+CHANNEL and the ungrouped agent totals per cycle (the last cycle
      // may still be under way), however many viewers.
      const cycles = realtime.filter((c) => JSON.stringify(c.params.Groupings) === '["QUEUE"]').length;
      expect(cycles).toBeGreaterThanOrEqual(1);
      expect(realtime.length).toBeLessThanOrEqual(3 * cycles);
      expect(realtime.length).toBeGreaterThan(3 * (cycles - 1));
      for (const viewer of viewers) viewer.close();
    },
  );
});
