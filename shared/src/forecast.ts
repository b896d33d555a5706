import { z } from 'zod';
import {
  DEFAULT_FIT_INTERVALS,
  DEFAULT_FIT_MINIMUM_CONTACTS,
  fitAgentShare,
  serviceLevelContinuous,
  staffedForTarget,
  withinForecast,
  type AgentShare,
  type FitInterval,
  type FitSettings,
} from './forecastFit.js';

/**
 * What happens next: a queue's service level predicted from its arrival rate, its handle time and the agents
 * staffed now, and the fewest agents that would hold the target. An estimate under Erlang C's assumptions
 * (docs/forecast.md): Poisson arrivals, exponential handle times, callers who never abandon, and every agent
 * who can take the queue counted for it even when they share it with other queues.
 *
 * Erlang C is computed from Erlang B's recursion, B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), and
 * C = N·B / (N − A·(1 − B)): no factorials or powers, so it stays exact at hundreds of agents and thousands of
 * contacts an hour, where A^N / N! overflows a double.
 */

/** The name alert rules and figures give the forecast's predicted service level. */
export const FORECAST_SERVICE_LEVEL = 'FORECAST_SERVICE_LEVEL';

/**
 * `erlang-c`: Erlang C with every agent staffed for the queue counted whole. `erlang-c-fitted`: Erlang C with
 * the share of those agents fitted on today's closed intervals (forecastFit.ts), where there are any.
 * `erlang-c-blend`: the fitted forecast and the service level realised in the last closed interval, averaged
 * (docs/forecast.md: the backtest's most accurate in the planned centre).
 */
export const FORECAST_MODELS = ['erlang-c', 'erlang-c-fitted', 'erlang-c-blend'] as const;
export type ForecastModel = (typeof FORECAST_MODELS)[number];
/** The model the wallboard asks for: the backtest's most accurate in the planned centre (docs/forecast.md). */
export const DEFAULT_FORECAST_MODEL: ForecastModel = 'erlang-c-blend';

export const forecastSchema = z.object({
  model: z.enum(FORECAST_MODELS),
  /** Contacts queued per hour, from the recent intervals of today. */
  arrivalsPerHour: z.number().nonnegative().nullable(),
  /** Today's average handle time, or the configured default while there is too little of today. */
  handleTimeSeconds: z.number().positive().nullable(),
  agentsStaffed: z.number().int().nonnegative().nullable(),
  serviceLevelSeconds: z.number().positive(),
  targetPercent: z.number().min(0).max(100),
  /** Percent of contacts predicted to be answered within serviceLevelSeconds, with the agents staffed now. */
  predictedServiceLevel: z.number().min(0).max(100).nullable(),
  /** The fewest agents predicted to reach the target. */
  agentsRequired: z.number().int().nonnegative().nullable(),
  /** The handle time is the configured default, not today's (too few contacts handled yet): shown as assumed. */
  handleTimeAssumed: z.literal(true).optional(),
  /**
   * Today's intervals from Connect are older than the stale limit: no arrival rate (the last known one would be
   * hours old), so nothing is predicted; the page says why.
   */
  intervalsStale: z.literal(true).optional(),
});
export type Forecast = z.infer<typeof forecastSchema>;

/** Erlang B, the blocking probability of N servers offered A erlangs, by the stable recursion. */
export function erlangB(trafficErlangs: number, agents: number): number {
  let b = 1;
  for (let n = 1; n <= agents; n += 1) b = (trafficErlangs * b) / (n + trafficErlangs * b);
  return b;
}

/** Erlang C from Erlang B: the probability that a contact waits. 1 when N ≤ A (the queue grows without end). */
export function erlangCFromB(trafficErlangs: number, agents: number, b: number): number {
  if (agents <= trafficErlangs) return 1;
  return (agents * b) / (agents - trafficErlangs * (1 - b));
}

/** Erlang C: the probability that a contact has to wait, with N agents offered A erlangs. */
export function erlangC(trafficErlangs: number, agents: number): number {
  return erlangCFromB(trafficErlangs, agents, erlangB(trafficErlangs, agents));
}

/**
 * P(wait ≤ t) = 1 − C·e^(−(N−A)·t/AHT), as a fraction; 0 when N ≤ A. `b` is Erlang B for (A, N) when known.
 */
export function serviceLevelWith(
  trafficErlangs: number,
  agents: number,
  thresholdSeconds: number,
  handleTimeSeconds: number,
  b = erlangB(trafficErlangs, agents),
): number {
  if (agents <= trafficErlangs) return 0;
  const c = erlangCFromB(trafficErlangs, agents, b);
  return Math.min(
    1,
    Math.max(0, 1 - c * Math.exp((-(agents - trafficErlangs) * thresholdSeconds) / handleTimeSeconds)),
  );
}

