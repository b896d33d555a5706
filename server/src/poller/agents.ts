import { OTHER_CHANNEL, agentActivity, isKnownChannel, type Agent } from '@switchboard/shared';
import type { UserData } from '../connect/userData.js';
import type { Directory } from './directory.js';

const iso = (date: Date | undefined) => (date ? date.toISOString() : null);

/**
 * Joins what Connect says agents are doing with who they are: names from the user directory, status types from
 * the agent statuses, routing profile names. The status start time travels as is; the snapshot's serverTime lets
 * a browser correct for its own clock when it shows time in state.
 */
export function toAgents(users: readonly UserData[], directory: Directory): Agent[] {
  const agents = users.map((data): Agent => {
    const known = directory.users.get(data.User.Id);
    const status = data.Status?.StatusArn ? directory.statuses.get(data.Status.StatusArn) : undefined;
    const statusName = data.Status?.StatusName ?? status?.name ?? 'Unknown';
    const path = data.HierarchyPath;
    const group = path?.LevelFive ?? path?.LevelFour ?? path?.LevelThree ?? path?.LevelTwo ?? path?.LevelOne;
    const profileId = data.RoutingProfile?.Id;
    const statusType = status?.type ?? (statusName.toLowerCase() === 'error' ? 'ERROR' : 'UNKNOWN');
    const statusStartedAt = iso(data.Status?.StatusStartTimestamp);
    const contacts: Agent['contacts'] = data.Contacts.map((contact) => ({
      contactId: contact.ContactId,
      // A channel this build does not know travels with Connect's value; one Connect left out, without any.
      ...(contact.Channel === undefined
        ? { channel: OTHER_CHANNEL }
        : isKnownChannel(contact.Channel)
          ? { channel: contact.Channel }
          : { channel: OTHER_CHANNEL, rawChannel: contact.Channel }),
      state: contact.AgentContactState ?? 'UNKNOWN',
      ...(contact.InitiationMethod ? { initiationMethod: contact.InitiationMethod } : {}),
      stateStartedAt: iso(contact.StateStartTimestamp),
      queueId: contact.Queue?.Id ?? null,
    }));
    const { activity, since } = agentActivity({ statusType, statusStartedAt, contacts });
    return {
      id: data.User.Id,
      username: known?.username ?? '',
      name: known?.name ?? known?.username ?? data.User.Id,
      status: statusName,
      statusType,
      statusStartedAt,
      activity,
      activitySince: since,
      routingProfile: profileId
        ? { id: profileId, name: directory.routingProfileNames.get(profileId) ?? profileId }
        : null,
      hierarchyGroup: group
        ? { id: group.Id, name: group.Name ?? directory.hierarchyGroups.get(group.Id)?.name ?? group.Id }
        : null,
      contacts,
    };
  });
  return agents.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
