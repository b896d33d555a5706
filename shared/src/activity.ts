/**
 * What an agent is doing, as Connect's real-time report shows it ("Agent Activity"), worked out once on the
 * server from the states of the agent's contacts and the status they set. The status alone is not the activity:
 * an agent stays "Available" in the CCP while they talk, and a missed or errored contact leaves them unroutable
 * until they change status.
 *
 * Amazon Connect Administrator Guide, "Real-time metrics definitions", Agent Activity: with concurrent contacts,
 * Error if one contact is in Error; else Missed; else Rejected; else On contact (Connected, On hold, outbound);
 * else After contact work; else Incoming; else the custom status; else Available. A contact ringing out (an
 * outbound call, a callback dialling the customer) is already On contact; one ringing in is Incoming. A supervisor
 * listening in on another agent's contact (InitiationMethod MONITOR) is Monitoring: "If a supervisor is using the
 * Manager Monitor feature ... the supervisor's Agent Activity will display as Monitoring". Contact states:
 * "About contact states in Amazon Connect" (INCOMING, PENDING, CONNECTING, CONNECTED, CONNECTED_ONHOLD, PAUSED,
 * MISSED, ERROR, ENDED, REJECTED).
 */

import type { Agent, RoutingProfile } from './snapshot.js';

export const AGENT_ACTIVITIES = [
  'available',
  'incoming',
  'on-contact',
  'acw',
  'monitoring',
  'missed',
  'rejected',
  'error',
  'custom',
  'offline',
] as const;
export type AgentActivity = (typeof AGENT_ACTIVITIES)[number];

/** Connect's AgentContactState values as documented; a value not listed here is new to this build. */
export const AGENT_CONTACT_STATES = [
  'INCOMING',
  'PENDING',
  'CONNECTING',
  'CONNECTED',
  'CONNECTED_ONHOLD',
  'PAUSED',
  'MISSED',
  'ERROR',
  'ENDED',
  'REJECTED',
] as const;
export type AgentContactState = (typeof AGENT_CONTACT_STATES)[number];

const KNOWN_CONTACT_STATES: ReadonlySet<string> = new Set(AGENT_CONTACT_STATES);

/**
 * Whether a contact is the agent's own: not a call they listen in on (Manager Monitor, InitiationMethod MONITOR),
 * which is another agent's, and places the supervisor on none of its queues.
 */
export function isOwnContact(contact: { initiationMethod?: string | undefined }): boolean {
  return contact.initiationMethod !== 'MONITOR';
}

/**
 * Whether an agent is of one of `queueIds` ("agents of a queue"): their routing profile serves one, or they hold a
 * contact of their own from one (a transfer can bring a contact from a queue their profile does not serve; a call
 * a supervisor listens in on puts them on none of its queues). Without `routingProfiles`, or for an agent whose
 * profile is not among them, only the contacts tell. A board's agents (server) and the laptop's queue filter
 * (browser) are both this.
 */
export function agentOfQueues(
  queueIds: ReadonlySet<string>,
  routingProfiles: readonly RoutingProfile[] | null | undefined,
): (agent: Agent) => boolean {
  const serving = new Set<string>();
  for (const profile of routingProfiles ?? []) {
    if (profile.queueIds.some((id) => queueIds.has(id))) serving.add(profile.id);
  }
  return (agent) => {
    if (agent.routingProfile && serving.has(agent.routingProfile.id)) return true;
    return agent.contacts.some((c) => isOwnContact(c) && c.queueId !== null && queueIds.has(c.queueId));
  };
}

export function isKnownContactState(state: string): state is AgentContactState {
  return KNOWN_CONTACT_STATES.has(state);
}

/** The activities that come from a contact, strongest first (Connect's precedence for concurrent contacts). */
const CONTACT_ACTIVITY_RANK: Record<AgentActivity, number> = {
  error: 0,
  missed: 1,
  rejected: 2,
  'on-contact': 3,
  acw: 4,
  incoming: 5,
  // Below a contact in a state this build does not know (6): that one is the agent's own.
  monitoring: 7,
  // Status-derived activities never come from a contact.
  custom: 99,
  available: 99,
  offline: 99,
};

/**
 * Contacts an agent places or dials: ringing out (CONNECTING) is already "On contact" for Connect ("Outbound
 * contact/Outbound callback"), while an inbound contact ringing is Incoming. Values of `InitiationMethod`.
 */
