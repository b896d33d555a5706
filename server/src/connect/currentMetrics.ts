import { GetCurrentMetricDataCommand, type ConnectClient } from '@aws-sdk/client-connect';
import { CURRENT_METRICS, CURRENT_METRIC_NAMES, type RealtimeMetrics } from '@switchboard/shared';
import { z } from 'zod';

/** Connect accepts at most 100 queues in one filter and returns at most 100 results a page. */
export const MAX_QUEUES_PER_REQUEST = 100;
export const MAX_RESULTS = 100;

const resultSchema = z.object({
  Dimensions: z.object({ Queue: z.object({ Id: z.string() }).optional() }).optional(),
  Collections: z
    .array(z.object({ Metric: z.object({ Name: z.string() }), Value: z.number().nullable().optional() }))
    .default([]),
});

export interface QueueMetricsPage {
  byQueue: Map<string, RealtimeMetrics>;
  dataSnapshotTime: Date | null;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Real-time metrics for up to 100 queues, grouped by queue, following NextToken with the original parameters
 * unchanged. A queue absent from the results had nothing to report: every count is zero.
 */
export async function getQueueMetrics(
  client: ConnectClient,
  instanceId: string,
  queueIds: readonly string[],
  signal?: AbortSignal,
): Promise<QueueMetricsPage> {
  if (queueIds.length > MAX_QUEUES_PER_REQUEST) throw new Error('at most 100 queues per request');
  const byQueue = new Map<string, RealtimeMetrics>();
  let dataSnapshotTime: Date | null = null;
  let nextToken: string | undefined;
  do {
    const response = await client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: [...queueIds] },
        Groupings: ['QUEUE'],
        CurrentMetrics: CURRENT_METRIC_NAMES.map((name) => ({ Name: name, Unit: CURRENT_METRICS[name] })),
        MaxResults: MAX_RESULTS,
        NextToken: nextToken,
      }),
      signal ? { abortSignal: signal } : {},
    );
    dataSnapshotTime ??= response.DataSnapshotTime ?? null;
    for (const raw of response.MetricResults ?? []) {
      const result = resultSchema.safeParse(raw);
      const queueId = result.success ? result.data.Dimensions?.Queue?.Id : undefined;
      if (!result.success || !queueId) continue;
      const metrics: RealtimeMetrics = {};
      for (const collection of result.data.Collections) {
        metrics[collection.Metric.Name] = collection.Value ?? null;
      }
      byQueue.set(queueId, metrics);
    }
    nextToken = response.NextToken || undefined;
  } while (nextToken);
  return { byQueue, dataSnapshotTime };
}

/** What Connect means by a queue it left out of grouped results: nothing waiting, nobody online. */
export function zeroMetrics(): RealtimeMetrics {
  const metrics: RealtimeMetrics = Object.fromEntries(CURRENT_METRIC_NAMES.map((name) => [name, 0]));
  // An estimate needs contacts to estimate from: with none, Connect has no figure, not a zero wait.
  metrics.ESTIMATED_WAIT_TIME = null;
  return metrics;
}
