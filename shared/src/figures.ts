/**
 * One descriptor per figure: what it is called (in full and on a tile), its unit, how it is written, and which
 * way is bad. Every place that shows a figure (a tile, a chart, an alert, a webhook message) writes it from
 * here, so a figure reads the same wherever it appears: 455 seconds of oldest contact is "7:35" on the tile, in
 * the alert and in Slack alike.
 */

/** What a figure counts: contacts or agents, seconds, or a percentage (0 to 100). */
export type FigureUnit = 'count' | 'duration' | 'percent';

/**
 * Which way is bad: "above" when higher is worse (contacts in queue), "below" when lower is worse (service
 * level). A threshold or alert rule on the figure takes the same `direction`.
 */
export type BadDirection = 'above' | 'below';

export interface FigureDescriptor {
  /** Connect's metric name (or, for a figure worked out here, its own name such as ABANDON_RATE). */
  metric: string;
  /** In full: alerts, tooltips, screen readers. */
  label: string;
  /** Where room is short: a tile's figure, a column heading. The full label when there is no shorter one. */
  shortLabel: string;
  unit: FigureUnit;
  bad: BadDirection;
}

type Entry = Omit<FigureDescriptor, 'metric' | 'shortLabel'> & { shortLabel?: string };

const count = (label: string, bad: BadDirection, shortLabel?: string): Entry => ({
  label,
  unit: 'count',
  bad,
  ...(shortLabel ? { shortLabel } : {}),
});
const duration = (label: string, shortLabel?: string): Entry => ({
  label,
  unit: 'duration',
  bad: 'above',
  ...(shortLabel ? { shortLabel } : {}),
});

const FIGURES: Readonly<Record<string, Entry>> = {
  // Real-time, from GetCurrentMetricData.
  AGENTS_ONLINE: count('Online', 'below'),
  AGENTS_AVAILABLE: count('Available', 'below', 'Avail'),
  AGENTS_ON_CALL: count('On call', 'above'),
  AGENTS_ON_CONTACT: count('On contact', 'above'),
  AGENTS_STAFFED: count('Staffed', 'below'),
  AGENTS_AFTER_CONTACT_WORK: count('After contact work', 'above', 'ACW'),
  AGENTS_NON_PRODUCTIVE: count('Non-productive', 'above'),
  AGENTS_ERROR: count('Error', 'above'),
  CONTACTS_IN_QUEUE: count('In queue', 'above'),
  CONTACTS_SCHEDULED: count('Scheduled', 'above'),
  SLOTS_ACTIVE: count('Slots active', 'above'),
  SLOTS_AVAILABLE: count('Slots available', 'below'),
  OLDEST_CONTACT_AGE: duration('Oldest contact', 'Oldest'),
  ESTIMATED_WAIT_TIME: duration('Estimated wait', 'Est. wait'),
  // Today so far, from GetMetricData.
  CONTACTS_QUEUED: count('Queued today', 'above', 'Queued'),
  CONTACTS_HANDLED: count('Handled', 'below'),
  CONTACTS_ABANDONED: count('Abandoned', 'above'),
  CONTACTS_HANDLED_INCOMING: count('Handled incoming', 'below'),
  CALLBACK_CONTACTS_HANDLED: count('Callbacks handled', 'below'),
  API_CONTACTS_HANDLED: count('API contacts handled', 'below'),
  QUEUE_ANSWER_TIME: duration('Avg speed of answer', 'ASA'),
  HANDLE_TIME: duration('Avg handle time', 'AHT'),
  ABANDON_TIME: duration('Avg abandon time'),
  AFTER_CONTACT_WORK_TIME: duration('Avg after contact work', 'Avg ACW'),
  OCCUPANCY: { label: 'Occupancy', unit: 'percent', bad: 'above' },
  // Worked out by the wallboard: contacts abandoned over contacts queued, today.
  ABANDON_RATE: { label: 'Abandon rate', shortLabel: 'Abandoned', unit: 'percent', bad: 'above' },
  // The forecast's predicted service level with the agents staffed now (shared/src/forecast.ts): an estimate.
  FORECAST_SERVICE_LEVEL: {
    label: 'Forecast service level (estimate)',
    shortLabel: 'Forecast SL',
    unit: 'percent',
    bad: 'below',
  },
  // A screen's time in a bad state, for screen alert rules (shared/src/screens.ts).
  SCREEN_DISCONNECTED: duration('Screen disconnected'),
  SCREEN_STALE: duration('Screen stale'),
  SCREEN_DOWN_OR_STALE: duration('Screen disconnected or stale'),
};

