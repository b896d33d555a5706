import { GetCurrentMetricDataCommand } from '@aws-sdk/client-connect';
import { AGENT_COUNT_METRICS, type Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Poller } from '../../src/poller/poller.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { clientFor } from '../simulator/support.js';
import { waitFor } from '../support/wallboard.js';
import { quickPoller } from './support.js';

// The centre's agent totals through the real SDK, with more routing profiles than one request may name (one
// profile per four queues: 105), and the simulator reading an ungrouped GetCurrentMetricData as the whole
// instance's (the `ungroupedAsInstance` fault), as the API Reference's `Groupings` reads ("the aggregation happens
// at the instance-level"), where its `Filters` says a request's data is its filter's resources'.
// Totals added up from ungrouped requests would count the instance twice here; grouped by routing profile, each
// row says whose it is.
const QUEUES = 420;
const now = Date.UTC(2026, 2, 3, 11, 0);
let simulator: RunningSimulator;
let poller: Poller;

beforeAll(async () => {
  simulator = await startSimulator({
    queues: QUEUES,
    agents: 600,
    seed: 8,
    clock: () => now,
    rateLimits: { enabled: false },
    faults: { ungroupedAsInstance: true, operations: ['GetCurrentMetricData'] },
  });
  poller = quickPoller(clientFor(simulator), simulator.instanceId, now);
  poller.start();
}, 120_000);

afterAll(async () => {
  poller?.stop();
  await simulator?.close();
});

const totalsCalls = () =>
  simulator.calls.filter(
    (call) =>
      call.operation === 'GetCurrentMetricData' &&
      (call.params.Filters as { RoutingProfiles?: string[] }).RoutingProfiles !== undefined,
  );

describe('agent totals over more routing profiles than one request names', () => {
  it('are the instance figures, each agent once, under either reading of an ungrouped request', async () => {
    const profiles = simulator.model.catalog.profiles.map((p) => p.id);
    expect(profiles.length).toBeGreaterThan(100);
    const { instance } = simulator.model.figures(now);
    expect(instance.AGENTS_ONLINE).toBeGreaterThan(0);
    const snapshot: Snapshot = await waitFor(() => {
      const latest = poller.latest;
      return latest && latest.summary.realtime.AGENTS_ONLINE != null ? latest : undefined;
    }, 'a snapshot with agent totals');
    for (const metric of AGENT_COUNT_METRICS)
      expect(snapshot.summary.realtime[metric], metric).toBe(instance[metric]);
    // Two requests a cycle (100 profiles and 5), grouped by routing profile, each profile in one of them.
    const calls = totalsCalls();
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) expect(call.params.Groupings).toEqual(['ROUTING_PROFILE']);
    // The latest request of each size: calls are logged as they are answered, in either order within a cycle.
    const named = (size: number) =>
      calls.findLast(
        (call) => (call.params.Filters as { RoutingProfiles: string[] }).RoutingProfiles.length === size,
      )?.params.Filters as { RoutingProfiles: string[] } | undefined;
    expect([...(named(100)?.RoutingProfiles ?? []), ...(named(5)?.RoutingProfiles ?? [])].toSorted()).toEqual(
      profiles.toSorted(),
    );
    // The fault is in force: an ungrouped request for the first 100 profiles is answered for the whole instance.
    const client = clientFor(simulator);
    try {
      const ungrouped = await client.send(
        new GetCurrentMetricDataCommand({
          InstanceId: simulator.instanceId,
          Filters: { RoutingProfiles: profiles.slice(0, 100) },
          CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
        }),
      );
      expect(ungrouped.MetricResults?.[0]?.Collections?.[0]?.Value).toBe(instance.AGENTS_ONLINE);
    } finally {
      client.destroy();
    }
  });
});
