import { SIM_CHANNELS, type SimChannel } from '../catalog.js';
import { invalidParameter, invalidRequest, notFound } from '../errors.js';
import {
  isTimeZone,
  startOfLocalDay,
  startOfNextLocalDay,
  timeZoneError,
} from '@switchboard/shared/timeZone';
import { epochSeconds, maxResults, optionalObject, stringList } from '../validation.js';
import { DEQUEUE, dequeuedWithin, ratio, serviceLevel, sumIntervals, type Sums } from './aggregate.js';
import { pagedRows, type OpContext } from './context.js';
import { thresholdSeconds } from './historical.js';

/**
 * GetMetricDataV2 for the metrics a wallboard uses: a time series (15 minutes to a week, or one total) in one
 * call, filtered and grouped by queue and channel.
 */

const DAY = 86_400_000;
const PERIODS: Record<string, { ms: number; maxRangeMs: number }> = {
  FIFTEEN_MIN: { ms: 15 * 60_000, maxRangeMs: 3 * DAY },
  THIRTY_MIN: { ms: 30 * 60_000, maxRangeMs: 3 * DAY },
  HOUR: { ms: 3_600_000, maxRangeMs: 3 * DAY },
  DAY: { ms: DAY, maxRangeMs: 35 * DAY },
  WEEK: { ms: 7 * DAY, maxRangeMs: 35 * DAY },
  TOTAL: { ms: 0, maxRangeMs: 35 * DAY },
};

type Value = (sums: Sums, threshold: number) => number | null;
const METRICS_V2: Record<string, { value: Value; needsThreshold?: boolean }> = {
  CONTACTS_QUEUED: { value: (s) => s.queued },
  CONTACTS_HANDLED: { value: (s) => s.handled },
  CONTACTS_ABANDONED: { value: (s) => s.abandoned },
  AGENT_NON_RESPONSE: { value: (s) => s.missed },
  ABANDONMENT_RATE: { value: (s) => ratio(s.abandoned, s.queued, 100) },
  AVG_HANDLE_TIME: { value: (s) => ratio(s.handleTime, s.handled) },
  AVG_QUEUE_ANSWER_TIME: { value: (s) => ratio(s.answerTime, s.answered) },
  AVG_ABANDON_TIME: { value: (s) => ratio(s.abandonTime, s.abandoned) },
  AVG_AFTER_CONTACT_WORK_TIME: { value: (s) => ratio(s.acwTime, s.handled) },
  // Over the contacts that went on hold only, as HOLD_TIME.
  AVG_HOLD_TIME: { value: (s) => ratio(s.holdTime, s.holds) },
  AVG_INTERACTION_TIME: { value: (s) => ratio(s.talkTime, s.handled) },
  MAX_QUEUED_TIME: { value: (s) => (s.dequeued > 0 ? s.maxQueuedTime : null) },
  AGENT_OCCUPANCY: { value: (s) => ratio(s.busy, s.busy + s.idle, 100) },
  SUM_HANDLE_TIME: { value: (s) => s.handleTime },
  SERVICE_LEVEL: { value: (s, x) => serviceLevel(s, x), needsThreshold: true },
  SUM_CONTACTS_ANSWERED_IN_X: {
    value: (s, x) => dequeuedWithin(s, x, DEQUEUE.ANSWERED),
    needsThreshold: true,
  },
  SUM_CONTACTS_ABANDONED_IN_X: {
    value: (s, x) => dequeuedWithin(s, x, DEQUEUE.ABANDONED),
    needsThreshold: true,
  },
};

interface MetricV2 {
  Name: string;
  Threshold?: { Comparison: 'LT'; ThresholdValue: number }[];
}

function parseMetrics(value: unknown): MetricV2[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidParameter('Metrics is required.');
  if (value.length > 10) throw invalidParameter('Metrics accepts at most 10 metrics per request.');
  return value.map((raw: unknown) => {
    const metric = optionalObject(raw, 'Metrics[]');
    const name = String(metric.Name);
    const definition = METRICS_V2[name];
    if (!definition) throw invalidParameter(`Unknown or unsupported metric name: ${name}.`);
    if (!definition.needsThreshold) {
      if (metric.Threshold !== undefined) throw invalidParameter(`Metric ${name} takes no Threshold.`);
      return { Name: name };
    }
    const list = Array.isArray(metric.Threshold) ? metric.Threshold : [];
    const first = optionalObject(list[0], 'Threshold[0]');
    if (list.length !== 1 || first.Comparison !== 'LT') {
      throw invalidParameter(
        `Metric ${name} needs one Threshold with Comparison LT and a ThresholdValue in seconds.`,
      );
    }
    return {
      Name: name,
      Threshold: [
        { Comparison: 'LT', ThresholdValue: thresholdSeconds(first.ThresholdValue, 'ThresholdValue') },
      ],
    };
  });
}

