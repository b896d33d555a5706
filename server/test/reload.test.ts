import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOfLocalDay } from '@switchboard/shared/timeZone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../src/main.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { fetchSnapshot } from './poller/support.js';
import { zoneWhereItIs } from './support/timeZone.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from './support/wallboard.js';

// A configuration edited while the server runs, against the simulator on the real clock through the real SDK.
let simulator: RunningSimulator;
let wallboard: RunningWallboard;
const dir = mkdtempSync(join(tmpdir(), 'switchboard-reload-'));
const configFile = join(dir, 'wallboard.yaml');
// Two zones five hours apart, each in the middle of its day at any hour of the run: just after midnight, "today"
// and its intraday series are still empty.
const FIRST_ZONE = zoneWhereItIs(9);
const RELOADED_ZONE = zoneWhereItIs(14);

const config = (timeZone: string, rules: string[]) =>
  [
    `timeZone: ${timeZone}`,
    'alerts:',
    ...rules.flatMap((metric) => [
      `  - id: ${metric.toLowerCase().replace(/_/g, '-')}`,
      `    metric: ${metric}`,
      '    value: 50',
      '    direction: below',
    ]),
    '',
  ].join('\n');

beforeAll(async () => {
  simulator = await startSimulator({ queues: 6, agents: 30, seed: 8, rateLimits: { enabled: false } });
  writeFileSync(configFile, config(FIRST_ZONE, ['SERVICE_LEVEL_20']));
  wallboard = await startWebServer(
    simulatorEnv(simulator, {
      WALLBOARD_CONFIG: configFile,
      POLL_INTERVAL_MS: '1000',
      HISTORY_INTERVAL_MS: '5000',
      CONNECT_RATE_METRICS: '40/40',
      CONNECT_RATE_OTHER: '40/40',
    }),
    { credentials: TEST_CREDENTIALS },
  );
}, 60_000);

afterAll(async () => {
  await wallboard?.stop();
  await simulator?.close();
});

const thresholdsAsked = (from = 0) =>
  new Set(
    simulator.calls
      .slice(from)
      .filter((c) => c.operation === 'GetMetricData')
      .flatMap((c) => c.params.HistoricalMetrics as { Threshold?: { ThresholdValue: number } }[])
      .map((m) => m.Threshold?.ThresholdValue)
      .filter((t) => t !== undefined),
  );

describe('a configuration reload', () => {
  it("applies the time zone of today and fetches a new rule's service level, without a restart", async () => {
    await waitFor(
      async () => (await fetchSnapshot(wallboard))?.sections.today.fetchedAt ?? undefined,
      'today',
    );
    expect(thresholdsAsked().has(60)).toBe(false);

    writeFileSync(configFile, config(RELOADED_ZONE, ['SERVICE_LEVEL_20', 'SERVICE_LEVEL_60']));
    const from = simulator.calls.length;
    await wallboard.configStore.reload();
    const snapshot = await waitFor(
      async () => {
        const latest = await fetchSnapshot(wallboard);
        return latest?.timeZone === RELOADED_ZONE &&
          latest.summary.today.SERVICE_LEVEL_60 !== undefined &&
          latest.intraday.instance.length > 0
          ? latest
          : undefined;
      },
      'the reloaded time zone and SERVICE_LEVEL_60',
      20_000,
    );
    expect(thresholdsAsked(from).has(60)).toBe(true);
    // Today now starts at midnight in the reloaded zone: the range asked, and the first interval.
    const midnight = startOfLocalDay(Date.now(), RELOADED_ZONE) / 1000;
    const starts = simulator.calls
      .slice(from)
      .filter((c) => c.operation === 'GetMetricData')
      .map((c) => c.params.StartTime);
    expect(starts).toContain(midnight);
    expect(snapshot.intraday.instance.every((p) => Date.parse(p.start) >= midnight * 1000)).toBe(true);
    const readiness = (await (await fetch(`${wallboard.url}/readyz`)).json()) as {
      configError: string | null;
    };
    expect(readiness.configError).toBeNull();
  });
});
