import {
  CHANNELS,
  CURRENT_METRIC_FILTER_CHANNELS,
  type Channel,
  type Queue,
  type RealtimeMetrics,
  type TodayMetrics,
} from '@switchboard/shared';
import { zeroMetrics, type ChannelMetrics } from '../connect/currentMetrics.js';
import type { QueueRef } from '../connect/discovery.js';

/** The last complete real-time figures: per queue, per queue and channel, and the instance's agent counts. */
export interface RealtimeFigures {
  byQueue: Map<string, RealtimeMetrics>;
  byQueueChannel: Map<string, ChannelMetrics>;
  totals: RealtimeMetrics;
}

/**
 * The snapshot's queues: every queue discovery knows, in its order, with its last real-time and today figures.
 * A queue Connect left out of the results had nothing to report: zero, not missing. Channels are the ones the
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
    const byChannel = realtime?.byQueueChannel.get(ref.id) ?? {};
    const realtimeByChannel: Queue['realtimeByChannel'] = {};
    for (const channel of CURRENT_METRIC_FILTER_CHANNELS) {
      if (seen?.has(channel)) realtimeByChannel[channel] = byChannel[channel] ?? zeroMetrics();
    }
    return {
      id: ref.id,
      arn: ref.arn,
      name: ref.name,
      channels,
      realtime: realtime?.byQueue.get(ref.id) ?? zeroMetrics(),
      realtimeByChannel,
      today: today.get(ref.id) ?? {},
      states: {},
    };
  });
}
