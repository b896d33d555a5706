import { GetMetricDataCommand, type HistoricalMetric } from '@aws-sdk/client-connect';
import { HISTORICAL_AVERAGES, HISTORICAL_COUNTS, type TodayMetrics } from '@switchboard/shared';
import { z } from 'zod';
import { sendOptions, type ConnectContext } from './context.js';
import { referenceId } from './arn.js';
import { MalformedResponseError } from './errors.js';
import { MAX_FILTER_VALUES, MAX_METRIC_RESULTS, chunk, collectPages } from './paginate.js';

// What GetMetricData is asked for, with the service levels: kept in shared, where the screens know them as today's.
export { HISTORICAL_AVERAGES, HISTORICAL_COUNTS } from '@switchboard/shared';

/** Connect takes at most 20 SERVICE_LEVEL metrics in one request. */
export const MAX_SERVICE_LEVELS = 20;

export const serviceLevelKey = (thresholdSeconds: number) => `SERVICE_LEVEL_${thresholdSeconds}`;

export function historicalMetrics(serviceLevelThresholds: readonly number[]): HistoricalMetric[] {
  return [
    ...HISTORICAL_COUNTS.map((Name) => ({ Name, Unit: 'COUNT' as const, Statistic: 'SUM' as const })),
    ...HISTORICAL_AVERAGES.map((Name) => ({ Name, Unit: 'SECONDS' as const, Statistic: 'AVG' as const })),
    { Name: 'OCCUPANCY', Unit: 'PERCENT', Statistic: 'AVG' },
    ...serviceLevelThresholds.map((ThresholdValue) => ({
      Name: 'SERVICE_LEVEL' as const,
      Unit: 'PERCENT' as const,
      Statistic: 'AVG' as const,
      Threshold: { Comparison: 'LT' as const, ThresholdValue },
    })),
  ];
}

