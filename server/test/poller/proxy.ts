import { ConnectProxy, editPages } from '../support/connectProxy.js';

/**
 * An HTTP hop between the wallboard and the simulator that can hide queues from ListQueues, as if they had not
 * been created yet or had been deleted in Connect. Everything else passes through untouched.
 */
export class QueueHidingProxy extends ConnectProxy {
  readonly hidden = new Set<string>();

  constructor(upstream: URL) {
    super(
      upstream,
      editPages<{ QueueSummaryList?: { Id: string }[] }>('/queues-summary/', (page) => {
        page.QueueSummaryList = page.QueueSummaryList?.filter((q) => !this.hidden.has(q.Id));
      }),
    );
  }
}