const OUTBOUND_INITIATIONS: ReadonlySet<string> = new Set([
  'OUTBOUND',
  'CALLBACK',
  'EXTERNAL_OUTBOUND',
  'AGENT_REPLY',
]);

/**
 * The activity one contact's state puts the agent in. A state this build does not know (Connect adds them
 * without notice) still means the agent is busy with a contact: it ranks below every known state.
 */
export function contactActivity(state: string, initiationMethod?: string): AgentActivity {
  const activity = stateActivity(state, initiationMethod);
  // A call listened in on is Monitoring, unless it puts the supervisor in error as any contact would.
  return initiationMethod === 'MONITOR' && !ERROR_ACTIVITIES.has(activity) ? 'monitoring' : activity;
}

function stateActivity(state: string, initiationMethod: string | undefined): AgentActivity {
  if (
    state === 'CONNECTING' &&
    initiationMethod !== undefined &&
    OUTBOUND_INITIATIONS.has(initiationMethod)
  ) {
    return 'on-contact';
  }
  switch (state) {
    case 'ERROR':
      return 'error';
    case 'MISSED':
      return 'missed';
    case 'REJECTED':
      return 'rejected';
    case 'CONNECTED':
    case 'CONNECTED_ONHOLD':
    case 'PAUSED':
      return 'on-contact';
    case 'ENDED':
      return 'acw';
    case 'INCOMING':
    case 'PENDING':
    case 'CONNECTING':
      return 'incoming';
    default:
      return 'on-contact';
  }
}

const rankOf = (contact: ActivityContact): number =>
  isKnownContactState(contact.state)
    ? CONTACT_ACTIVITY_RANK[contactActivity(contact.state, contact.initiationMethod)]
    : CONTACT_ACTIVITY_RANK.incoming + 1;

export interface ActivityContact {
  state: string;
  stateStartedAt: string | null;
  /** Connect's InitiationMethod: tells a callback or outbound call ringing out from an inbound one ringing in. */
  initiationMethod?: string | undefined;
}

export interface ActivityInput {
  statusType: 'ROUTABLE' | 'CUSTOM' | 'OFFLINE' | 'ERROR' | 'UNKNOWN';
  statusStartedAt: string | null;
  contacts: readonly ActivityContact[];
}

export interface ActivityResult {
  activity: AgentActivity;
  /** When the activity began: the deciding contact's state start, else the status start (ISO, or null). */
  since: string | null;
}

/**
 * Connect's Agent Activity for one agent. Where several contacts share the deciding state, the activity began
 * when the first of them entered it, so the duration on the wall is the longest of them.
 */
export function agentActivity(agent: ActivityInput): ActivityResult {
  let best = Number.POSITIVE_INFINITY;
  let since: string | null = null;
  let deciding: ActivityContact | undefined;
  for (const contact of agent.contacts) {
    const rank = rankOf(contact);
    if (rank < best) {
      best = rank;
      deciding = contact;
      since = contact.stateStartedAt;
    } else if (rank === best && contact.stateStartedAt !== null) {
      if (since === null || contact.stateStartedAt < since) since = contact.stateStartedAt;
    }
  }
  if (deciding) {
    return {
      activity: contactActivity(deciding.state, deciding.initiationMethod),
      since: since ?? agent.statusStartedAt,
    };
  }
  const activity: AgentActivity =
    agent.statusType === 'ROUTABLE'
      ? 'available'
      : agent.statusType === 'OFFLINE'
        ? 'offline'
        : agent.statusType === 'ERROR'
          ? 'error'
          : 'custom';
  return { activity, since: agent.statusStartedAt };
}

/** Activities Connect counts in AGENTS_ERROR: a missed call, a rejected chat or task, a connection failure. */
export const ERROR_ACTIVITIES: ReadonlySet<AgentActivity> = new Set(['error', 'missed', 'rejected']);

export const ACTIVITY_LABELS: Record<AgentActivity, string> = {
  available: 'Available',
  incoming: 'Incoming',
  'on-contact': 'On contact',
  acw: 'After contact work',
  monitoring: 'Monitoring',
  missed: 'Missed',
  rejected: 'Rejected',
  error: 'Error',
  custom: 'Away',
  offline: 'Offline',
};
