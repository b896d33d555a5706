import {
  combineForecasts,
  forecastQueue,
  type ArrivalInterval,
  type ForecastSettings,
  type Snapshot,
  type TodayMetrics,
} from '@switchboard/shared';
import type { WallboardConfig } from '../config/schema.js';

/** Today's latest intervals with every queue's figures (History.latestIntervals). */
export interface LatestIntervals {
  latestIntervals(
    minutes: number,
  ): readonly { start: number; end: number; byQueue: ReadonlyMap<string, TodayMetrics> }[];
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
 */
export function withForecast(
  snapshot: Snapshot,
  history: LatestIntervals,
  config: WallboardConfig,
): Snapshot {
  const settings = forecastSettings(config);
  const intervals = history.latestIntervals(settings.smoothingMinutes ?? 60);
  const queues = snapshot.queues.map((queue) => {
    const series: ArrivalInterval[] = intervals.map((interval) => ({
      startMs: interval.start,
      endMs: interval.end,
      // A queue Connect left out of an interval had no contacts in it.
      contactsQueued: interval.byQueue.get(queue.id)?.CONTACTS_QUEUED ?? 0,
    }));
    const forecast = forecastQueue(
      {
        series,
        handleTimeSeconds: queue.today.HANDLE_TIME,
        contactsHandled: queue.today.CONTACTS_HANDLED,
        agentsStaffed: queue.realtime.AGENTS_STAFFED,
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
