import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '@switchboard/shared';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { zoneWhereItIs } from '../support/timeZone.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';
import { fetchSnapshot, snapshotAfter } from './support.js';

// After an outage, the sections that back off (agents up to 10 s, today's figures up to 15 s) try again as soon as
// the queue figures, tried every cycle, find Connect answering, rather than at the end of their wait.
let simulator: RunningSimulator;
let wallboard: RunningWallboard;

beforeAll(async () => {
  // Mid-morning where the centre is, whatever the hour of the run: in the first five minutes of a day today's
  // range is empty, no call is made for it, and no outage can fail it.
  const timeZone = zoneWhereItIs(10);
  simulator = await startSimulator({ queues: 8, agents: 40, seed: 6, timeOfDay: '10:30', timeZone });
  wallboard = await startWebServer(
    simulatorEnv(simulator, {
      POLL_INTERVAL_MS: '1000',
      STALE_AFTER_MS: '5000',
      HISTORY_INTERVAL_MS: '5000',
      TIME_ZONE: timeZone,
    }),
    { credentials: TEST_CREDENTIALS },
  );
}, 60_000);

afterAll(async () => {
  await wallboard?.stop();
  await simulator?.close();
});

const fresh = (s: Snapshot) =>
  s.sections.queues.error === null &&
  s.sections.agents.error === null &&
  s.sections.today.error === null &&
  s.sections.intraday.error === null;

describe('recovery after an outage', () => {
  it('has every section fresh within moments of the queue figures, not at the end of each backoff', async () => {
    await snapshotAfter(wallboard, 0, (s) => fresh(s) && s.sections.intraday.fetchedAt !== null, 30_000);
    simulator.setFaults({ outageSeconds: 3600 });
    // Today's figures fail, backing off 2, 4, then 8 s: after a wait of 8 s the next is the longest, 15 s. The
    // outage ends just after that failure, when, backing off on its own, it would not try again for 15 s.
    const failures: number[] = [];
    await waitFor(
      async () => {
        const at = (await fetchSnapshot(wallboard))?.sections.today.error?.at;
        if (at && Date.parse(at) !== failures.at(-1)) failures.push(Date.parse(at));
        const [before = 0, last = 0] = failures.slice(-2);
        return failures.length >= 2 && last - before >= 7000 ? true : undefined;
      },
      "today's figures backing off 8 s",
      60_000,
    );
    simulator.clearFaults();
    const queuesBack = await waitFor(
      async () => ((await fetchSnapshot(wallboard))?.sections.queues.error === null ? Date.now() : undefined),
      'the queue figures fresh again',
      10_000,
    );
    const allBack = await waitFor(
      async () => {
        const s = await fetchSnapshot(wallboard);
        return s && fresh(s) ? Date.now() : undefined;
      },
      'every section fresh again',
      20_000,
    );
    expect(allBack - queuesBack).toBeLessThan(5000);
  }, 90_000);
});
