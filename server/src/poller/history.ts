import type { Intraday, IntervalPoint, TodayMetrics } from '@switchboard/shared';
import type { ConnectContext } from '../connect/context.js';
import {
  HISTORICAL_AVERAGES,
  HISTORICAL_COUNTS,
  emptyHistory,
  getQueueHistory,
  getQueuesOccupancy,
  serviceLevelKey,
} from '../connect/historical.js';
import { MAX_FILTER_VALUES } from '../connect/paginate.js';
import { combineHistory } from './combine.js';
import {
  intervalLengthMs,
  intradayIntervals,
  localDate,
  reachable,
  todayRanges,
  withinLookback,
  type Interval,
} from './time.js';

export interface HistoryOptions {
  timeZone: string;
  serviceLevelThresholds: readonly number[];
  intervalMinutes: number;
  /** Closed intervals whose figures may still settle in Connect: re-fetched with the open one. */
  recentIntervals?: number;
  /** Older intervals not yet fetched (after a start mid-day), filled in this many per round. */
  backfillPerRound?: number;
}

interface CachedInterval extends Interval {
  byQueue: Map<string, TodayMetrics>;
  /** When it was fetched (the round's `now`): before SETTLED_AFTER_MS past its end, it may still grow. */
  fetchedAt: number;
  /** The centre's OCCUPANCY from Connect (queues that fit one request); undefined when weighted instead. */
  occupancy?: number | null;
}