const SERVICE_LEVEL = /^SERVICE_LEVEL_(\d+)$/;

/**
 * Counts GetMetricData sums over today's range (server/src/connect/historical.ts asks for them). The last three
 * add up to the contacts answered from a queue (inbound and transferred, callbacks, API contacts such as tasks):
 * what QUEUE_ANSWER_TIME is an average of, unlike CONTACTS_HANDLED, which also counts outbound calls (see
 * `ANSWERED_FROM_QUEUE` in server/src/poller/combine.ts).
 */
export const HISTORICAL_COUNTS = [
  'CONTACTS_QUEUED',
  'CONTACTS_HANDLED',
  'CONTACTS_ABANDONED',
  'CONTACTS_HANDLED_INCOMING',
  'CALLBACK_CONTACTS_HANDLED',
  'API_CONTACTS_HANDLED',
] as const;
/** Averages GetMetricData gives over today's range, in seconds. */
export const HISTORICAL_AVERAGES = [
  'QUEUE_ANSWER_TIME',
  'HANDLE_TIME',
  'ABANDON_TIME',
  'AFTER_CONTACT_WORK_TIME',
] as const;

/** Today's figures (from GetMetricData, or worked out from them): they go stale with the `today` section. */
const TODAY_FIGURES: ReadonlySet<string> = new Set([
  ...HISTORICAL_COUNTS,
  ...HISTORICAL_AVERAGES,
  'OCCUPANCY',
  'ABANDON_RATE',
]);

/** Whether `metric` is one of today's figures, which the `today` section brings, not the real-time one. */
export function isTodayFigure(metric: string): boolean {
  return TODAY_FIGURES.has(metric) || SERVICE_LEVEL.test(metric);
}

/**
 * The descriptor of `metric`. SERVICE_LEVEL_<n> is the share answered within n seconds; a name this build does
 * not know is shown by its Connect name, as a count, with higher taken as worse (the thresholds' default).
 */
export function figureDescriptor(metric: string): FigureDescriptor {
  // Every figure on every tile asks for its descriptor on every update: each is worked out once.
  let descriptor = descriptors.get(metric);
  if (!descriptor) {
    descriptor = Object.freeze(describe(metric));
    if (descriptors.size >= 256) descriptors.clear();
    descriptors.set(metric, descriptor);
  }
  return descriptor;
}

const descriptors = new Map<string, FigureDescriptor>();

function describe(metric: string): FigureDescriptor {
  const serviceLevel = SERVICE_LEVEL.exec(metric);
  if (serviceLevel) {
    const seconds = serviceLevel[1] as string;
    return {
      metric,
      label: `Service level (${seconds} s)`,
      shortLabel: `SL ${seconds}s`,
      unit: 'percent',
      bad: 'below',
    };
  }
  const entry = Object.hasOwn(FIGURES, metric) ? FIGURES[metric] : undefined;
  if (!entry) return { metric, label: metric, shortLabel: metric, unit: 'count', bad: 'above' };
  return { metric, ...entry, shortLabel: entry.shortLabel ?? entry.label };
}

/**
 * Abandoned as a share of queued today, in percent (admin guide, "Abandonment rate": contacts abandoned ÷
 * contacts queued × 100); null when nothing was queued.
 */
export function abandonRate(today: Readonly<Record<string, number | null | undefined>>): number | null {
  const queued = today.CONTACTS_QUEUED;
  const abandoned = today.CONTACTS_ABANDONED;
  if (
    queued === null ||
    queued === undefined ||
    abandoned === null ||
    abandoned === undefined ||
    queued === 0
  )
    return null;
  return (abandoned / queued) * 100;
}

/**
 * A figure the wallboard works out from Connect's (ABANDON_RATE), from the same figures a tile shows; undefined
 * for any other metric. Thresholds and alert rules on it are evaluated like those on Connect's own.
 */
export function derivedFigure(
  metric: string,
  figures: Readonly<Record<string, number | null | undefined>>,
): number | null | undefined {
  return metric === 'ABANDON_RATE' ? abandonRate(figures) : undefined;
}

