import { SIM_CHANNELS, type SimChannel } from '../catalog.js';
import { invalidParameter } from '../errors.js';
import { INTERVAL_MS } from '../history.js';
import { epochSeconds, maxResults, optionalObject, stringList } from '../validation.js';
import { ratio, serviceLevel, sumIntervals, type Sums } from './aggregate.js';
import { pagedRows, type OpContext } from './context.js';
import { parseChannels } from './currentMetrics.js';

/** GetMetricData: one aggregate per group over a range of 5-minute intervals within the last 24 hours. */

type Unit = 'COUNT' | 'SECONDS' | 'PERCENT';
type Statistic = 'SUM' | 'AVG' | 'MAX';

const count = (pick: (s: Sums) => number | null) => ({
  unit: 'COUNT' as Unit,
  statistic: 'SUM' as Statistic,
  value: pick,
});
const zero = count(() => 0);

/** Every historical metric Connect offers, with its only valid unit and statistic. */
const HISTORICAL_METRICS: Record<
  string,
  { unit: Unit; statistic: Statistic; value: (s: Sums, threshold: number) => number | null }
> = {
  CONTACTS_QUEUED: count((s) => s.queued),
  CONTACTS_HANDLED: count((s) => s.handled),
  CONTACTS_ABANDONED: count((s) => s.abandoned),
  // "Deprecated May 2019. When used in a report, it returns a dash (-)" (admin guide, Historical metrics
  // definitions): no figure, not a zero.
  CONTACTS_CONSULTED: count(() => null),
  CONTACTS_AGENT_HUNG_UP_FIRST: count((s) => Math.round(s.handled * 0.18)),
  CONTACTS_HANDLED_INCOMING: count((s) => s.incomingHandled),
  CONTACTS_HANDLED_OUTBOUND: count((s) => s.outboundHandled),
  CONTACTS_HOLD_ABANDONS: zero,
  CONTACTS_TRANSFERRED_IN: count((s) => s.transferredIn),
  CONTACTS_TRANSFERRED_OUT: count((s) => s.transferredOut),
  CONTACTS_TRANSFERRED_IN_FROM_QUEUE: zero,
  CONTACTS_TRANSFERRED_OUT_FROM_QUEUE: zero,
  CONTACTS_MISSED: count((s) => s.missed),
  CALLBACK_CONTACTS_HANDLED: count((s) => s.callbacksHandled),
  API_CONTACTS_HANDLED: count((s) => s.apiHandled),
  OCCUPANCY: { unit: 'PERCENT', statistic: 'AVG', value: (s) => ratio(s.busy, s.busy + s.idle, 100) },
  HANDLE_TIME: { unit: 'SECONDS', statistic: 'AVG', value: (s) => ratio(s.handleTime, s.handled) },
  AFTER_CONTACT_WORK_TIME: { unit: 'SECONDS', statistic: 'AVG', value: (s) => ratio(s.acwTime, s.handled) },
  QUEUED_TIME: { unit: 'SECONDS', statistic: 'MAX', value: (s) => (s.dequeued > 0 ? s.maxQueuedTime : null) },
  ABANDON_TIME: { unit: 'SECONDS', statistic: 'AVG', value: (s) => ratio(s.abandonTime, s.abandoned) },
  // Over the contacts answered from a queue (inbound, transferred, callbacks, API), not every contact handled.
  QUEUE_ANSWER_TIME: { unit: 'SECONDS', statistic: 'AVG', value: (s) => ratio(s.answerTime, s.answered) },
  // "This average only includes contacts that went on hold" (admin guide, "Average customer hold time").
  HOLD_TIME: { unit: 'SECONDS', statistic: 'AVG', value: (s) => ratio(s.holdTime, s.holds) },
  INTERACTION_TIME: { unit: 'SECONDS', statistic: 'AVG', value: (s) => ratio(s.talkTime, s.handled) },
  INTERACTION_AND_HOLD_TIME: {
    unit: 'SECONDS',
    statistic: 'AVG',
    value: (s) => ratio(s.talkTime + s.holdTime, s.handled),
  },
  SERVICE_LEVEL: { unit: 'PERCENT', statistic: 'AVG', value: (s, threshold) => serviceLevel(s, threshold) },
};

interface ParsedMetric {
  Name: string;
  Unit: Unit;
  Statistic: Statistic;
  Threshold?: { Comparison: 'LT'; ThresholdValue: number };
}

/** Connect's old reference allowed 15…600 only; the current one any whole number of seconds up to a week. */
export function thresholdSeconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 604_800) {
    throw invalidParameter(
      `${field} must be a whole number of seconds from 1 to 604800; got ${String(value)}.`,
    );
  }
  return value;
}

function parseMetrics(value: unknown): ParsedMetric[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidParameter(
      'HistoricalMetrics is required: list each metric with its Name, Unit and Statistic.',
    );
  }
  const metrics = value.map((raw: unknown): ParsedMetric => {
    const metric = optionalObject(raw, 'HistoricalMetrics[]');
    const name = String(metric.Name);
    const definition = HISTORICAL_METRICS[name];
    if (!definition) throw invalidParameter(`Unknown historical metric name: ${name}.`);
    if (metric.Unit !== definition.unit) {
      throw invalidParameter(
        `Metric ${name} is reported in ${definition.unit}; got Unit ${String(metric.Unit)}.`,
      );
    }
    if (metric.Statistic !== definition.statistic) {
      throw invalidParameter(
        `Metric ${name} takes Statistic ${definition.statistic}; got ${String(metric.Statistic)}.`,
      );
    }
    const parsed: ParsedMetric = { Name: name, Unit: definition.unit, Statistic: definition.statistic };
    if (name === 'SERVICE_LEVEL') {
      const threshold = optionalObject(metric.Threshold, 'Threshold');
      if (threshold.Comparison !== 'LT') {
        throw invalidParameter(
          'SERVICE_LEVEL needs a Threshold with Comparison LT and a ThresholdValue in seconds.',
        );
      }
      parsed.Threshold = {
        Comparison: 'LT',
        ThresholdValue: thresholdSeconds(threshold.ThresholdValue, 'Threshold.ThresholdValue'),
      };
    } else if (metric.Threshold !== undefined && metric.Threshold !== null) {
      throw invalidParameter(`Metric ${name} takes no Threshold.`);
    }
    return parsed;
  });
  if (metrics.filter((m) => m.Name === 'SERVICE_LEVEL').length > 20) {
    throw invalidParameter('A request may ask for SERVICE_LEVEL at most 20 times.');
  }
  return metrics;
}

