/**
 * Historical figures accumulated per 5-minute interval from the same simulation that drives the current
 * figures, so today's totals and the live tiles can never disagree. Intervals are kept for `retentionDays`.
 */
export const INTERVAL_MS = 5 * 60_000;

/** Per-queue counters; times in seconds. */
export const Q = {
  /**
   * Contacts queued (CONTACTS_QUEUED), counted once their record closes, in the interval of their disconnect, as
   * every contact-record metric is (admin guide, "Historical metrics": "contact records whose disconnect date falls
   * in the interval are selected"): a contact still waiting, or still with an agent (its after-contact work
   * included), is not counted yet. Arrivals themselves are ARRIVED.
   */
  QUEUED: 0,
  ANSWERED: 1,
  ANSWER_TIME_SUM: 2,
  HANDLED: 3,
  HANDLE_TIME_SUM: 4,
  TALK_TIME_SUM: 5,
  HOLD_TIME_SUM: 6,
  ACW_TIME_SUM: 7,
  ABANDONED: 8,
  ABANDON_TIME_SUM: 9,
  MAX_QUEUED_TIME: 10,
  CALLBACK_HANDLED: 11,
  MISSED: 12,
  DEQUEUED: 13,
  HOLDS: 14,
  INCOMING_HANDLED: 15,
  API_HANDLED: 16,
  CALLBACKS_OFFERED: 17,
  /** Agent-initiated outbound contacts completed (CONTACTS_HANDLED_OUTBOUND): handled, never queued. */
  OUTBOUND_HANDLED: 18,
  /** Contacts an agent transferred into this queue, and out of it (CONTACTS_TRANSFERRED_IN / _OUT). */
  TRANSFERRED_IN: 19,
  TRANSFERRED_OUT: 20,
  /**
   * Contacts answered from a queue whose record closed in the interval, and their seconds in queue: Connect
   * counts contact-record metrics such as QUEUE_ANSWER_TIME in the interval of the record, as it does
   * CONTACTS_HANDLED, so the average and the counts that weight it describe the same contacts.
   */
  HANDLED_FROM_QUEUE: 21,
  HANDLED_QUEUE_WAIT_SUM: 22,
  /** Contacts placed in the queue, when they were: the simulation's own count, which no metric reports. */
  ARRIVED: 23,
} as const;
const QUEUE_FIELDS = 24;

/** Per-routing-profile agent time, seconds. */
export const P = { BUSY: 0, IDLE: 1, ONLINE: 2 } as const;
const PROFILE_FIELDS = 3;

/** How a contact left the queue, for service level and "answered within X", told when its record closes. */
export const DEQUEUE = { ANSWERED: 0, ABANDONED: 1, CALLBACK: 2 } as const;

export interface Interval {
  start: number;
  queues: Float64Array;
  profiles: Float64Array;
  /**
   * One entry per queued contact whose record closed in this interval: queue index, seconds it waited, how it left
   * the queue.
   */
  dequeueQueue: number[];
  dequeueWait: number[];
  dequeueKind: number[];
}

export class IntervalHistory {
  private readonly intervals = new Map<number, Interval>();

  constructor(
    private readonly queueCount: number,
    private readonly profileCount: number,
    private readonly retentionMs: number,
  ) {}

  private latest: Interval | undefined;

  intervalAt(ms: number): Interval {
    const start = Math.floor(ms / INTERVAL_MS) * INTERVAL_MS;
    // Nearly every write goes to the open interval.
    if (this.latest?.start === start) return this.latest;
    let interval = this.intervals.get(start);
    if (interval && start > (this.latest?.start ?? Number.NEGATIVE_INFINITY)) this.latest = interval;
    if (!interval) {
      interval = {
        start,
        queues: new Float64Array(this.queueCount * QUEUE_FIELDS),
        profiles: new Float64Array(this.profileCount * PROFILE_FIELDS),
        dequeueQueue: [],
        dequeueWait: [],
        dequeueKind: [],
      };
      this.intervals.set(start, interval);
      if (start > (this.latest?.start ?? Number.NEGATIVE_INFINITY)) this.latest = interval;
      this.prune(start);
    }
    return interval;
  }

  /** The intervals whose start lies in [fromMs, toMs), oldest first. */
  between(fromMs: number, toMs: number): Interval[] {
    const found: Interval[] = [];
    for (let start = Math.ceil(fromMs / INTERVAL_MS) * INTERVAL_MS; start < toMs; start += INTERVAL_MS) {
      const interval = this.intervals.get(start);
      if (interval) found.push(interval);
    }
    return found;
  }

  add(ms: number, queueIndex: number, field: number, amount: number): void {
    const values = this.intervalAt(ms).queues;
    const at = queueIndex * QUEUE_FIELDS + field;
    values[at] = (values[at] ?? 0) + amount;
  }

  max(ms: number, queueIndex: number, field: number, value: number): void {
    const values = this.intervalAt(ms).queues;
    const at = queueIndex * QUEUE_FIELDS + field;
    values[at] = Math.max(values[at] ?? 0, value);
  }

  /**
   * The record of a contact that was queued, closed (abandoned, turned into a callback, or handled to the end of
   * its after-contact work), filed at `ms`, its disconnect: having waited `waitSeconds` and left the queue as
   * `kind`, it counts as queued, and in service level and "removed from queue within X", in that interval (closed
   * already, for a contact handled across its end), as Connect's contact-record metrics do.
   */
  queuedRecordClosed(ms: number, queueIndex: number, waitSeconds: number, kind: number): void {
    const interval = this.intervalAt(ms);
    interval.dequeueQueue.push(queueIndex);
    interval.dequeueWait.push(waitSeconds);
    interval.dequeueKind.push(kind);
    this.add(ms, queueIndex, Q.QUEUED, 1);
    this.add(ms, queueIndex, Q.DEQUEUED, 1);
    this.max(ms, queueIndex, Q.MAX_QUEUED_TIME, waitSeconds);
  }

  /**
   * Adds an agent's time from `fromMs` to `toMs` to a profile's counters (online, and busy or idle when
   * `busyOrIdle` names one), split at interval boundaries.
   */
  addAgentTime(profileIndex: number, busyOrIdle: number | null, fromMs: number, toMs: number): void {
    const base = profileIndex * PROFILE_FIELDS;
    let from = fromMs;
    while (from < toMs) {
      const end = Math.min(toMs, (Math.floor(from / INTERVAL_MS) + 1) * INTERVAL_MS);
      const values = this.intervalAt(from).profiles;
      const seconds = (end - from) / 1000;
      values[base + P.ONLINE] = (values[base + P.ONLINE] ?? 0) + seconds;
      if (busyOrIdle !== null) values[base + busyOrIdle] = (values[base + busyOrIdle] ?? 0) + seconds;
      from = end;
    }
  }

  private prune(latestStart: number): void {
    const oldest = latestStart - this.retentionMs;
    for (const start of this.intervals.keys()) {
      if (start < oldest) this.intervals.delete(start);
    }
  }
}

export function queueValue(interval: Interval, queueIndex: number, field: number): number {
  return interval.queues[queueIndex * QUEUE_FIELDS + field] ?? 0;
}

export function profileValue(interval: Interval, profileIndex: number, field: number): number {
  return interval.profiles[profileIndex * PROFILE_FIELDS + field] ?? 0;
}
