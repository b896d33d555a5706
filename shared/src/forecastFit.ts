/**
 * A correction of Erlang C fitted on today's figures (docs/forecast.md). `AGENTS_STAFFED` for a queue counts
 * every agent who can take it, including those who spend most of their time on other queues, so Erlang C on
 * that count is optimistic wherever agents are shared. The fit asks, for each of today's recent closed
 * intervals: how many agents would Erlang C need to reproduce the service level that was realised, with the
 * arrivals and handle time of that interval? That count over the agents staffed then is the share of the staffed
 * agents that worked the queue in effect. The forecast takes the share of the latest intervals (weighted by
 * their contacts, bounded) times the agents staffed now.
 *
 * Erlang C is defined on whole agents; the fit needs a continuous count, so the service level between two whole
 * counts is taken on the straight line between theirs (monotone, exact at whole counts). Both the fit and the
 * prediction use that same extension, so a share fitted on a queue's own past reproduces its past.
 */

/** The share is kept within these bounds, whatever the intervals say. */
export const MIN_AGENT_SHARE = 0.02;
export const MAX_AGENT_SHARE = 2;
/** Intervals with fewer contacts than this say too little about the service level to fit on. */
export const DEFAULT_FIT_MINIMUM_CONTACTS = 10;
/** The fit reads this many of the latest intervals that have enough contacts. */
export const DEFAULT_FIT_INTERVALS = 4;
/** ...among those that started at most this long before the latest one ended. */
export const DEFAULT_FIT_LOOKBACK_MINUTES = 240;

/**
 * The most agents, or erlangs of load, the forecast reasons about for a queue or a centre. No contact centre
 * staffs that many (Connect's quotas are adjustable, so the bound is this one, not a documented limit), so a
 * figure beyond it is a corrupted answer rather than a count; and Erlang C's recursion takes a step per agent, so
 * the forecast leaves such a figure out (null, as for one Connect does not give) rather than count up to it.
 */
export const MAX_FORECAST_AGENTS = 100_000;

/** A count of agents (or a load in erlangs) the forecast can reason about: finite, 0 or more, at most the bound. */
export const withinForecast = (value: number | null | undefined): value is number =>
  typeof value === 'number' && value >= 0 && value <= MAX_FORECAST_AGENTS;

/** The service level (a fraction) of whole `agents` by Erlang C, given Erlang B for (A, agents). */
function wholeServiceLevel(
  traffic: number,
  agents: number,
  thresholdSeconds: number,
  handleTimeSeconds: number,
  b: number,
): number {
  if (agents <= traffic) return 0;
  // Erlang C from Erlang B, as in forecast.ts (not imported from there: forecast.ts builds on this module).
  const c = (agents * b) / (agents - traffic * (1 - b));
  return Math.min(
    1,
    Math.max(0, 1 - c * Math.exp((-(agents - traffic) * thresholdSeconds) / handleTimeSeconds)),
  );
}

/**
 * Erlang C's service level (a fraction) for a continuous count of agents: on the straight line between the
 * whole counts either side. 0 at or below the last whole count at or under the load (where the queue grows
 * without end); from there up to the first whole count above the load, on the line to that count's level, as
 * `effectiveAgents` reads it back.
 */
export function serviceLevelContinuous(
  trafficErlangs: number,
  agents: number,
  thresholdSeconds: number,
  handleTimeSeconds: number,
): number {
  if (!(trafficErlangs > 0)) return 1;
  if (!(agents > Math.floor(trafficErlangs))) return 0;
  const low = Math.floor(agents);
  let b = 1;
  for (let n = 1; n <= low; n += 1) b = (trafficErlangs * b) / (n + trafficErlangs * b);
  const atLow = wholeServiceLevel(trafficErlangs, low, thresholdSeconds, handleTimeSeconds, b);
  const fraction = agents - low;
  if (fraction === 0) return atLow;
  const high = low + 1;
  const bHigh = (trafficErlangs * b) / (high + trafficErlangs * b);
  const atHigh = wholeServiceLevel(trafficErlangs, high, thresholdSeconds, handleTimeSeconds, bHigh);
  return atLow + fraction * (atHigh - atLow);
}

/**
 * The continuous count of agents at which Erlang C's service level reaches `serviceLevel` (a fraction), in one
 * pass up Erlang B's recursion; `limit` when it is not reached by then. 0 for a level of 0 or less, or no load.
 */
export function effectiveAgents(
  trafficErlangs: number,
  serviceLevel: number,
  thresholdSeconds: number,
  handleTimeSeconds: number,
  limit: number,
): number {
  if (!(trafficErlangs > 0) || !(serviceLevel > 0)) return 0;
  let b = 1;
  let previous = 0;
  for (let n = 1; n <= limit; n += 1) {
    b = (trafficErlangs * b) / (n + trafficErlangs * b);
    const level = wholeServiceLevel(trafficErlangs, n, thresholdSeconds, handleTimeSeconds, b);
    if (level >= serviceLevel) return n - 1 + (serviceLevel - previous) / (level - previous);
    previous = level;
  }
  return limit;
}

