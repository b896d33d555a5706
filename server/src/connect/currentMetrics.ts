import { GetCurrentMetricDataCommand } from '@aws-sdk/client-connect';
import {
  AGENT_COUNT_METRICS,
  CURRENT_METRICS,
  CURRENT_METRIC_FILTER_CHANNELS,
  CURRENT_METRIC_NAMES,
  isKnownChannel,
  type Channel,
  type CurrentMetricName,
  type RealtimeMetrics,
} from '@switchboard/shared';
import { z } from 'zod';
import { sendOptions, type ConnectContext } from './context.js';
import { MalformedResponseError } from './errors.js';
import { referenceId } from './arn.js';
import { MAX_FILTER_VALUES, MAX_METRIC_RESULTS, chunk, collectPages } from './paginate.js';

const resultSchema = z.object({
  Dimensions: z
    .object({
      // A QueueReference's Id and Arn are both optional in Connect's model: the id is read from the ARN without it.
      Queue: z.object({ Id: z.string().min(1).optional(), Arn: z.string().min(1).optional() }).optional(),
      // A channel this build does not know is reported and its row set aside, never the whole page.
      Channel: z.string().min(1).optional(),
      RoutingProfile: z
        .object({ Id: z.string().min(1).optional(), Arn: z.string().min(1).optional() })
        .optional(),
    })
    .optional(),
  // A collection's Metric, and its Name, are optional in Connect's model (CurrentMetric: "Only one of either the
  // Name or MetricId is required"): an entry this build cannot name is left out, never the whole page.
  Collections: z
    .array(
      z.object({
        Metric: z.object({ Name: z.string().optional() }).optional(),
        Value: z.number().nullable().optional(),
      }),
    )
    .default([]),
});
const responseSchema = z.object({
  MetricResults: z.array(resultSchema).default([]),
  NextToken: z.string().optional(),
  DataSnapshotTime: z.date().optional(),
});
type MetricResult = z.infer<typeof resultSchema>;

export type ChannelMetrics = Partial<Record<Channel, RealtimeMetrics>>;

export interface QueueRealtime {
  byQueue: Map<string, RealtimeMetrics>;
  byQueueChannel: Map<string, ChannelMetrics>;
  /** The oldest DataSnapshotTime of the requests that made these figures: "data as of". */
  dataSnapshotTime: Date | null;
  calls: number;
}

export interface AgentTotals {
  metrics: RealtimeMetrics;
  dataSnapshotTime: Date | null;
  calls: number;
}

/**
 * ESTIMATED_WAIT_TIME is documented only "for core routing purpose": filtered by Queues and Channels and grouped
 * by [QUEUE, CHANNEL] (or one queue, one channel and RoutingStepExpressions). Any other request for it is outside
 * Connect's contract, so it rides only in the QUEUE+CHANNEL request and every other request leaves it out.
 */
export const ROUTING_ONLY_METRICS: readonly CurrentMetricName[] = ['ESTIMATED_WAIT_TIME'];
const QUEUE_METRICS = CURRENT_METRIC_NAMES.filter((name) => !ROUTING_ONLY_METRICS.includes(name));

/** Agent counts for the instance: every metric that counts agents (or their slots), never summed over queues. */
export const AGENT_TOTAL_METRICS: readonly CurrentMetricName[] = AGENT_COUNT_METRICS;

/**
 * Connect's quirk: without a grouping OLDEST_CONTACT_AGE says SECONDS but carries milliseconds. The snapshot is
 * always seconds.
 */
export function oldestContactAgeSeconds(value: number | null, grouped: boolean): number | null {
  if (value === null) return null;
  return grouped ? value : Math.floor(value / 1000);
}

const KNOWN_METRICS: ReadonlySet<string> = new Set(CURRENT_METRIC_NAMES);

/**
 * A row's figures. Every metric `requested` is there: Connect's rows carry every metric asked for ("Each item in
 * MetricResult must include all requested metrics"), and one that came without its name is no figure (null),
 * never a 0 a sum would take.
 */
