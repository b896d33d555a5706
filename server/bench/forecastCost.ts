/**
 * What the forecast costs the server: withForecast on a snapshot of 250 queues, as every published snapshot
 * pays it, with today's intervals and figures from the simulator at mid-morning, and the agents staffed recorded
 * in each interval, so every queue with enough contacts is corrected. Target: under 1 ms. The fit itself is
 * repeated only when the history refetches an interval; its cost is timed apart (`refit`).
 * Run: pnpm --filter @switchboard/server bench:forecast (`-- --dry-run`: say what it would measure and stop).
 */
import type { Queue, Snapshot, TodayMetrics } from '@switchboard/shared';
import { parseConfig } from '../src/config/load.js';
import { ForecastState, withForecast, type LatestIntervals } from '../src/poller/forecast.js';
import { computeFigures } from '../src/simulator/figures.js';
import { ContactCentreModel } from '../src/simulator/model.js';
import { serviceLevel, sumIntervals } from '../src/simulator/ops/aggregate.js';

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

// Today's half-hours as the poller caches them: the open one runs to the last 5-minute boundary. The agents
// staffed in each are recorded as the snapshots would have (here: at its start).
const state = new ForecastState();
const intervals: { start: number; end: number; byQueue: Map<string, TodayMetrics> }[] = [];
for (let start = dayStart; start < now; start += INTERVAL_MS) {
  model.advanceTo(start);
  const staffedThen = computeFigures(model, start);
  model.advanceTo(Math.min(start + INTERVAL_MS, now));
  const end = Math.min(start + INTERVAL_MS, Math.floor(now / 300_000) * 300_000);
  const byQueue = new Map<string, TodayMetrics>();
  for (const queue of model.queues) {
    const sums = sumIntervals(model, model.history.between(start, end), [queue.index]);
    byQueue.set(queue.id, {
      CONTACTS_QUEUED: sums.queued,
      CONTACTS_HANDLED: sums.handled,
      HANDLE_TIME: sums.handled > 0 ? sums.handleTime / sums.handled : null,
      SERVICE_LEVEL_20: serviceLevel(sums, 20),
    });
    state.record(start, queue.id, staffedThen.queues.get(queue.id)?.AGENTS_STAFFED);
  }
  intervals.push({ start, end, byQueue });
}
const figures = computeFigures(model, now);
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

for (let i = 0; i < 200; i += 1) withForecast(snapshot, history, config, state);
const times: number[] = [];
for (let i = 0; i < RUNS; i += 1) {
  const started = performance.now();
  withForecast(snapshot, history, config, state);
  times.push(performance.now() - started);
}
// Every fit repeated: a fresh state each time, as after the history refetches every queue's intervals.
const refits: number[] = [];
for (let i = 0; i < 50; i += 1) {
  const fresh = new ForecastState();
  for (const interval of intervals)
    for (const queue of queues)
      fresh.record(interval.start, queue.id, state.staffedIn(interval.start, queue.id));
  const started = performance.now();
  withForecast(snapshot, history, config, fresh);
  refits.push(performance.now() - started);
}
refits.sort((a, b) => a - b);
times.sort((a, b) => a - b);
const forecast = withForecast(snapshot, history, config, state);
const staffed = forecast.queues.map((q) => q.forecast?.agentsStaffed ?? 0);
const corrected = forecast.queues.filter((q) => q.forecast?.model !== 'erlang-c').length;
console.log(
  `forecast of ${QUEUES} queues (${Math.max(...staffed)} agents staffed on the busiest, ` +
    `${forecast.summary.forecast?.arrivalsPerHour?.toFixed(0)} contacts/h in all, ${corrected} corrected): ` +
    `mean ${(times.reduce((a, b) => a + b, 0) / RUNS).toFixed(3)} ms, median ${(times[Math.floor(RUNS / 2)] ?? 0).toFixed(3)} ms, p95 ${(times[Math.floor(RUNS * 0.95)] ?? 0).toFixed(3)} ms per snapshot (target < 1 ms)`,
);
console.log(
  `every queue refitted (once a history round at most): median ${(refits[25] ?? 0).toFixed(3)} ms per snapshot`,
);