/** The difference between two names in single-character edits: for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitute));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The figures a threshold or an alert rule on queues or the centre can watch (the screens' own aside). */
const WATCHABLE = Object.keys(FIGURES).filter((metric) => !metric.startsWith('SCREEN_'));

/**
 * Why `metric` cannot take a threshold or an alert rule, or null if it can: one of the figures above (Connect's
 * real-time and today's figures, ABANDON_RATE, FORECAST_SERVICE_LEVEL) or SERVICE_LEVEL_<seconds>. A misspelt
 * name would otherwise never have a value: its rule would never fire, and its threshold never colour anything.
 */
export function unwatchableFigure(metric: string, use: 'rule' | 'threshold' = 'rule'): string | null {
  // The forecast is an estimate beside the figures, not one of them: alert rules watch it, no tile is coloured by it.
  if (metric === 'FORECAST_SERVICE_LEVEL' && use === 'threshold')
    return 'FORECAST_SERVICE_LEVEL takes alert rules (alerts:, with a value under which to warn), not thresholds: no figure on a tile is coloured by it.';
  const serviceLevel = SERVICE_LEVEL.exec(metric);
  if (serviceLevel) return serviceLevelIssue(metric, serviceLevel[1] as string);
  if (WATCHABLE.includes(metric)) return null;
  const [closest] = [...WATCHABLE, 'SERVICE_LEVEL_20']
    .map((name) => ({ name, distance: editDistance(metric, name) }))
    .sort((a, b) => a.distance - b.distance);
  const hint =
    closest && closest.distance <= Math.max(2, Math.floor(metric.length / 4))
      ? ` Did you mean ${closest.name}?`
      : '';
  return `${metric} is not a figure the wallboard has.${hint} Use a Connect metric name such as CONTACTS_IN_QUEUE, OLDEST_CONTACT_AGE or SERVICE_LEVEL_<seconds>, ABANDON_RATE or FORECAST_SERVICE_LEVEL.`;
}

/** Connect's range for a service level's threshold, in seconds: GetMetricData's `ThresholdValue`, 1 to 604800. */
export const SERVICE_LEVEL_MAX_SECONDS = 604_800;

/** The seconds of SERVICE_LEVEL_<seconds>, or null for any other metric. */
export function serviceLevelSeconds(metric: string): number | null {
  const seconds = SERVICE_LEVEL.exec(metric)?.[1];
  return seconds === undefined ? null : Number(seconds);
}

/**
 * Why SERVICE_LEVEL_<seconds> cannot be fetched, or null. Connect refuses a whole GetMetricData request for a
 * `ThresholdValue` outside 1 to 604800, and echoes the threshold back as a number: `SERVICE_LEVEL_020` would be
 * fetched as 20 and never matched.
 */
function serviceLevelIssue(metric: string, seconds: string): string | null {
  const value = Number(seconds);
  if (value >= 1 && value <= SERVICE_LEVEL_MAX_SECONDS && String(value) === seconds) return null;
  if (value >= 1 && value <= SERVICE_LEVEL_MAX_SECONDS)
    return `${metric}: write the seconds without leading zeros, as SERVICE_LEVEL_${value}.`;
  return `${metric}: Connect counts a service level within 1 to ${SERVICE_LEVEL_MAX_SECONDS} seconds (7 days); use a threshold in that range, e.g. SERVICE_LEVEL_20.`;
}

/** Every figure with a descriptor of its own (SERVICE_LEVEL_<n> aside, which takes any n). */
export const DESCRIBED_FIGURES: readonly string[] = Object.keys(FIGURES);

/** A figure Connect could not compute is shown as "no data", never as 0. */
export const NO_DATA = '–';

/** "00" to "59": the ticking times are rewritten every second, so their digits are not built each time. */
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

const missing = (value: number | null | undefined): value is null | undefined =>
  value === null || value === undefined || !Number.isFinite(value);

/**
 * Seconds as m:ss, or h:mm:ss from an hour: 455 is "7:35", 3725 is "1:02:05". Rounded to the second; a
 * negative time (clocks a little apart) is "0:00"; no data, NaN or infinity is "–".
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (missing(seconds)) return NO_DATA;
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = TWO_DIGITS[whole % 60] as string;
  return h > 0 ? `${h}:${TWO_DIGITS[m] as string}:${s}` : `${m}:${s}`;
}

/** Writes figures in one locale's numbers. */
export interface FigureFormatter {
  /** The locale in use (the requested one, or the runtime's default where that one is not a locale). */
  locale: string;
  /** A whole number with the locale's grouping: 1,234. */
  count(value: number | null | undefined): string;
  /** A percentage given from 0 to 100, to a tenth at most: 71.5%. */
  percent(value: number | null | undefined): string;
  /** Seconds as m:ss or h:mm:ss. */
  duration(seconds: number | null | undefined): string;
  /** A figure of `metric` in its own unit. */
  figure(metric: string, value: number | null | undefined): string;
}

function safeLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  try {
    return Intl.getCanonicalLocales(locale)[0];
  } catch {
    return undefined;
  }
}

const formatters = new Map<string, FigureFormatter>();

/** The formatter of `locale` (BCP 47, e.g. en-GB); a missing or malformed locale falls back to the runtime's. */
export function figureFormatter(locale?: string): FigureFormatter {
  const loc = safeLocale(locale);
  const key = loc ?? '';
  const cached = formatters.get(key);
  if (cached) return cached;
  const countFormat = new Intl.NumberFormat(loc, { maximumFractionDigits: 0 });
  const percentFormat = new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 1 });
  // A measured percentage keeps its one decimal ("85.0%", not "85%" beside "77.1%"): a column of them lines up,
  // and a figure does not change width as it crosses a whole number; but for the whole, "100%".
  const measuredFormat = new Intl.NumberFormat(loc, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  // Counts are small whole numbers, the same few hundred again on every tile and update: each is formatted once.
  const counts = new Map<number, string>();
  const count = (value: number) => {
    // -0 is left to the formatter: a map takes it for 0.
    if (!Number.isInteger(value) || Object.is(value, -0)) return countFormat.format(value);
    let text = counts.get(value);
    if (text === undefined) {
      text = countFormat.format(value);
      if (counts.size >= 4096) counts.clear();
      counts.set(value, text);
    }
    return text;
  };
  const format: FigureFormatter = {
    locale: countFormat.resolvedOptions().locale,
    count: (value) => (missing(value) ? NO_DATA : count(value)),
    percent: (value) => (missing(value) ? NO_DATA : percentFormat.format(value / 100)),
    duration: formatDuration,
    figure: (metric, value) => {
      const unit = figureDescriptor(metric).unit;
      return unit === 'duration'
        ? formatDuration(value)
        : unit === 'percent'
          ? missing(value)
            ? NO_DATA
            : // The whole, "100%", is written without its decimal: "100.0%" is wider than a wall's line has room.
              Math.round(value * 10) === 1000
              ? percentFormat.format(1)
              : measuredFormat.format(value / 100)
          : format.count(value);
    },
  };
  // A handful of locales at most (one per board): the cache stays small.
  if (formatters.size < 64) formatters.set(key, format);
  return format;
}

/** Where an alert is: "on Sales 4", or "for the whole centre". */
export function alertPlace(queueName: string | null): string {
  return queueName === null ? 'for the whole centre' : `on ${queueName}`;
}

/**
 * An alert's figure in words, as the alerts panel and the webhook say it:
 * "Oldest contact on Sales 4 is 7:35 (limit 2:00)", "Service level (20 s) for the whole centre is 60% (limit
 * 75%)". `threshold` may be missing (an alert recorded before thresholds travelled with events): then no limit.
 */
export function alertSentence(
  alert: { metric: string; value: number | null; threshold?: number | null | undefined },
  queueName: string | null,
  format: FigureFormatter,
  verb = 'is',
): string {
  const { metric, value, threshold } = alert;
  // The limit is a setting, written as given ("75%"); the figure is measured ("60.0%").
  const written =
    threshold === null || threshold === undefined
      ? ''
      : figureDescriptor(metric).unit === 'percent'
        ? format.percent(threshold)
        : format.figure(metric, threshold);
  const limit = written === '' ? '' : ` (limit ${written})`;
  return `${figureDescriptor(metric).label} ${alertPlace(queueName)} ${verb} ${format.figure(metric, value)}${limit}`;
}

/** The forecast's figures the advice is written from (shared/src/forecast.ts's Forecast). */
interface ForecastFigures {
  /** Which model made it: only `erlang-c-blend` mixes in the last interval's service level. */
  model?: string;
  /** The handle time is the configured default, not today's. */
  handleTimeAssumed?: true;
  arrivalsPerHour: number | null;
  handleTimeSeconds: number | null;
  agentsStaffed: number | null;
  serviceLevelSeconds: number;
  targetPercent: number;
  predictedServiceLevel: number | null;
  agentsRequired: number | null;
}

