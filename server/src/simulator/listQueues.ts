import { invalidParameter } from './errors.js';
import type { ContactCentreModel } from './model.js';
import { page } from './pagination.js';

export function listQueues(model: ContactCentreModel, query: URLSearchParams, nowMs: number) {
  const maxResults = Number(query.get('maxResults') ?? 100);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
    throw invalidParameter('maxResults must be between 1 and 1000.');
  }
  const types = query.getAll('queueTypes');
  // The simulator models no per-agent queues, so asking only for AGENT queues yields an empty list.
  const queues = types.length === 0 || types.includes('STANDARD') ? model.queues : [];
  const rows = queues.map((q) => ({ Id: q.id, Arn: q.arn, Name: q.name, QueueType: 'STANDARD' }));
  const { pageItems, nextToken } = page(rows, {
    maxResults,
    nextToken: query.get('nextToken') ?? undefined,
    params: { types },
    nowMs,
  });
  return { QueueSummaryList: pageItems, NextToken: nextToken };
}
