import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forecastQueue, type Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env.js';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { zoneWhereItIs } from '../support/timeZone.js';
import { waitFor } from '../support/wallboard.js';
import { fetchSnapshot } from './support.js';

// The real server and SDK against the embedded simulator in the middle of a busy morning. The poller's "today" is
// in a zone where it is mid-morning too: in the first minutes after midnight there are no series, so no arrivals.
let wallboard: RunningWallboard;

beforeAll(async () => {
  wallboard = await startWebServer(
    parseEnv({
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-forecast-')),
      TIME_ZONE: zoneWhereItIs(10),
      SIMULATOR_QUEUES: '6',
      SIMULATOR_AGENTS: '80',
      SIMULATOR_TIME_OF_DAY: '10:30',
      POLL_INTERVAL_MS: '1000',
      // No CONNECT_RATE_* here: the budget is Connect's own quotas, which the simulator enforces. A budget above
      // them is throttled, and the intraday series wait behind the real-time cycles.
      HISTORY_INTERVAL_MS: '5000',
      // The test asks for the snapshot every 50 ms until the series are in: past the default 600 reads a minute.
      API_READS_PER_MINUTE: '100000',
    }),
  );
}, 120_000);

afterAll(async () => {
  await wallboard?.stop();
});

describe('the forecast in the snapshot', () => {
  it("forecasts each queue from its own series, today's handle time and its agents staffed", async () => {
    let last: Snapshot | undefined;
    const snapshot: Snapshot = await waitFor(
      async () => {
        const latest = await fetchSnapshot(wallboard);
        last = latest ?? last;
        return latest?.sections.intraday.fetchedAt &&
          latest.sections.today.fetchedAt &&
          latest.queues.every((queue) => queue.forecast?.arrivalsPerHour !== null)
          ? latest
          : undefined;
      },
      "a forecast on every queue from today's series",
      // The history's first round follows discovery and the first real-time cycles: on a loaded machine, a minute.
      120_000,
    ).catch((error: unknown) => {
      // Say what the wall had instead: which sections, and which queues had no arrival rate.
      const sections = JSON.stringify(last?.sections);
      const missing = last?.queues
        .filter((queue) => queue.forecast?.arrivalsPerHour == null)
        .map((queue) => `${queue.name}: ${JSON.stringify(last?.intraday.queues[queue.id]?.slice(-3))}`);
      throw new Error(
        `${String(error)}; last snapshot: ${last ? `sections ${sections}; no arrivals: ${missing?.join(' | ')}` : 'none'}`,
      );
    });
    let busy = 0;
    for (const queue of snapshot.queues) {
      const series = snapshot.intraday.queues[queue.id] ?? [];
      const expected = forecastQueue(
        {
          series: series.map((point) => ({
            startMs: Date.parse(point.start),
            endMs: Date.parse(point.end),
            contactsQueued: point.metrics.CONTACTS_QUEUED,
          })),
          handleTimeSeconds: queue.today.HANDLE_TIME,
          contactsHandled: queue.today.CONTACTS_HANDLED,
          agentsStaffed: queue.realtime.AGENTS_STAFFED,
        },
        { serviceLevelSeconds: 20, targetPercent: 80, defaultHandleTimeSeconds: 300 },
      );
      // No interval has closed while the server watched: nothing to correct on, so plain Erlang C, and it says so.
      expect(queue.forecast).toEqual(expected);
      expect(queue.forecast?.model).toBe('erlang-c');
      if ((queue.forecast?.arrivalsPerHour ?? 0) > 0) busy += 1;
    }
    // A busy morning: queues have contacts coming, and the centre's forecast counts them all.
    expect(busy).toBeGreaterThan(0);
    const arrivals = snapshot.queues.reduce((sum, q) => sum + (q.forecast?.arrivalsPerHour ?? 0), 0);
    expect(snapshot.summary.forecast?.arrivalsPerHour).toBeCloseTo(arrivals, 1);
    expect(snapshot.summary.forecast?.agentsStaffed).toBe(snapshot.summary.realtime.AGENTS_STAFFED);
  }, 150_000);
});
