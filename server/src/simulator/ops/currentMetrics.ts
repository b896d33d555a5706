import { FILTER_CHANNELS, SIM_CHANNELS, type SimChannel } from '../catalog.js';
import { invalidParameter, invalidRequest } from '../errors.js';
import { CURRENT_METRIC_UNITS, FigureCalculator, type CurrentMetric, type Scope } from '../figures.js';
import { maxResults, optionalObject, stringList } from '../validation.js';
import { pagedRows, type OpContext } from './context.js';

/** GetCurrentMetricData: the queue tiles' figures, grouped by queue, channel or routing profile, or not at all. */

const GROUPINGS = ['QUEUE', 'CHANNEL', 'ROUTING_PROFILE'] as const;
type Grouping = (typeof GROUPINGS)[number];

/** The `Channels` filter of GetCurrentMetricData and GetMetricData: documented for VOICE, CHAT and TASK only. */
export function parseChannels(value: unknown): SimChannel[] | undefined {
  const channels = stringList(value, 'Filters.Channels', 3);
  const unknown = channels?.find((c) => !(FILTER_CHANNELS as readonly string[]).includes(c));
  if (unknown) {
    throw invalidParameter(
      `Filters.Channels accepts VOICE, CHAT and TASK; got ${unknown}. Leave the filter out to count every channel.`,
    );
  }
  return channels as SimChannel[] | undefined;
}

function parseMetrics(value: unknown): { Name: CurrentMetric; Unit: string }[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidParameter(
      'CurrentMetrics is required: list every metric you want, each with its Name and Unit.',
    );
  }
  return value.map((raw: unknown) => {
    const metric = optionalObject(raw, 'CurrentMetrics[]');
    const name = metric.Name;
    if (typeof name !== 'string' || !(name in CURRENT_METRIC_UNITS)) {
      throw invalidParameter(`Unknown current metric name: ${String(name)}.`);
    }
    const unit = CURRENT_METRIC_UNITS[name as CurrentMetric];
    if (metric.Unit !== unit) {
      throw invalidParameter(`Metric ${name} is reported in ${unit}; got Unit ${String(metric.Unit)}.`);
    }
    return { Name: name as CurrentMetric, Unit: unit };
  });
}

function parseGroupings(value: unknown): Grouping[] {
  const groupings = stringList(value, 'Groupings', 2) ?? [];
  for (const g of groupings) {
    if (!(GROUPINGS as readonly string[]).includes(g)) {
      throw invalidParameter(`Grouping ${g} is not supported here; use QUEUE, CHANNEL or ROUTING_PROFILE.`);
    }
  }
  if (new Set(groupings).size !== groupings.length)
    throw invalidParameter('Groupings must not repeat a value.');
  return groupings as Grouping[];
}

/**
 * Connect documents ESTIMATED_WAIT_TIME "only for core routing purpose": Queues and Channels filters grouped by
 * [QUEUE, CHANNEL], or one queue, one channel and RoutingStepExpressions grouped by ROUTING_STEP_EXPRESSION (which
 * this simulator does not model). Any other request for it is refused whole, as the service is entitled to.
 */
function checkEstimatedWaitCombination(
  metrics: { Name: CurrentMetric }[],
  filters: { queues: string[] | undefined; channels: unknown; profiles: string[] | undefined },
  groupings: Grouping[],
): void {
  if (!metrics.some((m) => m.Name === 'ESTIMATED_WAIT_TIME')) return;
  const channelFiltered = Array.isArray(filters.channels) && filters.channels.length > 0;
  const documented =
    (filters.queues?.length ?? 0) > 0 &&
    !filters.profiles?.length &&
    channelFiltered &&
    groupings.length === 2 &&
    groupings[0] === 'QUEUE' &&
    groupings[1] === 'CHANNEL';
  if (!documented) {
    throw invalidParameter(
      'ESTIMATED_WAIT_TIME supports only the core routing filter and grouping combinations: filter by Queues ' +
        'and Channels and group by [QUEUE, CHANNEL], or filter by one queue, one channel and ' +
        'RoutingStepExpressions and group by [ROUTING_STEP_EXPRESSION].',
    );
  }
}

