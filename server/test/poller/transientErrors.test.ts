import { ListQueuesCommand, type QueueType } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateBudget } from '../../src/poller/budget.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { clientFor } from '../simulator/support.js';

// Connect's service errors (5xx, e.g. InternalServiceException 500) are transient, its client errors (4xx) are
// not: through the real SDK, the rate budget sends a request Connect failed with a 500 once more, and a 400 never.
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ queues: 5, agents: 20, seed: 41 });
});

afterAll(async () => {
  await sim?.close();
});

describe('a request Connect fails', () => {
  it('is sent once more after an InternalServiceException (500), paid from the budget, and succeeds', async () => {
    const client = clientFor(sim);
    const outcomes: string[] = [];
    const budget = new RateBudget({ onCall: (_op, outcome) => outcomes.push(outcome) });
    const before = sim.calls.length;
    sim.setFaults({ errorRate: 1, operations: ['ListQueues'] });
    try {
      const page = await budget.call('ListQueues', 'discovery', async () => {
        try {
          return await client.send(new ListQueuesCommand({ InstanceId: sim.instanceId }));
        } finally {
          // One failure only: the next attempt finds Connect recovered.
          sim.clearFaults();
        }
      });
      expect(page.QueueSummaryList?.length).toBeGreaterThan(0);
    } finally {
      client.destroy();
    }
    const calls = sim.calls.slice(before);
    expect(calls.map((c) => [c.status, c.errorType ?? null])).toEqual([
      [500, 'InternalServiceException'],
      [200, null],
    ]);
    expect(outcomes).toEqual(['error', 'ok']);
    // A service error is not a throttle: the budget keeps its rate.
    expect(budget.stats.rates.ListQueues).toBe(budget.ratePerSecond('ListQueues'));
  });

  it('is not sent again after an InvalidParameterException (400): the same request would be refused again', async () => {
    const client = clientFor(sim);
    const budget = new RateBudget();
    const before = sim.calls.length;
    try {
      await expect(
        budget.call('ListQueues', 'discovery', () =>
          client.send(
            new ListQueuesCommand({ InstanceId: sim.instanceId, QueueTypes: ['BOGUS' as QueueType] }),
          ),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    } finally {
      client.destroy();
    }
    expect(sim.calls.slice(before).map((c) => c.status)).toEqual([400]);
  });
});
