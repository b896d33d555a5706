import { describe, expect, it } from 'vitest';
import { STATUS } from '../../src/simulator/catalog.js';
import { P } from '../../src/simulator/history.js';
import {
  agentTimeKind,
  type AgentContact,
  type AgentContactState,
  type SimContact,
} from '../../src/simulator/model.js';

// OCCUPANCY = on contact ÷ (on contact + idle), with the admin guide's terms (Historical metrics definitions:
// Agent on contact time, Agent idle time, Occupancy).
function contact(state: AgentContactState, initiation: SimContact['initiation'] = 'INBOUND'): AgentContact {
  return {
    state,
    since: 0,
    contact: {
      contactId: 'c',
      queueIndex: 0,
      channel: 'VOICE',
      initiation,
      enqueuedAt: 0,
      abandonAt: Number.POSITIVE_INFINITY,
      stage: 'CONNECTED',
      connectedAt: 0,
      talkMs: 0,
      holdMs: 0,
    },
  };
}
const available = (...contacts: AgentContact[]) => ({ statusIndex: STATUS.AVAILABLE, contacts });

describe("what an agent's time counts as in OCCUPANCY", () => {
  it('is idle while Available with no contact, and while its contacts are in an error state', () => {
    expect(agentTimeKind(available())).toBe(P.IDLE);
    expect(agentTimeKind(available(contact('MISSED')))).toBe(P.IDLE);
    expect(agentTimeKind(available(contact('REJECTED')))).toBe(P.IDLE);
    expect(agentTimeKind(available(contact('ERROR')))).toBe(P.IDLE);
  });

  it('is on contact while connected, on hold, in after-contact work or ringing a callback out', () => {
    expect(agentTimeKind(available(contact('CONNECTED')))).toBe(P.BUSY);
    expect(agentTimeKind(available(contact('CONNECTED_ONHOLD')))).toBe(P.BUSY);
    expect(agentTimeKind(available(contact('ENDED')))).toBe(P.BUSY);
    expect(agentTimeKind(available(contact('CONNECTING', 'CALLBACK')))).toBe(P.BUSY);
    // On a chat while another one is in error: on contact.
    expect(agentTimeKind(available(contact('MISSED'), contact('CONNECTED')))).toBe(P.BUSY);
  });

  it('is neither while a contact rings in, nor while listening in on a call, nor in a custom status or Offline', () => {
    expect(agentTimeKind(available(contact('CONNECTING')))).toBeNull();
    expect(agentTimeKind(available(), true)).toBeNull();
    expect(agentTimeKind(available(contact('INCOMING', 'CALLBACK')))).toBeNull();
    expect(agentTimeKind(available(contact('PENDING', 'CALLBACK')))).toBeNull();
    expect(agentTimeKind({ statusIndex: STATUS.BREAK, contacts: [] })).toBeNull();
    expect(agentTimeKind({ statusIndex: STATUS.OFFLINE, contacts: [] })).toBeNull();
  });
});