const agentsWord = (n: number) => (n === 1 ? 'agent' : 'agents');

/** The target in words: "80% in 20 s". */
export function forecastTarget(forecast: ForecastFigures, format: FigureFormatter): string {
  return `${format.percent(forecast.targetPercent)} in ${format.count(forecast.serviceLevelSeconds)} s`;
}

/**
 * A queue's staffing advice and what it rests on, as the drill-down and the summary say it: "Needs 3 more
 * agents for 80% in 20 s: 240 contacts/h, 4:10 handle time, 18 staffed". Null when there is too little to say.
 */
export function forecastAdvice(forecast: ForecastFigures, format: FigureFormatter): string | null {
  const { arrivalsPerHour, handleTimeSeconds, agentsStaffed, agentsRequired } = forecast;
  if (arrivalsPerHour === null || handleTimeSeconds === null) return null;
  const assumed = forecast.handleTimeAssumed ? ' (assumed: too few contacts handled today)' : '';
  const inputs = `${format.count(arrivalsPerHour)} contacts/h, ${formatDuration(handleTimeSeconds)} handle time${assumed}`;
  const target = forecastTarget(forecast, format);
  if (agentsRequired === null) return `No number of agents reaches ${target}: ${inputs}`;
  if (agentsStaffed === null)
    return `Needs ${format.count(agentsRequired)} ${agentsWord(agentsRequired)} for ${target}: ${inputs}`;
  const short = agentsRequired - agentsStaffed;
  const staffedNow = `${inputs}, ${format.count(agentsStaffed)} staffed`;
  // The staffing is the model's, for the queue's steady state; the predicted figure above it also blends in the
  // last interval's realised service level (docs/forecast.md). Where the two part, the advice says why, so the
  // drill-down never reads "51% predicted" over a bare "Enough agents", nor "86% predicted" over "Needs 3 more".
  // Only the blend parts from the model; any other model's figure and staffing part only by the figure's
  // rounding (a prediction a hair under the target shows as the target), which is no reason to blame the blend.
  const predicted = forecast.model === 'erlang-c-blend' ? forecast.predictedServiceLevel : null;
  const below = predicted !== null && predicted < forecast.targetPercent;
  if (short > 0)
    return predicted !== null && !below
      ? `Needs ${format.count(short)} more ${agentsWord(short)} for ${target} by the model, though the last interval's service level lifts the forecast above it for now: ${staffedNow}`
      : `Needs ${format.count(short)} more ${agentsWord(short)} for ${target}: ${staffedNow}`;
  if (below)
    return `Staffed for ${target} by the model (${format.count(agentsRequired)} needed), but the last interval's service level holds the forecast below it: ${staffedNow}`;
  return `Enough agents for ${target} (${format.count(agentsRequired)} needed): ${staffedNow}`;
}

/**
 * The centre's shortfall in words: "Short 7 agents for 80% in 20 s", or with the queues it is on, "Short 2 agents on
 * 1 queue for 80% in 20 s"; null when there is none or no figure.
 */
export function forecastShortfallText(
  forecast: ForecastFigures,
  format: FigureFormatter,
  /**
   * For a centre's (or a board's) forecast: how many of its queues are short. Its shortfall is theirs added (no
   * queue lends agents to another), so a centre can be short on one queue while its service level as a whole is
   * well above target: "Short 2 agents on 1 queue" says where, where "Short 2 agents" beside 98% reads as a slip.
   */
  queuesShort?: number,
): string | null {
  if (forecast.agentsRequired === null || forecast.agentsStaffed === null) return null;
  const short = forecast.agentsRequired - forecast.agentsStaffed;
  if (short <= 0) return null;
  const where =
    queuesShort === undefined || queuesShort <= 0
      ? ''
      : ` on ${format.count(queuesShort)} ${queuesShort === 1 ? 'queue' : 'queues'}`;
  // Over several queues the shortfalls are added, each counted as if the agents found served that queue alone: an
  // agent whose routing profile serves two of them counts toward both, so the sum is the most it could take.
  const upTo = queuesShort !== undefined && queuesShort > 1 ? 'up to ' : '';
  return `Short ${upTo}${format.count(short)} ${agentsWord(short)}${where} for ${forecastTarget(forecast, format)}`;
}
