import {
  ACTIVITY_LABELS,
  abandonRate,
  agentOfQueues,
  ERROR_ACTIVITIES,
  isOwnContact,
  worstState,
  type Agent,
  type AgentActivity,
  type Board,
  type Channel,
  type FigureState,
  type Queue,
  type RoutingProfile,
  type Snapshot,
} from '@switchboard/shared';

/**
 * Pure slices of the snapshot. Components read the snapshot only through these, so what a tile shows is
 * testable without a browser and the same whatever the view.
 */

/** Abandoned as a share of queued (shared/src/figures.ts): what the tiles show, and thresholds evaluate. */
export { ACTIVITY_LABELS, abandonRate, type AgentActivity };

/**
 * The state of the abandoned figure, which shows the count and the rate together: the worse of the count's and
 * the rate's (ABANDON_RATE), whichever have thresholds; undefined when neither has.
 */
export function abandonedState(states: Readonly<Record<string, FigureState>>): FigureState | undefined {
  const own = [states.CONTACTS_ABANDONED, states.ABANDON_RATE].filter((state) => state !== undefined);
  return own.length > 0 ? worstState(own) : undefined;
}

/** The order of the agent groups: the exceptions a supervisor acts on first, then work, then the rest. */
export const ACTIVITY_ORDER: readonly AgentActivity[] = [
  'error',
  'missed',
  'rejected',
  'on-contact',
  'incoming',
  'acw',
  'monitoring',
  'available',
  'custom',
  'offline',
];

/** The agent's activity, worked out once on the server from their contacts and status (Connect's Agent Activity). */
export function agentActivity(agent: Pick<Agent, 'activity'>): AgentActivity {
  return agent.activity;
}

/**
 * The words for what the agent is doing, as Connect's real-time report shows them: a custom status by its own
 * name ("Break"), anything else by its activity ("On contact", even while the CCP status still says Available).
 */
export function activityText(agent: Pick<Agent, 'activity' | 'status'>): string {
  return agent.activity === 'custom' && agent.status ? agent.status : ACTIVITY_LABELS[agent.activity];
}

/**
 * Whether the agent counts in Connect's AGENTS_ERROR: an errored, missed or rejected contact leaves them
 * unroutable until they change status.
 */
export function isInError(agent: Pick<Agent, 'activity'>): boolean {
  return ERROR_ACTIVITIES.has(agent.activity);
}

/** The heading of the laptop's status group of the agents Connect counts in AGENTS_ERROR. */
export const ERROR_GROUP_LABEL = 'Error, missed or rejected';

/** The queues a board shows, in the snapshot's order (null: all of them). */
export function boardQueues<T extends Pick<Queue, 'id'>>(
  queues: readonly T[],
  board: Pick<Board, 'queueIds'> | null,
): T[] {
  if (!board?.queueIds) return [...queues];
  const wanted = new Set(board.queueIds);
  return queues.filter((queue) => wanted.has(queue.id));
}

/** A queue's figure states as the board sees them: its own threshold overrides first, else the defaults. */
export function queueStates(
  snapshot: Pick<Snapshot, 'boardStates'>,
  boardId: string | null,
  queue: Queue,
): Record<string, FigureState> {
  const overrides = boardId ? snapshot.boardStates?.[boardId]?.[queue.id] : undefined;
  return overrides ?? queue.states;
}

export interface AgentFilterCriteria {
  search?: string;
  routingProfileId?: string | null;
  hierarchyGroupId?: string | null;
  activity?: AgentActivity | null;
  channel?: Channel | null;
  /**
   * The agents of these queues: those whose routing profile serves one of them, and those with a contact from one
   * (a transfer can bring a contact from a queue their profile does not serve).
   */
  queueIds?: ReadonlySet<string> | null;
  /**
   * The routing profiles with the queues each serves (the snapshot's `routingProfiles`). Without them, or for an
   * agent whose profile is not among them, an agent is of a queue only through a contact from it.
   */
  routingProfiles?: readonly RoutingProfile[] | null | undefined;
}

/** The agents the filters let through; with no filter set, the list itself (no copy of 1,500 on each update). */
export function filterAgents(agents: readonly Agent[], filters: AgentFilterCriteria): readonly Agent[] {
  const search = filters.search?.trim().toLocaleLowerCase() ?? '';
  const { routingProfileId, hierarchyGroupId, activity, channel, queueIds } = filters;
  if (!search && !routingProfileId && !hierarchyGroupId && !activity && !channel && !queueIds) return agents;
  const ofQueues = queueIds ? agentOfQueues(queueIds, filters.routingProfiles) : null;
  return agents.filter((agent) => {
    if (
      search &&
      !agent.name.toLocaleLowerCase().includes(search) &&
      !agent.username.toLocaleLowerCase().includes(search)
    ) {
      return false;
    }
    if (filters.routingProfileId && agent.routingProfile?.id !== filters.routingProfileId) return false;
    if (filters.hierarchyGroupId && agent.hierarchyGroup?.id !== filters.hierarchyGroupId) return false;
    if (filters.activity && agentActivity(agent) !== filters.activity) return false;
    // A contact of their own on the channel: a call a supervisor listens in on is another agent's.
    if (filters.channel && !agent.contacts.some((c) => isOwnContact(c) && c.channel === filters.channel))
      return false;
    if (ofQueues && !ofQueues(agent)) return false;
    return true;
  });
}

