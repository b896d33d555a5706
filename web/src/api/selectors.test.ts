import { describe, expect, it } from 'vitest';
import { makeSnapshot } from '../testing/makeSnapshot';
import { AGENT_ACTIVITIES, applyPatch, diffView, type Agent, type Snapshot } from '@switchboard/shared';
import {
  abandonedState,
  abandonRate,
  ACTIVITY_ORDER,
  activityText,
  agentActivity,
  boardQueues,
  ERROR_GROUP_LABEL,
  agentGrouper,
  filterAgents,
  groupAgents,
  isInError,
  queueStates,
} from './selectors';

describe('agent filters and groups', () => {
  const agents = makeSnapshot({ agents: 60, queues: 6 }).agents;

  it('finds agents by name or login, whatever the case', () => {
    const found = filterAgents(agents, { search: 'GRACE hopper' });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((a) => a.name.startsWith('Grace Hopper'))).toBe(true);
    expect(filterAgents(agents, { search: 'agent17' }).map((a) => a.id)).toEqual(['agent-00017']);
  });

  it('finds agents whatever the accents, in the name or the search', () => {
    const base = agents[0];
    if (!base) throw new Error('no agent');
    const named = [
      { ...base, id: 'a-muller', name: 'Jürgen Müller', username: 'jmuller' },
      { ...base, id: 'a-jose', name: 'José Ñúñez', username: 'jnunez' },
      { ...base, id: 'a-other', name: 'Ann Mull', username: 'amull' },
    ];
    expect(filterAgents(named, { search: 'muller' }).map((a) => a.id)).toEqual(['a-muller']);
    expect(filterAgents(named, { search: 'MÜLLER' }).map((a) => a.id)).toEqual(['a-muller']);
    expect(filterAgents(named, { search: 'jose nunez' }).map((a) => a.id)).toEqual(['a-jose']);
    expect(filterAgents(named, { search: 'Nuñez' }).map((a) => a.id)).toEqual(['a-jose']);
  });

  it('combines routing profile, status, channel and queue filters', () => {
    const found = filterAgents(agents, {
      routingProfileId: 'rp-2',
      activity: 'on-contact',
      channel: 'VOICE',
      queueIds: new Set(['q-0000', 'q-0001', 'q-0002', 'q-0003', 'q-0004', 'q-0005']),
    });
    expect(found.length).toBeGreaterThan(0);
    for (const a of found) {
      expect(a.routingProfile?.id).toBe('rp-2');
      expect(agentActivity(a)).toBe('on-contact');
      expect(a.contacts.some((c) => c.channel === 'VOICE')).toBe(true);
    }
    expect(filterAgents(agents, { queueIds: new Set(['nope']) })).toEqual([]);
    // No filter at all: the list as it is, not a copy.
    expect(filterAgents(agents, { search: '  ', routingProfileId: null, queueIds: null })).toBe(agents);
  });

  it('counts as agents of a queue those whose routing profile serves it, and those with a contact from it', () => {
    const withContact = agents.find((a) => a.contacts.some((c) => c.queueId !== null));
    const queueId = withContact?.contacts.find((c) => c.queueId !== null)?.queueId ?? '';
    expect(queueId).not.toBe('');
    const servingProfile = 'rp-1';
    const routingProfiles = [
      { id: servingProfile, name: 'Profile 1', queueIds: [queueId, 'q-other'] },
      { id: 'rp-0', name: 'Profile 0', queueIds: ['q-other'] },
    ];
    const found = filterAgents(agents, { queueIds: new Set([queueId]), routingProfiles });
    const expected = agents.filter(
      (a) => a.routingProfile?.id === servingProfile || a.contacts.some((c) => c.queueId === queueId),
    );
    expect(found.map((a) => a.id)).toEqual(expected.map((a) => a.id));
    // Every agent of the serving profile, idle ones included.
    const idle = found.filter((a) => a.contacts.length === 0);
    expect(idle.length).toBeGreaterThan(0);
    expect(idle.every((a) => a.routingProfile?.id === servingProfile)).toBe(true);
    // A transferred contact: an agent of another profile holding a contact from the queue still belongs.
    const transferred = found.filter((a) => a.routingProfile?.id !== servingProfile);
    expect(transferred.length).toBeGreaterThan(0);
    expect(transferred.every((a) => a.contacts.some((c) => c.queueId === queueId))).toBe(true);
    // Without routing profiles (an older server, or before discovery has listed them): contacts only.
    const byContact = agents.filter((a) => a.contacts.some((c) => c.queueId === queueId));
    expect(filterAgents(agents, { queueIds: new Set([queueId]) }).map((a) => a.id)).toEqual(
      byContact.map((a) => a.id),
    );
    expect(filterAgents(agents, { queueIds: new Set([queueId]), routingProfiles: [] })).toEqual(byContact);
    // A supervisor listening in on a call from the queue is not one of its agents.
    const [first] = byContact;
    if (!first) throw new Error('no agent with a contact from the queue');
    const listening = {
      ...first,
      id: 'supervisor',
      activity: 'monitoring' as const,
      contacts: first.contacts.map((c) => ({ ...c, initiationMethod: 'MONITOR' })),
    };
    expect(
      filterAgents([...agents, listening], { queueIds: new Set([queueId]), routingProfiles: [] }).map(
        (a) => a.id,
      ),
    ).toEqual(byContact.map((a) => a.id));
  });

  it('orders every activity an agent can show', () => {
    expect([...ACTIVITY_ORDER].sort()).toEqual([...AGENT_ACTIVITIES].sort());
  });

  it('groups by activity in a fixed order, each custom status by its name, longest in the activity first', () => {
    const groups = groupAgents(agents, 'status');
    expect(groups.map((g) => g.label)).toEqual(['On contact', 'Available', 'Lunch', 'Training', 'Offline']);
    for (const group of groups) {
      const since = group.agents.map((a) => a.activitySince ?? '');
      expect(since).toEqual([...since].sort());
    }
    expect(groups.reduce((n, g) => n + g.agents.length, 0)).toBe(agents.length);
  });

  it("orders an agent on a call by the call's start, not by when they set their status", () => {
    const [first, second] = agents.filter((a) => a.activity === 'on-contact');
    if (!first || !second) throw new Error('fixture has too few agents on contact');
    // The first has been Available since the start of the day but took the call after the second.
    const early = {
      ...first,
      statusStartedAt: '2026-03-02T07:00:00.000Z',
      activitySince: '2026-03-02T10:29:00.000Z',
    };
    const late = {
      ...second,
      statusStartedAt: '2026-03-02T10:00:00.000Z',
      activitySince: '2026-03-02T10:20:00.000Z',
    };
    const [group] = groupAgents([early, late], 'status');
    expect(group?.agents.map((a) => a.id)).toEqual([late.id, early.id]);
  });

  it("counts errored, missed and rejected agents in one group, whose count is Connect's AGENTS_ERROR", () => {
    const busy = makeSnapshot({
      agents: 120,
      contactStates: ['CONNECTED', 'MISSED', 'ENDED', 'REJECTED', 'INCOMING', 'ERROR'],
    }).agents;
    const inError = busy.filter((a) => ['error', 'missed', 'rejected'].includes(a.activity));
    expect(new Set(inError.map((a) => a.activity))).toEqual(new Set(['error', 'missed', 'rejected']));
    const groups = groupAgents(busy, 'status');
    expect(groups[0]?.label).toBe(ERROR_GROUP_LABEL);
    expect(groups[0]?.agents.length).toBe(inError.length);
    expect(busy.filter(isInError)).toHaveLength(inError.length);
    expect(groups.map((g) => g.key)).toEqual([
      'error',
      'on-contact',
      'incoming',
      'acw',
      'available',
      'custom:Lunch',
      'custom:Training',
      'offline',
    ]);
    // Filtering by one activity finds exactly those agents.
    expect(filterAgents(busy, { activity: 'missed' }).every((a) => a.activity === 'missed')).toBe(true);
    expect(filterAgents(busy, { activity: 'missed' }).length).toBeGreaterThan(0);
  });

  it('words an activity as Connect does: a custom status by its name, else the activity', () => {
    expect(activityText({ activity: 'custom', status: 'Break' })).toBe('Break');
    expect(activityText({ activity: 'on-contact', status: 'Available' })).toBe('On contact');
    expect(activityText({ activity: 'acw', status: 'Available' })).toBe('After contact work');
  });

  it('groups by routing profile and hierarchy group by name', () => {
    expect(groupAgents(agents, 'routingProfile').map((g) => g.label)).toEqual([
      'Profile 0',
      'Profile 1',
      'Profile 2',
      'Profile 3',
      'Profile 4',
    ]);
    expect(groupAgents(agents, 'hierarchyGroup')).toHaveLength(8);
  });

  it('groups a patched view on the last grouping as it groups it afresh, whatever changed and however filtered', () => {
    // Views as the page holds them: each the last with a patch applied, so an agent the patch did not change is
    // the same object. Some ticks move every agent, some none; the filter narrows and widens between them.
    const start = Date.parse('2026-03-02T08:00:00Z');
    const shape = (tick: number, agentChurn: number) =>
      makeSnapshot({ queues: 6, agents: 80, tick, nowMs: start + tick * 2000, tickMs: 2000, agentChurn });
    const churns = [0.1, 1, 0.1, 0.5, 0.1, 0.25, 0.1, 0.1, 1, 0.1];
    const filters: ((agent: Agent) => boolean)[] = [
      () => true,
      (agent) => agent.routingProfile?.id !== 'rp-1',
      () => true,
      (agent) => agent.name < 'M',
      (agent) => agent.activity !== 'available',
    ];
    for (const grouping of ['status', 'routingProfile', 'hierarchyGroup'] as const) {
      const group = agentGrouper();
      let view: Snapshot = shape(0, 0.1);
      let reused = 0;
      for (let tick = 1; tick <= 30; tick += 1) {
        const next = shape(tick, churns[tick % churns.length] ?? 0.1);
        const before = new Set(view.agents);
        view = applyPatch(view, diffView(view, next));
        reused += view.agents.filter((agent) => before.has(agent)).length;
        const shown = view.agents.filter(filters[tick % filters.length] ?? (() => true));
        const afresh = groupAgents(shown, grouping);
        const built = group(shown, grouping);
        expect(built).toEqual(afresh);
        // The same order, agent by agent (toEqual would pass two agents with equal fields swapped).
        expect(built.map((g) => g.agents.map((a) => a.id))).toEqual(
          afresh.map((g) => g.agents.map((a) => a.id)),
        );
      }
      // The sequence did exercise the reuse: many agents came through patches unchanged (636 of 2,400).
      expect(reused).toBeGreaterThan(30 * 15);
    }
  });

  it('orders groups of one name by their key, and lists an agent held twice once, whatever the last grouping was', () => {
    const [a, b, c] = agents;
    if (!a || !b || !c) throw new Error('fixture has too few agents');
    // Two teams of one name, in two sites.
    const london = { ...a, hierarchyGroup: { id: 'g-london', name: 'Team A' } };
    const paris = { ...b, hierarchyGroup: { id: 'g-paris', name: 'Team A' } };
    const all = [london, paris, c];
    const afresh = groupAgents(all, 'hierarchyGroup');
    // The last grouping was of a list filtered to Paris's team only.
    const built = groupAgents(all, 'hierarchyGroup', groupAgents([paris], 'hierarchyGroup'));
    expect(built.map((g) => g.key)).toEqual(afresh.map((g) => g.key));
    expect(afresh.filter((g) => g.label === 'Team A').map((g) => g.key)).toEqual(['g-london', 'g-paris']);
    // The same object twice in the list: once in its group, afresh and built on the last alike.
    const twice = [london, paris, london];
    const once = groupAgents(twice, 'status');
    expect(once.reduce((n, g) => n + g.agents.length, 0)).toBe(2);
    expect(groupAgents(twice, 'status', once)).toEqual(once);
  });

  it('orders agents with the same start and name by id, wherever they came from', () => {
    const [a, b] = agents;
    if (!a || !b) throw new Error('fixture has too few agents');
    const twin = {
      ...b,
      name: a.name,
      activity: a.activity,
      status: a.status,
      activitySince: a.activitySince,
    };
    const one = groupAgents([twin, a], 'status');
    const other = groupAgents([a, twin], 'status', groupAgents([twin], 'status'));
    expect(one[0]?.agents.map((x) => x.id)).toEqual([a.id, twin.id].sort());
    expect(other).toEqual(one);
  });
});