/** One of today's closed intervals as the wallboard read it. */
export interface FitInterval {
  startMs: number;
  endMs: number;
  /** Contacts queued in the interval. */
  contacts: number | null | undefined;
  /** The service level realised over the interval, in percent (Connect's SERVICE_LEVEL at the threshold). */
  serviceLevel: number | null | undefined;
  /** The interval's average handle time, in seconds. */
  handleTimeSeconds: number | null | undefined;
  /** The queue's AGENTS_STAFFED as the wallboard recorded it during the interval (its mean). */
  agentsStaffed: number | null | undefined;
}

export interface FitSettings {
  serviceLevelSeconds: number;
  minimumContacts?: number;
  intervals?: number;
  lookbackMinutes?: number;
}

export interface AgentShare {
  /** Effective agents per agent staffed, within MIN_AGENT_SHARE and MAX_AGENT_SHARE. */
  share: number;
  /** The intervals it was fitted on. */
  intervals: number;
}

const usable = (value: number | null | undefined): value is number =>
  value !== null && value !== undefined && Number.isFinite(value);

/**
 * The share of the staffed agents that Erlang C needs to reproduce the service level realised in the latest
 * closed intervals with at least `minimumContacts` (within `lookbackMinutes` of the latest), weighted by their contacts; null where no interval
 * qualifies (the forecast then falls back to plain Erlang C). Pure: only the figures given, which are only
 * those of intervals that closed before the forecast.
 *
 * A realised 100% (or 0%) says only that the level was at least (at most) what that many contacts can show, so
 * it is taken as half a contact short of it (1 − ½/k, or ½/k): a finite count of agents, not an infinite one.
 */
export function fitAgentShare(intervals: readonly FitInterval[], settings: FitSettings): AgentShare | null {
  const minimum = settings.minimumContacts ?? DEFAULT_FIT_MINIMUM_CONTACTS;
  const wanted = settings.intervals ?? DEFAULT_FIT_INTERVALS;
  const latest = intervals[intervals.length - 1];
  if (!latest) return null;
  const horizon = latest.endMs - (settings.lookbackMinutes ?? DEFAULT_FIT_LOOKBACK_MINUTES) * 60_000;
  let weighted = 0;
  let weights = 0;
  let used = 0;
  for (let i = intervals.length - 1; i >= 0 && used < wanted; i -= 1) {
    const interval = intervals[i] as FitInterval;
    if (interval.startMs < horizon) break;
    const { contacts, serviceLevel, handleTimeSeconds, agentsStaffed } = interval;
    const seconds = (interval.endMs - interval.startMs) / 1000;
    if (
      !usable(contacts) ||
      contacts < minimum ||
      !usable(serviceLevel) ||
      !usable(handleTimeSeconds) ||
      handleTimeSeconds <= 0 ||
      !withinForecast(agentsStaffed) ||
      agentsStaffed <= 0 ||
      !(seconds > 0)
    )
      continue;
    const traffic = (contacts * handleTimeSeconds) / seconds;
    if (!withinForecast(traffic)) continue;
    const half = 0.5 / contacts;
    const level = Math.min(1 - half, Math.max(half, serviceLevel / 100));
    const limit = Math.ceil(agentsStaffed * MAX_AGENT_SHARE) + 1;
    const agents = effectiveAgents(traffic, level, settings.serviceLevelSeconds, handleTimeSeconds, limit);
    const share = Math.min(MAX_AGENT_SHARE, Math.max(MIN_AGENT_SHARE, agents / agentsStaffed));
    weighted += contacts * share;
    weights += contacts;
    used += 1;
  }
  const share = weighted / weights;
  // Contacts no interval can have (a corrupted answer) overflow the weights: no share rather than NaN.
  if (used === 0 || !Number.isFinite(share)) return null;
  return { share, intervals: used };
}

/**
 * The fewest agents staffed that, at `share` of them in effect, reach `targetPercent` by Erlang C on the
 * continuous count; null for a target no count reaches (100%).
 */
export function staffedForTarget(
  trafficErlangs: number,
  share: number,
  thresholdSeconds: number,
  handleTimeSeconds: number,
  targetPercent: number,
  limit: number,
): number | null {
  const target = targetPercent / 100;
  if (target <= 0 || trafficErlangs <= 0) return 0;
  if (target >= 1) return null;
  const agents = effectiveAgents(trafficErlangs, target, thresholdSeconds, handleTimeSeconds, limit);
  if (agents >= limit) return null;
  return Math.ceil(agents / share - 1e-9);
}
