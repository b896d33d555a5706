import { OTHER_CHANNEL, agentActivity, isKnownChannel, type Agent } from '@switchboard/shared';
import type { UserData } from '../connect/userData.js';
import type { Directory } from './directory.js';

const iso = (date: Date | undefined) => (date ? date.toISOString() : null);

/**
 * When an activity that comes from the agent's status (Available, a custom status, Offline) began. Connect's
 * Duration is "Amount of time that the agent has been in the current Agent Activity State" (admin guide,
 * Real-time metrics definitions), but GetCurrentUserData gives only the status's start, and the status stays
 * Available while the agent works a contact: an agent free again after a call would read as Available since they
 * set it, hours ago. So the activity begins where this server last saw the agent's contacts end (`nowIso`, by the
 * clock the poller reads Connect's timestamps against), unless the status itself changed since that look (it
 * begins at its own start), and is carried from one answer to the next while it lasts. The answer before may be another server's, carried over a change of leader or a restart (Poller.start),
 * so a contact seen ending at the first answer after a handover is timed from that answer, up to the handover
 * late. Without an answer before (`previous` empty: a first start, a handover without a recent snapshot, or the
 * answers failed for a while) it is the status's start; a contact that began and ended between two answers is not
 * seen.
 */
function statusActivitySince(
  activity: Agent['activity'],
  statusStartedAt: string | null,
  previous: Agent | undefined,
  nowIso: string | undefined,
  lastLook: number | undefined,
): string | null {
  if (!previous || nowIso === undefined) return statusStartedAt;
  const later = (a: string | null, b: string) => (a === null || Date.parse(b) > Date.parse(a) ? b : a);
  if (previous.contacts.length > 0) {
    // A status set since the last look, which saw the contact (asked for during it and applied as it ended, or
    // set just after), began at its own start, which Connect gives; otherwise the contact ended at some moment
    // since that look.
    if (statusStartedAt !== null && lastLook !== undefined && Date.parse(statusStartedAt) > lastLook)
      return statusStartedAt;
    return later(statusStartedAt, nowIso);
  }
  if (
    previous.activity === activity &&
    previous.statusStartedAt === statusStartedAt &&
    previous.activitySince !== null
  )
    return later(statusStartedAt, previous.activitySince);
  return statusStartedAt;
}

/**
 * Joins what Connect says agents are doing with who they are: names from the user directory, status types from
 * the agent statuses, routing profile names. The status start time travels as is; the snapshot's serverTime lets
 * a browser correct for its own clock when it shows time in state. With the agents of the answer before
 * (`previous`) and the time now on Connect's clock, an activity that comes from the status begins where the
 * agent's last contact was seen to end (statusActivitySince).
 */
export function toAgents(
  users: readonly UserData[],
  directory: Directory,
  previous: readonly Agent[] = [],
  now?: number,
  /** When `previous` was answered, on the same clock as `now`. */
  previousAt?: number,
): Agent[] {
  const before = new Map(previous.map((agent) => [agent.id, agent]));
  const nowIso = now === undefined ? undefined : new Date(now).toISOString();
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
    const { activity, since: decided } = agentActivity({ statusType, statusStartedAt, contacts });
    const since =
      contacts.length > 0
        ? decided
        : statusActivitySince(activity, statusStartedAt, before.get(data.User.Id), nowIso, previousAt);
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
