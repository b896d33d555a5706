import {
  DEFAULT_FIT_LOOKBACK_MINUTES,
  combineForecasts,
  forecastQueue,
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
): Snapshot {
  const settings = forecastSettings(config);
  const intervals = history.latestIntervals(
    Math.max(settings.smoothingMinutes ?? 60, state ? DEFAULT_FIT_LOOKBACK_MINUTES : 0),
  );
  const open = intervals[intervals.length - 1];
  const closed = intervals.slice(0, -1);
  const levelKey = serviceLevelKey(settings.serviceLevelSeconds);
  if (state && open) {
    state.forgetBefore(intervals[0]?.start ?? open.start);
    for (const queue of snapshot.queues) state.record(open.start, queue.id, queue.realtime.AGENTS_STAFFED);
  }
  const queues = snapshot.queues.map((queue) => {
    const series: ArrivalInterval[] = intervals.map((interval) => ({
      startMs: interval.start,
      endMs: interval.end,
      // A queue Connect left out of an interval had no contacts in it.
      contactsQueued: interval.byQueue.get(queue.id)?.CONTACTS_QUEUED ?? 0,
    }));
    const fit: FitInterval[] | undefined = state
      ? closed.map((interval) => {
          const figures = interval.byQueue.get(queue.id);
          return {
            startMs: interval.start,
            endMs: interval.end,
            contacts: figures?.CONTACTS_QUEUED ?? 0,
            serviceLevel: figures?.[levelKey] ?? null,
            handleTimeSeconds: figures?.HANDLE_TIME ?? null,
            agentsStaffed: state.staffedIn(interval.start, queue.id),
          };
        })
      : undefined;
    const forecast = forecastQueue(
      {
        series,
        handleTimeSeconds: queue.today.HANDLE_TIME,
        contactsHandled: queue.today.CONTACTS_HANDLED,
        agentsStaffed: queue.realtime.AGENTS_STAFFED,
        fit,
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
