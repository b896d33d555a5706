/**
 * What the forecast costs the server: withForecast on a snapshot of 250 queues, as every published snapshot
 * pays it, with today's intervals and figures from the simulator at mid-morning. Target: under 1 ms.
 * Run: pnpm --filter @switchboard/server bench:forecast (`-- --dry-run`: say what it would measure and stop).
 */
import type { Queue, Snapshot, TodayMetrics } from '@switchboard/shared';
import { parseConfig } from '../src/config/load.js';
import { withForecast, type LatestIntervals } from '../src/poller/forecast.js';
import { computeFigures } from '../src/simulator/figures.js';
import { ContactCentreModel } from '../src/simulator/model.js';
import { sumIntervals } from '../src/simulator/ops/aggregate.js';

const QUEUES = 250;
const AGENTS = 2000;
const RUNS = 2000;
const INTERVAL_MS = 30 * 60_000;

if (process.argv.includes('--dry-run')) {
  console.log(`would time the forecast of a ${QUEUES}-queue snapshot ${RUNS} times`);
  process.exit(0);
}

const dayStart = Date.parse('2026-11-24T00:00:00Z');
const now = dayStart + 10.5 * 3_600_000 + 10 * 60_000;
const model = new ContactCentreModel({
  instanceId: 'bench',
  region: 'us-east-1',
  accountId: '123456789012',
  queues: QUEUES,
  agents: AGENTS,
  seed: 1,
  startMs: dayStart,
});
model.advanceTo(now);
const figures = computeFigures(model, now);

// Today's half-hours as the poller caches them: the open one runs to the last 5-minute boundary.
const intervals: { start: number; end: number; byQueue: Map<string, TodayMetrics> }[] = [];
for (let start = dayStart; start < now; start += INTERVAL_MS) {
  const end = Math.min(start + INTERVAL_MS, Math.floor(now / 300_000) * 300_000);
  const byQueue = new Map<string, TodayMetrics>();
  for (const queue of model.queues) {
    const sums = sumIntervals(model, model.history.between(start, end), [queue.index]);
    byQueue.set(queue.id, { CONTACTS_QUEUED: sums.queued, CONTACTS_HANDLED: sums.handled });
  }
  intervals.push({ start, end, byQueue });
}
const history: LatestIntervals = {
  latestIntervals(minutes) {
    let from = intervals.length;
    let covered = 0;
    while (from > 0 && covered < minutes * 60_000) {
      from -= 1;
      covered += (intervals[from]?.end ?? 0) - (intervals[from]?.start ?? 0);
    }
    return intervals.slice(from);
  },
};
const today = model.history.between(dayStart, now);
const queues: Queue[] = model.queues.map((queue) => {
  const sums = sumIntervals(model, today, [queue.index]);
  return {
    id: queue.id,
    arn: queue.arn,
    name: queue.name,
    channels: [queue.channel],
    realtime: { ...figures.queues.get(queue.id) },
    realtimeByChannel: {},
    today: {
      HANDLE_TIME: sums.handled > 0 ? sums.handleTime / sums.handled : null,
      CONTACTS_HANDLED: sums.handled,
    },
    states: {},
  };
});
const snapshot = {
  queues,
  summary: { realtime: { AGENTS_STAFFED: figures.instance.AGENTS_STAFFED }, today: {}, states: {} },
} as unknown as Snapshot;
const config = parseConfig('', 'bench.yaml');

for (let i = 0; i < 200; i += 1) withForecast(snapshot, history, config);
const times: number[] = [];
for (let i = 0; i < RUNS; i += 1) {
  const started = performance.now();
  withForecast(snapshot, history, config);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const forecast = withForecast(snapshot, history, config);
const staffed = forecast.queues.map((q) => q.forecast?.agentsStaffed ?? 0);
console.log(
  `forecast of ${QUEUES} queues (${Math.max(...staffed)} agents staffed on the busiest, ` +
    `${forecast.summary.forecast?.arrivalsPerHour?.toFixed(0)} contacts/h in all): ` +
    `mean ${(times.reduce((a, b) => a + b, 0) / RUNS).toFixed(3)} ms, median ${(times[Math.floor(RUNS / 2)] ?? 0).toFixed(3)} ms, p95 ${(times[Math.floor(RUNS * 0.95)] ?? 0).toFixed(3)} ms per snapshot (target < 1 ms)`,
);
