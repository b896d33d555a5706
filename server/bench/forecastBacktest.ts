/**
 * How well the forecast predicts: an accelerated day of the simulator, whose arrivals and handling are known.
 * For each queue and half-hour interval, the forecast made at the interval's start from what the wallboard
 * reads then (contacts queued in today's latest intervals, today's handle time, the queue's AGENTS_STAFFED, and
 * the closed half-hours before it with the agents staffed sampled during each, every 10 minutes), and the service
 * level realised over the interval. Prints the mean absolute error, in points, over intervals with at least 20
 * contacts, per model, for both staffing plans, and which of the wallboard's models is the most accurate in the
 * planned centre (the snapshot's must be that one). Target: within 10 points.
 *
 * Models (shared/src/forecast.ts): `erlang-c`, every agent staffed counted whole; `erlang-c-fitted`, the share of
 * them fitted on today's closed half-hours (shared/src/forecastFit.ts); `erlang-c-blend`, that averaged with the
 * last half-hour's realised service level; the same two fitted over 2 half-hours rather than 4. For comparison:
 * `erlang-c-busy`, a variant that loads the queue's agents with the work they are doing now for all their queues
 * (AGENTS_ON_CONTACT, when more than the queue's own erlangs); `persistence`, the last half-hour's service level.
 * Run: pnpm --filter @switchboard/server bench:forecast-backtest (`-- --dry-run`: say what it would do and stop).
 */
import {
  DEFAULT_FORECAST_MODEL,
  FORECAST_MODELS,
  forecastQueue,
  serviceLevelWith,
  type ArrivalInterval,
  type FitInterval,
  type ForecastSettings,
} from '@switchboard/shared';
import type { StaffingPlan } from '../src/simulator/catalog.js';
import { computeFigures } from '../src/simulator/figures.js';
import { ContactCentreModel } from '../src/simulator/model.js';
import { serviceLevel, sumIntervals } from '../src/simulator/ops/aggregate.js';

