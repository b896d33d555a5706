import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env.js';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { waitFor } from '../support/wallboard.js';
import { fetchSnapshot } from './support.js';

// The embedded simulator's day starts at a local time hours away from now (SIMULATOR_TIME_OF_DAY), so its clock
// and the server's differ by hours: the demo's times in state must still count from the server's now.
const hour = (new Date().getUTCHours() + 6) % 24;
let wallboard: RunningWallboard;

beforeAll(async () => {
  wallboard = await startWebServer(
    parseEnv({
      PORT: '0',
      SIMULATOR_PORT: '0',
      SIMULATOR_QUEUES: '6',
      SIMULATOR_AGENTS: '40',
      SIMULATOR_TIME_OF_DAY: `${String(hour).padStart(2, '0')}:00`,
      POLL_INTERVAL_MS: '1000',
      LOG_LEVEL: 'silent',
    }),
  );
}, 60_000);

afterAll(async () => {
  await wallboard?.stop();
});

describe('an embedded simulator on a clock of its own', () => {
  it("puts the agents' times on the server's clock, so times in state count from the server's now", async () => {
    const snapshot = await waitFor(
      async () => {
        const current = await fetchSnapshot(wallboard);
        return current && current.agents.some((a) => a.contacts.length > 0) ? current : undefined;
      },
      'agents on contacts',
      30_000,
    );
    const now = Date.parse(snapshot.serverTime);
    const times = snapshot.agents.flatMap((agent) => [
      agent.activitySince,
      agent.statusStartedAt,
      ...agent.contacts.map((c) => c.stateStartedAt),
    ]);
    const starts = times.filter((t): t is string => t !== null).map((t) => Date.parse(t));
    expect(starts.length).toBeGreaterThan(0);
    // Nothing began in the server's future, and the latest change is minutes old, not hours.
    expect(Math.max(...starts)).toBeLessThanOrEqual(now + 2000);
    expect(Math.max(...starts)).toBeGreaterThan(now - 15 * 60_000);
  });
});
