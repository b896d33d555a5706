import { ServiceError, invalidParameter } from './errors.js';
import type { ContactCentreModel, SimAgent, SimQueue } from './model.js';
import { page } from './pagination.js';

const CURRENT_METRIC_UNITS: Record<string, string> = {
  AGENTS_ONLINE: 'COUNT',
  AGENTS_AVAILABLE: 'COUNT',
  AGENTS_ON_CALL: 'COUNT',
  AGENTS_ON_CONTACT: 'COUNT',
  AGENTS_STAFFED: 'COUNT',
  AGENTS_AFTER_CONTACT_WORK: 'COUNT',
  AGENTS_NON_PRODUCTIVE: 'COUNT',
  AGENTS_ERROR: 'COUNT',
  CONTACTS_IN_QUEUE: 'COUNT',
  CONTACTS_SCHEDULED: 'COUNT',
  SLOTS_ACTIVE: 'COUNT',
  SLOTS_AVAILABLE: 'COUNT',
  OLDEST_CONTACT_AGE: 'SECONDS',
  ESTIMATED_WAIT_TIME: 'SECONDS',
};

interface Request {
  Filters?: { Queues?: string[]; Channels?: string[]; RoutingProfiles?: string[] };
  Groupings?: string[];
  CurrentMetrics?: { Name?: string; Unit?: string }[];
  MaxResults?: number;
  NextToken?: string;
}

function agentValue(metric: string, agents: SimAgent[]): number {
  const count = (predicate: (a: SimAgent) => boolean) => agents.filter(predicate).length;
  switch (metric) {
    case 'AGENTS_ONLINE':
    case 'AGENTS_STAFFED':
      return count((a) => a.state !== 'OFFLINE');
    case 'AGENTS_AVAILABLE':
    case 'SLOTS_AVAILABLE':
      return count((a) => a.state === 'AVAILABLE');
    case 'AGENTS_ON_CONTACT':
    case 'SLOTS_ACTIVE':
      return count((a) => a.state === 'ON_CONTACT');
    case 'AGENTS_ON_CALL':
      return count((a) => a.state === 'ON_CONTACT');
    case 'AGENTS_AFTER_CONTACT_WORK':
      return count((a) => a.state === 'AFTER_CONTACT_WORK');
    case 'AGENTS_NON_PRODUCTIVE':
      return count((a) => a.state === 'BREAK');
    default:
      return 0;
  }
}

function metricValue(
  metric: string,
  queues: SimQueue[],
  agents: SimAgent[],
  nowMs: number,
  grouped: boolean,
): number | null {
  switch (metric) {
    case 'CONTACTS_IN_QUEUE':
      return queues.reduce((sum, q) => sum + q.waiting.length, 0);
    case 'CONTACTS_SCHEDULED':
    case 'AGENTS_ERROR':
      return 0;
    case 'OLDEST_CONTACT_AGE': {
      const oldest = Math.min(...queues.flatMap((q) => q.waiting.map((c) => c.enqueuedAt)));
      if (!Number.isFinite(oldest)) return 0;
      // Connect's quirk: without a grouping this "SECONDS" metric is reported in milliseconds.
      return grouped ? Math.floor((nowMs - oldest) / 1000) : nowMs - oldest;
    }
    case 'ESTIMATED_WAIT_TIME':
      return null;
    default:
      return agentValue(metric, agents);
  }
}

export function getCurrentMetricData(model: ContactCentreModel, body: Request, nowMs: number) {
  const metrics = body.CurrentMetrics ?? [];
  if (metrics.length === 0) throw invalidParameter('CurrentMetrics must not be empty.');
  for (const metric of metrics) {
    const unit = CURRENT_METRIC_UNITS[metric.Name ?? ''];
    if (!unit) throw invalidParameter(`Unknown metric name: ${String(metric.Name)}.`);
    if (metric.Unit !== unit) throw invalidParameter(`Metric ${metric.Name} must use unit ${unit}.`);
  }
  const maxResults = body.MaxResults ?? 100;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw invalidParameter('MaxResults must be between 1 and 100.');
  }
  const filterQueues = body.Filters?.Queues ?? [];
  if (filterQueues.length > 100) throw invalidParameter('Filters.Queues accepts at most 100 queues.');
  const groupings = body.Groupings ?? [];
  if (groupings.some((g) => g !== 'QUEUE')) {
    throw new ServiceError('InvalidParameterException', `Unsupported grouping: ${groupings.join(', ')}.`);
  }
  const known = new Map(model.queues.flatMap((q) => [[q.id, q] as const, [q.arn, q] as const]));
  const queues = filterQueues.map((ref) => known.get(ref)).filter((q): q is SimQueue => q !== undefined);
  const agentsOf = (qs: SimQueue[]) =>
    model.agents.filter((a) => a.queueIds.some((id) => qs.some((q) => q.id === id)));
  const collections = (qs: SimQueue[], grouped: boolean) =>
    metrics.map((m) => ({
      Metric: { Name: m.Name, Unit: m.Unit },
      Value: metricValue(m.Name ?? '', qs, agentsOf(qs), nowMs, grouped),
    }));

  const rows = groupings.includes('QUEUE')
    ? queues
        // Connect leaves out queues with nothing to report: no contact waiting and no agent online.
        .filter((q) => q.waiting.length > 0 || agentsOf([q]).some((a) => a.state !== 'OFFLINE'))
        .map((q) => ({
          Dimensions: { Queue: { Id: q.id, Arn: q.arn } },
          Collections: collections([q], true),
        }))
    : [{ Dimensions: {}, Collections: collections(queues, false) }];

  const { pageItems, nextToken, snapshotAt } = page(rows, {
    maxResults,
    nextToken: body.NextToken,
    params: { ...body, NextToken: undefined },
    nowMs,
  });
  return {
    MetricResults: pageItems,
    NextToken: nextToken,
    DataSnapshotTime: snapshotAt / 1000,
    ApproximateTotalCount: rows.length,
  };
}