/** Past this many agents above the load, a target no count reaches (100%) is given up: null. */
const MAX_EXTRA_AGENTS = 2000;

/**
 * The fewest agents whose predicted service level reaches `targetPercent`; null for a target no count of
 * agents reaches (100%). B is carried up the recursion, so the search costs one step per agent.
 */
export function agentsForTarget(
  trafficErlangs: number,
  thresholdSeconds: number,
  handleTimeSeconds: number,
  targetPercent: number,
): number | null {
  const target = targetPercent / 100;
  if (target <= 0 || trafficErlangs <= 0) return 0;
  // Some contacts always wait under Erlang C: 100% is never reached, whatever the count.
  if (target >= 1) return null;
  let b = 1;
  const limit = Math.ceil(trafficErlangs) + MAX_EXTRA_AGENTS;
  for (let n = 1; n <= limit; n += 1) {
    b = (trafficErlangs * b) / (n + trafficErlangs * b);
    if (n <= trafficErlangs) continue;
    if (serviceLevelWith(trafficErlangs, n, thresholdSeconds, handleTimeSeconds, b) >= target) return n;
  }
  return null;
}

/** One interval of today's series: when it ran and the contacts queued in it (the open one runs to `endMs`). */
export interface ArrivalInterval {
  startMs: number;
  endMs: number;
  contactsQueued: number | null | undefined;
}

export interface ForecastSettings {
  serviceLevelSeconds: number;
  targetPercent: number;
  /** The handle time taken while today has too few contacts handled to have its own. */
  defaultHandleTimeSeconds: number;
  /** The arrival rate is averaged over at least this much of the latest intervals (the open one included). */
  smoothingMinutes?: number;
  /** Less than this much of the series and there is no arrival rate: too little to say. */
  minimumMinutes?: number;
  /** Contacts handled today below which today's handle time is not trusted and the default is taken. */
  minimumHandled?: number;
  /** Intervals with fewer contacts are not fitted on (forecastFit.ts). */
  fitMinimumContacts?: number;
  /** How many of the latest intervals with enough contacts the share is fitted on. */
  fitIntervals?: number;
  /**
   * The model wanted where the figures allow it (default `erlang-c-blend`): without fit intervals it is
   * `erlang-c`; without a realised service level in the last closed interval, `erlang-c-fitted`.
   */
  model?: ForecastModel;
}

export const DEFAULT_SMOOTHING_MINUTES = 60;
export const DEFAULT_MINIMUM_MINUTES = 15;
export const DEFAULT_MINIMUM_HANDLED = 10;

/**
 * Contacts queued per hour over the latest intervals: the open one (queued so far over its time so far, so it is
 * pro-rated) and the closed ones before it, back until `smoothingMinutes` are covered. Null while the series
 * covers less than `minimumMinutes`, or an interval in the window has no figure.
 */
export function arrivalRate(
  series: readonly ArrivalInterval[],
  smoothingMinutes = DEFAULT_SMOOTHING_MINUTES,
  minimumMinutes = DEFAULT_MINIMUM_MINUTES,
): number | null {
  let contacts = 0;
  let ms = 0;
  for (let i = series.length - 1; i >= 0 && ms < smoothingMinutes * 60_000; i -= 1) {
    const interval = series[i] as ArrivalInterval;
    const length = interval.endMs - interval.startMs;
    if (!(length > 0)) continue;
    const queued = interval.contactsQueued;
    if (queued === null || queued === undefined || !Number.isFinite(queued) || queued < 0) return null;
    contacts += queued;
    ms += length;
  }
  if (ms < minimumMinutes * 60_000) return null;
  return (contacts * 3_600_000) / ms;
}

export interface QueueForecastInput {
  series: readonly ArrivalInterval[] | undefined;
  /** Today's HANDLE_TIME and CONTACTS_HANDLED. */
  handleTimeSeconds: number | null | undefined;
  contactsHandled: number | null | undefined;
  /** AGENTS_STAFFED for the queue now. */
  agentsStaffed: number | null | undefined;
  /** Today's intervals are out of date (their section stale): no arrival rate is read from them. */
  intervalsStale?: boolean;
  /**
   * Today's closed intervals with their realised service level and the agents staffed then, oldest first: with
   * them, the share of the staffed agents Erlang C needs is fitted and the model is `erlang-c-fitted`; without
   * them (or none with enough contacts), plain `erlang-c`.
   */
  fit?: readonly FitInterval[] | undefined;
  /**
   * The share already fitted on `fit` (fitAgentShare with fitSettings), where the caller keeps it between
   * snapshots: the fit is then not repeated.
   */
  share?: AgentShare | null | undefined;
}

