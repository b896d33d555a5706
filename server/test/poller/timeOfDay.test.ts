import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env.js';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { waitFor } from '../support/wallboard.js';
import { fetchSnapshot } from './support.js';

// The README's busy demo at any hour: the embedded simulator at a busy local time of day hours away from now
// (10:30, or 15:30 when the clock is near 10:30), so its shifted day and the real clock cannot agree by chance.
const hour = new Date().getUTCHours();
const timeOfDay = Math.abs(hour - 10) >= 3 ? '10:30' : '15:30';
let wallboard: RunningWallboard;

beforeAll(async () => {
  wallboard = await startWebServer(
    parseEnv({
      PORT: '0',
      LOG_LEVEL: 'silent',
      TIME_ZONE: 'UTC',
      SIMULATOR_QUEUES: '6',
      SIMULATOR_AGENTS: '80',
      SIMULATOR_TIME_OF_DAY: timeOfDay,
      POLL_INTERVAL_MS: '1000',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-history-')),
      CONNECT_RATE_METRICS: '40/40',
      CONNECT_RATE_OTHER: '40/40',
    }),
  );
}, 120_000);

afterAll(async () => {
  await wallboard?.stop();
});

describe(`the embedded simulator at ${timeOfDay}, hours from now`, () => {
  it("hands the wall real timestamps: data as of, agents' timers and today agree with the clock", async () => {
    const snapshot: Snapshot = await waitFor(
      async () => {
        const latest = await fetchSnapshot(wallboard);
        return latest?.sections.today.fetchedAt && latest.agents.length > 0 ? latest : undefined;
      },
      'figures, agents and today',
      60_000,
    );
    const clock = Date.now();
    // "Data as of" is Connect's snapshot time: within seconds of the wall's own clock, not hours ahead.
    expect(Math.abs(Date.parse(snapshot.dataSnapshotTime ?? '') - clock)).toBeLessThan(10_000);
    // Every agent's timer starts in the past, so none shows 0:00 for hours.
    const starts = snapshot.agents.flatMap((agent) => [
      agent.statusStartedAt,
      ...agent.contacts.map((c) => c.stateStartedAt),
    ]);
    for (const start of starts) if (start) expect(Date.parse(start)).toBeLessThanOrEqual(clock);
    // The curve is the chosen hour's: the day shift is on the floor.
    expect(snapshot.agents.length).toBeGreaterThan(20);
    // Today is the real local day, ending on the last 5-minute boundary.
    const last = snapshot.intraday.instance.at(-1);
    if (last) expect(Date.parse(last.end)).toBeLessThanOrEqual(clock);
    expect(snapshot.sections.today.error).toBeNull();
  });
});
