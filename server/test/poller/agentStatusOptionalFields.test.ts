import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { editPages, wallboardThroughProxy } from '../support/connectProxy.js';
import { waitFor } from '../support/wallboard.js';
import { fetchSnapshot } from './support.js';

/**
 * ListAgentStatuses' AgentStatusSummary marks every field "Required: No". A status that comes without its type is
 * kept as of a type this build does not know, and one without its ARN (which an agent's status is matched by) is
 * left out: the others are known as ever, never the whole list refused and every agent shown as away.
 */

interface Page {
  AgentStatusSummaryList?: { Id?: string; Arn?: string; Name?: string; Type?: string }[];
}

let simulator: RunningSimulator;
let wallboard: RunningWallboard;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  simulator = await startSimulator({
    queues: 6,
    agents: 40,
    seed: 5,
    // Mid-morning whatever the hour of the run: late in the evening no agent of the day's shifts is logged in.
    timeOfDay: '10:30',
    rateLimits: { enabled: false },
  });
  ({ wallboard, stop } = await wallboardThroughProxy(
    simulator,
    editPages<Page>('/agent-status/', (page) => {
      for (const status of page.AgentStatusSummaryList ?? []) {
        if (status.Name === 'Training') delete status.Type;
        if (status.Name === 'Lunch') delete status.Arn;
      }
    }),
    { POLL_INTERVAL_MS: '1000' },
  ));
}, 60_000);

afterAll(async () => {
  await stop?.();
  await simulator?.close();
});

it('knows the other statuses when one comes without its type and another without its ARN', async () => {
  const snapshot = await waitFor(
    async () => {
      const found = await fetchSnapshot(wallboard);
      return found && found.sections.discovery.fetchedAt !== null && found.agents.length > 0
        ? found
        : undefined;
    },
    'agents listed after discovery',
    30_000,
  );
  expect(snapshot.sections.discovery.error).toBeNull();
  const available = snapshot.agents.filter((a) => a.status === 'Available');
  expect(available.length).toBeGreaterThan(0);
  for (const agent of available) expect(agent.statusType).toBe('ROUTABLE');
  for (const agent of snapshot.agents.filter((a) => a.status === 'Training'))
    expect(agent.statusType).toBe('UNKNOWN');
});