export type AgentGrouping = 'status' | 'routingProfile' | 'hierarchyGroup';
export const AGENT_GROUPINGS: readonly AgentGrouping[] = ['status', 'routingProfile', 'hierarchyGroup'];

export interface AgentGroup {
  key: string;
  label: string;
  agents: Agent[];
}

const names = new Intl.Collator();
const byName = (a: Agent, b: Agent) => names.compare(a.name, b.name);

/**
 * Earliest first. The server writes these times with toISOString (UTC, all the same length), so comparing the
 * strings is comparing the times, without the cost of a locale-aware comparison on 1,500 agents each update.
 */
export const byActivitySince = (a: Pick<Agent, 'activitySince'>, b: Pick<Agent, 'activitySince'>) => {
  const x = a.activitySince ?? '';
  const y = b.activitySince ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};

const CUSTOM_RANK = ACTIVITY_ORDER.indexOf('custom');

/**
 * Where an agent goes when grouped by status: the agents Connect counts in AGENTS_ERROR together (so the
 * group's count is that figure), each custom status under its own name, every other activity on its own.
 */
function statusGroupOf(agent: Agent): { key: string; label: string } {
  if (isInError(agent)) return { key: 'error', label: ERROR_GROUP_LABEL };
  if (agent.activity === 'custom') return { key: `custom:${agent.status}`, label: activityText(agent) };
  return { key: agent.activity, label: ACTIVITY_LABELS[agent.activity] };
}

function statusGroupRank(key: string): number {
  return key.startsWith('custom:') ? CUSTOM_RANK : ACTIVITY_ORDER.indexOf(key as AgentActivity);
}

/** Groups agents; inside a group, the longest in their activity first (they are the ones to look at). */
export function groupAgents(agents: readonly Agent[], grouping: AgentGrouping): AgentGroup[] {
  const groups = new Map<string, AgentGroup>();
  for (const agent of agents) {
    let key: string;
    let label: string;
    if (grouping === 'status') {
      ({ key, label } = statusGroupOf(agent));
    } else {
      const group = grouping === 'routingProfile' ? agent.routingProfile : agent.hierarchyGroup;
      key = group?.id ?? '';
      label = group?.name ?? (grouping === 'routingProfile' ? 'No routing profile' : 'No hierarchy group');
    }
    let group = groups.get(key);
    if (!group) {
      group = { key, label, agents: [] };
      groups.set(key, group);
    }
    group.agents.push(agent);
  }
  const ordered = [...groups.values()];
  if (grouping === 'status') {
    ordered.sort(
      (a, b) => statusGroupRank(a.key) - statusGroupRank(b.key) || names.compare(a.label, b.label),
    );
  } else {
    ordered.sort((a, b) => (a.key === '' ? 1 : b.key === '' ? -1 : a.label.localeCompare(b.label)));
  }
  for (const group of ordered) {
    group.agents.sort((a, b) => byActivitySince(a, b) || byName(a, b));
  }
  return ordered;
}

/** Distinct routing profiles and hierarchy groups, for the filters. */
export function agentFacets(agents: readonly Agent[]) {
  const profiles = new Map<string, string>();
  const groups = new Map<string, string>();
  for (const agent of agents) {
    if (agent.routingProfile) profiles.set(agent.routingProfile.id, agent.routingProfile.name);
    if (agent.hierarchyGroup) groups.set(agent.hierarchyGroup.id, agent.hierarchyGroup.name);
  }
  const sorted = (map: Map<string, string>) =>
    [...map].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  return { routingProfiles: sorted(profiles), hierarchyGroups: sorted(groups) };
}

/** The service-level metric the configuration targets, e.g. SERVICE_LEVEL_20. */
export function serviceLevelMetric(thresholdSeconds: number): string {
  return `SERVICE_LEVEL_${thresholdSeconds}`;
}

/** How old the figures are, in ms, by the server's clock; null before any figures. */
export function figuresAge(snapshot: Pick<Snapshot, 'sections' | 'generatedAt'>, nowMs: number): number {
  const fetchedAt = snapshot.sections.queues?.fetchedAt ?? snapshot.generatedAt;
  return Math.max(0, nowMs - Date.parse(fetchedAt));
}
