import { ListQueuesCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectGate, ConnectGateClosed } from '../src/cluster/gate.js';
import { createConnectClient } from '../src/connect/client.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { TEST_CREDENTIALS, waitFor } from './support/wallboard.js';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ queues: 3, agents: 5, seed: 2, presimulate: false });
});
afterAll(async () => {
  await simulator?.close();
});

describe('the Connect gate of a replica', () => {
  it('lets no call out while shut, and waits for the calls in flight', async () => {
    const client = createConnectClient({
      instanceId: simulator.instanceId,
      region: simulator.region,
      endpoint: simulator.endpoint,
      credentials: TEST_CREDENTIALS,
    });
    const gate = new ConnectGate(client);
    const list = () => client.send(new ListQueuesCommand({ InstanceId: simulator.instanceId }));
    const before = simulator.calls.length;
    await expect(list()).rejects.toBeInstanceOf(ConnectGateClosed);
    expect(simulator.calls.length).toBe(before);

    gate.let();
    // A slow answer, so the call is surely in flight while the test looks.
    simulator.setFaults({ latencyMs: 300 });
    const call = list();
    await waitFor(() => (gate.callsInFlight === 1 ? true : undefined), 'the call in flight', 5000);
    await gate.settled(5000);
    expect(gate.callsInFlight).toBe(0);
    expect((await call).QueueSummaryList?.length).toBeGreaterThan(0);
    simulator.clearFaults();
    expect(simulator.calls.length).toBe(before + 1);

    gate.shut();
    await expect(list()).rejects.toThrow(/another holds the polling lease, or this one is stopping/);
    expect(simulator.calls.length).toBe(before + 1);
    client.destroy();
  });
});