/**
 * Connect on grouping by ROUTING_PROFILE: "you must include either a queue or routing profile filter. In addition,
 * a routing profile filter is required for metrics CONTACTS_SCHEDULED, CONTACTS_IN_QUEUE, and OLDEST_CONTACT_AGE."
 */
function checkRoutingProfileGrouping(
  metrics: { Name: CurrentMetric }[],
  profiles: string[] | undefined,
  groupings: Grouping[],
): void {
  if (!groupings.includes('ROUTING_PROFILE') || (profiles?.length ?? 0) > 0) return;
  const needing = metrics
    .map((m) => m.Name)
    .filter(
      (name) =>
        name === 'CONTACTS_SCHEDULED' || name === 'CONTACTS_IN_QUEUE' || name === 'OLDEST_CONTACT_AGE',
    );
  if (needing.length > 0)
    throw invalidParameter(
      `Grouping by ROUTING_PROFILE needs a RoutingProfiles filter for ${needing.join(', ')}.`,
    );
}

interface Row {
  Dimensions: Record<string, unknown>;
  Collections: { Metric: { Name: string; Unit: string }; Value: number | null }[];
}

export function getCurrentMetricData(ctx: OpContext) {
  const { model, body } = ctx;
  const { catalog } = model;
  const metrics = parseMetrics(body.CurrentMetrics);
  const filters = optionalObject(body.Filters, 'Filters');
  // Connect's model: Queues and RoutingProfiles take 1 to 100 values; an empty list is refused, not "no filter".
  const queueRefs = stringList(filters.Queues, 'Filters.Queues', 100, 1);
  const profileRefs = stringList(filters.RoutingProfiles, 'Filters.RoutingProfiles', 100, 1);
  const channels = parseChannels(filters.Channels) ?? [...SIM_CHANNELS];
  if (queueRefs?.length && profileRefs?.length) {
    throw invalidParameter('Filters may name Queues or RoutingProfiles, not both in one request.');
  }
  if (!queueRefs?.length && !profileRefs?.length) {
    throw invalidParameter(
      'Filters must name at least one queue (Queues) or routing profile (RoutingProfiles).',
    );
  }
  const groupings = parseGroupings(body.Groupings);
  checkEstimatedWaitCombination(
    metrics,
    { queues: queueRefs, channels: filters.Channels, profiles: profileRefs },
    groupings,
  );
  checkRoutingProfileGrouping(metrics, profileRefs, groupings);
  const max = maxResults(body.MaxResults, 100);
  const sort = parseSort(body.SortCriteria, metrics);

  const { rows, pageItems, nextToken, snapshotAt } = pagedRows<Row>(ctx, 'cmd', max, () => {
    const profiles = profileRefs?.map((ref) => catalog.profile(ref)).filter((p) => p !== undefined);
    const queueIndices = queueRefs?.length
      ? [...new Set(queueRefs.map((ref) => catalog.queue(ref)?.index).filter((i) => i !== undefined))]
      : [...new Set(profiles?.flatMap((p) => p.queues.map((q) => q.queueIndex)))].sort((a, b) => a - b);
    // The `ungroupedAsInstance` fault: an ungrouped request is answered for the whole instance.
    const base: Scope =
      groupings.length === 0 && ctx.ungroupedAsInstance
        ? { queueIndices: catalog.queues.map((_, index) => index), channels }
        : {
            queueIndices,
            channels,
            ...(profiles ? { profileIndices: profiles.map((p) => p.index) } : {}),
          };
    const rows: Row[] = buildRows(ctx, base, groupings, metrics);
    if (sort) {
      const at = metrics.findIndex((m) => m.Name === sort.metric);
      const sign = sort.descending ? -1 : 1;
      rows.sort((a, b) => sign * ((a.Collections[at]?.Value ?? -1) - (b.Collections[at]?.Value ?? -1)));
    }
    return rows;
  });
  return {
    MetricResults: pageItems,
    NextToken: nextToken,
    DataSnapshotTime: snapshotAt / 1000,
    ApproximateTotalCount: rows.length,
  };
}

