import { GetCurrentMetricDataCommand } from '@aws-sdk/client-connect';
import { AGENT_COUNT_METRICS, type Snapshot } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { clientFor } from '../simulator/support.js';
import { waitFor } from '../support/wallboard.js';
import { polledSimulator } from './support.js';

// The centre's agent totals through the real SDK, with more routing profiles than one request may name (one
// profile per four queues: 105), and the simulator reading an ungrouped GetCurrentMetricData as the whole
// instance's (the `ungroupedAsInstance` fault), as the API Reference's `Groupings` reads ("the aggregation happens
// at the instance-level"), where its `Filters` says a request's data is its filter's resources'.
// Totals added up from ungrouped requests would count the instance twice here; grouped by routing profile, each
// row says whose it is.
const QUEUES = 420;
const now = Date.UTC(2026, 2, 3, 11, 0);
const run = polledSimulator(now, {
  queues: QUEUES,
  agents: 600,
  seed: 8,
  faults: { ungroupedAsInstance: true, operations: ['GetCurrentMetricData'] },
});

const totalsCalls = () =>
  run.simulator.calls.filter(
    (call) =>
      call.operation === 'GetCurrentMetricData' &&
      (call.params.Filters as { RoutingProfiles?: string[] }).RoutingProfiles !== undefined,
  );

describe('agent totals over more routing profiles than one request names', () => {
  it('are the instance figures, each agent once, under either reading of an ungrouped request', async () => {
    const profiles = run.simulator.model.catalog.profiles.map((p) => p.id);
    expect(profiles.length).toBeGreaterThan(100);
    const { instance } = run.simulator.model.figures(now);
    expect(instance.AGENTS_ONLINE).toBeGreaterThan(0);
    const snapshot: Snapshot = await waitFor(() => {
      const latest = run.poller.latest;
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
    const client = clientFor(run.simulator);
    try {
      const ungrouped = await client.send(
        new GetCurrentMetricDataCommand({
          InstanceId: run.simulator.instanceId,
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
