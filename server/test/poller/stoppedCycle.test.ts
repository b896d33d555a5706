import { afterAll, expect, it } from 'vitest';
import type { Poller } from '../../src/poller/poller.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { clientFor } from '../simulator/support.js';
import { ConnectProxy } from '../support/connectProxy.js';
import { waitFor } from '../support/wallboard.js';
import { quickPoller } from './support.js';

// A poller stopped while a request of its cycle is under way (a leader letting its lease go): the answer still
// comes, and the cycle ends, but nothing is published of it and no rule steps on it, as the next leader, which
// never learns of that snapshot, would raise or clear the same alerts again.
const now = Date.UTC(2026, 2, 3, 11, 0);
let simulator: RunningSimulator | undefined;
let proxy: ConnectProxy | undefined;
let poller: Poller | undefined;

afterAll(async () => {
  poller?.stop();
  await proxy?.stop();
  await simulator?.close();
});

it('publishes nothing of a cycle that ends after the poller was stopped', async () => {
  simulator = await startSimulator({
    queues: 6,
    agents: 20,
    seed: 3,
    clock: () => now,
    rateLimits: { enabled: false },
  });
  let holding = false;
  let held = 0;
  proxy = new ConnectProxy(
    new URL(simulator.endpoint),
    (_request, answer) => answer,
    (request) => {
      if (!holding || !request.url.startsWith('/metrics/current/')) return 0;
      held += 1;
      return 1500;
    },
  );
  const endpoint = await proxy.start();
  const enriched: number[] = [];
  const published: number[] = [];
  poller = quickPoller(clientFor({ endpoint, region: simulator.region }), simulator.instanceId, now, {
    enrich: (snapshot) => {
      enriched.push(snapshot.generation);
      return snapshot;
    },
  });
  poller.subscribe((snapshot) => published.push(snapshot.generation));
  poller.start();
  await waitFor(
    () => (poller?.latest?.sections.queues.fetchedAt ? true : undefined),
    'the first queue figures',
  );

  holding = true;
  await waitFor(() => (held > 0 ? true : undefined), 'a request for the queue figures under way');
  poller.stop();
  const publishedThen = published.length;
  const enrichedThen = enriched.length;
  // The held answer comes back 1.5 s later, and the cycle ends.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  expect(proxy.served).toBeGreaterThanOrEqual(held);
  expect(published.length).toBe(publishedThen);
  expect(enriched.length).toBe(enrichedThen);
});