/** The instance figures with Connect's own OCCUPANCY for all queues together, where it was asked for. */
function withOccupancy(figures: TodayMetrics, occupancy: number | null | undefined): TodayMetrics {
  return occupancy === undefined ? figures : { ...figures, OCCUPANCY: occupancy };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * How long after its end an interval's figures may still grow: a contact is counted in the interval of its
 * disconnect, once its after-contact work ends and its record closes. Polled without a break, the recent
 * intervals are fetched well past this; one fetched sooner (the poller stopped, a lease handed on and taken back)
 * is fetched again, as an older one missing is.
 */
const SETTLED_AFTER_MS = 30 * 60_000;
/**
 * Today so far and the intraday series, from GetMetricData. Closed intervals rarely change once Connect has
 * processed them, so they are cached; each round fetches today's totals, the open interval and the last few,
 * and fills in a few older ones still missing. Everything resets at local midnight.
 */
export class History {
  private day: string | null = null;
  today = new Map<string, TodayMetrics>();
  todayInstance: TodayMetrics = {};
  private readonly intervals = new Map<number, CachedInterval>();
  /** Today's ranges as last fetched, by start and end: the head of a 25-hour day outlives Connect's lookback. */
  private readonly ranges = new Map<string, Map<string, TodayMetrics>>();
  /** The start of a range Connect no longer answers for and we never fetched: today's totals lack it. */
  missingSince: number | null = null;
  /** Counts every change to the intervals: what is worked out from them need not be again while it stands. */
  revision = 0;

  constructor(private options: HistoryOptions) {}

  get timeZone(): string {
    return this.options.timeZone;
  }

  get serviceLevelThresholds(): readonly number[] {
    return this.options.serviceLevelThresholds;
  }

  /**
   * A reloaded configuration's time zone or service-level thresholds. Either changes what the cached figures
   * mean (another day, figures without the new thresholds), so today starts over and the next rounds refetch it.
   */
  reconfigure(change: Pick<HistoryOptions, 'timeZone' | 'serviceLevelThresholds'>): boolean {
    const sameZone = change.timeZone === this.options.timeZone;
    const sameThresholds =
      change.serviceLevelThresholds.length === this.options.serviceLevelThresholds.length &&
      change.serviceLevelThresholds.every((t, i) => t === this.options.serviceLevelThresholds[i]);
    if (sameZone && sameThresholds) return false;
    this.options = { ...this.options, ...change };
    this.day = null;
    this.intervals.clear();
    this.revision += 1;
    this.ranges.clear();
    return true;
  }

  get metricNames(): string[] {
    return [
      ...HISTORICAL_COUNTS,
      ...HISTORICAL_AVERAGES,
      'OCCUPANCY',
      ...this.options.serviceLevelThresholds.map(serviceLevelKey),
    ];
  }

  /** The figures of a queue Connect left out: no contacts today. */
  empty(): TodayMetrics {
    return emptyHistory(this.options.serviceLevelThresholds);
  }

  /**
   * Fetches today's totals, then the intraday intervals that need it. Throws on failure; caches stay. False when
   * the day turned while the answers were on their way: they were yesterday's, and are not kept. A day
   * longer than 24 hours takes two ranges; the head is kept as last fetched once Connect's 24-hour lookback has
   * passed it, and the two are combined like queues (counts added, averages weighted by their contacts).
   */
  async refreshToday(ctx: ConnectContext, queueIds: readonly string[], now: number): Promise<boolean> {
    const { serviceLevelThresholds, timeZone } = this.options;
    this.rollOver(now);
    const day = this.day;
    const parts: Map<string, TodayMetrics>[] = [];
    this.missingSince = null;
    const ranges = todayRanges(now, timeZone);
    // OCCUPANCY for the whole centre is asked of Connect where today is one range; a 25-hour day's two ranges
    // cannot be combined into one occupancy, so the weighted figure stands there.
    let occupancy: number | null | undefined;
    for (const range of ranges) {
      const key = `${range.start}-${range.end}`;
      if (withinLookback(range.start, now) || (!this.ranges.has(key) && reachable(range.start, now))) {
        const [result, together] = await Promise.all([
          getQueueHistory(ctx, queueIds, range, serviceLevelThresholds),
          ranges.length === 1 ? this.occupancyTogether(ctx, queueIds, range) : Promise.resolve(undefined),
        ]);
        // The day turned while the answer was on its way (a snapshot published past midnight rolled it over): it
        // is yesterday's, and is not kept as today's.
        if (this.day !== day) return false;
        this.ranges.set(key, result.byQueue);
        occupancy = together;
      }
      const byQueue = this.ranges.get(key);
      if (byQueue) parts.push(byQueue);
      else this.missingSince ??= range.start;
    }
    // Only today's ranges as they stand now are read again: the range up to the last boundary moves every five
    // minutes, and each answer kept until midnight was 100 MB by evening at 2,000 queues.
    const current = new Set(ranges.map((range) => `${range.start}-${range.end}`));
    for (const key of this.ranges.keys()) if (!current.has(key)) this.ranges.delete(key);
    const names = this.metricNames;
    this.today = new Map(
      queueIds.map((id) => {
        const figures = parts.map((part) => part.get(id) ?? this.empty());
        return [
          id,
          figures.length === 1 && figures[0] ? figures[0] : combineTimes(figures, names, this.empty()),
        ];
      }),
    );
    this.todayInstance = withOccupancy(combineHistory([...this.today.values()], names), occupancy);
    return true;
  }

  /**
   * OCCUPANCY for every queue together, asked of Connect where the queues fit in one filter (100): it is agent
   * time, which no count of contacts weights exactly. Undefined above that; the weighted figure stands.
   */
  private async occupancyTogether(
    ctx: ConnectContext,
    queueIds: readonly string[],
    range: Interval,
  ): Promise<number | null | undefined> {
    if (queueIds.length === 0 || queueIds.length > MAX_FILTER_VALUES) return undefined;
    return (await getQueuesOccupancy(ctx, queueIds, range)).occupancy;
  }

  /** Which intervals this round fetches: the open one and the recent ones, then missing older ones, newest first. */
  dueIntervals(now: number): Interval[] {
    const { timeZone, intervalMinutes } = this.options;
    // An interval Connect no longer answers for (the first hour of a 25-hour day, late in the day) is not asked.
    const all = intradayIntervals(now, timeZone, intervalMinutes).filter((i) => withinLookback(i.start, now));
    const recent = this.options.recentIntervals ?? 3;
    const due = all.slice(-recent);
    const missing = all
      .slice(0, Math.max(0, all.length - recent))
      .filter((i) => this.unsettled(i, now))
      .reverse()
      .slice(0, this.options.backfillPerRound ?? 6);
    return [...due, ...missing];
  }

  /**
   * How many of the day's intervals have no figures yet (after a start mid-day, or at a new day, they are fetched a
   * few a round, newest first): the series shows the day as loading until none is left.
   */
  missingIntervals(now: number): number {
    const { timeZone, intervalMinutes } = this.options;
    return intradayIntervals(now, timeZone, intervalMinutes).filter(
      (i) => withinLookback(i.start, now) && this.intervals.get(i.start)?.end !== i.end,
    ).length;
  }

  /**
   * At a new local day, yesterday's figures and intervals go: a snapshot published between midnight and the next
   * round shows today's figures as none yet, not yesterday's totals as today's. Returns whether it rolled over.
   */
  rollOver(now: number): boolean {
    const day = localDate(now, this.options.timeZone);
    if (day === this.day) return false;
    const started = this.day !== null;
    this.day = day;
    this.intervals.clear();
    this.revision += 1;
    this.ranges.clear();
    this.today = new Map();
    this.todayInstance = {};
    return started;
  }

  /** Whether older intervals are still missing (after a start mid-day or a new day): the next round comes soon. */
  backfillPending(now: number): boolean {
    const { timeZone, intervalMinutes } = this.options;
    return intradayIntervals(now, timeZone, intervalMinutes).some(
      (i) => withinLookback(i.start, now) && this.unsettled(i, now),
    );
  }

  /**
   * Whether an interval is to be fetched (again): its figures are not in, or were fetched too soon after its end
   * to hold every contact of it and a fetch now would (SETTLED_AFTER_MS).
   */
  private unsettled(interval: Interval, now: number): boolean {
    const cached = this.intervals.get(interval.start);
    if (cached?.end !== interval.end) return true;
    const settledAt = interval.end + SETTLED_AFTER_MS;
    return cached.fetchedAt < settledAt && now >= settledAt;
  }

  async refreshIntraday(ctx: ConnectContext, queueIds: readonly string[], now: number): Promise<void> {
    const day = localDate(now, this.options.timeZone);
    const due = this.dueIntervals(now);
    const fetched = await Promise.all(
      due.map(async (interval) => {
        const [result, occupancy] = await Promise.all([
          getQueueHistory(ctx, queueIds, interval, this.options.serviceLevelThresholds),
          this.occupancyTogether(ctx, queueIds, interval),
        ]);
        return { interval, result, occupancy };
      }),
    );
    // Intervals of a day that has ended meanwhile (rolled over past midnight while they were fetched) are not
    // today's.
    if (this.day !== null && this.day !== day) return;
    for (const { interval, result, occupancy } of fetched) {
      this.intervals.set(interval.start, { ...interval, byQueue: result.byQueue, occupancy, fetchedAt: now });
    }
    if (fetched.length > 0) this.revision += 1;
  }

  /**
   * The series for the snapshot: the instance's with every figure, and per queue only what a service-level chart
   * draws, and only up to `queuesInSnapshot` queues (100 queues of a day's half hours is about 0.5 MB; a
   * thousand would be several). Above that, `queueSeries` serves one queue's series on demand.
   */
  intraday(
    queueIds: readonly string[],
    perQueueMetrics: readonly string[],
    queuesInSnapshot: number,
  ): Intraday {
    const cached = this.cachedIntervals();
    const empty = this.empty();
    const instance: IntervalPoint[] = cached.map((interval) => ({
      start: iso(interval.start),
      end: iso(interval.end),
      metrics: rounded(
        withOccupancy(
          combineHistory(
            queueIds.map((id) => interval.byQueue.get(id) ?? empty),
            this.metricNames,
          ),
          interval.occupancy,
        ),
      ),
    }));
    const queues: Intraday['queues'] = {};
    if (queueIds.length <= queuesInSnapshot) {
      for (const id of queueIds) queues[id] = this.series(id, perQueueMetrics, cached);
    }
    return { intervalMinutes: this.options.intervalMinutes, instance, queues };
  }

  /** What a service-level chart draws of a series: the contacts queued, handled and abandoned, and service levels. */
  get chartMetricNames(): string[] {
    return [
      'CONTACTS_QUEUED',
      'CONTACTS_HANDLED',
      'CONTACTS_ABANDONED',
      ...this.options.serviceLevelThresholds.map(serviceLevelKey),
    ];
  }

  /**
   * Some queues' series together, as the instance's line is made (counts added, service levels weighted by the
   * contacts queued), with what a chart draws: a board's line, where the snapshot leaves its queues' series out.
   */
  combinedSeries(queueIds: readonly string[]): IntervalPoint[] {
    const empty = this.empty();
    const names = this.chartMetricNames;
    return this.cachedIntervals().map((interval) => {
      const figures = combineHistory(
        queueIds.map((id) => interval.byQueue.get(id) ?? empty),
        this.metricNames,
      );
      const metrics: TodayMetrics = {};
      for (const name of names) metrics[name] = figures[name] ?? null;
      return { start: iso(interval.start), end: iso(interval.end), metrics: rounded(metrics) };
    });
  }

  /** One queue's series with every figure, or null for a queue this instance does not have. */
  queueSeries(queueId: string): IntervalPoint[] {
    return this.series(queueId, this.metricNames, this.cachedIntervals());
  }

  /**
   * The latest intervals covering at least `minutes` (the open one and those just before it), oldest first,
   * with every queue's figures: what the forecast reads its arrival rates from.
   */
  /** How long each of today's intervals is when whole (the last one is shorter while it runs). */
  get intervalMs(): number {
    return intervalLengthMs(this.options.intervalMinutes);
  }

  latestIntervals(
    minutes: number,
  ): readonly { start: number; end: number; byQueue: ReadonlyMap<string, TodayMetrics> }[] {
    const cached = this.cachedIntervals();
    let from = cached.length;
    let covered = 0;
    while (from > 0 && covered < minutes * 60_000) {
      from -= 1;
      const interval = cached[from] as CachedInterval;
      covered += interval.end - interval.start;
    }
    return cached.slice(from);
  }

  private cachedIntervals(): CachedInterval[] {
    return [...this.intervals.values()].sort((a, b) => a.start - b.start);
  }

  private series(
    queueId: string,
    names: readonly string[],
    cached: readonly CachedInterval[],
  ): IntervalPoint[] {
    const empty = this.empty();
    return cached.map((interval) => {
      const figures = interval.byQueue.get(queueId) ?? empty;
      const metrics: TodayMetrics = {};
      for (const name of names) metrics[name] = figures[name] ?? null;
      return { start: iso(interval.start), end: iso(interval.end), metrics: rounded(metrics) };
    });
  }
}

/** One queue's figures over several ranges of the day: none fetched yet is an empty day, not a crash. */
function combineTimes(
  figures: readonly TodayMetrics[],
  names: readonly string[],
  empty: TodayMetrics,
): TodayMetrics {
  return figures.length === 0 ? empty : combineHistory(figures, names);
}

/** Two decimals are plenty on a chart and halve the bytes of an average. */
function rounded(metrics: TodayMetrics): TodayMetrics {
  const out: TodayMetrics = {};
  for (const [name, value] of Object.entries(metrics)) {
    out[name] = value === null || value === undefined ? null : Math.round(value * 100) / 100;
  }
  return out;
}
