import {
  CHANNELS,
  CURRENT_METRIC_FILTER_CHANNELS,
  type Agent,
  type Channel,
  type Queue,
  type RealtimeMetrics,
  type SectionName,
  type SectionStatus,
  type Snapshot,
  type TodayMetrics,
} from '@switchboard/shared';
import { zeroMetrics, type ChannelMetrics } from '../connect/currentMetrics.js';
import type { QueueRef } from '../connect/discovery.js';
import { SERVER_BUILD } from '../version.js';
import { instanceRealtime } from './combine.js';
import type { Directory } from './directory.js';
import type { History } from './history.js';

/** Per-queue intraday series travel in the snapshot up to this many queues; above, GET /api/v1/intraday/:queueId. */
export const INTRADAY_QUEUES_IN_SNAPSHOT = 100;

/** The last complete real-time figures: per queue, per queue and channel, and the instance's agent counts. */
export interface RealtimeFigures {
  byQueue: Map<string, RealtimeMetrics>;
  byQueueChannel: Map<string, ChannelMetrics>;
  totals: RealtimeMetrics;
  /** The queues the request named: only of those does a missing row mean zero. */
  asked: ReadonlySet<string>;
}

/**
 * The snapshot's queues: every queue discovery knows, in its order, with its last real-time and today figures.
 * A queue Connect left out of the results had nothing to report: zero, not missing. A queue the request did not
 * name (discovered since it was sent, or while the queue figures keep failing) has no figures yet: none, not
 * zeros that pass for a quiet queue. Channels are the ones the
 * queue has shown today, so a tile does not lose its chat line whenever chat goes quiet. Figures per channel
 * only where Connect gives them: EMAIL cannot be asked for by channel, so an email queue shows the channel and
 * its queue-wide figures, never a line of zeros that would pass for its email figures.
 */
export function toQueues(
  refs: readonly QueueRef[],
  realtime: RealtimeFigures | null,
  channelsSeen: ReadonlyMap<string, ReadonlySet<Channel>>,
  today: ReadonlyMap<string, TodayMetrics>,
): Queue[] {
  return refs.map((ref) => {
    const seen = channelsSeen.get(ref.id);
    const channels = CHANNELS.filter((c) => seen?.has(c));
    const asked = realtime?.asked.has(ref.id) ? realtime : null;
    const byChannel = asked?.byQueueChannel.get(ref.id) ?? {};
    const realtimeByChannel: Queue['realtimeByChannel'] = {};
    for (const channel of CURRENT_METRIC_FILTER_CHANNELS) {
      if (asked && seen?.has(channel)) realtimeByChannel[channel] = byChannel[channel] ?? zeroMetrics();
    }
    return {
      id: ref.id,
      name: ref.name,
      channels,
      // Before the first complete cycle there are no figures: none, rather than zeros that pass for a quiet queue.
      realtime: asked ? (asked.byQueue.get(ref.id) ?? zeroMetrics()) : {},
      realtimeByChannel,
      today: today.get(ref.id) ?? {},
      states: {},
    };
  });
}

export interface SnapshotParts {
  instanceId: string;
  timeZone: string;
  generation: number;
  now: number;
  cycleMs: number;
  sections: Record<SectionName, SectionStatus>;
  directory: Directory;
  realtime: RealtimeFigures | null;
  channelsSeen: ReadonlyMap<string, ReadonlySet<Channel>>;
  history: History;
  agents: Agent[];
}

/** The snapshot the poller publishes, of the last complete figures of every section. */
export function assembleSnapshot(parts: SnapshotParts): Snapshot {
  const { directory, history, now } = parts;
  const queues = toQueues(directory.queues, parts.realtime, parts.channelsSeen, history.today);
  const queueIds = queues.map((q) => q.id);
  return {
    instanceId: parts.instanceId,
    serverBuild: SERVER_BUILD,
    timeZone: parts.timeZone,
    generation: parts.generation,
    generatedAt: new Date(now).toISOString(),
    serverTime: new Date(now).toISOString(),
    dataSnapshotTime: parts.sections.queues.dataSnapshotTime,
    stale: false,
    cycleMs: parts.cycleMs,
    sections: structuredClone(parts.sections),
    queues,
    summary: {
      realtime: parts.realtime
        ? instanceRealtime(
            queues.map((q) => q.realtime),
            parts.realtime.totals,
          )
        : {},
      today: history.todayInstance,
      states: {},
    },
    agents: parts.agents,
    ...(directory.servedQueues ? { routingProfiles: directory.servedQueues } : {}),
    intraday: history.intraday(queueIds, history.chartMetricNames, INTRADAY_QUEUES_IN_SNAPSHOT),
    alerts: [],
  };
}