const responseSchema = z.object({
  MetricResults: z
    .array(
      z.object({
        // A QueueReference's Id and Arn are both optional in Connect's model: the id is read from the ARN without it.
        Dimensions: z.object({
          Queue: z
            .object({ Id: z.string().min(1).optional(), Arn: z.string().min(1).optional() })
            .refine((queue) => Boolean(referenceId(queue)), 'a queue without an Id or an ARN'),
        }),
        Collections: z
          .array(
            // HistoricalMetricData's Metric is optional in Connect's model, and a HistoricalMetric's Name, and a
            // Threshold's ThresholdValue: an entry this build cannot name is left out, never the whole page.
            z.object({
              Metric: z
                .object({
                  Name: z.string().optional(),
                  Threshold: z.object({ ThresholdValue: z.number().optional() }).optional(),
                })
                .optional(),
              Value: z.number().nullable().optional(),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  NextToken: z.string().optional(),
});

export interface QueueHistory {
  byQueue: Map<string, TodayMetrics>;
  calls: number;
}

/** Aligns a time down to Connect's 5-minute boundaries, which GetMetricData requires of StartTime and EndTime. */
export const FIVE_MINUTES = 5 * 60_000;
export const floorToFiveMinutes = (ms: number) => Math.floor(ms / FIVE_MINUTES) * FIVE_MINUTES;

/**
 * Historical figures for every queue over [start, end), grouped by QUEUE, 100 queues a request. One aggregate
 * per queue for the whole range: a time series needs one range per interval. A queue absent had no contacts.
 */
export async function getQueueHistory(
  ctx: ConnectContext,
  queueIds: readonly string[],
  range: { start: number; end: number },
  serviceLevelThresholds: readonly number[],
): Promise<QueueHistory> {
  const byQueue = new Map<string, TodayMetrics>();
  let calls = 0;
  const metrics = historicalMetrics(serviceLevelThresholds);
  const requested = new Set(
    metrics.map((metric) =>
      metric.Threshold?.ThresholdValue !== undefined
        ? serviceLevelKey(metric.Threshold.ThresholdValue)
        : String(metric.Name),
    ),
  );
  const all = await Promise.all(
    chunk(queueIds, MAX_FILTER_VALUES).map((queues) =>
      collectPages('GetMetricData', async (nextToken) => {
        const command = new GetMetricDataCommand({
          InstanceId: ctx.instanceId,
          StartTime: new Date(range.start),
          EndTime: new Date(range.end),
          Filters: { Queues: queues },
          Groupings: ['QUEUE'],
          HistoricalMetrics: metrics,
          MaxResults: MAX_METRIC_RESULTS,
          NextToken: nextToken,
        });
        const raw = await ctx.send('GetMetricData', () => ctx.client.send(command, sendOptions(ctx)));
        const parsed = responseSchema.safeParse(raw);
        if (!parsed.success) {
          throw new MalformedResponseError('GetMetricData', parsed.error.issues[0]?.message ?? 'bad shape');
        }
        return { items: parsed.data.MetricResults, nextToken: parsed.data.NextToken };
      }),
    ),
  );
  for (const pages of all) {
    calls += pages.calls;
    for (const result of pages.items) {
      // Every figure asked for: one that came without its metric's name is no figure, never one a sum takes as 0.
      const figures: TodayMetrics = Object.fromEntries([...requested].map((key) => [key, null]));
      for (const { Metric, Value } of result.Collections) {
        if (Metric?.Name === undefined) continue;
        // A service level is known by its threshold: one without a threshold's value is not one asked for.
        let key = Metric.Name;
        if (key === 'SERVICE_LEVEL') {
          const threshold = Metric.Threshold?.ThresholdValue;
          if (threshold === undefined) continue;
          key = serviceLevelKey(threshold);
        }
        // Only the figures asked for reach the screens, whatever else a response carries.
        if (!requested.has(key)) continue;
        figures[key] = Value ?? null;
      }
      // The schema refused a row with neither an Id nor an ARN.
      const queueId = referenceId(result.Dimensions.Queue);
      if (queueId) byQueue.set(queueId, figures);
    }
  }
  return { byQueue, calls };
}

const summarySchema = z.object({
  MetricResults: z
    .array(
      z.object({
        Collections: z
          .array(
            z.object({
              Metric: z.object({ Name: z.string().optional() }).optional(),
              Value: z.number().nullable().optional(),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  NextToken: z.string().optional(),
});

/**
 * OCCUPANCY is agent time (on contact over on contact plus idle), not an average over contacts, and agents
 * serve several queues: no count weights per-queue figures into the centre's. Where every queue fits in one
 * filter (100), Connect is asked for it directly: an ungrouped request over those queues.
 */
const OCCUPANCY_METRIC: HistoricalMetric = { Name: 'OCCUPANCY', Unit: 'PERCENT', Statistic: 'AVG' };

/** OCCUPANCY over [start, end) for up to 100 queues together, as Connect computes it; null without agent time. */
export async function getQueuesOccupancy(
  ctx: ConnectContext,
  queueIds: readonly string[],
  range: { start: number; end: number },
): Promise<{ occupancy: number | null; calls: number }> {
  if (queueIds.length === 0 || queueIds.length > MAX_FILTER_VALUES) {
    throw new RangeError(`getQueuesOccupancy takes 1 to ${MAX_FILTER_VALUES} queues; got ${queueIds.length}`);
  }
  const pages = await collectPages('GetMetricData', async (nextToken) => {
    const command = new GetMetricDataCommand({
      InstanceId: ctx.instanceId,
      StartTime: new Date(range.start),
      EndTime: new Date(range.end),
      Filters: { Queues: [...queueIds] },
      HistoricalMetrics: [OCCUPANCY_METRIC],
      MaxResults: MAX_METRIC_RESULTS,
      NextToken: nextToken,
    });
    const raw = await ctx.send('GetMetricData', () => ctx.client.send(command, sendOptions(ctx)));
    const parsed = summarySchema.safeParse(raw);
    if (!parsed.success) {
      throw new MalformedResponseError('GetMetricData', parsed.error.issues[0]?.message ?? 'bad shape');
    }
    return { items: parsed.data.MetricResults, nextToken: parsed.data.NextToken };
  });
  const value = pages.items[0]?.Collections.find((c) => c.Metric?.Name === 'OCCUPANCY')?.Value;
  return { occupancy: value ?? null, calls: pages.calls };
}

/** Today's figures for a queue Connect left out: no contacts, so zero counts and no averages. */
export function emptyHistory(serviceLevelThresholds: readonly number[]): TodayMetrics {
  const figures: TodayMetrics = {};
  for (const name of HISTORICAL_COUNTS) figures[name] = 0;
  for (const name of HISTORICAL_AVERAGES) figures[name] = null;
  figures.OCCUPANCY = null;
  for (const threshold of serviceLevelThresholds) figures[serviceLevelKey(threshold)] = null;
  return figures;
}