/**
 * Two decimals are plenty on a screen, and keep a figure that barely moved from changing every update. A figure
 * past what a number holds (from a corrupted answer) is none.
 */
function round2(value: number | null): number | null {
  if (value === null) return null;
  const rounded = Math.round(value * 100) / 100;
  return Number.isFinite(rounded) ? rounded : null;
}

const known = (value: number | null | undefined): value is number =>
  value !== null && value !== undefined && Number.isFinite(value);

/** What the fit of the agents' share reads from the forecast's settings. */
export function fitSettings(settings: ForecastSettings): FitSettings {
  return {
    serviceLevelSeconds: settings.serviceLevelSeconds,
    minimumContacts: settings.fitMinimumContacts ?? DEFAULT_FIT_MINIMUM_CONTACTS,
    intervals: settings.fitIntervals ?? DEFAULT_FIT_INTERVALS,
  };
}

/**
 * The service level realised in the last closed interval, when it had at least `minimumContacts` (as an interval
 * the share is fitted on must): one contact answered late in a quiet interval is a realised 0%, and would halve
 * the forecast. Otherwise null.
 */
function lastRealised(intervals: readonly FitInterval[], minimumContacts: number): number | null {
  const last = intervals[intervals.length - 1];
  if (
    !last ||
    !known(last.contacts) ||
    last.contacts < Math.max(1, minimumContacts) ||
    !known(last.serviceLevel)
  )
    return null;
  return Math.min(100, Math.max(0, last.serviceLevel));
}

/** A queue's forecast; each figure null where there is too little to say, never a guess. */
export function forecastQueue(input: QueueForecastInput, settings: ForecastSettings): Forecast {
  const arrivals =
    input.series && !input.intervalsStale
      ? arrivalRate(input.series, settings.smoothingMinutes, settings.minimumMinutes)
      : null;
  const handled = known(input.contactsHandled) ? input.contactsHandled : 0;
  // Today's handle time where there is enough of today and it shows as a figure (under a hundredth of a second
  // it shows as 0, and above what a number holds as nothing); the default otherwise.
  const measured =
    known(input.handleTimeSeconds) &&
    (round2(input.handleTimeSeconds) ?? 0) > 0 &&
    handled >= (settings.minimumHandled ?? DEFAULT_MINIMUM_HANDLED);
  const handleTime =
    measured && known(input.handleTimeSeconds) ? input.handleTimeSeconds : settings.defaultHandleTimeSeconds;
  const staffed = withinForecast(input.agentsStaffed) ? Math.round(input.agentsStaffed) : null;
  const wanted = settings.model ?? DEFAULT_FORECAST_MODEL;
  const fitted =
    input.fit && wanted !== 'erlang-c'
      ? input.share !== undefined
        ? input.share
        : fitAgentShare(input.fit, fitSettings(settings))
      : null;
  let predicted: number | null = null;
  let required: number | null = null;
  const traffic = arrivals === null ? null : (arrivals * handleTime) / 3600;
  const last =
    fitted && wanted === 'erlang-c-blend'
      ? lastRealised(input.fit ?? [], settings.fitMinimumContacts ?? DEFAULT_FIT_MINIMUM_CONTACTS)
      : null;
  // A load beyond any staffing (a corrupted answer) gives no figures rather than a count up to it.
  if (arrivals !== null && withinForecast(traffic)) {
    const threshold = settings.serviceLevelSeconds;
    required = fitted
      ? staffedForTarget(
          traffic,
          fitted.share,
          threshold,
          handleTime,
          settings.targetPercent,
          Math.ceil(traffic) + MAX_EXTRA_AGENTS,
        )
      : agentsForTarget(traffic, threshold, handleTime, settings.targetPercent);
    // No contacts coming: there is no service level to predict (Connect's own is no data then too).
    if (staffed !== null && arrivals > 0)
      predicted =
        (fitted
          ? serviceLevelContinuous(traffic, fitted.share * staffed, threshold, handleTime)
          : serviceLevelWith(traffic, staffed, threshold, handleTime)) * 100;
  }
  // With no agent staffed nobody answers, whatever the last interval realised: nothing to blend with.
  const blend = last !== null && staffed !== 0;
  if (predicted !== null && blend) predicted = (predicted + last) / 2;
  return {
    model: fitted ? (blend ? 'erlang-c-blend' : 'erlang-c-fitted') : 'erlang-c',
    arrivalsPerHour: round2(arrivals),
    handleTimeSeconds: round2(handleTime),
    agentsStaffed: staffed,
    serviceLevelSeconds: settings.serviceLevelSeconds,
    targetPercent: settings.targetPercent,
    predictedServiceLevel: round2(predicted),
    agentsRequired: required,
    ...(measured ? {} : { handleTimeAssumed: true as const }),
    ...(input.intervalsStale ? { intervalsStale: true as const } : {}),
  };
}

