import type { Snapshot } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wallboard.js';
import { polledSimulator } from './support.js';

// The poller through the real SDK against the simulator, frozen at a busy late morning: which queues each routing
// profile serves, as discovery lists them (ListRoutingProfileQueues), carried in the snapshot.
const now = Date.UTC(2026, 2, 3, 11, 0);
// One discovery for the whole test unless it is asked for again.
const run = polledSimulator(now, { queues: 24, agents: 200, seed: 3 });

/** A discovery asked for now, once it has run without an error. */
function rediscovered(): Promise<Snapshot> {
  run.poller.rediscover();
  return waitFor(() => {
    const latest = run.poller.latest;
    return latest && latest.sections.discovery.error === null ? latest : undefined;
  }, 'discovery recovered');
}

/** The first snapshot with the agents listed and the profiles' queues known, after `generation`. */
function snapshotWithProfiles(generation = -1): Promise<Snapshot> {
  return waitFor(() => {
    const latest = run.poller.latest;
    return latest &&
      latest.generation > generation &&
      latest.routingProfiles &&
      latest.sections.agents.fetchedAt !== null &&
      latest.agents.length > 0
      ? latest
      : undefined;
  }, 'a snapshot with agents and routing profiles');
}

const profileCalls = () => run.simulator.calls.filter((c) => c.operation === 'ListRoutingProfileQueues');

describe('routing profiles and the queues they serve', () => {
  it("carries every routing profile with its queues, each once, as the simulator's catalog has them", async () => {
    const snapshot = await snapshotWithProfiles();
    const { catalog } = run.simulator.model;
    const expected = catalog.profiles.map((p) => ({
      id: p.id,
      name: p.name,
      queueIds: [...new Set(p.queues.map((line) => catalog.queues[line.queueIndex]?.id))],
    }));
    expect(snapshot.routingProfiles).toEqual(expected);
    // A voice queue is listed on two channels and carried once.
    const lines = catalog.profiles.reduce((n, p) => n + p.queues.length, 0);
    const carried = snapshot.routingProfiles?.reduce((n, p) => n + p.queueIds.length, 0) ?? 0;
    expect(carried).toBeLessThan(lines);
    // Asked 100 a page, once per profile in the one discovery, however many real-time cycles ran since.
    const calls = profileCalls();
    expect(calls.every((c) => c.params.maxResults === '100' && c.status === 200)).toBe(true);
    await waitFor(
      () => ((run.poller.latest?.generation ?? 0) > snapshot.generation + 5 ? true : undefined),
      'more real-time cycles',
    );
    expect(profileCalls()).toHaveLength(catalog.profiles.length);
  });

  it('shows agents holding contacts only from queues their routing profile serves', async () => {
    const snapshot = await snapshotWithProfiles();
    const served = new Map(snapshot.routingProfiles?.map((p) => [p.id, new Set(p.queueIds)]));
    const contacts = snapshot.agents.flatMap((agent) =>
      agent.contacts
        .filter((c) => c.queueId !== null)
        .map((c) => ({ profile: agent.routingProfile?.id ?? '', queueId: c.queueId ?? '' })),
    );
    expect(contacts.length).toBeGreaterThan(20);
    for (const { profile, queueId } of contacts) expect(served.get(profile)?.has(queueId)).toBe(true);
  });

  it('keeps the last known queues of each profile when listing them fails, and reports it as discovery', async () => {
    const before = await snapshotWithProfiles();
    run.simulator.setFaults({ errorRate: 1, operations: ['ListRoutingProfileQueues'] });
    try {
      const calls = profileCalls().length;
      run.poller.rediscover();
      const failed = await waitFor(() => {
        const latest = run.poller.latest;
        return latest &&
          profileCalls().length > calls &&
          latest.sections.discovery.error?.code === 'InternalServiceException'
          ? latest
          : undefined;
      }, 'a discovery that could not list the profiles’ queues');
      expect(failed.routingProfiles).toEqual(before.routingProfiles);
      expect(failed.queues).toHaveLength(run.simulator.model.catalog.queues.length);
      expect(failed.agents.length).toBeGreaterThan(0);
    } finally {
      run.simulator.clearFaults();
    }
    expect((await rediscovered()).routingProfiles).toEqual(before.routingProfiles);
  });

  it('reports another list refused as an error of discovery, and keeps the routing profiles’ queues', async () => {
    const before = await snapshotWithProfiles();
    // Each list has its own IAM permission: a policy without connect:ListUserHierarchyGroups refuses that one.
    run.simulator.setFaults({ deniedOperations: ['ListUserHierarchyGroups'] });
    try {
      const calls = profileCalls().length;
      run.poller.rediscover();
      const failed = await waitFor(() => {
        const latest = run.poller.latest;
        return latest && latest.sections.discovery.error !== null ? latest : undefined;
      }, 'discovery failing');
      expect(failed.sections.discovery.error?.message).toMatch(/AccessDenied|not authorized|permission/i);
      expect(failed.routingProfiles).toEqual(before.routingProfiles);
      expect(profileCalls().length).toBeGreaterThan(calls);
    } finally {
      run.simulator.clearFaults();
    }
    expect((await rediscovered()).routingProfiles).toEqual(before.routingProfiles);
    // Still asked: the profiles' queues were never refused.
    const calls = profileCalls().length;
    run.poller.rediscover();
    await waitFor(
      () => (profileCalls().length > calls ? true : undefined),
      'the profiles’ queues listed again',
    );
  });

  it('without permission for ListRoutingProfileQueues, places agents by their contacts and stops asking', async () => {
    await snapshotWithProfiles();
    run.simulator.setFaults({ deniedOperations: ['ListRoutingProfileQueues'] });
    try {
      const calls = profileCalls().length;
      run.poller.rediscover();
      const denied = await waitFor(() => {
        const latest = run.poller.latest;
        return latest && profileCalls().length > calls && latest.routingProfiles === undefined
          ? latest
          : undefined;
      }, 'the routing profiles’ queues given up after a refusal');
      // Not an error of discovery: the wallboard works without it, as it does without SearchUsers.
      expect(denied.sections.discovery.error).toBeNull();
      expect(denied.agents.length).toBeGreaterThan(0);
      const after = profileCalls().length;
      run.poller.rediscover();
      await waitFor(
        () => ((run.poller.latest?.generation ?? 0) > denied.generation + 3 ? true : undefined),
        'more cycles',
      );
      expect(profileCalls().length).toBe(after);
    } finally {
      run.simulator.clearFaults();
    }
  });
});
