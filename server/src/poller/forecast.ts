import {
  DEFAULT_FIT_LOOKBACK_MINUTES,
  combineForecasts,
  fitAgentShare,
  fitSettings,
  forecastQueue,
  type AgentShare,
  type ArrivalInterval,
  type FitInterval,
  type ForecastSettings,
  type Snapshot,
  type TodayMetrics,
} from '@switchboard/shared';
import { serviceLevelKey } from '../connect/historical.js';
import type { WallboardConfig } from '../config/schema.js';

/** Today's latest intervals with every queue's figures (History.latestIntervals). */
export interface LatestIntervals {
  /** How long an interval is when whole: a last interval that long has closed, and the open one is not listed yet. */
  readonly intervalMs?: number;
  latestIntervals(
    minutes: number,
  ): readonly { start: number; end: number; byQueue: ReadonlyMap<string, TodayMetrics> }[];
}

/**
 * What the forecast remembers between snapshots: each queue's AGENTS_STAFFED as seen during each of today's
 * intervals (the mean of the snapshots in it), keyed by the interval's start. Connect's interval figures have no
 * agents staffed, so the fit of the agents' effective share (shared/src/forecastFit.ts) reads them from here;
 * an interval before the server started has none, and is not fitted on.
 */
export class ForecastState {
  private readonly staffed = new Map<number, Map<string, { sum: number; count: number }>>();
  /**
   * Each queue's fitted share and its last closed interval, fitted on `closed`: today's closed intervals as the
   * history last gave them (it replaces an interval's figures when it refetches them). While they are the same
   * objects, nothing the fit reads has changed (agents staffed are recorded only in the open interval), so a
   * snapshot between history rounds reuses every fit.
   */
  private closed: readonly { start: number; byQueue: unknown }[] = [];
  private readonly fits = new Map<string, { share: AgentShare | null; last: FitInterval | undefined }>();

  /** The queue's fit, made by `fit` only when the closed intervals changed since it was last made. */
  fitted(
    queueId: string,
    fit: () => { share: AgentShare | null; last: FitInterval | undefined },
  ): { share: AgentShare | null; last: FitInterval | undefined } {
    let made = this.fits.get(queueId);
    if (!made) {
      made = fit();
      this.fits.set(queueId, made);
    }
    return made;
  }

  /** Starts a snapshot's forecast: the fits are forgotten when the closed intervals are not those fitted on. */
  useClosed(closed: readonly { start: number; byQueue: unknown }[]): void {
    const same =
      closed.length === this.closed.length &&
      closed.every((interval, i) => {
        const before = this.closed[i];
        return before?.start === interval.start && before.byQueue === interval.byQueue;
      });
    if (!same) {
      this.fits.clear();
      this.closed = closed.map(({ start, byQueue }) => ({ start, byQueue }));
    }
  }

  record(intervalStart: number, queueId: string, agentsStaffed: number | null | undefined): void {
    if (typeof agentsStaffed !== 'number' || !Number.isFinite(agentsStaffed) || agentsStaffed < 0) return;
    let byQueue = this.staffed.get(intervalStart);
    if (!byQueue) {
      byQueue = new Map();
      this.staffed.set(intervalStart, byQueue);
    }
    const seen = byQueue.get(queueId);
    if (seen) {
      seen.sum += agentsStaffed;
      seen.count += 1;
    } else byQueue.set(queueId, { sum: agentsStaffed, count: 1 });
  }

  /** The mean AGENTS_STAFFED seen for the queue during the interval starting then; null when none was seen. */
  staffedIn(intervalStart: number, queueId: string): number | null {
    const seen = this.staffed.get(intervalStart)?.get(queueId);
    return seen ? seen.sum / seen.count : null;
  }

  /** Forgets the intervals that started before `start` (a new day, or past the fit's lookback). */
  forgetBefore(start: number): void {
    for (const key of this.staffed.keys()) if (key < start) this.staffed.delete(key);
  }

  get intervals(): number {
    return this.staffed.size;
  }
}

/**
 * A queue's contacts queued in an interval: none where Connect left the queue out (it lists only queues with
 * figures), unknown (null) where it listed the queue without that figure, so the arrival rate and the fit say
 * nothing rather than count it as none.
 */
function queuedIn(interval: { byQueue: ReadonlyMap<string, TodayMetrics> }, queueId: string): number | null {
  const figures = interval.byQueue.get(queueId);
  return figures === undefined ? 0 : (figures.CONTACTS_QUEUED ?? null);
}

/** Today's intervals older than this give no arrival rate (withForecast): five minutes, their granularity. */
const INTERVALS_STALE_MS = 5 * 60_000;

export function forecastSettings(config: WallboardConfig): ForecastSettings {
  return {
    serviceLevelSeconds: config.serviceLevel.thresholdSeconds,
    targetPercent: config.serviceLevel.targetPercent,
    defaultHandleTimeSeconds: config.forecast.defaultHandleTimeSeconds,
    smoothingMinutes: config.forecast.smoothingMinutes,
  };
}

