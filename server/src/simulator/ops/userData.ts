import { SIM_CHANNELS, STATUS, type SimChannel } from '../catalog.js';
import { invalidParameter } from '../errors.js';
import { isActiveContact, type SimAgent, type SimContact } from '../model.js';
import { maxResults, optionalObject, stringList } from '../validation.js';
import { pagedRows, type OpContext } from './context.js';

/**
 * GetCurrentUserData: each logged-in agent's status, slots and contacts. Agents who are Offline (and hold no
 * contact) are not returned, as Connect returns only agents who are logged in.
 */

const CONTACT_STATES = [
  'INCOMING',
  'PENDING',
  'CONNECTING',
  'CONNECTED',
  'CONNECTED_ONHOLD',
  'MISSED',
  'ERROR',
  'ENDED',
  'REJECTED',
];

function selectAgents(ctx: OpContext, filters: Record<string, unknown>): SimAgent[] {
  const { catalog } = ctx.model;
  // UserDataFilters: Agents, Queues and RoutingProfiles hold 1 to 100 values, UserHierarchyGroups exactly 1; an
  // empty list is refused, never read as no filter.
  const queues = stringList(filters.Queues, 'Filters.Queues', 100, 1);
  const profiles = stringList(filters.RoutingProfiles, 'Filters.RoutingProfiles', 100, 1);
  const agents = stringList(filters.Agents, 'Filters.Agents', 100, 1);
  const groups = stringList(filters.UserHierarchyGroups, 'Filters.UserHierarchyGroups', 1, 1);
  const named = { Queues: queues, RoutingProfiles: profiles, Agents: agents, UserHierarchyGroups: groups };
  const given = Object.values(named).filter((f) => f !== undefined);
  if (given.length !== 1) {
    throw invalidParameter(
      'Filters must name exactly one of Queues, RoutingProfiles, Agents or UserHierarchyGroups.',
    );
  }
  const wanted = new Set<number>();
  const addProfile = (p: number) => catalog.profiles[p]?.agentIndices.forEach((a) => wanted.add(a));
  for (const ref of queues ?? []) catalog.queue(ref)?.profileIndices.forEach(addProfile);
  for (const ref of profiles ?? []) {
    const profile = catalog.profile(ref);
    if (profile) addProfile(profile.index);
  }
  for (const ref of agents ?? []) {
    const user = catalog.user(ref);
    if (user) wanted.add(user.index);
  }
  for (const ref of groups ?? []) {
    const group = catalog.group(ref);
    if (!group) continue;
    for (const user of catalog.users) {
      const team = catalog.groups[user.teamIndex];
      if (team === group || (team && catalog.groups[team.parentIndex ?? -1] === group))
        wanted.add(user.index);
    }
  }
  return [...wanted]
    .sort((a, b) => a - b)
    .map((i) => ctx.model.agents[i])
    .filter((a): a is SimAgent => a !== undefined);
}

export function getCurrentUserData(ctx: OpContext) {
  const { body } = ctx;
  const filters = optionalObject(body.Filters, 'Filters');
  const contactFilter = optionalObject(filters.ContactFilter, 'Filters.ContactFilter');
  const states = stringList(contactFilter.ContactStates, 'Filters.ContactFilter.ContactStates', 9);
  const badState = states?.find((s) => !CONTACT_STATES.includes(s));
  if (badState) throw invalidParameter(`Unknown contact state ${badState}.`);
  const candidates = selectAgents(ctx, filters);
  const max = maxResults(body.MaxResults, 100);
  const { rows, pageItems, nextToken } = pagedRows<unknown>(ctx, 'cud', max, () => {
    const rows: unknown[] = candidates
      .filter((a) => a.statusIndex !== STATUS.OFFLINE || a.contacts.length > 0)
      .filter((a) => !states?.length || a.contacts.some((c) => states.includes(c.state)))
      .map((a) => userData(ctx, a));
    return rows;
  });
  return { UserDataList: pageItems, NextToken: nextToken, ApproximateTotalCount: rows.length };
}

function userData(ctx: OpContext, agent: SimAgent) {
  const { catalog } = ctx.model;
  const profile = catalog.profiles[agent.profileIndex];
  const user = catalog.users[agent.index];
  const team = user ? catalog.groups[user.teamIndex] : undefined;
  const site = team?.parentIndex !== null && team ? catalog.groups[team.parentIndex] : undefined;
  const status = catalog.statuses[agent.statusIndex];
  const slots = (fn: (channel: SimChannel) => number) =>
    Object.fromEntries(SIM_CHANNELS.map((channel) => [channel, fn(channel)]));
  const active = (channel: SimChannel) =>
    agent.contacts.filter((c) => isActiveContact(c) && c.contact.channel === channel).length;
  const max = (channel: SimChannel) => profile?.maxSlots[channel] ?? 0;
  return {
    User: { Id: agent.id, Arn: agent.arn },
    RoutingProfile: { Id: profile?.id, Arn: profile?.arn },
    HierarchyPath: {
      ...(site ? { LevelOne: { Id: site.id, Arn: site.arn } } : {}),
      ...(team ? { LevelTwo: { Id: team.id, Arn: team.arn } } : {}),
    },
    Status: {
      StatusStartTimestamp: agent.statusSince / 1000,
      StatusArn: status?.arn,
      StatusName: status?.name,
    },
    AvailableSlotsByChannel: slots((c) => (ctx.model.canTake(agent, c) ? max(c) - agent.contacts.length : 0)),
    MaxSlotsByChannel: slots(max),
    ActiveSlotsByChannel: slots(active),
    Contacts: [
      ...agent.contacts.map((entry) =>
        contactReference(ctx, entry.contact, {
          InitiationMethod: entry.contact.initiation,
          AgentContactState: entry.state,
          StateStartTimestamp: entry.since / 1000,
          ...(entry.contact.connectedAt > 0
            ? { ConnectedToAgentTimestamp: entry.contact.connectedAt / 1000 }
            : {}),
        }),
      ),
      // A call this supervisor listens in on (Manager Monitor): the call's own id and queue, InitiationMethod
      // MONITOR, connected since the supervisor joined it.
      ...monitoredCall(ctx, agent),
    ],
    ...(agent.nextStatusIndex !== null ? { NextStatus: catalog.statuses[agent.nextStatusIndex]?.name } : {}),
  };
}

/** An AgentContactReference of `contact`: its id, channel and queue, with `fields` (its state, as the agent has it). */
function contactReference(ctx: OpContext, contact: SimContact, fields: Record<string, unknown>) {
  const queue = ctx.model.catalog.queues[contact.queueIndex];
  return {
    ContactId: contact.contactId,
    Channel: contact.channel,
    ...fields,
    Queue: { Id: queue?.id, Arn: queue?.arn },
  };
}

function monitoredCall(ctx: OpContext, supervisor: SimAgent) {
  const watch = ctx.model.monitoring.get(supervisor.index);
  if (!watch) return [];
  return [
    contactReference(ctx, watch.call.contact, {
      InitiationMethod: 'MONITOR',
      AgentContactState: 'CONNECTED',
      StateStartTimestamp: watch.since / 1000,
      ConnectedToAgentTimestamp: watch.since / 1000,
    }),
  ];
}