function toMetrics(
  result: MetricResult,
  grouped: boolean,
  requested: readonly CurrentMetricName[],
): RealtimeMetrics {
  const metrics: RealtimeMetrics = Object.fromEntries(requested.map((name) => [name, null]));
  for (const collection of result.Collections) {
    // A metric the wallboard did not ask for (or cannot name) is left out rather than passed to the screens.
    const name = collection.Metric?.Name;
    if (name === undefined || !KNOWN_METRICS.has(name)) continue;
    const value = collection.Value ?? null;
    metrics[name] = name === 'OLDEST_CONTACT_AGE' ? oldestContactAgeSeconds(value, grouped) : value;
  }
  return metrics;
}

async function currentMetricPages(
  ctx: ConnectContext,
  input: {
    Filters: { Queues?: string[]; RoutingProfiles?: string[]; Channels?: Channel[] };
    Groupings: ('QUEUE' | 'CHANNEL' | 'ROUTING_PROFILE')[];
    metrics: readonly CurrentMetricName[];
  },
) {
  return collectPages('GetCurrentMetricData', async (nextToken) => {
    // A fresh input object for every page, identical but for the token: Connect wants the same parameters.
    const command = new GetCurrentMetricDataCommand({
      InstanceId: ctx.instanceId,
      Filters: input.Filters,
      Groupings: input.Groupings.length > 0 ? input.Groupings : undefined,
      CurrentMetrics: input.metrics.map((name) => ({ Name: name, Unit: CURRENT_METRICS[name] })),
      MaxResults: MAX_METRIC_RESULTS,
      NextToken: nextToken,
    });
    const raw = await ctx.send('GetCurrentMetricData', () => ctx.client.send(command, sendOptions(ctx)));
    const parsed = responseSchema.safeParse(raw);
    if (!parsed.success)
      throw new MalformedResponseError(
        'GetCurrentMetricData',
        parsed.error.issues[0]?.message ?? 'bad shape',
      );
    return {
      items: parsed.data.MetricResults,
      nextToken: parsed.data.NextToken,
      dataSnapshotTime: parsed.data.DataSnapshotTime ?? null,
    };
  });
}

const older = (a: Date | null, b: Date | null) => (a === null ? b : b === null || a <= b ? a : b);

/**
 * A queue's estimated wait from its per-channel estimates: the longest, the wait a new contact of the queue's
 * slowest channel is told to expect. Connect has no per-queue figure across channels; null when no channel has one.
 */
export function queueEstimatedWait(channels: ChannelMetrics | undefined): number | null {
  let longest: number | null = null;
  for (const metrics of Object.values(channels ?? {})) {
    const estimate = metrics?.ESTIMATED_WAIT_TIME;
    if (typeof estimate === 'number' && (longest === null || estimate > longest)) longest = estimate;
  }
  return longest;
}

/**
 * Every current metric for every queue, grouped by QUEUE and by QUEUE+CHANNEL, 100 queues a request. A queue
 * absent from the results had nothing to report (Connect returns only active queues): the caller reads zero.
 * ESTIMATED_WAIT_TIME comes only from the QUEUE+CHANNEL request (its documented combination); a queue's figure is
 * derived from its channels' (`queueEstimatedWait`), so it costs no call of its own.
 */
export async function getQueueRealtime(
  ctx: ConnectContext,
  queueIds: readonly string[],
): Promise<QueueRealtime> {
  const byQueue = new Map<string, RealtimeMetrics>();
  const byQueueChannel = new Map<string, ChannelMetrics>();
  let dataSnapshotTime: Date | null = null;
  let calls = 0;
  const requests = chunk(queueIds, MAX_FILTER_VALUES).flatMap((queueChunk) => [
    { queueChunk, byChannel: false },
    { queueChunk, byChannel: true },
  ]);
  const results = await Promise.all(
    requests.map(async ({ queueChunk, byChannel }) => ({
      byChannel,
      pages: await currentMetricPages(ctx, {
        // Grouping by CHANNEL wants a Channels filter; ESTIMATED_WAIT_TIME wants exactly this combination.
        Filters: byChannel
          ? { Queues: queueChunk, Channels: [...CURRENT_METRIC_FILTER_CHANNELS] }
          : { Queues: queueChunk },
        Groupings: byChannel ? ['QUEUE', 'CHANNEL'] : ['QUEUE'],
        metrics: byChannel ? CURRENT_METRIC_NAMES : QUEUE_METRICS,
      }),
    })),
  );
  for (const { byChannel, pages } of results) {
    calls += pages.calls;
    dataSnapshotTime = older(dataSnapshotTime, pages.dataSnapshotTime);
    for (const result of pages.items) {
      const queue = result.Dimensions?.Queue;
      const queueId = referenceId(queue);
      const channel = result.Dimensions?.Channel;
      if (!queueId || (byChannel && !channel)) {
        throw new MalformedResponseError('GetCurrentMetricData', 'a grouped result without its dimensions');
      }
      if (byChannel && channel) {
        if (!isKnownChannel(channel)) {
          ctx.unknownValue?.('GetCurrentMetricData.Dimensions.Channel', channel);
          continue;
        }
        const channels = byQueueChannel.get(queueId) ?? {};
        channels[channel] = toMetrics(result, true, CURRENT_METRIC_NAMES);
        byQueueChannel.set(queueId, channels);
      } else {
        byQueue.set(queueId, toMetrics(result, true, QUEUE_METRICS));
      }
    }
  }
  for (const [queueId, metrics] of byQueue) {
    metrics.ESTIMATED_WAIT_TIME = queueEstimatedWait(byQueueChannel.get(queueId));
  }
  return { byQueue, byQueueChannel, dataSnapshotTime, calls };
}

