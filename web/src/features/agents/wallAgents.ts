import {
  ACTIVITY_LABELS,
  customStatusLimit,
  type Agent,
  type AgentActivity,
  type AgentLimits,
} from '@switchboard/shared';
import { ACTIVITY_ORDER, activityText, isInError } from '../../api/selectors';

/**
 * What the wall shows of the agents, read from across a room: not a tile per agent (at 10:30 that is pages of
 * "Available"), but the exceptions a supervisor acts on, the longest contacts, and counts for everyone else.
 */

/** An agent who needs attention: unroutable after an errored, missed or rejected contact, or over a limit. */
export interface AgentException {
  agent: Agent;
  /** Seconds in the current activity. */
  seconds: number;
  /** The limit the agent is over, in seconds; null for Error, Missed and Rejected (no limit: always shown). */
  limitSeconds: number | null;
}

/** Agents of one activity (a custom status by its name) among those not listed as exceptions. */
export interface ActivityCount {
  key: string;
  activity: AgentActivity;
  label: string;
  count: number;
}

export interface WallAgents {
  /** Worst first: Error, Missed, Rejected (longest first), then the furthest over their limit. */
  exceptions: AgentException[];
  /** Agents on a contact and within the limit, longest first. */
  longestContacts: AgentException[];
  /**
   * Everyone signed in and not an exception, by activity in ACTIVITY_ORDER (Available, Incoming, On contact and
   * ACW always, at nought too), custom statuses by name.
   */
  counts: ActivityCount[];
  /** Agents signed in (not Offline). */
  signedIn: number;
}

/** The limit on the duration of an agent's activity, or null for an activity (or custom status) that has none. */
export function activityLimit(agent: Pick<Agent, 'activity' | 'status'>, limits: AgentLimits): number | null {
  switch (agent.activity) {
    case 'acw':
      return limits.acwSeconds;
    case 'on-contact':
      return limits.contactSeconds;
    case 'custom':
      return customStatusLimit(agent.status, limits);
    default:
      return null;
  }
}

const ALWAYS_COUNTED: readonly AgentActivity[] = ['available', 'incoming', 'on-contact', 'acw'];
const ERROR_RANK: Partial<Record<AgentActivity, number>> = { error: 0, missed: 1, rejected: 2 };
const CUSTOM_RANK = ACTIVITY_ORDER.indexOf('custom');

function secondsSince(since: string | null, nowMs: number): number {
  if (!since) return 0;
  const start = Date.parse(since);
  // Rounded as the times on screen are (formatDuration), so an agent shown at 10:01 is over a 10:00 limit.
  return Number.isFinite(start) ? Math.max(0, Math.round((nowMs - start) / 1000)) : 0;
}

/**
 * Where a signed-in agent stands at `nowMs`: their time in their activity, its limit, and whether they need
 * attention as the wall counts it (Error, Missed or Rejected, or longer than the board's limit in after-contact
 * work, a contact or a custom status). The wall's exceptions and the laptop's Need attention filter alike.
 */
function standing(agent: Agent, limits: AgentLimits, nowMs: number) {
  const seconds = secondsSince(agent.activitySince, nowMs);
  const limitSeconds = activityLimit(agent, limits);
  const inError = isInError(agent);
  return {
    seconds,
    limitSeconds,
    inError,
    attention: inError || (limitSeconds !== null && seconds > limitSeconds),
  };
}

/** Whether a signed-in agent needs attention at `nowMs` (see standing); an Offline one never does. */
export function needsAttention(agent: Agent, limits: AgentLimits, nowMs: number): boolean {
  return agent.activity !== 'offline' && standing(agent, limits, nowMs).attention;
}

/** The longest in their activity first, by its start (exact, where whole seconds tie). */
function longestFirst(a: AgentException, b: AgentException): number {
  const x = a.agent.activitySince ?? '';
  const y = b.agent.activitySince ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function worstFirst(a: AgentException, b: AgentException): number {
  const aError = ERROR_RANK[a.agent.activity];
  const bError = ERROR_RANK[b.agent.activity];
  if (aError !== undefined || bError !== undefined) {
    if (aError === undefined) return 1;
    if (bError === undefined) return -1;
    return aError - bError || longestFirst(a, b);
  }
  // Over a limit: the furthest over it, as a share of it, first (20 min of ACW against 2 min beats 12 of 10 on a
  // call); the same share, the longest first.
  const aOver = a.seconds / (a.limitSeconds ?? 1);
  const bOver = b.seconds / (b.limitSeconds ?? 1);
  return bOver - aOver || longestFirst(a, b);
}

export function wallAgents(agents: readonly Agent[], limits: AgentLimits, nowMs: number): WallAgents {
  const exceptions: AgentException[] = [];
  const longestContacts: AgentException[] = [];
  const counts = new Map<string, ActivityCount>();
  // The activities a supervisor counts on are shown even at nought: "0 Available" is news.
  for (const activity of ALWAYS_COUNTED)
    counts.set(activity, { key: activity, activity, label: ACTIVITY_LABELS[activity], count: 0 });
  let signedIn = 0;
  for (const agent of agents) {
    const activity = agent.activity;
    if (activity === 'offline') continue;
    signedIn++;
    const { seconds, limitSeconds, inError, attention } = standing(agent, limits, nowMs);
    if (attention) {
      exceptions.push({ agent, seconds, limitSeconds: inError ? null : limitSeconds });
      continue;
    }
    if (activity === 'on-contact') longestContacts.push({ agent, seconds, limitSeconds });
    const key = activity === 'custom' ? `custom:${agent.status}` : activity;
    const count = counts.get(key);
    if (count) count.count++;
    else
      counts.set(key, {
        key,
        activity,
        label: activity === 'custom' ? activityText(agent) : ACTIVITY_LABELS[activity],
        count: 1,
      });
  }
  exceptions.sort(worstFirst);
  longestContacts.sort(longestFirst);
  const rank = (count: ActivityCount) =>
    count.activity === 'custom' ? CUSTOM_RANK : ACTIVITY_ORDER.indexOf(count.activity);
  const ordered = [...counts.values()].sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));
  return { exceptions, longestContacts, counts: ordered, signedIn };
}
