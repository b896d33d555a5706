import { DEQUEUE, P, Q, profileValue, queueValue, type Interval } from '../history.js';
import type { ContactCentreModel } from '../model.js';

/** Sums of the 5-minute intervals for a set of queues: the raw material of every historical metric. */
export interface Sums {
  queued: number;
  answered: number;
  answerTime: number;
  handled: number;
  handleTime: number;
  talkTime: number;
  holdTime: number;
  acwTime: number;
  abandoned: number;
  abandonTime: number;
  maxQueuedTime: number;
  callbacksHandled: number;
  apiHandled: number;
  incomingHandled: number;
  outboundHandled: number;
  transferredIn: number;
  transferredOut: number;
  missed: number;
  dequeued: number;
  holds: number;
  busy: number;
  idle: number;
  intervals: Interval[];
  queueSet: Set<number>;
}

export function sumIntervals(model: ContactCentreModel, intervals: Interval[], queueIndices: number[]): Sums {
  const sums: Sums = {
    queued: 0,
    answered: 0,
    answerTime: 0,
    handled: 0,
    handleTime: 0,
    talkTime: 0,
    holdTime: 0,
    acwTime: 0,
    abandoned: 0,
    abandonTime: 0,
    maxQueuedTime: 0,
    callbacksHandled: 0,
    apiHandled: 0,
    incomingHandled: 0,
    outboundHandled: 0,
    transferredIn: 0,
    transferredOut: 0,
    missed: 0,
    dequeued: 0,
    holds: 0,
    busy: 0,
    idle: 0,
    intervals,
    queueSet: new Set(queueIndices),
  };
  const profiles = new Set<number>();
  for (const q of queueIndices)
    for (const p of model.catalog.queues[q]?.profileIndices ?? []) profiles.add(p);
  for (const interval of intervals) {
    for (const q of queueIndices) {
      sums.queued += queueValue(interval, q, Q.QUEUED);
      // Contact-record figures: contacts answered from the queue, counted once their record closes, in the
      // interval of their disconnect.
      sums.answered += queueValue(interval, q, Q.HANDLED_FROM_QUEUE);
      sums.answerTime += queueValue(interval, q, Q.HANDLED_QUEUE_WAIT_SUM);
      sums.handled += queueValue(interval, q, Q.HANDLED);
      sums.handleTime += queueValue(interval, q, Q.HANDLE_TIME_SUM);
      sums.talkTime += queueValue(interval, q, Q.TALK_TIME_SUM);
      sums.holdTime += queueValue(interval, q, Q.HOLD_TIME_SUM);
      sums.acwTime += queueValue(interval, q, Q.ACW_TIME_SUM);
      sums.abandoned += queueValue(interval, q, Q.ABANDONED);
      sums.abandonTime += queueValue(interval, q, Q.ABANDON_TIME_SUM);
      sums.maxQueuedTime = Math.max(sums.maxQueuedTime, queueValue(interval, q, Q.MAX_QUEUED_TIME));
      sums.callbacksHandled += queueValue(interval, q, Q.CALLBACK_HANDLED);
      sums.apiHandled += queueValue(interval, q, Q.API_HANDLED);
      sums.incomingHandled += queueValue(interval, q, Q.INCOMING_HANDLED);
      sums.outboundHandled += queueValue(interval, q, Q.OUTBOUND_HANDLED);
      sums.transferredIn += queueValue(interval, q, Q.TRANSFERRED_IN);
      sums.transferredOut += queueValue(interval, q, Q.TRANSFERRED_OUT);
      sums.missed += queueValue(interval, q, Q.MISSED);
      sums.dequeued += queueValue(interval, q, Q.DEQUEUED);
      sums.holds += queueValue(interval, q, Q.HOLDS);
    }
    for (const p of profiles) {
      sums.busy += profileValue(interval, p, P.BUSY);
      sums.idle += profileValue(interval, p, P.IDLE);
    }
  }
  return sums;
}

export const ratio = (numerator: number, denominator: number, scale = 1): number | null =>
  denominator > 0 ? (numerator / denominator) * scale : null;

/** Contacts that left the queue in under `thresholdSeconds`, by how they left (all kinds when omitted). */
export function dequeuedWithin(sums: Sums, thresholdSeconds: number, kind?: number): number {
  let count = 0;
  for (const interval of sums.intervals) {
    const { dequeueQueue, dequeueWait, dequeueKind } = interval;
    for (let i = 0; i < dequeueQueue.length; i += 1) {
      if (!sums.queueSet.has(dequeueQueue[i] ?? -1)) continue;
      if (kind !== undefined && dequeueKind[i] !== kind) continue;
      if ((dequeueWait[i] ?? Number.POSITIVE_INFINITY) < thresholdSeconds) count += 1;
    }
  }
  return count;
}

/**
 * Connect's service level X, as the admin guide defines it ("Service level X", historical metrics definitions):
 * contacts removed from the queue within X seconds (answered, abandoned or turned into a callback) over the
 * contacts queued, as a percentage, both of the contact records that closed in the range (a contact-record
 * metric: "contact records whose disconnect date falls in the interval are selected"). A contact still waiting, or
 * still with an agent, counts in neither yet; every contact counted above is counted below, so it is never over
 * 100%.
 */
export function serviceLevel(sums: Sums, thresholdSeconds: number): number | null {
  return ratio(dequeuedWithin(sums, thresholdSeconds), sums.queued, 100);
}

export { DEQUEUE };