/**
 * How far past the simulator's clock an EndTime may reach, for clock skew between caller and service. Connect
 * documents no figures for a range that has not happened yet (AWS's wallboard sample ends on the last 5-minute
 * boundary), so an EndTime on the next boundary, minutes ahead, is refused.
 */
export const END_TIME_SKEW_MS = 60_000;

/** Validates GetMetricData's time rules and returns [start, end) in ms. */
function parseRange(body: Record<string, unknown>, nowMs: number): [number, number] {
  const start = epochSeconds(body.StartTime, 'StartTime');
  const end = epochSeconds(body.EndTime, 'EndTime');
  if (start % INTERVAL_MS !== 0 || end % INTERVAL_MS !== 0) {
    throw invalidParameter(
      'StartTime and EndTime must fall on 5-minute boundaries (e.g. 10:05:00, not 10:07:30).',
    );
  }
  if (end <= start) throw invalidParameter('EndTime must be later than StartTime.');
  // "The time range between the start and end time must be less than 24 hours": exactly 24 is refused.
  if (end - start >= 86_400_000)
    throw invalidParameter('The range from StartTime to EndTime must be less than 24 hours.');
  if (start < nowMs - 86_400_000) {
    throw invalidParameter('StartTime must be within the 24 hours before the request.');
  }
  if (end > nowMs + END_TIME_SKEW_MS) {
    throw invalidParameter(
      `EndTime ${new Date(end).toISOString()} is in the future: end the range on the last 5-minute boundary.`,
    );
  }
  return [start, end];
}

export function getMetricData(ctx: OpContext) {
  const { model, nowMs, body } = ctx;
  const { catalog } = model;
  const [start, end] = parseRange(body, nowMs);
  const filters = optionalObject(body.Filters, 'Filters');
  // Connect's model: Queues takes 1 to 100 values; an empty list is refused, not "no filter".
  const queueRefs = stringList(filters.Queues, 'Filters.Queues', 100, 1);
  const channels: SimChannel[] = parseChannels(filters.Channels) ?? [...SIM_CHANNELS];
  if (filters.RoutingProfiles !== undefined) {
    throw invalidParameter('GetMetricData filters by Queues and Channels; RoutingProfiles is not supported.');
  }
  if (!queueRefs?.length && filters.Channels === undefined) {
    throw invalidParameter('Filters must name at least one queue (Queues) or channel (Channels).');
  }
  const groupings = stringList(body.Groupings, 'Groupings', 2) ?? [];
  for (const g of groupings) {
    if (g !== 'QUEUE' && g !== 'CHANNEL')
      throw invalidParameter(`Grouping ${g} is not supported; use QUEUE or CHANNEL.`);
  }
  if (new Set(groupings).size !== groupings.length)
    throw invalidParameter('Groupings must not repeat a value.');
  const metrics = parseMetrics(body.HistoricalMetrics);
  const max = maxResults(body.MaxResults, 100);
  const { pageItems, nextToken } = pagedRows<unknown>(ctx, 'gmd', max, () => {
    model.accrueAll();
    const queueIndices = (
      queueRefs
        ? [...new Set(queueRefs.map((ref) => catalog.queue(ref)?.index).filter((i) => i !== undefined))]
        : catalog.queues.map((q) => q.index)
    ).filter((q) => channels.includes(catalog.queues[q]?.channel ?? 'VOICE'));
    const intervals = model.history.between(start, end);
    let groups: { queues: number[]; dimensions: Record<string, unknown> }[] = [
      { queues: queueIndices, dimensions: {} },
    ];
    for (const grouping of groupings) {
      groups = groups.flatMap(({ queues, dimensions }): typeof groups =>
        grouping === 'QUEUE'
          ? queues.map((q) => ({
              queues: [q],
              dimensions: {
                ...dimensions,
                Queue: { Id: catalog.queues[q]?.id, Arn: catalog.queues[q]?.arn },
              },
            }))
          : channels.map((channel) => ({
              queues: queues.filter((q) => catalog.queues[q]?.channel === channel),
              dimensions: { ...dimensions, Channel: channel },
            })),
      );
    }
    const rows: unknown[] = [];
    for (const group of groups) {
      const sums = sumIntervals(model, intervals, group.queues);
      // Like the current metrics, groups with no activity in the range are left out.
      if (groupings.length > 0 && sums.queued === 0 && sums.dequeued === 0 && sums.handled === 0) continue;
      rows.push({
        Dimensions: group.dimensions,
        Collections: metrics.map((metric) => ({
          Metric: metric,
          Value: HISTORICAL_METRICS[metric.Name]?.value(sums, metric.Threshold?.ThresholdValue ?? 0) ?? null,
        })),
      });
    }
    return rows;
  });
  return { MetricResults: pageItems, NextToken: nextToken };
}