function parseSort(
  value: unknown,
  metrics: { Name: string }[],
): { metric: string; descending: boolean } | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw invalidRequest('SortCriteria must be a list.');
  if (value.length > 1) throw invalidParameter('SortCriteria accepts at most one criterion.');
  const first = optionalObject(value[0], 'SortCriteria[0]');
  if (first.SortByMetric === undefined) return null;
  if (!metrics.some((m) => m.Name === first.SortByMetric)) {
    throw invalidParameter(
      `SortByMetric ${String(first.SortByMetric)} must be one of the requested CurrentMetrics.`,
    );
  }
  // "Sorting on SLOTS_ACTIVE and SLOTS_AVAILABLE is not supported."
  if (first.SortByMetric === 'SLOTS_ACTIVE' || first.SortByMetric === 'SLOTS_AVAILABLE') {
    throw invalidParameter(`Sorting on ${first.SortByMetric} is not supported.`);
  }
  if (first.SortOrder !== undefined && first.SortOrder !== 'ASCENDING' && first.SortOrder !== 'DESCENDING') {
    throw invalidParameter('SortOrder must be ASCENDING or DESCENDING.');
  }
  return { metric: String(first.SortByMetric), descending: first.SortOrder === 'DESCENDING' };
}

function buildRows(
  ctx: OpContext,
  base: Scope,
  groupings: Grouping[],
  metrics: { Name: CurrentMetric; Unit: string }[],
): Row[] {
  const { model, nowMs } = ctx;
  const { catalog } = model;
  const calculator = new FigureCalculator(model, nowMs);
  const profileIndices =
    base.profileIndices ??
    [...new Set(base.queueIndices.flatMap((q) => catalog.queues[q]?.profileIndices ?? []))].sort(
      (a, b) => a - b,
    );
  // Each grouping splits the scope; two groupings give their cross product.
  let scopes: { scope: Scope; dimensions: Record<string, unknown> }[] = [{ scope: base, dimensions: {} }];
  for (const grouping of groupings) {
    scopes = scopes.flatMap(
      ({ scope, dimensions }): { scope: Scope; dimensions: Record<string, unknown> }[] => {
        if (grouping === 'QUEUE') {
          return scope.queueIndices.map((q) => {
            const queue = catalog.queues[q];
            return {
              scope: { ...scope, queueIndices: [q] },
              dimensions: { ...dimensions, Queue: { Id: queue?.id, Arn: queue?.arn } },
            };
          });
        }
        if (grouping === 'CHANNEL') {
          return scope.channels.map((channel) => ({
            scope: { ...scope, channels: [channel] },
            dimensions: { ...dimensions, Channel: channel },
          }));
        }
        return (scope.profileIndices ?? profileIndices).map((p) => {
          const profile = catalog.profiles[p];
          const served = new Set(profile?.queues.map((entry) => entry.queueIndex));
          return {
            scope: {
              ...scope,
              profileIndices: [p],
              queueIndices: scope.queueIndices.filter((q) => served.has(q)),
            },
            dimensions: { ...dimensions, RoutingProfile: { Id: profile?.id, Arn: profile?.arn } },
          };
        });
      },
    );
  }
  const grouped = groupings.length > 0;
  const rows: Row[] = [];
  for (const { scope, dimensions } of scopes) {
    if (grouped && scope.queueIndices.length === 0) continue;
    const figures = calculator.figures(scope);
    // Connect leaves out what has nothing to report: no contact in queue and no agent online.
    if (grouped && figures.CONTACTS_IN_QUEUE === 0 && figures.AGENTS_ONLINE === 0) continue;
    rows.push({
      Dimensions: dimensions,
      Collections: metrics.map((metric) => ({
        Metric: { Name: metric.Name, Unit: metric.Unit },
        Value:
          metric.Name === 'OLDEST_CONTACT_AGE' && !grouped
            ? oldestAgeMs(ctx, scope)
            : (figures[metric.Name] ?? null),
      })),
    });
  }
  return rows;
}

/** Connect's quirk: without a grouping, OLDEST_CONTACT_AGE says SECONDS but is in milliseconds. */
function oldestAgeMs(ctx: OpContext, scope: Scope): number {
  let oldest = Number.POSITIVE_INFINITY;
  for (const q of scope.queueIndices) {
    const queue = ctx.model.queues[q];
    const head = queue?.waiting[0];
    if (queue && head && scope.channels.includes(queue.channel)) oldest = Math.min(oldest, head.enqueuedAt);
  }
  return Number.isFinite(oldest) ? Math.round(ctx.nowMs - oldest) : 0;
}
