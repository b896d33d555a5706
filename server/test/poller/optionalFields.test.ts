import { ListQueuesCommand } from '@aws-sdk/client-connect';
import type { Snapshot } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { clientFor } from '../simulator/support.js';
import { waitFor } from '../support/wallboard.js';
import { polledSimulator } from './support.js';

// Connect's model leaves optional what a wallboard might take for granted: the `Id` of every item of a listing
// (QueueSummary, RoutingProfileSummary, UserSummary, HierarchyGroupSummary, UserSearchSummary) and the `Metric` of
// a figure's collection. Through the real SDK, the simulator lists every item by its ARN alone (`omitSummaryIds`)
// and leaves two metrics unnamed (`omitMetricNames`), one real-time and one historical, and every service level's
// threshold without its value (`omitThresholdValues`: a `Threshold`'s `ThresholdValue` is optional too), from the
// start.
const now = Date.UTC(2026, 2, 3, 11, 0);
const run = polledSimulator(now, {
  queues: 12,
  agents: 80,
  seed: 5,
  faults: {
    omitSummaryIds: true,
    omitMetricNames: ['AGENTS_STAFFED', 'CONTACTS_ABANDONED'],
    omitThresholdValues: true,
  },
});

const complete = (): Promise<Snapshot> =>
  waitFor(() => {
    const latest = run.poller.latest;
    return latest &&
      latest.sections.discovery.error === null &&
      latest.sections.queues.fetchedAt !== null &&
      latest.sections.today.fetchedAt !== null &&
      latest.agents.length > 0 &&
      latest.agents.every((agent) => agent.name !== agent.username)
      ? latest
      : undefined;
  }, 'a snapshot with queues, agents by name and today');

describe('fields the reference leaves optional', () => {
  it('knows every listed queue, routing profile and agent by the id in its ARN when its Id is left out', async () => {
    const client = clientFor(run.simulator);
    try {
      const listed = await client.send(new ListQueuesCommand({ InstanceId: run.simulator.instanceId }));
      expect(listed.QueueSummaryList?.length).toBeGreaterThan(0);
      expect(listed.QueueSummaryList?.every((q) => q.Id === undefined && q.Arn)).toBe(true);
    } finally {
      client.destroy();
    }
    const snapshot = await complete();
    const { catalog } = run.simulator.model;
    expect(snapshot.sections.discovery.error).toBeNull();
    expect(snapshot.queues.map((q) => q.id).toSorted()).toEqual(catalog.queues.map((q) => q.id).toSorted());
    expect(snapshot.routingProfiles?.map((p) => p.id).toSorted()).toEqual(
      catalog.profiles.map((p) => p.id).toSorted(),
    );
    for (const agent of snapshot.agents) {
      const user = catalog.user(agent.id);
      expect(user?.username, agent.id).toBe(agent.username);
      expect(agent.name).toBe(`${user?.firstName} ${user?.lastName}`);
    }
  });

  it('reads a figure whose metric came unnamed as no figure, and every other as Connect gave it', async () => {
    const snapshot = await complete();
    const figures = run.simulator.model.figures(now);
    expect(snapshot.sections.queues.error).toBeNull();
    expect(snapshot.sections.today.error).toBeNull();
    for (const queue of snapshot.queues) {
      expect(queue.realtime.AGENTS_STAFFED, queue.name).toBeNull();
      expect(queue.realtime.CONTACTS_IN_QUEUE, queue.name).toBe(
        figures.queues.get(queue.id)?.CONTACTS_IN_QUEUE,
      );
      expect(queue.today.CONTACTS_ABANDONED, queue.name).toBeNull();
    }
    expect(snapshot.queues.some((q) => typeof q.today.CONTACTS_HANDLED === 'number')).toBe(true);
    // The centre's: a total of agents staffed with one profile's unnamed is none, the others are the instance's.
    expect(snapshot.summary.realtime.AGENTS_STAFFED).toBeNull();
    expect(snapshot.summary.realtime.AGENTS_ONLINE).toBe(figures.instance.AGENTS_ONLINE);
  });

  it("reads a service level that came without its threshold's value as no figure, and keeps the page", async () => {
    const snapshot = await complete();
    expect(snapshot.sections.today.error).toBeNull();
    for (const queue of snapshot.queues) expect(queue.today.SERVICE_LEVEL_20, queue.name).toBeNull();
    expect(snapshot.summary.today.SERVICE_LEVEL_20).toBeNull();
    // The page's other figures, as Connect gave them.
    expect(snapshot.queues.some((q) => typeof q.today.CONTACTS_QUEUED === 'number')).toBe(true);
  });
});