/**
 * The snapshot with each queue's forecast and the centre's: arrivals from today's latest intervals (every
 * queue's, whether or not its series travels in the snapshot), handle time from today's HANDLE_TIME, agents
 * from AGENTS_STAFFED. Until the intervals have been fetched there is no arrival rate, and no forecast figures.
 *
 * With a `state`, each queue's AGENTS_STAFFED is recorded against the latest interval (the open one), and the
 * closed intervals before it — their contacts, realised service level and handle time, and the agents staffed
 * recorded then — correct the forecast (`erlang-c-blend`, docs/forecast.md); without one, plain Erlang C.
 */
export function withForecast(
  snapshot: Snapshot,
  history: LatestIntervals,
  config: WallboardConfig,
  state?: ForecastState,
  staleAfterMs?: number,
): Snapshot {
  const settings = forecastSettings(config);
  const intervals = history.latestIntervals(
    Math.max(settings.smoothingMinutes ?? 60, state ? DEFAULT_FIT_LOOKBACK_MINUTES : 0),
  );
  // The last interval listed is the one running, but for the first minutes of each interval: the intervals end at
  // the last five-minute boundary, so from 10:00 to 10:05 the last is 9:30 to 10:00, whole and closed, and the one
  // running (10:00 on) is not listed yet. The agents staffed then are the running interval's, not 9:30's, and
  // 9:30 is fitted on as closed.
  const last = intervals[intervals.length - 1];
  const lastClosed =
    last !== undefined && history.intervalMs !== undefined && last.end - last.start >= history.intervalMs;
  let openStart = last === undefined ? undefined : lastClosed ? last.end : last.start;
  // Until the history is next fetched (up to its interval, 30 s by default, after 10:00), the last listed is still
  // 9:30 to 9:55: the snapshot's own time says the interval running now is 10:00's.
  const now = Date.parse(snapshot.generatedAt);
  const length = history.intervalMs;
  if (openStart !== undefined && length !== undefined && length > 0 && now >= openStart + length)
    openStart += Math.floor((now - openStart) / length) * length;
  const closed = lastClosed ? intervals : intervals.slice(0, -1);
  // The arrival rate reads only the latest intervals covering the smoothing window.
  let from = intervals.length;
  for (let covered = 0; from > 0 && covered < (settings.smoothingMinutes ?? 60) * 60_000;) {
    from -= 1;
    const interval = intervals[from];
    if (interval) covered += interval.end - interval.start;
  }
  const window = intervals.slice(from);
  // Today's intervals not fetched for five minutes (their own granularity), or the stale limit past their refresh
  // interval where that is longer: the arrival rate they give is as old as they are, so there is none
  // (intervalsStale). An hour's rate does not go bad in a slow cycle or two, so not at the figures' own limit.
  const section = staleAfterMs === undefined ? undefined : snapshot.sections.intraday;
  const fetchedAt = section?.fetchedAt ? Date.parse(section.fetchedAt) : null;
  const intervalsStale =
    staleAfterMs !== undefined &&
    fetchedAt !== null &&
    now - fetchedAt > Math.max(INTERVALS_STALE_MS, staleAfterMs + (section?.intervalMs ?? 0));
  const levelKey = serviceLevelKey(settings.serviceLevelSeconds);
  const fitOn = fitSettings(settings);
  if (state && openStart !== undefined) {
    state.forgetBefore(intervals[0]?.start ?? openStart);
    state.useClosed(closed);
    for (const queue of snapshot.queues) state.record(openStart, queue.id, queue.realtime.AGENTS_STAFFED);
  }
  const queues = snapshot.queues.map((queue) => {
    const series: ArrivalInterval[] = window.map((interval) => ({
      startMs: interval.start,
      endMs: interval.end,
      contactsQueued: queuedIn(interval, queue.id),
    }));
    let fit: FitInterval[] | undefined;
    let share: AgentShare | null | undefined;
    if (state) {
      const made = state.fitted(queue.id, () => {
        const intervals: FitInterval[] = closed.map((interval) => {
          const figures = interval.byQueue.get(queue.id);
          return {
            startMs: interval.start,
            endMs: interval.end,
            contacts: queuedIn(interval, queue.id),
            serviceLevel: figures?.[levelKey] ?? null,
            handleTimeSeconds: figures?.HANDLE_TIME ?? null,
            agentsStaffed: state.staffedIn(interval.start, queue.id),
          };
        });
        return { share: fitAgentShare(intervals, fitOn), last: intervals[intervals.length - 1] };
      });
      share = made.share;
      // With the share known, the forecast reads only the last closed interval (its realised service level).
      fit = made.last ? [made.last] : [];
    }
    const forecast = forecastQueue(
      {
        series,
        handleTimeSeconds: queue.today.HANDLE_TIME,
        contactsHandled: queue.today.CONTACTS_HANDLED,
        agentsStaffed: queue.realtime.AGENTS_STAFFED,
        fit,
        share,
        intervalsStale,
      },
      settings,
    );
    return { ...queue, forecast };
  });
  const summary = {
    ...snapshot.summary,
    forecast: combineForecasts(
      queues.map((queue) => queue.forecast),
      snapshot.summary.realtime.AGENTS_STAFFED,
      settings,
    ),
  };
  return { ...snapshot, queues, summary };
}
