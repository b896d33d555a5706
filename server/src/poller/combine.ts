import { type RealtimeMetrics, type TodayMetrics } from '@switchboard/shared';

/**
 * Instance figures from per-queue figures. Contact counts add up across queues; agent counts do not (one agent
 * serves many queues) and come from their own requests; averages and percentages are weighted by the contacts
 * they describe.
 */

/** Instance real-time contact figures from the queues, with agent counts taken from `agentTotals`. */
export function instanceRealtime(
  queues: readonly RealtimeMetrics[],
  agentTotals: RealtimeMetrics,
): RealtimeMetrics {
  const total: RealtimeMetrics = { ...agentTotals };
  total.CONTACTS_IN_QUEUE = sumOrNull(queues, 'CONTACTS_IN_QUEUE');
  total.CONTACTS_SCHEDULED = sumOrNull(queues, 'CONTACTS_SCHEDULED');
  // The instance's oldest contact is the oldest of any queue; its estimated wait, the longest of any queue.
  total.OLDEST_CONTACT_AGE = maxOrNull(queues.map((q) => q.OLDEST_CONTACT_AGE));
  total.ESTIMATED_WAIT_TIME = maxOrNull(queues.map((q) => q.ESTIMATED_WAIT_TIME));
  return total;
}

/**
 * The queues' figures added up; null when queues have no figures at all yet (never fetched), not zero, and when a
 * queue's is null (Connect gave it without a value): a sum of an unknown is not known.
 */
function sumOrNull(queues: readonly RealtimeMetrics[], name: 'CONTACTS_IN_QUEUE' | 'CONTACTS_SCHEDULED') {
  if (queues.length > 0 && queues.every((q) => q[name] === undefined)) return null;
  if (queues.some((q) => q[name] === null)) return null;
  return queues.map((q) => q[name] ?? 0).reduce((a, b) => a + b, 0);
}

function maxOrNull(values: readonly (number | null | undefined)[]): number | null {
  const present = values.filter((v): v is number => typeof v === 'number');
  return present.length === 0 ? null : Math.max(...present);
}

/**
 * What QUEUE_ANSWER_TIME is an average of: contacts answered from a queue. CONTACTS_HANDLED_INCOMING already
 * counts inbound and transferred contacts (agent and queue transfers alike), callbacks and API contacts (tasks)
 * are counted apart; outbound calls, which CONTACTS_HANDLED also counts, never waited in a queue.
 */
export const ANSWERED_FROM_QUEUE = [
  'CONTACTS_HANDLED_INCOMING',
  'CALLBACK_CONTACTS_HANDLED',
  'API_CONTACTS_HANDLED',
] as const;

/**
 * The counts whose sum weights each averaged historical figure when queues are combined: the contacts the
 * average is taken over, by Connect's definitions (admin guide, "Historical metrics definitions").
 */
export function weightOf(name: string): readonly string[] | null {
  if (name === 'QUEUE_ANSWER_TIME') return ANSWERED_FROM_QUEUE;
  // Average queue abandon time: over the contacts abandoned.
  if (name === 'ABANDON_TIME') return ['CONTACTS_ABANDONED'];
  // Service level X: contacts removed from the queue within X over contacts queued.
  if (name.startsWith('SERVICE_LEVEL')) return ['CONTACTS_QUEUED'];
  // Handle time and after-contact work: over every contact an agent handled, outbound included.
  if (name === 'HANDLE_TIME' || name === 'AFTER_CONTACT_WORK_TIME') return ['CONTACTS_HANDLED'];
  // Occupancy is agent time, not a contact average: no count weights it exactly. Up to 100 queues the centre's
  // figure comes from Connect directly (poller/history.ts); above, this weighting is an approximation.
  if (name === 'OCCUPANCY') return ['CONTACTS_HANDLED'];
  return null;
}

/**
 * Today's instance figures: counts summed (null where a queue's is null), averages weighted by their contacts,
 * null where nothing to weigh.
 */
export function combineHistory(queues: readonly TodayMetrics[], names: readonly string[]): TodayMetrics {
  const combined: TodayMetrics = {};
  for (const name of names) {
    const weights = weightOf(name);
    if (weights === null) {
      // A count Connect gave without a value (`Value` is optional) is not known: nor is any sum of it. A queue
      // with no row at all, or without that figure, adds none.
      combined[name] = queues.some((q) => q[name] === null)
        ? null
        : queues.reduce((sum, q) => sum + (q[name] ?? 0), 0);
      continue;
    }
    let weighted = 0;
    let total = 0;
    for (const q of queues) {
      const value = q[name];
      const w = weights.reduce((sum, weight) => sum + (q[weight] ?? 0), 0);
      if (value === null || value === undefined || w <= 0) continue;
      weighted += value * w;
      total += w;
    }
    combined[name] = total > 0 ? weighted / total : null;
  }
  return combined;
}