/**
 * Instance-wide agent counts. An agent who serves five queues is one agent, so these are never summed over
 * queues: they come from requests filtered by routing profile, 100 profiles a request, grouped by ROUTING_PROFILE,
 * and are the sum of one row per profile. Each agent has exactly one routing profile, so nobody is counted twice.
 * Grouped, each row says whose figures it holds. Ungrouped, the API Reference reads both ways: data "retrieved
 * only for the resources associated with the queues or routing profiles" of the filter (`Filters`), and "the
 * aggregation happens at the instance-level" (`Groupings`); a sum of ungrouped chunks would count the instance
 * once per chunk under the second. A row of a profile the request did not name is left out; a
 * profile with no row had nobody online (Connect leaves such rows out).
 */
export async function getAgentTotals(
  ctx: ConnectContext,
  routingProfileIds: readonly string[],
): Promise<AgentTotals> {
  const asked = new Set(routingProfileIds);
  const byProfile = new Map<string, RealtimeMetrics>();
  let dataSnapshotTime: Date | null = null;
  let calls = 0;
  const chunks = chunk([...asked], MAX_FILTER_VALUES);
  const all = await Promise.all(
    chunks.map((profiles) =>
      currentMetricPages(ctx, {
        Filters: { RoutingProfiles: profiles },
        Groupings: ['ROUTING_PROFILE'],
        metrics: AGENT_TOTAL_METRICS,
      }),
    ),
  );
  for (const [i, pages] of all.entries()) {
    const filtered = new Set(chunks[i]);
    calls += pages.calls;
    dataSnapshotTime = older(dataSnapshotTime, pages.dataSnapshotTime);
    for (const result of pages.items) {
      const profile = result.Dimensions?.RoutingProfile;
      const profileId = referenceId(profile);
      if (!profileId)
        throw new MalformedResponseError(
          'GetCurrentMetricData',
          'a grouped result without its routing profile',
        );
      // Only the profiles of this request's filter: any other row is not its to give.
      if (!filtered.has(profileId)) continue;
      // One row per profile in a grouping; a second would count its agents twice, and is left out.
      if (byProfile.has(profileId)) continue;
      byProfile.set(profileId, toMetrics(result, true, AGENT_TOTAL_METRICS));
    }
  }
  const metrics: RealtimeMetrics = Object.fromEntries(AGENT_TOTAL_METRICS.map((name) => [name, 0]));
  for (const figures of byProfile.values()) {
    for (const [name, value] of Object.entries(figures)) {
      const sum = metrics[name];
      metrics[name] =
        value === null || value === undefined || sum === null || sum === undefined ? null : sum + value;
    }
  }
  return { metrics, dataSnapshotTime, calls };
}

/** What Connect means by a queue it left out of grouped results: nothing waiting, nobody online. */
export function zeroMetrics(): RealtimeMetrics {
  const metrics: RealtimeMetrics = Object.fromEntries(CURRENT_METRIC_NAMES.map((name) => [name, 0]));
  // An estimate needs contacts to estimate from: with none, Connect has no figure, not a zero wait.
  metrics.ESTIMATED_WAIT_TIME = null;
  return metrics;
}
