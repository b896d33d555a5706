import { AGENT_COUNT_METRICS, type Agent } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { STATUS } from '../../src/simulator/catalog.js';
import { agentCounts } from '../../src/views/project.js';
import { waitFor } from '../support/wallboard.js';
import { polledSimulator } from './support.js';

// A supervisor listening in on a call (Manager Monitor), through the real SDK: GetCurrentUserData lists the call
// among the supervisor's contacts with InitiationMethod MONITOR. Connect shows the supervisor's Agent Activity as
// Monitoring ("the supervisor's Agent Activity will display as Monitoring. The Agent Activity of the agent who is
// being monitored is still On Contact"): not on a contact of their own, and not free to take one.
const now = Date.UTC(2026, 2, 3, 11, 0);
const run = polledSimulator(now, { queues: 12, agents: 80, seed: 6 });

describe('a supervisor listening in on a call', () => {
  it('shows as Monitoring, the agent they listen to as on contact, and counts as neither on contact nor available', async () => {
    const { simulator } = run;
    const idle = simulator.model.agents.find(
      (a) => a.contacts.length === 0 && simulator.model.catalog.statuses[a.statusIndex]?.name === 'Available',
    );
    if (!idle) throw new Error('no agent free to listen in');
    const { monitor } = simulator.scenario({ monitor: { supervisor: idle.username } }) as {
      monitor: { supervisorId: string; agentId: string; contactId: string };
    };
    const byId = (agents: readonly Agent[], id: string) => agents.find((a) => a.id === id);
    const snapshot = await waitFor(() => {
      const latest = run.poller.latest;
      return latest && byId(latest.agents, monitor.supervisorId)?.activity === 'monitoring'
        ? latest
        : undefined;
    }, 'the supervisor listening in');
    const supervisor = byId(snapshot.agents, monitor.supervisorId);
    expect(supervisor?.contacts).toEqual([
      expect.objectContaining({
        contactId: monitor.contactId,
        initiationMethod: 'MONITOR',
        state: 'CONNECTED',
      }),
    ]);
    expect(byId(snapshot.agents, monitor.agentId)?.activity).toBe('on-contact');
    // A board's counts from the agents agree with Connect's own figures (the simulator's) for the same moment.
    const { instance } = simulator.model.figures(now);
    const counted = agentCounts(snapshot.agents);
    for (const metric of AGENT_COUNT_METRICS.filter((m) => !m.startsWith('SLOTS_')))
      expect(counted[metric], metric).toBe(instance[metric]);
    // A supervisor listening in cannot listen to two calls at once; a status they ask for meanwhile (the end of
    // their shift) applies when the call ends, as after a contact of their own.
    expect(() => simulator.scenario({ monitor: { supervisor: idle.username } })).toThrow(
      /cannot listen in now/,
    );
    simulator.model.requestStatus(idle, STATUS.OFFLINE);
    expect([idle.statusIndex, idle.nextStatusIndex]).toEqual([STATUS.AVAILABLE, STATUS.OFFLINE]);
    // The call's talk ends (within the hour): the supervisor is free again, and the status applies.
    simulator.model.advanceTo(now + 60 * 60_000);
    expect(simulator.model.monitoring.has(idle.index)).toBe(false);
    expect([idle.statusIndex, idle.nextStatusIndex]).toEqual([STATUS.OFFLINE, null]);
  });
});
