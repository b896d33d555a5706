import { DEFAULT_AGENT_LIMITS, type Agent } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { needsAttention, wallAgents } from './wallAgents';
import { filterAgents } from '../../api/selectors';

const NOW = Date.parse('2026-03-02T10:30:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();
const base = makeSnapshot({ agents: 1 }).agents[0] as Agent;

function agent(id: string, activity: Agent['activity'], seconds: number, status = 'Available'): Agent {
  return { ...base, id, name: id, status, activity, activitySince: ago(seconds), contacts: [] };
}

describe('the wall agents', () => {
  const limits = { acwSeconds: 120, contactSeconds: 600, customSeconds: 900 };

  it('lists Error, Missed and Rejected first, then the furthest over their limit, and no one within it', () => {
    const view = wallAgents(
      [
        agent('long-call', 'on-contact', 720), // 1.2 × the contact limit
        agent('short-call', 'on-contact', 300),
        agent('rejected', 'rejected', 10),
        agent('long-acw', 'acw', 360), // 3 × the ACW limit
        agent('missed', 'missed', 5),
        agent('short-acw', 'acw', 60),
        agent('long-break', 'custom', 1000, 'Break'),
        agent('short-break', 'custom', 300, 'Break'),
        agent('error', 'error', 1),
        agent('available', 'available', 3600),
        agent('offline', 'offline', 9000, 'Offline'),
      ],
      limits,
      NOW,
    );
    expect(view.exceptions.map((e) => e.agent.id)).toEqual([
      'error',
      'missed',
      'rejected',
      'long-acw',
      'long-call',
      'long-break',
    ]);
    expect(view.exceptions.find((e) => e.agent.id === 'long-acw')).toMatchObject({
      seconds: 360,
      limitSeconds: 120,
    });
    expect(view.exceptions.find((e) => e.agent.id === 'missed')?.limitSeconds).toBeNull();
    expect(view.longestContacts.map((e) => e.agent.id)).toEqual(['short-call']);
    expect(view.signedIn).toBe(10);
  });

  it('holds a custom status to its own limit where the board gives one, whatever its case, and to none for none', () => {
    const view = wallAgents(
      [
        agent('long-break', 'custom', 1000, 'Break'),
        agent('lunch', 'custom', 3000, 'Lunch'),
        agent('long-lunch', 'custom', 3700, 'Lunch'),
        agent('training', 'custom', 20_000, 'Training'),
      ],
      { ...limits, statusSeconds: { lunch: 3600, Training: null } },
      NOW,
    );
    expect(view.exceptions.map((e) => [e.agent.id, e.limitSeconds])).toEqual([
      ['long-break', 900],
      ['long-lunch', 3600],
    ]);
    expect(view.counts.filter((c) => c.activity === 'custom').map((c) => [c.label, c.count])).toEqual([
      ['Lunch', 1],
      ['Training', 1],
    ]);
  });

  it('counts everyone else by activity, a custom status by its name, and the usual four even at nought', () => {
    const view = wallAgents(
      [
        agent('a', 'available', 10),
        agent('b', 'available', 20),
        agent('c', 'custom', 10, 'Lunch'),
        agent('d', 'custom', 10, 'Break'),
        agent('e', 'custom', 5000, 'Break'),
        agent('f', 'missed', 10),
      ],
      DEFAULT_AGENT_LIMITS,
      NOW,
    );
    expect(view.counts.map((c) => [c.label, c.count])).toEqual([
      ['On contact', 0],
      ['Incoming', 0],
      ['After contact work', 0],
      ['Available', 2],
      ['Break', 1],
      ['Lunch', 1],
    ]);
  });

  it('counts an agent over the limit as soon as the time on screen passes it', () => {
    const at = (ms: number) => ({
      ...agent('call', 'on-contact', 0),
      activitySince: new Date(NOW - ms).toISOString(),
    });
    // 10:00.4 shows as 10:00: within a 10:00 limit; 10:00.6 shows as 10:01: over it.
    expect(wallAgents([at(600_400)], limits, NOW).exceptions).toHaveLength(0);
    expect(wallAgents([at(600_600)], limits, NOW).exceptions).toHaveLength(1);
  });

  it('follows the limits it is given', () => {
    const agents = [agent('acw', 'acw', 200)];
    expect(wallAgents(agents, limits, NOW).exceptions).toHaveLength(1);
    expect(wallAgents(agents, { ...limits, acwSeconds: 300 }, NOW).exceptions).toHaveLength(0);
  });

  it('at 10:30 in a busy centre of 1,500, lists the exceptions rather than 1,500 tiles', () => {
    const snapshot = makeSnapshot({
      agents: 1500,
      nowMs: NOW,
      contactStates: ['CONNECTED', 'CONNECTED', 'ENDED', 'INCOMING', 'CONNECTED', 'MISSED'],
    });
    const view = wallAgents(snapshot.agents, DEFAULT_AGENT_LIMITS, NOW);
    const inError = snapshot.agents.filter((a) => a.activity === 'missed').length;
    expect(inError).toBeGreaterThan(0);
    expect(view.exceptions.slice(0, inError).every((e) => e.agent.activity === 'missed')).toBe(true);
    const listed = view.exceptions.length + view.counts.reduce((n, c) => n + c.count, 0);
    expect(listed).toBe(view.signedIn);
  });

  it("finds for the laptop's Need attention filter exactly the agents the wall lists as needing it", () => {
    const snapshot = makeSnapshot({
      agents: 600,
      nowMs: NOW,
      contactStates: ['CONNECTED', 'ENDED', 'INCOMING', 'MISSED', 'REJECTED', 'ERROR'],
    });
    for (const at of [NOW, NOW + 5 * 60_000, NOW + 30 * 60_000]) {
      const wall = wallAgents(snapshot.agents, DEFAULT_AGENT_LIMITS, at).exceptions.map((e) => e.agent.id);
      const laptop = filterAgents(snapshot.agents, {
        attention: (agent) => needsAttention(agent, DEFAULT_AGENT_LIMITS, at),
      }).map((agent) => agent.id);
      expect(wall.length).toBeGreaterThan(0);
      expect([...laptop].sort()).toEqual([...wall].sort());
    }
  });
});
