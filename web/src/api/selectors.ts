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
  /** Only the agents this says need attention (the wall's exceptions: needsAttention in wallAgents.ts). */
  attention?: ((agent: Agent) => boolean) | null;
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

/**
 * Text as a search compares it: lower case, without accents or other marks, so "muller" finds Müller and "jose"
 * finds José, as a supervisor types a name on a keyboard that may have no accents.
 */
export function searchFold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/**
 * An agent's name and login as a search compares them, kept by the agent: an unchanged agent is the same object
 * from update to update (patches keep it), so typing in the search folds each of 1,500 names once, not on every
 * update and keystroke.
 */
const foldedNames = new WeakMap<Agent, readonly [string, string]>();
function searchable(agent: Agent): readonly [string, string] {
  let folded = foldedNames.get(agent);
  if (!folded) {
    folded = [searchFold(agent.name), searchFold(agent.username)];
    foldedNames.set(agent, folded);
  }
  return folded;
}

/** The agents the filters let through; with no filter set, the list itself (no copy of 1,500 on each update). */
export function filterAgents(agents: readonly Agent[], filters: AgentFilterCriteria): readonly Agent[] {
  const search = searchFold(filters.search?.trim() ?? '');
  const { routingProfileId, hierarchyGroupId, activity, attention, channel, queueIds } = filters;
  if (!search && !routingProfileId && !hierarchyGroupId && !activity && !attention && !channel && !queueIds)
    return agents;
  const ofQueues = queueIds ? agentOfQueues(queueIds, filters.routingProfiles) : null;
  return agents.filter((agent) => {
    if (search && !searchable(agent).some((text) => text.includes(search))) return false;
    if (filters.routingProfileId && agent.routingProfile?.id !== filters.routingProfileId) return false;
    if (filters.hierarchyGroupId && agent.hierarchyGroup?.id !== filters.hierarchyGroupId) return false;
    if (filters.activity && agentActivity(agent) !== filters.activity) return false;
    if (attention && !attention(agent)) return false;
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

/** Inside a group: the longest in their activity first, then by name, then by id (one order, whatever came first). */
function agentOrder(a: Agent, b: Agent): number {
  return byActivitySince(a, b) || byName(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function groupOf(agent: Agent, grouping: AgentGrouping): { key: string; label: string } {
  if (grouping === 'status') return statusGroupOf(agent);
  const group = grouping === 'routingProfile' ? agent.routingProfile : agent.hierarchyGroup;
  return {
    key: group?.id ?? '',
    label: group?.name ?? (grouping === 'routingProfile' ? 'No routing profile' : 'No team'),
  };
}

/** Two lists each in agentOrder, as one. */
function merged(kept: readonly Agent[], arrived: readonly Agent[]): Agent[] {
  const out: Agent[] = [];
  let i = 0;
  let j = 0;
  while (i < kept.length && j < arrived.length) {
    const a = kept[i] as Agent;
    const b = arrived[j] as Agent;
    if (agentOrder(a, b) <= 0) {
      out.push(a);
      i += 1;
    } else {
      out.push(b);
      j += 1;
    }
  }
  while (i < kept.length) out.push(kept[i++] as Agent);
  while (j < arrived.length) out.push(arrived[j++] as Agent);
  return out;
}

/**
 * Groups agents; inside a group, the longest in their activity first (they are the ones to look at).
 *
 * With `previous`, what this returned for the page's last view with the same grouping: an agent a patch left
 * unchanged is the same object in the next view, keeps its group and its place in it, so only the agents that
 * changed are sorted and merged in, rather than all 1,500 sorted again on every update. The answer is the same
 * as without it (selectors.test.ts checks it over sequences of patched views).
 */
export function groupAgents(
  agents: readonly Agent[],
  grouping: AgentGrouping,
  previous?: readonly AgentGroup[],
): AgentGroup[] {
  const groups = new Map<string, AgentGroup>();
  const arrivals = new Map<string, Agent[]>();
  // Each agent once, however often the list holds it (a view should never, but a malformed one might).
  const placed = new Set<Agent>();
  if (previous && previous.length > 0) {
    const present = new Set(agents);
    for (const old of previous) {
      let group: AgentGroup | undefined;
      for (const agent of old.agents) {
        if (!present.has(agent) || placed.has(agent)) continue;
        if (!group) {
          group = { key: old.key, label: old.label, agents: [] };
          groups.set(old.key, group);
        }
        group.agents.push(agent);
        placed.add(agent);
      }
    }
  }
  for (const agent of agents) {
    if (placed.has(agent)) continue;
    placed.add(agent);
    const { key, label } = groupOf(agent, grouping);
    if (!groups.has(key)) groups.set(key, { key, label, agents: [] });
    let arrived = arrivals.get(key);
    if (!arrived) {
      arrived = [];
      arrivals.set(key, arrived);
    }
    arrived.push(agent);
  }
  for (const [key, arrived] of arrivals) {
    const group = groups.get(key);
    if (!group) continue;
    arrived.sort(agentOrder);
    group.agents = group.agents.length === 0 ? arrived : merged(group.agents, arrived);
  }
  const ordered = [...groups.values()];
  // A group is named by its first agent, whichever way it was built (a routing profile renamed since: its new name).
  for (const group of ordered) {
    const first = group.agents[0];
    if (first) group.label = groupOf(first, grouping).label;
  }
  // Two groups of one name (a team called the same in two sites) in the order of their keys: one order, whatever
  // came first.
  const byKey = (a: AgentGroup, b: AgentGroup) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  if (grouping === 'status') {
    ordered.sort(
      (a, b) =>
        statusGroupRank(a.key) - statusGroupRank(b.key) || names.compare(a.label, b.label) || byKey(a, b),
    );
  } else {
    ordered.sort((a, b) =>
      a.key === '' ? 1 : b.key === '' ? -1 : a.label.localeCompare(b.label) || byKey(a, b),
    );
  }
  return ordered;
}

/**
 * groupAgents that remembers its last answer and builds the next on it (see there): one per list on the page. Any
 * earlier answer of the same grouping gives the same result, so a render React repeats or throws away does no harm.
 */
export function agentGrouper(): (agents: readonly Agent[], grouping: AgentGrouping) => AgentGroup[] {
  let last: { grouping: AgentGrouping; groups: AgentGroup[] } | null = null;
  return (agents, grouping) => {
    const groups = groupAgents(agents, grouping, last?.grouping === grouping ? last.groups : undefined);
    last = { grouping, groups };
    return groups;
  };
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