const QUEUES = 40;
const AGENTS = 300;
const SEEDS = [1, 2, 3];
const INTERVAL_MS = 30 * 60_000;
/** AGENTS_STAFFED is sampled this often within an interval, as snapshots would record it. */
const SAMPLE_MS = 10 * 60_000;
const MIN_CONTACTS = 20;
const THRESHOLD_SECONDS = 20;
const TARGET_PERCENT = 80;
const SETTINGS: ForecastSettings = {
  serviceLevelSeconds: THRESHOLD_SECONDS,
  targetPercent: TARGET_PERCENT,
  defaultHandleTimeSeconds: 300,
};
const dayStart = Date.parse('2026-11-24T00:00:00Z');
/** The corrected models, each as the wallboard would compute it (fit intervals of 4 unless said). */
const VARIANTS: Record<string, Partial<ForecastSettings>> = {
  'erlang-c-fitted': { model: 'erlang-c-fitted' },
  'erlang-c-blend': { model: 'erlang-c-blend' },
  'fitted over 2': { model: 'erlang-c-fitted', fitIntervals: 2 },
  'blend over 2': { model: 'erlang-c-blend', fitIntervals: 2 },
};
const MODELS = ['erlang-c', ...Object.keys(VARIANTS), 'erlang-c-busy', 'persistence'];
type Model = string;

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
  // Each queue's closed intervals as the wallboard read them: figures from the series, staffed as it recorded.
  const closed = model.queues.map((): FitInterval[] => []);
  const arrivals = model.queues.map((): ArrivalInterval[] => []);
  const staffedSamples = model.queues.map((): number[] => []);
  const sample = (at: number) => {
    const figures = computeFigures(model, at);
    for (const queue of model.queues) {
      const staffed = figures.queues.get(queue.id)?.AGENTS_STAFFED;
      if (typeof staffed === 'number') staffedSamples[queue.index]?.push(staffed);
    }
    return figures;
  };
  /** A half-hour's figures for a queue as they stand now: they grow after it closes, as contacts' work ends. */
  const figuresOf = (queueIndex: number, from: number, to: number) => {
    const sums = sumIntervals(model, model.history.between(from, to), [queueIndex]);
    return {
      contacts: sums.queued,
      serviceLevel: serviceLevel(sums, THRESHOLD_SECONDS),
      handleTimeSeconds: sums.handled > 0 ? sums.handleTime / sums.handled : null,
    };
  };
  const close = (from: number, to: number) => {
    for (const queue of model.queues) {
      const samples = staffedSamples[queue.index] ?? [];
      const figures = figuresOf(queue.index, from, to);
      closed[queue.index]?.push({
        startMs: from,
        endMs: to,
        ...figures,
        agentsStaffed: samples.length > 0 ? samples.reduce((a, b) => a + b, 0) / samples.length : null,
      });
      arrivals[queue.index]?.push({ startMs: from, endMs: to, contactsQueued: figures.contacts });
      staffedSamples[queue.index] = [];
    }
  };
  /**
   * The wallboard fetches the three latest intervals again each round (server/src/poller/history.ts): at a
   * half-hour's start, when the forecast is made, those are the three half-hours before it, all closed.
   */
  const reread = () => {
    for (const queue of model.queues) {
      const fit = closed[queue.index] ?? [];
      const series = arrivals[queue.index] ?? [];
      for (let i = Math.max(0, fit.length - 3); i < fit.length; i += 1) {
        const interval = fit[i];
        if (!interval) continue;
        const figures = figuresOf(queue.index, interval.startMs, interval.endMs);
        fit[i] = { ...interval, ...figures };
        series[i] = { startMs: interval.startMs, endMs: interval.endMs, contactsQueued: figures.contacts };
      }
    }
  };
  // Each forecast, scored once the day is over and every contact of its half-hour has been counted.
  const scored: { queueIndex: number; start: number; predictions: Record<Model, number | null> }[] = [];
  // The first half-hour, sampled as the wallboard would have seen it.
  for (let at = dayStart; at < dayStart + INTERVAL_MS; at += SAMPLE_MS) {
    model.advanceTo(at);
    sample(at);
  }
  model.advanceTo(dayStart + INTERVAL_MS);
  close(dayStart, dayStart + INTERVAL_MS);
  for (let start = dayStart + INTERVAL_MS; start < dayStart + 24 * 3_600_000; start += INTERVAL_MS) {
    model.advanceTo(start);
    reread();
    // What the wallboard reads at the interval's start: only intervals closed before it.
    const figures = sample(start);
    const today = model.history.between(dayStart, start);
    const made = model.queues.map((queue) => {
      const sums = sumIntervals(model, today, [queue.index]);
      const now = figures.queues.get(queue.id);
      const input = {
        series: arrivals[queue.index],
        handleTimeSeconds: sums.handled > 0 ? sums.handleTime / sums.handled : null,
        contactsHandled: sums.handled,
        agentsStaffed: now?.AGENTS_STAFFED ?? null,
      };
      const forecast = forecastQueue(input, { ...SETTINGS, model: 'erlang-c' });
      const predictions: Record<Model, number | null> = { 'erlang-c': forecast.predictedServiceLevel };
      for (const [name, variant] of Object.entries(VARIANTS)) {
        const fitted = forecastQueue({ ...input, fit: closed[queue.index] }, { ...SETTINGS, ...variant });
        predictions[name] = fitted.predictedServiceLevel;
      }
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
      predictions['erlang-c-busy'] = busy;
      return predictions;
    });
    for (let at = start + SAMPLE_MS; at < start + INTERVAL_MS; at += SAMPLE_MS) {
      model.advanceTo(at);
      sample(at);
    }
    model.advanceTo(start + INTERVAL_MS);
    close(start, start + INTERVAL_MS);
    for (const queue of model.queues) {
      const forecasts = made[queue.index];
      if (!forecasts) continue;
      // "Same as the last half-hour": the one before, as the wallboard read it when the forecast was made.
      const last = closed[queue.index]?.at(-2);
      const before = last && (last.contacts ?? 0) > 0 ? (last.serviceLevel ?? null) : null;
      scored.push({ queueIndex: queue.index, start, predictions: { ...forecasts, persistence: before } });
    }
  }
  // An hour past the day: every contact of its last half-hour has finished its after-contact work.
  model.advanceTo(dayStart + 25 * 3_600_000);
  for (const { queueIndex, start, predictions } of scored) {
    const sums = sumIntervals(model, model.history.between(start, start + INTERVAL_MS), [queueIndex]);
    const realised = sums.dequeued >= MIN_CONTACTS ? serviceLevel(sums, THRESHOLD_SECONDS) : null;
    if (realised === null) continue;
    results.realised.push(realised);
    for (const name of MODELS) {
      const predicted = predictions[name] ?? null;
      if (predicted === null) continue;
      results.errors[name]?.push(Math.abs(predicted - realised));
      results.predicted[name]?.push(predicted);
    }
  }
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const perModel = () => Object.fromEntries(MODELS.map((m) => [m, [] as number[]])) as Record<Model, number[]>;

console.log(
  `backtest: ${QUEUES} queues, ${AGENTS} agents, seeds ${SEEDS.join(', ')}; half-hours with ≥ ${MIN_CONTACTS} contacts; ` +
    `service level ${TARGET_PERCENT}% in ${THRESHOLD_SECONDS} s`,
);
let planned: string | undefined;
for (const staffing of ['planned', 'understaffed'] as const) {
  const results: Results = { errors: perModel(), predicted: perModel(), realised: [] };
  for (const seed of SEEDS) backtest(staffing, seed, results);
  const below = results.realised.filter((r) => r < TARGET_PERCENT).length;
  console.log(
    `${staffing}: ${results.realised.length} intervals, mean realised ${mean(results.realised).toFixed(1)}%, ` +
      `${((below / Math.max(1, results.realised.length)) * 100).toFixed(0)}% of them below target`,
  );
  const best = [...FORECAST_MODELS].sort(
    (a, b) => mean(results.errors[a] ?? []) - mean(results.errors[b] ?? []),
  )[0];
  if (staffing === 'planned') planned = best;
  for (const name of MODELS) {
    const errors = results.errors[name] ?? [];
    console.log(
      `  ${name.padEnd(16)} mean absolute error ${mean(errors).toFixed(1)} points ` +
        `(target ≤ 10) over ${errors.length}; mean predicted ${mean(results.predicted[name] ?? []).toFixed(1)}%`,
    );
  }
}
console.log(
  `most accurate of the wallboard's models in the planned centre: ${planned}; the snapshot's: ${DEFAULT_FORECAST_MODEL}` +
    (planned === DEFAULT_FORECAST_MODEL ? '' : ' (DIFFERENT: change DEFAULT_FORECAST_MODEL)'),
);