/**
 * The whole centre's (or a board's) forecast from its queues': arrivals added, handle time and predicted service
 * level weighted by arrivals (as Connect's centre-wide service level weights its queues by contacts), and the
 * agents required: the distinct agents staffed (`agentsStaffed`) plus every queue's shortfall. Null where any queue with
 * arrivals has no figure: a sum missing a queue would pass for the whole.
 */
export function combineForecasts(
  forecasts: readonly Forecast[],
  agentsStaffed: number | null | undefined,
  settings: Pick<ForecastSettings, 'serviceLevelSeconds' | 'targetPercent'>,
): Forecast {
  let arrivals = 0;
  let handleWeighted = 0;
  let slWeighted = 0;
  let shortfall = 0;
  let anyArrivals = false;
  let missingArrivals = false;
  let missingPredicted = false;
  let missingRequired = false;
  let fitted: ForecastModel | null = null;
  let stale = false;
  let assumedArrivals = 0;
  for (const forecast of forecasts) {
    if (FORECAST_MODELS.indexOf(forecast.model) > FORECAST_MODELS.indexOf(fitted ?? 'erlang-c'))
      fitted = forecast.model;
    if (forecast.intervalsStale) stale = true;
    if (forecast.arrivalsPerHour === null) {
      missingArrivals = true;
      continue;
    }
    anyArrivals = true;
    const rate = forecast.arrivalsPerHour;
    arrivals += rate;
    if (forecast.handleTimeAssumed) assumedArrivals += rate;
    handleWeighted += rate * (forecast.handleTimeSeconds ?? 0);
    const short = forecastShortfall(forecast);
    if (short === null) missingRequired = true;
    else shortfall += short;
    if (rate > 0) {
      if (forecast.predictedServiceLevel === null) missingPredicted = true;
      else slWeighted += rate * forecast.predictedServiceLevel;
    }
  }
  const complete = anyArrivals && !missingArrivals;
  return {
    // Corrected where any of its queues' forecasts is: the furthest model along FORECAST_MODELS names it.
    model: fitted ?? 'erlang-c',
    arrivalsPerHour: complete ? round2(arrivals) : null,
    handleTimeSeconds: complete && arrivals > 0 ? round2(handleWeighted / arrivals) : null,
    agentsStaffed: withinForecast(agentsStaffed) ? Math.round(agentsStaffed) : null,
    serviceLevelSeconds: settings.serviceLevelSeconds,
    targetPercent: settings.targetPercent,
    // A mean of figures within 0 to 100, kept there against the rounding of the sums.
    predictedServiceLevel:
      complete && arrivals > 0 && !missingPredicted
        ? round2(Math.min(100, Math.max(0, slWeighted / arrivals)))
        : null,
    // The distinct agents staffed and every queue's shortfall: a queue with agents to spare lends none to another
    // here (its agents may not serve it), and the agents staffed on several queues count once. The shortfalls are
    // added as if each queue's were found alone, so over several queues this is the most needed: an agent found
    // for a routing profile serving two short queues counts toward both (forecastShortfallText says "up to").
    agentsRequired:
      complete && !missingRequired && withinForecast(agentsStaffed)
        ? Math.round(agentsStaffed) + shortfall
        : null,
    // Assumed where most of the contacts coming are on queues without a handle time of their own today.
    ...(complete && arrivals > 0 && assumedArrivals * 2 >= arrivals
      ? { handleTimeAssumed: true as const }
      : {}),
    ...(stale ? { intervalsStale: true as const } : {}),
  };
}

/** Agents short of the target: required less staffed, never below 0; null when either is unknown. */
export function forecastShortfall(forecast: Forecast | null | undefined): number | null {
  if (!forecast || forecast.agentsRequired === null || forecast.agentsStaffed === null) return null;
  return Math.max(0, forecast.agentsRequired - forecast.agentsStaffed);
}

/**
 * Whether the forecast says the target will be missed: the predicted service level below the target. "At risk"
 * on a tile whose current figures are still fine.
 */
export function forecastAtRisk(forecast: Forecast | null | undefined): boolean {
  return (
    !!forecast &&
    forecast.predictedServiceLevel !== null &&
    forecast.predictedServiceLevel < forecast.targetPercent
  );
}
