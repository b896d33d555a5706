import { ListQueuesCommand, type QueueType } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectClient } from '../../src/connect/client.js';
import { RateBudget } from '../../src/poller/budget.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { clientFor } from '../simulator/support.js';

// Connect's service errors (5xx, e.g. InternalServiceException 500) are transient, its client errors (4xx) are
// not: through the real SDK, the rate budget sends a request Connect failed with a 500 once more, and a 400 never.
// A connection reset under a request (a kept-alive connection the far end closed as it went out) is sent once
// more too.
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

  it('is sent once more when its connection is reset under it, and not a third time', async () => {
    const client = clientFor(sim);
    const outcomes: string[] = [];
    const budget = new RateBudget({ onCall: (_op, outcome) => outcomes.push(outcome) });
    const list = (once: boolean) =>
      budget.call('ListQueues', 'discovery', async () => {
        try {
          return await client.send(new ListQueuesCommand({ InstanceId: sim.instanceId }));
        } finally {
          // One reset only: the next attempt finds the connection fine.
          if (once) sim.clearFaults();
        }
      });
    try {
      // The simulator resets the connection with no answer, as a far end closing a kept-alive connection does.
      let before = sim.calls.length;
      sim.setFaults({ resetRate: 1, operations: ['ListQueues'] });
      const page = await list(true);
      expect(page.QueueSummaryList?.length).toBeGreaterThan(0);
      expect(outcomes).toEqual(['error', 'ok']);
      expect(sim.calls.slice(before).map((c) => [c.status, c.errorType ?? null])).toEqual([
        [0, 'ConnectionReset'],
        [200, null],
      ]);

      // Reset twice running: the second reset fails the call, as an outage would.
      before = sim.calls.length;
      outcomes.length = 0;
      sim.setFaults({ resetRate: 1, operations: ['ListQueues'] });
      await expect(list(false)).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(outcomes).toEqual(['error', 'error']);
      expect(sim.calls.slice(before).map((c) => c.status)).toEqual([0, 0]);
    } finally {
      sim.clearFaults();
      client.destroy();
    }
  });

  it('is not sent again when it times out: a silent Connect is not asked twice per call', async () => {
    const client = createConnectClient(
      {
        instanceId: sim.instanceId,
        region: sim.region,
        endpoint: sim.endpoint,
        credentials: { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator-secret' },
      },
      { connectionMs: 1000, requestMs: 300 },
    );
    const outcomes: string[] = [];
    const budget = new RateBudget({ onCall: (_op, outcome) => outcomes.push(outcome) });
    const before = sim.calls.length;
    // Each answer comes after 2 s: past the call's 300 ms.
    sim.setFaults({ latencyMs: 2000, operations: ['ListQueues'] });
    try {
      await expect(
        budget.call('ListQueues', 'discovery', () =>
          client.send(new ListQueuesCommand({ InstanceId: sim.instanceId })),
        ),
      ).rejects.toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
      expect(outcomes).toEqual(['error']);
      // The simulator logs a call as it answers: wait for the one request's answer, and for no second one.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(sim.calls.slice(before).map((c) => c.operation)).toEqual(['ListQueues']);
    } finally {
      sim.clearFaults();
      client.destroy();
    }
  }, 10_000);
});
