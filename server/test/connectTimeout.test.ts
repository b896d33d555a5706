import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ListQueuesCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECT_TIMEOUTS, createConnectClient } from '../src/connect/client.js';
import { describeError } from '../src/connect/errors.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { TEST_CREDENTIALS } from './support/wallboard.js';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ queues: 3, agents: 5, seed: 2, presimulate: false });
});
afterAll(async () => {
  await simulator?.close();
});

describe('a call to Connect that does not answer', () => {
  it('fails after the request timeout instead of holding its poll for good', async () => {
    const client = createConnectClient(
      {
        instanceId: simulator.instanceId,
        region: simulator.region,
        endpoint: simulator.endpoint,
        credentials: TEST_CREDENTIALS,
      },
      { connectionMs: 1000, requestMs: 300 },
    );
    const list = () => client.send(new ListQueuesCommand({ InstanceId: simulator.instanceId }));
    try {
      expect((await list()).QueueSummaryList?.length).toBeGreaterThan(0);
      // Slower than the timeout: without one, this call would wait the 3 s out and succeed.
      simulator.setFaults({ latencyMs: 3000, operations: ['ListQueues'] });
      const failure = await list().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).name).toBe('TimeoutError');
      // What the section's error shows on the wall: the SDK's name for it and its own words.
      expect(describeError(failure)).toMatchObject({
        code: 'TimeoutError',
        message: expect.stringMatching(/\S/),
      });
      simulator.clearFaults();
      expect((await list()).QueueSummaryList?.length).toBeGreaterThan(0);
    } finally {
      simulator.clearFaults();
      client.destroy();
    }
  });

  it('fails when the connection goes silent halfway through the answer, after its head', async () => {
    // An endpoint that answers with Connect's head and the start of a body, then says nothing more: the SDK
    // clears its request timer once the head arrives, so only the connection's silence can end the call.
    const sockets = new Set<Socket>();
    const stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"QueueSummaryList":[{"Id":"q1",');
    });
    stalling.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const client = createConnectClient(
      {
        instanceId: simulator.instanceId,
        region: simulator.region,
        endpoint: `http://127.0.0.1:${(stalling.address() as AddressInfo).port}`,
        credentials: TEST_CREDENTIALS,
      },
      { connectionMs: 1000, requestMs: 300 },
    );
    try {
      const failure = await client.send(new ListQueuesCommand({ InstanceId: simulator.instanceId })).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).name).toBe('TimeoutError');
    } finally {
      client.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });

  it('has a limit by default: the SDK has none', () => {
    expect(CONNECT_TIMEOUTS.connectionMs).toBeGreaterThan(0);
    expect(CONNECT_TIMEOUTS.requestMs).toBeGreaterThan(0);
    expect(CONNECT_TIMEOUTS.requestMs).toBeLessThanOrEqual(30_000);
  });
});