function parseFilters(ctx: OpContext, value: unknown): { queues: number[]; channels: SimChannel[] } {
  if (!Array.isArray(value) || value.length === 0) throw invalidParameter('Filters is required.');
  if (value.length > 5) throw invalidParameter('Filters accepts at most 5 filters.');
  const { catalog } = ctx.model;
  let queues: number[] | undefined;
  let channels: SimChannel[] = [...SIM_CHANNELS];
  for (const raw of value) {
    const filter = optionalObject(raw, 'Filters[]');
    const key = filter.FilterKey;
    if (key === 'QUEUE') {
      const refs = stringList(filter.FilterValues, 'FilterValues (QUEUE)', 100) ?? [];
      queues = [...new Set(refs.map((r) => catalog.queue(r)?.index).filter((i) => i !== undefined))];
    } else if (key === 'ROUTING_PROFILE') {
      const refs = stringList(filter.FilterValues, 'FilterValues (ROUTING_PROFILE)', 100) ?? [];
      const profiles = refs.map((r) => catalog.profile(r)).filter((p) => p !== undefined);
      queues = [...new Set(profiles.flatMap((p) => p.queues.map((q) => q.queueIndex)))];
    } else if (key === 'CHANNEL') {
      const refs = stringList(filter.FilterValues, 'FilterValues (CHANNEL)', 3) ?? [];
      const bad = refs.find((c) => !(SIM_CHANNELS as readonly string[]).includes(c));
      if (bad) throw invalidParameter(`CHANNEL filter values are VOICE, CHAT and TASK; got ${bad}.`);
      channels = refs as SimChannel[];
    } else {
      throw invalidParameter(
        `FilterKey ${String(key)} is not supported; use QUEUE, ROUTING_PROFILE or CHANNEL.`,
      );
    }
  }
  if (!queues) throw invalidParameter('Filters must include a QUEUE or ROUTING_PROFILE filter.');
  return { queues: queues.filter((q) => channels.includes(catalog.queues[q]?.channel ?? 'VOICE')), channels };
}

/** Buckets [start, end) by the period: days and weeks start at local midnight in the request's time zone. */
function buckets(start: number, end: number, period: string, timeZone: string): [number, number][] {
  const spec = PERIODS[period];
  if (!spec || spec.ms === 0) return [[start, end]];
  const result: [number, number][] = [];
  let from = start;
  while (from < end) {
    let to =
      period === 'DAY'
        ? startOfNextLocalDay(from, timeZone)
        : period === 'WEEK'
          ? startOfLocalDay(from + 7 * DAY + 3 * 3_600_000, timeZone)
          : from + spec.ms;
    if (to <= from) to = from + spec.ms;
    result.push([from, Math.min(to, end)]);
    from = to;
  }
  return result;
}

export function getMetricDataV2(ctx: OpContext) {
  const { model, nowMs, body } = ctx;
  const { catalog } = model;
  if (typeof body.ResourceArn !== 'string')
    throw invalidParameter('ResourceArn is required (the instance ARN).');
  if (body.ResourceArn !== catalog.instanceArn) throw notFound(`Instance ${body.ResourceArn} not found.`);
  const start = epochSeconds(body.StartTime, 'StartTime');
  const end = epochSeconds(body.EndTime, 'EndTime');
  const interval = optionalObject(body.Interval, 'Interval');
  const period = interval.IntervalPeriod === undefined ? 'TOTAL' : String(interval.IntervalPeriod);
  const spec = PERIODS[period];
  if (!spec) throw invalidParameter(`IntervalPeriod must be one of ${Object.keys(PERIODS).join(', ')}.`);
  const timeZone = typeof interval.TimeZone === 'string' ? interval.TimeZone : 'UTC';
  if (!isTimeZone(timeZone)) throw invalidParameter(timeZoneError('Interval.TimeZone', timeZone));
  if (end <= start) throw invalidParameter('EndTime must be later than StartTime.');
  // "It cannot be later than the current timestamp"; IntervalDetails: the range "must be less than" 3 days (35
  // for DAY, WEEK and TOTAL), so exactly that much is refused.
  if (end > nowMs) throw invalidParameter('EndTime cannot be later than the current timestamp.');
  if (end - start >= spec.maxRangeMs) {
    throw invalidParameter(
      `With IntervalPeriod ${period} the range must be less than ${spec.maxRangeMs / DAY} days.`,
    );
  }
  if (start < nowMs - 93 * DAY) throw invalidParameter('StartTime must be within the last 3 months.');
  const { queues, channels } = parseFilters(ctx, body.Filters);
  const groupings = stringList(body.Groupings, 'Groupings', 4) ?? [];
  for (const g of groupings) {
    if (g !== 'QUEUE' && g !== 'CHANNEL')
      throw invalidParameter(`Grouping ${g} is not supported; use QUEUE or CHANNEL.`);
  }
  const metrics = parseMetrics(body.Metrics);
  const max = maxResults(body.MaxResults, 100);
  if (body.NextToken !== undefined && typeof body.NextToken !== 'string')
    throw invalidRequest('NextToken must be a string.');
  const { pageItems, nextToken } = pagedRows<unknown>(ctx, 'v2', max, () => {
    model.accrueAll();
    let groups: { queues: number[]; dimensions: Record<string, string> }[] = [{ queues, dimensions: {} }];
    for (const grouping of groupings) {
      groups = groups.flatMap(({ queues: qs, dimensions }): typeof groups =>
        grouping === 'QUEUE'
          ? qs.map((q) => ({
              queues: [q],
              dimensions: { ...dimensions, QUEUE: catalog.queues[q]?.id ?? '' },
            }))
          : channels.map((channel) => ({
              queues: qs.filter((q) => catalog.queues[q]?.channel === channel),
              dimensions: { ...dimensions, CHANNEL: channel },
            })),
      );
    }
    const rows: unknown[] = [];
    for (const group of groups) {
      for (const [from, to] of buckets(start, end, period, timeZone)) {
        const sums = sumIntervals(model, model.history.between(from, to), group.queues);
        if (groupings.length > 0 && sums.queued === 0 && sums.dequeued === 0 && sums.handled === 0) continue;
        rows.push({
          Dimensions: group.dimensions,
          MetricInterval: { Interval: period, StartTime: from / 1000, EndTime: to / 1000 },
          Collections: metrics.map((metric) => ({
            Metric: metric,
            Value: METRICS_V2[metric.Name]?.value(sums, metric.Threshold?.[0]?.ThresholdValue ?? 0) ?? null,
          })),
        });
      }
    }
    return rows;
  });
  return { MetricResults: pageItems, NextToken: nextToken };
}
