import { describe, expect, it } from 'vitest';
import { agentActivity, contactActivity, type ActivityInput } from './activity.js';

const at = (minute: number) => `2025-03-10T10:${String(minute).padStart(2, '0')}:00.000Z`;
const agent = (over: Partial<ActivityInput>): ActivityInput => ({
  statusType: 'ROUTABLE',
  statusStartedAt: at(0),
  contacts: [],
  ...over,
});
const contact = (state: string, minute: number) => ({ state, stateStartedAt: at(minute) });

describe('agentActivity (Connect admin guide, Real-time metrics definitions, "Agent Activity")', () => {
  it('reads the status when the agent has no contact', () => {
    expect(agentActivity(agent({}))).toEqual({ activity: 'available', since: at(0) });
    expect(agentActivity(agent({ statusType: 'CUSTOM' })).activity).toBe('custom');
    expect(agentActivity(agent({ statusType: 'UNKNOWN' })).activity).toBe('custom');
    expect(agentActivity(agent({ statusType: 'OFFLINE' })).activity).toBe('offline');
    expect(agentActivity(agent({ statusType: 'ERROR' })).activity).toBe('error');
  });

  it('is not Available while the status stays Available: a contact decides', () => {
    expect(agentActivity(agent({ contacts: [contact('CONNECTING', 5)] }))).toEqual({
      activity: 'incoming',
      since: at(5),
    });
    expect(agentActivity(agent({ contacts: [contact('INCOMING', 5)] })).activity).toBe('incoming');
    expect(agentActivity(agent({ contacts: [contact('PENDING', 5)] })).activity).toBe('incoming');
    expect(agentActivity(agent({ contacts: [contact('CONNECTED', 6)] }))).toEqual({
      activity: 'on-contact',
      since: at(6),
    });
    expect(agentActivity(agent({ contacts: [contact('CONNECTED_ONHOLD', 6)] })).activity).toBe('on-contact');
    expect(agentActivity(agent({ contacts: [contact('PAUSED', 6)] })).activity).toBe('on-contact');
    expect(agentActivity(agent({ contacts: [contact('ENDED', 7)] }))).toEqual({
      activity: 'acw',
      since: at(7),
    });
    expect(agentActivity(agent({ contacts: [contact('MISSED', 8)] }))).toEqual({
      activity: 'missed',
      since: at(8),
    });
    expect(agentActivity(agent({ contacts: [contact('REJECTED', 8)] })).activity).toBe('rejected');
    expect(agentActivity(agent({ contacts: [contact('ERROR', 9)] }))).toEqual({
      activity: 'error',
      since: at(9),
    });
  });

  it('follows Connect’s precedence for concurrent contacts: Error, Missed, Rejected, On contact, ACW, Incoming', () => {
    const order = ['ERROR', 'MISSED', 'REJECTED', 'CONNECTED', 'ENDED', 'CONNECTING'] as const;
    for (let i = 0; i < order.length; i++) {
      const weaker = order.slice(i + 1).map((state, k) => contact(state, 10 + k));
      const result = agentActivity(agent({ contacts: [...weaker, contact(order[i] ?? 'ERROR', 30)] }));
      expect(result.activity).toBe(contactActivity(order[i] ?? 'ERROR'));
      expect(result.since).toBe(at(30));
    }
  });

  it('counts a contact ringing out (an outbound call, a callback dialling the customer) as on contact', () => {
    const ringing = (initiationMethod: string) => ({ ...contact('CONNECTING', 5), initiationMethod });
    expect(agentActivity(agent({ contacts: [ringing('CALLBACK')] })).activity).toBe('on-contact');
    expect(agentActivity(agent({ contacts: [ringing('OUTBOUND')] })).activity).toBe('on-contact');
    expect(agentActivity(agent({ contacts: [ringing('INBOUND')] })).activity).toBe('incoming');
    expect(agentActivity(agent({ contacts: [ringing('API')] })).activity).toBe('incoming');
    // A callback presented to the agent, before it dials, is still Incoming.
    expect(
      agentActivity(agent({ contacts: [{ ...contact('INCOMING', 5), initiationMethod: 'CALLBACK' }] }))
        .activity,
    ).toBe('incoming');
  });

  it('a contact outranks a custom status: an agent on Break finishing a call is on contact', () => {
    expect(agentActivity(agent({ statusType: 'CUSTOM', contacts: [contact('CONNECTED', 3)] })).activity).toBe(
      'on-contact',
    );
  });

  it('times the activity from the earliest contact in the deciding state', () => {
    const result = agentActivity(agent({ contacts: [contact('CONNECTED', 20), contact('CONNECTED', 12)] }));
    expect(result).toEqual({ activity: 'on-contact', since: at(12) });
  });

  it('treats a contact state it does not know as busy, below every known state, and falls back to the status start', () => {
    expect(agentActivity(agent({ contacts: [{ state: 'SOMETHING_NEW', stateStartedAt: null }] }))).toEqual({
      activity: 'on-contact',
      since: at(0),
    });
    expect(
      agentActivity(agent({ contacts: [contact('SOMETHING_NEW', 1), contact('CONNECTING', 4)] })).activity,
    ).toBe('incoming');
  });

  it("shows a supervisor listening in on another agent's contact as Monitoring, below a contact of their own", () => {
    const monitor = { ...contact('CONNECTED', 3), initiationMethod: 'MONITOR' };
    expect(agentActivity(agent({ contacts: [monitor] }))).toEqual({ activity: 'monitoring', since: at(3) });
    expect(contactActivity('CONNECTED', 'MONITOR')).toBe('monitoring');
    expect(agentActivity(agent({ contacts: [monitor, contact('INCOMING', 5)] })).activity).toBe('incoming');
  });
});
