import { describe, expect, it } from 'vitest';
import type { UserData } from '../connect/userData.js';
import { toAgents } from './agents.js';
import { Directory } from './directory.js';

const AVAILABLE = 'arn:aws:connect:r:1:instance/i/agent-state/available';
const BREAK = 'arn:aws:connect:r:1:instance/i/agent-state/break';

function directory(): Directory {
  const known = new Directory();
  known.statuses.set(AVAILABLE, { id: 'available', arn: AVAILABLE, name: 'Available', type: 'ROUTABLE' });
  known.statuses.set(BREAK, { id: 'break', arn: BREAK, name: 'Break', type: 'CUSTOM' });
  return known;
}

const at = (hhmmss: string) => new Date(`2026-12-07T${hhmmss}Z`);
const iso = (hhmmss: string) => at(hhmmss).toISOString();

/** One agent as GetCurrentUserData gives them: a status since `statusAt`, and a call connected since `callAt`. */
function user(status: string, statusAt: string, callAt?: string): UserData {
  return {
    User: { Id: 'u1' },
    Status: {
      StatusArn: status,
      StatusName: status === AVAILABLE ? 'Available' : 'Break',
      StatusStartTimestamp: at(statusAt),
    },
    Contacts: callAt
      ? [
          {
            ContactId: 'c1',
            Channel: 'VOICE',
            AgentContactState: 'CONNECTED',
            InitiationMethod: 'INBOUND',
            StateStartTimestamp: at(callAt),
          },
        ]
      : [],
  };
}

describe('toAgents: when an activity that comes from the status began', () => {
  it('is where the last contact was seen to end, not where the status was set, and it lasts while the activity does', () => {
    const known = directory();
    // Available since 08:00, on a call from 10:00; free again when the server looks at 10:05:02.
    const onCall = toAgents([user(AVAILABLE, '08:00:00', '10:00:00')], known, [], at('10:05:00').getTime());
    expect(onCall[0]?.activity).toBe('on-contact');
    expect(onCall[0]?.activitySince).toBe(iso('10:00:00'));
    const free = toAgents([user(AVAILABLE, '08:00:00')], known, onCall, at('10:05:02').getTime());
    expect(free[0]?.activity).toBe('available');
    expect(free[0]?.activitySince).toBe(iso('10:05:02'));
    // Still Available later: the same start, not the status's, and not the time of each answer.
    const later = toAgents([user(AVAILABLE, '08:00:00')], known, free, at('10:09:00').getTime());
    expect(later[0]?.activitySince).toBe(iso('10:05:02'));
    // A status set since (a break at 10:10) starts its own activity.
    const onBreak = toAgents([user(BREAK, '10:10:00')], known, later, at('10:10:03').getTime());
    expect(onBreak[0]?.activity).toBe('custom');
    expect(onBreak[0]?.activitySince).toBe(iso('10:10:00'));
  });

  it("is the status's start without an answer before (a server just started), and after a status set since the call", () => {
    const known = directory();
    expect(
      toAgents([user(AVAILABLE, '08:00:00')], known, [], at('10:00:00').getTime())[0]?.activitySince,
    ).toBe(iso('08:00:00'));
    expect(toAgents([user(AVAILABLE, '08:00:00')], known)[0]?.activitySince).toBe(iso('08:00:00'));
    // A break asked for during the call applies as it ends: its start is later than the sighting.
    const onCall = toAgents([user(AVAILABLE, '08:00:00', '10:00:00')], known, [], at('10:05:00').getTime());
    // The activity's start for the agent in `status` since `start`, seen at `when` after the look that saw the call.
    const sinceAfterCall = (status: string, start: string, when: string) =>
      toAgents([user(status, start)], known, onCall, at(when).getTime(), at('10:05:00').getTime())[0]
        ?.activitySince;
    expect(sinceAfterCall(BREAK, '10:05:03', '10:05:02')).toBe(iso('10:05:03'));
    // Seen again only 30 s later (a change of leader between): the break began at its own start, not at the look.
    expect(sinceAfterCall(BREAK, '10:05:10', '10:05:30')).toBe(iso('10:05:10'));
    // Still Available, the status unchanged: the call ended at some moment since the last look, taken as this one.
    expect(sinceAfterCall(AVAILABLE, '08:00:00', '10:05:30')).toBe(iso('10:05:30'));
    // A status start from before the look that saw the call (one the last answer did not give, or a clock off) is
    // not when the call ended: the look that finds the agent free is.
    expect(sinceAfterCall(BREAK, '09:00:00', '10:05:30')).toBe(iso('10:05:30'));
  });
});
