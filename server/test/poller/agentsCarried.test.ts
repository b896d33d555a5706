import type { Snapshot } from '@switchboard/shared';
import { afterEach, expect, it } from 'vitest';
import type { Poller } from '../../src/poller/poller.js';
import { clockedSimulator } from '../simulator/support.js';
import { waitFor } from '../support/wallboard.js';
import { quickPoller } from './support.js';

// A poller that takes over (another replica's lease, or this server started again) cannot know when an agent's
// contact ended before it looked: Connect gives only the start of the status, which stays Available through a
// contact. Handed the instance's last snapshot, it carries on from the agents in it, if they are recent.
const run = clockedSimulator(Date.parse('2026-11-24T10:30:00Z'), { queues: 8, agents: 60, seed: 4 });
const pollers: Poller[] = [];

afterEach(() => {
  for (const poller of pollers.splice(0)) poller.stop();
});

function started(before?: Snapshot | null): Poller {
  const poller = quickPoller(run.client, run.sim.instanceId, run.now, { clock: () => run.now });
  pollers.push(poller);
  poller.start(before);
  return poller;
}

/** The poller's snapshot once its agents have been answered at the simulator's time now. */
function answeredNow(poller: Poller): Promise<Snapshot> {
  const now = new Date(run.now).toISOString();
  return waitFor(() => {
    const latest = poller.latest;
    return latest?.sections.agents.fetchedAt === now ? latest : undefined;
  }, `the agents answered at ${now}`);
}

/** Agents shown Available since their contact ended, not since they set Available. */
const freedAfterContact = (snapshot: Snapshot) =>
  snapshot.agents.filter(
    (agent) =>
      agent.activity === 'available' &&
      agent.activitySince !== null &&
      agent.activitySince !== agent.statusStartedAt,
  );

it("carries the time agents went free from the instance's last snapshot, if it is recent and its own", async () => {
  const first = started();
  let last = await answeredNow(first);
  // Contacts end as the simulated minutes pass; the poller sees each end at its next look.
  for (let step = 0; step < 15 && freedAfterContact(last).length < 3; step += 1) {
    run.now += 20_000;
    last = await answeredNow(first);
  }
  const freed = new Map(freedAfterContact(last).map((agent) => [agent.id, agent]));
  expect(freed.size).toBeGreaterThanOrEqual(3);
  first.stop();

  // The lease changes hands a few seconds later: each poller below reads the same answer of Connect.
  run.now += 3_000;
  const carried = started(last);
  const afresh = started();
  const tooOld = started({
    ...last,
    sections: {
      ...last.sections,
      agents: { ...last.sections.agents, fetchedAt: new Date(run.now - 61_000).toISOString() },
    },
  });
  // Of a replica whose clock runs minutes ahead: its times are not this clock's.
  const ahead = started({
    ...last,
    sections: {
      ...last.sections,
      agents: { ...last.sections.agents, fetchedAt: new Date(run.now + 5 * 60_000).toISOString() },
    },
  });
  const another = started({ ...last, instanceId: 'another-instance' });
  const [withCarried, withNone, withOld, withAhead, withOther] = await Promise.all([
    answeredNow(carried),
    answeredNow(afresh),
    answeredNow(tooOld),
    answeredNow(ahead),
    answeredNow(another),
  ]);

  // The agents still free, in the status they were in: the ones whose time the poller starting afresh loses.
  const stillFree = withCarried.agents.filter(
    (agent) =>
      agent.activity === 'available' && agent.statusStartedAt === freed.get(agent.id)?.statusStartedAt,
  );
  expect(stillFree.length).toBeGreaterThan(0);
  for (const agent of stillFree) expect(agent.activitySince).toBe(freed.get(agent.id)?.activitySince);
  for (const snapshot of [withNone, withOld, withAhead, withOther]) {
    for (const { id } of stillFree) {
      const agent = snapshot.agents.find((a) => a.id === id);
      expect(agent?.activitySince).toBe(agent?.statusStartedAt);
    }
  }
}, 60_000);