describe('boards and states', () => {
  const snapshot = makeSnapshot({ queues: 4 });

  it('shows every queue for a board of all queues, and only the listed ones otherwise', () => {
    expect(boardQueues(snapshot.queues, { queueIds: null })).toHaveLength(4);
    expect(boardQueues(snapshot.queues, { queueIds: ['q-0002', 'q-0000'] }).map((q) => q.id)).toEqual([
      'q-0000',
      'q-0002',
    ]);
  });

  it("uses the board's own threshold states when it has them", () => {
    const queue = snapshot.queues[0];
    if (!queue) throw new Error('no queue');
    const withBoard = { boardStates: { floor: { [queue.id]: { CONTACTS_IN_QUEUE: 'critical' as const } } } };
    expect(queueStates(withBoard, 'floor', queue)).toEqual({ CONTACTS_IN_QUEUE: 'critical' });
    expect(queueStates(withBoard, 'other', queue)).toBe(queue.states);
  });

  it('has no abandon rate when nothing was queued, rather than 0%', () => {
    expect(abandonRate({ CONTACTS_QUEUED: 0, CONTACTS_ABANDONED: 0 })).toBeNull();
    expect(abandonRate({ CONTACTS_QUEUED: null, CONTACTS_ABANDONED: 3 })).toBeNull();
    expect(abandonRate({ CONTACTS_QUEUED: 200, CONTACTS_ABANDONED: 10 })).toBe(5);
  });
});

describe('abandonedState', () => {
  it('is the worse of the count’s and the rate’s states, whichever have thresholds', () => {
    expect(abandonedState({})).toBeUndefined();
    expect(abandonedState({ CONTACTS_ABANDONED: 'warn' })).toBe('warn');
    expect(abandonedState({ ABANDON_RATE: 'critical' })).toBe('critical');
    expect(abandonedState({ CONTACTS_ABANDONED: 'ok', ABANDON_RATE: 'warn' })).toBe('warn');
    expect(abandonedState({ CONTACTS_ABANDONED: 'critical', ABANDON_RATE: 'ok' })).toBe('critical');
  });
});
