/**
 * How well the forecast predicts: an accelerated day of the simulator, whose arrivals and handling are known.
 * For each queue and half-hour interval, the forecast made at the interval's start from what the wallboard
 * reads then (contacts queued in today's latest intervals, today's handle time, the queue's AGENTS_STAFFED), and
 * the service level realised over the interval. Prints the mean absolute error, in points, over intervals with
 * at least 20 contacts, per model, for both staffing plans. Target: within 10 points.
 *
 * Models: `erlang-c`, the wallboard's (shared/src/forecast.ts); `erlang-c-busy`, a variant that loads the
 * queue's agents with the work they are doing now for all their queues (AGENTS_ON_CONTACT, when more than the
 * queue's own erlangs) rather than the queue's own work alone; `persistence`, the last half-hour's service level,
 * for scale.
 * Run: pnpm --filter @switchboard/server bench:forecast-backtest (`-- --dry-run`: say what it would do and stop).
 */
import { forecastQueue, serviceLevelWith, type ArrivalInterval } from '@switchboard/shared';
import type { StaffingPlan } from '../src/simulator/catalog.js';
import { computeFigures } from '../src/simulator/figures.js';
import { ContactCentreModel } from '../src/simulator/model.js';
import { serviceLevel, sumIntervals } from '../src/simulator/ops/aggregate.js';

const QUEUES = 40;
const AGENTS = 300;
const SEEDS = [1, 2, 3];
const INTERVAL_MS = 30 * 60_000;
const MIN_CONTACTS = 20;
const THRESHOLD_SECONDS = 20;
const TARGET_PERCENT = 80;
const SETTINGS = {
  serviceLevelSeconds: THRESHOLD_SECONDS,
  targetPercent: TARGET_PERCENT,
  defaultHandleTimeSeconds: 300,
};
const dayStart = Date.parse('2026-11-24T00:00:00Z');
const MODELS = ['erlang-c', 'erlang-c-busy', 'persistence'] as const;
type Model = (typeof MODELS)[number];

if (process.argv.includes('--dry-run')) {
  console.log(
    `would simulate a day of ${QUEUES} queues and ${AGENTS} agents for seeds ${SEEDS.join(', ')} under each staffing plan, ` +
      `forecasting each queue at each half-hour's start and comparing with the service level realised`,
  );
  process.exit(0);
}

interface Results {
  errors: Record<Model, number[]>;
  predicted: Record<Model, number[]>;
  realised: number[];
}

function backtest(staffing: StaffingPlan, seed: number, results: Results): void {
  const model = new ContactCentreModel({
    instanceId: 'backtest',
    region: 'us-east-1',
    accountId: '123456789012',
    queues: QUEUES,
    agents: AGENTS,
    seed,
    staffing,
    startMs: dayStart,
  });
  const previous = new Map<number, number | null>();
  for (let start = dayStart + INTERVAL_MS; start < dayStart + 24 * 3_600_000; start += INTERVAL_MS) {
    model.advanceTo(start);
    // What the wallboard reads at the interval's start.
    const figures = computeFigures(model, start);
    const today = model.history.between(dayStart, start);
    const made = model.queues.map((queue) => {
      const series: ArrivalInterval[] = [];
      for (let from = dayStart; from < start; from += INTERVAL_MS) {
        const sums = sumIntervals(model, model.history.between(from, from + INTERVAL_MS), [queue.index]);
        series.push({ startMs: from, endMs: from + INTERVAL_MS, contactsQueued: sums.queued });
      }
      const sums = sumIntervals(model, today, [queue.index]);
      const now = figures.queues.get(queue.id);
      const forecast = forecastQueue(
        {
          series,
          handleTimeSeconds: sums.handled > 0 ? sums.handleTime / sums.handled : null,
          contactsHandled: sums.handled,
          agentsStaffed: now?.AGENTS_STAFFED ?? null,
        },
        SETTINGS,
      );
      let busy: number | null = null;
      const { arrivalsPerHour, handleTimeSeconds, agentsStaffed } = forecast;
      if (
        arrivalsPerHour !== null &&
        arrivalsPerHour > 0 &&
        handleTimeSeconds !== null &&
        agentsStaffed !== null
      ) {
        const traffic = Math.max((arrivalsPerHour * handleTimeSeconds) / 3600, now?.AGENTS_ON_CONTACT ?? 0);
        busy = serviceLevelWith(traffic, agentsStaffed, THRESHOLD_SECONDS, handleTimeSeconds) * 100;
      }
      return { 'erlang-c': forecast.predictedServiceLevel, 'erlang-c-busy': busy };
    });
    model.advanceTo(start + INTERVAL_MS);
    for (const queue of model.queues) {
      const sums = sumIntervals(model, model.history.between(start, start + INTERVAL_MS), [queue.index]);
      const realised = sums.dequeued >= MIN_CONTACTS ? serviceLevel(sums, THRESHOLD_SECONDS) : null;
      const before = previous.get(queue.index) ?? null;
      previous.set(queue.index, sums.dequeued > 0 ? serviceLevel(sums, THRESHOLD_SECONDS) : null);
      const forecasts = made[queue.index];
      if (realised === null || !forecasts) continue;
      results.realised.push(realised);
      const predictions: Record<Model, number | null> = { ...forecasts, persistence: before };
      for (const name of MODELS) {
        const predicted = predictions[name];
        if (predicted === null) continue;
        results.errors[name].push(Math.abs(predicted - realised));
        results.predicted[name].push(predicted);
      }
    }
  }
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const perModel = () => Object.fromEntries(MODELS.map((m) => [m, [] as number[]])) as Record<Model, number[]>;

console.log(
  `backtest: ${QUEUES} queues, ${AGENTS} agents, seeds ${SEEDS.join(', ')}; half-hours with ≥ ${MIN_CONTACTS} contacts; ` +
    `service level ${TARGET_PERCENT}% in ${THRESHOLD_SECONDS} s`,
);
for (const staffing of ['planned', 'understaffed'] as const) {
  const results: Results = { errors: perModel(), predicted: perModel(), realised: [] };
  for (const seed of SEEDS) backtest(staffing, seed, results);
  const below = results.realised.filter((r) => r < TARGET_PERCENT).length;
  console.log(
    `${staffing}: ${results.realised.length} intervals, mean realised ${mean(results.realised).toFixed(1)}%, ` +
      `${((below / Math.max(1, results.realised.length)) * 100).toFixed(0)}% of them below target`,
  );
  for (const name of MODELS) {
    console.log(
      `  ${name.padEnd(14)} mean absolute error ${mean(results.errors[name]).toFixed(1)} points ` +
        `(target ≤ 10) over ${results.errors[name].length}; mean predicted ${mean(results.predicted[name]).toFixed(1)}%`,
    );
  }
}
