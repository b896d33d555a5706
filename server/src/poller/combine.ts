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
  total.CONTACTS_IN_QUEUE = queues.map((q) => q.CONTACTS_IN_QUEUE ?? 0).reduce((a, b) => a + b, 0);
  total.CONTACTS_SCHEDULED = queues.map((q) => q.CONTACTS_SCHEDULED ?? 0).reduce((a, b) => a + b, 0);
  // The instance's oldest contact is the oldest of any queue; its estimated wait, the longest of any queue.
  total.OLDEST_CONTACT_AGE = maxOrNull(queues.map((q) => q.OLDEST_CONTACT_AGE));
  total.ESTIMATED_WAIT_TIME = maxOrNull(queues.map((q) => q.ESTIMATED_WAIT_TIME));
  return total;
}

function maxOrNull(values: readonly (number | null | undefined)[]): number | null {
  const present = values.filter((v): v is number => typeof v === 'number');
  return present.length === 0 ? null : Math.max(...present);
}

/** Which count weights each averaged historical figure when queues are combined. */
export function weightOf(name: string): string | null {
  if (name === 'ABANDON_TIME') return 'CONTACTS_ABANDONED';
  if (name.startsWith('SERVICE_LEVEL')) return 'CONTACTS_QUEUED';
  if (['QUEUE_ANSWER_TIME', 'HANDLE_TIME', 'AFTER_CONTACT_WORK_TIME', 'OCCUPANCY'].includes(name)) {
    return 'CONTACTS_HANDLED';
  }
  return null;
}

/** Today's instance figures: counts summed, averages weighted by their contacts, null where nothing to weigh. */
export function combineHistory(queues: readonly TodayMetrics[], names: readonly string[]): TodayMetrics {
  const combined: TodayMetrics = {};
  for (const name of names) {
    const weight = weightOf(name);
    if (weight === null) {
      combined[name] = queues.reduce((sum, q) => sum + (q[name] ?? 0), 0);
      continue;
    }
    let weighted = 0;
    let total = 0;
    for (const q of queues) {
      const value = q[name];
      const w = q[weight] ?? 0;
      if (value === null || value === undefined || w <= 0) continue;
      weighted += value * w;
      total += w;
    }
    combined[name] = total > 0 ? weighted / total : null;
  }
  return combined;
}
