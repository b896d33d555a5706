import { ConnectProxy, editPages, type ProxiedAnswer, type ProxiedRequest } from '../support/connectProxy.js';

/**
 * An HTTP hop between the wallboard and the simulator that can hide queues from ListQueues, as if they had not
 * been created yet or had been deleted in Connect, and refuse a request for figures (GetCurrentMetricData,
 * GetMetricData) whose filter names one of `refused`, as Connect might refuse one naming a deleted queue (its
 * reference does not say): `ResourceNotFoundException` (404), or `refusal`. Everything else passes through untouched.
 */
export class QueueHidingProxy extends ConnectProxy {
  readonly hidden = new Set<string>();
  readonly refused = new Set<string>();
  /** Which requests for figures refuse `refused`: the real-time ones (`current`), the historical ones, or both. */
  readonly refusing = new Set(['current', 'historical']);
  /** The error the refusals are: `InvalidRequestException` is a 400, as Connect documents it. */
  refusal: 'ResourceNotFoundException' | 'InvalidRequestException' = 'ResourceNotFoundException';
  /** How long each ListQueues answer is held back (a slow discovery). */
  listHoldMs = 0;
  /** The requests refused for naming one of `refused`, so far, by operation (`current`, `historical`). */
  readonly refusals: string[] = [];

  constructor(upstream: URL) {
    const hideFromLists = editPages<{ QueueSummaryList?: { Id: string }[] }>('/queues-summary/', (page) => {
      page.QueueSummaryList = page.QueueSummaryList?.filter((q) => !this.hidden.has(q.Id));
    });
    super(
      upstream,
      (request, answer) =>
        this.namesRefused(request) ? refused(this.refusal) : hideFromLists(request, answer),
      (request) => (request.url.startsWith('/queues-summary/') ? this.listHoldMs : 0),
    );
  }

  private namesRefused(request: ProxiedRequest): boolean {
    const operation = /^\/metrics\/(current|historical)\//.exec(request.url)?.[1];
    if (this.refused.size === 0 || !operation || !this.refusing.has(operation)) return false;
    const body = JSON.parse(request.body || '{}') as { Filters?: { Queues?: string[] } };
    const refuse = (body.Filters?.Queues ?? []).some((id) => this.refused.has(id));
    if (refuse) this.refusals.push(operation);
    return refuse;
  }
}

/** Connect's answer to a request naming something it does not have, or one it finds not valid. */
function refused(type: QueueHidingProxy['refusal']): ProxiedAnswer {
  return {
    status: type === 'ResourceNotFoundException' ? 404 : 400,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
    body: JSON.stringify({
      message:
        type === 'ResourceNotFoundException' ? 'The queue was not found.' : 'The request is not valid.',
    }),
  };
}
