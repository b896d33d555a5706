import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    // A hop that resets the connection of the first `resets` requests and relays the others to the simulator.
    let resets = 0;
    const seen: string[] = [];
    const upstream = new URL(sim.endpoint);
    const hop = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (resets > 0) {
        resets -= 1;
        req.socket.resetAndDestroy();
        return;
      }
      req.pipe(
        httpRequest(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: upstream.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        ),
      );
    });
    await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
    const client = clientFor({
      endpoint: `http://127.0.0.1:${(hop.address() as AddressInfo).port}`,
      region: sim.region,
    });
    const outcomes: string[] = [];
    const budget = new RateBudget({ onCall: (_op, outcome) => outcomes.push(outcome) });
    const list = () =>
      budget.call('ListQueues', 'discovery', () =>
        client.send(new ListQueuesCommand({ InstanceId: sim.instanceId })),
      );
    try {
      resets = 1;
      const page = await list();
      expect(page.QueueSummaryList?.length).toBeGreaterThan(0);
      expect(outcomes).toEqual(['error', 'ok']);
      expect(seen).toHaveLength(2);

      // Reset twice running: the second reset fails the call, as an outage would.
      resets = 2;
      outcomes.length = 0;
      seen.length = 0;
      await expect(list()).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(outcomes).toEqual(['error', 'error']);
      expect(seen).toHaveLength(2);
    } finally {
      client.destroy();
      hop.closeAllConnections();
      await new Promise<void>((resolve) => hop.close(() => resolve()));
    }
  });

  it('is not sent again when it times out: a silent Connect is not asked twice per call', async () => {
    // A hop that takes each request and never answers.
    const seen: string[] = [];
    const hop = createServer((req) => {
      seen.push(req.url ?? '');
    });
    await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
    const client = createConnectClient(
      {
        instanceId: sim.instanceId,
        region: sim.region,
        endpoint: `http://127.0.0.1:${(hop.address() as AddressInfo).port}`,
        credentials: { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator-secret' },
      },
      { connectionMs: 1000, requestMs: 300 },
    );
    const outcomes: string[] = [];
    const budget = new RateBudget({ onCall: (_op, outcome) => outcomes.push(outcome) });
    try {
      await expect(
        budget.call('ListQueues', 'discovery', () =>
          client.send(new ListQueuesCommand({ InstanceId: sim.instanceId })),
        ),
      ).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(outcomes).toEqual(['error']);
      expect(seen).toHaveLength(1);
    } finally {
      client.destroy();
      hop.closeAllConnections();
      await new Promise<void>((resolve) => hop.close(() => resolve()));
    }
  });
});
