import type { Snapshot } from '@switchboard/shared';
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { makeSnapshot } from '../testing/makeSnapshot';
import { shareSnapshotData } from './share';
import { snapshotKeys, snapshotQueryOptions } from './snapshot';
import { inlineParser } from './parseSnapshot';

/** What the page gets from the stream: a fresh parse of the server's JSON. */
const fresh = (snapshot: Snapshot): Snapshot => JSON.parse(JSON.stringify(snapshot)) as Snapshot;

describe('shareSnapshotData', () => {
  const before = makeSnapshot({ queues: 6, agents: 40 });

  it('keeps the previous snapshot when nothing changed', () => {
    expect(shareSnapshotData(before, fresh(before))).toBe(before);
  });

  it('keeps every unchanged queue and agent, and the unchanged parts of a changed one', () => {
    const next = fresh(before);
    next.generation += 1;
    const changed = next.agents[3];
    if (!changed) throw new Error('no agent');
    changed.status = 'Meeting';
    const shared = shareSnapshotData(before, next) as Snapshot;
    expect(shared).not.toBe(before);
    expect(shared.generation).toBe(before.generation + 1);
    expect(shared.queues).toBe(before.queues);
    expect(shared.summary).toBe(before.summary);
    expect(shared.agents).not.toBe(before.agents);
    shared.agents.forEach((agent, i) => {
      if (i === 3) {
        expect(agent).not.toBe(before.agents[3]);
        expect(agent.status).toBe('Meeting');
        expect(agent.contacts).toBe(before.agents[3]?.contacts);
        expect(agent.routingProfile).toBe(before.agents[3]?.routingProfile);
      } else {
        expect(agent).toBe(before.agents[i]);
      }
    });
    expect(shared).toEqual(next);
  });

  it('matches items by id, so an agent logging in does not make the ones after look new', () => {
    const next = fresh(before);
    const newcomer = {
      ...before.agents[0],
      id: 'agent-new',
      name: 'New Agent',
    } as Snapshot['agents'][number];
    next.agents.unshift(newcomer);
    next.queues.splice(2, 1);
    const shared = shareSnapshotData(before, next) as Snapshot;
    expect(shared.agents).toHaveLength(before.agents.length + 1);
    expect(shared.agents[0]?.id).toBe('agent-new');
    shared.agents.slice(1).forEach((agent, i) => expect(agent).toBe(before.agents[i]));
    expect(shared.queues.map((q) => q.id)).toEqual(before.queues.filter((_, i) => i !== 2).map((q) => q.id));
    shared.queues.forEach((queue) => expect(before.queues).toContain(queue));
  });

  it('tells an added, removed or changed key from an equal object', () => {
    const a = makeSnapshot({ queues: 1, agents: 1 });
    const b = fresh(a);
    (b.summary.realtime as Record<string, unknown>).extra = 1;
    expect((shareSnapshotData(a, b) as Snapshot).summary).not.toBe(a.summary);
    const c = fresh(a);
    const d = fresh(a);
    delete d.summary.realtime.CONTACTS_IN_QUEUE;
    expect((shareSnapshotData(c, d) as Snapshot).summary.realtime).not.toBe(c.summary.realtime);
    const e = fresh(a);
    e.queues = [];
    expect((shareSnapshotData(a, e) as Snapshot).queues).toEqual([]);
  });

  it('returns a part of a shared snapshot as it is, and shares what a select builds', () => {
    const next = fresh(before);
    next.agents[0] = { ...next.agents[0], status: 'Training' } as Snapshot['agents'][number];
    const shared = shareSnapshotData(before, next) as Snapshot;
    // A select returning the agents gets them back without another comparison.
    expect(shareSnapshotData(before.agents, shared.agents)).toBe(shared.agents);
    // A select that builds new objects keeps the previous result while it is equal.
    const options = (s: Snapshot) => s.queues.map(({ id, name }) => ({ id, name }));
    const previous = options(before);
    expect(shareSnapshotData(previous, options(shared))).toBe(previous);
  });
});

describe('the snapshot query', () => {
  it('shares pushed snapshots, and selects of its parts follow them', async () => {
    const client = new QueryClient();
    const options = snapshotQueryOptions(inlineParser(), null);
    client.setQueryDefaults(snapshotKeys.all, { structuralSharing: options.structuralSharing });
    const key = snapshotKeys.board(null);
    const first = makeSnapshot({ queues: 3, agents: 5 });
    client.setQueryData(key, first);
    const observer = new QueryObserver(client, {
      queryKey: key,
      enabled: false,
      select: (s: Snapshot) => s.agents,
      structuralSharing: options.structuralSharing,
    });
    const seen: Snapshot['agents'][] = [];
    const unsubscribe = observer.subscribe((result) => {
      if (result.data) seen.push(result.data);
    });
    const same = fresh(first);
    same.generation += 1;
    client.setQueryData(key, same);
    const changed = fresh(same);
    changed.agents[1] = { ...changed.agents[1], status: 'Lunch' } as Snapshot['agents'][number];
    client.setQueryData(key, changed);
    unsubscribe();
    const cached = client.getQueryData<Snapshot>(key);
    expect(cached?.agents[0]).toBe(first.agents[0]);
    expect(cached?.agents[1]?.status).toBe('Lunch');
    expect(seen.at(-1)).toBe(cached?.agents);
    expect(seen.at(-1)?.[0]).toBe(first.agents[0]);
  });
});
