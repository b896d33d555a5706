import {
  describeUser,
  listAgentStatuses,
  listHierarchyGroups,
  listRoutingProfileQueues,
  listRoutingProfiles,
  listStandardQueues,
  listUsers,
  searchUsers,
  type AgentStatusRef,
  type HierarchyGroupRef,
  type QueueRef,
  type RoutingProfileRef,
  type UserRef,
} from '../connect/discovery.js';
import type { RoutingProfile } from '@switchboard/shared';
import type { ConnectContext } from '../connect/context.js';
import { isAccessDenied } from '../connect/errors.js';

export interface KnownUser extends UserRef {
  /** "First Last" once SearchUsers or DescribeUser has answered; until then the username stands in. */
  name: string | null;
  describedAt: number | null;
}

/**
 * How users and their names are read. `SearchUsers` gives names with the list, 500 users a call. An IAM policy
 * without connect:SearchUsers refuses it; then `ListUsers` lists them and DescribeUser names them one call each.
 */
export type UserSource = 'SearchUsers' | 'ListUsers';

export interface DirectoryOptions {
  /** Called once, when SearchUsers is refused and names fall back to ListUsers and DescribeUser. */
  onFallback?: (error: unknown) => void;
  /**
   * Called once, when ListRoutingProfileQueues is refused (a policy without it): agents are then placed on
   * queues by their contacts only, and the call is not made again until a restart.
   */
  onProfileQueuesDenied?: (error: unknown) => void;
}

/**
 * What the instance is made of: queues, routing profiles and the queues each serves, agent statuses, users and
 * hierarchy groups. Refreshed on
 * a slow cadence, so queues and agents added or removed in Connect appear without a restart. Users and their
 * names come from SearchUsers; without permission for it, from ListUsers and DescribeUser (cached, described
 * again only when the user changes).
 */
export class Directory {
  queues: QueueRef[] = [];
  routingProfiles: RoutingProfileRef[] = [];
  statuses = new Map<string, AgentStatusRef>();
  users = new Map<string, KnownUser>();
  hierarchyGroups = new Map<string, HierarchyGroupRef>();
  routingProfileNames = new Map<string, string>();
  /** Per routing profile id, the queues it serves (ListRoutingProfileQueues), each once. */
  profileQueues = new Map<string, string[]>();
  /**
   * The routing profiles with the queues each serves, for the snapshot: undefined until one has been listed; a
   * profile whose queues have never been listed is left out (its agents are placed by their contacts).
   */
  servedQueues: RoutingProfile[] | undefined;
  /** ListRoutingProfileQueues was refused: not asked again, agents placed by their contacts. */
  profileQueuesDenied = false;
  /** Set once queues are known: the real-time cycle can run. */
  ready = false;

  /** Set once routing profiles are known: agent totals and agent data are requested by routing profile. */
  profilesKnown = false;

  /** Set once the users have been read: agents have their names (or, on the fallback, usernames). */
  usersKnown = false;

  userSource: UserSource = 'SearchUsers';

  constructor(private readonly options: DirectoryOptions = {}) {}

  /**
   * Re-reads every list. Each list stands alone and is applied as soon as it arrives, so the queue tiles need not
   * wait for the users: one that fails keeps its last version and the others still refresh; the first failure is
   * thrown after the rest are applied, so the section reports it.
   */
  async refresh(ctx: ConnectContext, now = Date.now()): Promise<void> {
    const results = await Promise.allSettled([
      listStandardQueues(ctx).then((queues) => {
        this.queues = queues;
        this.ready = true;
      }),
      listRoutingProfiles(ctx).then((profiles) => {
        this.routingProfiles = profiles;
        this.routingProfileNames = new Map(profiles.map((p) => [p.id, p.name]));
        this.profilesKnown = true;
        return this.refreshProfileQueues(ctx, profiles);
      }),
      listAgentStatuses(ctx).then((statuses) => {
        this.statuses = new Map(statuses.map((s) => [s.arn, s]));
      }),
      this.refreshUsers(ctx, now),
      listHierarchyGroups(ctx).then((groups) => {
        this.hierarchyGroups = new Map(groups.map((g) => [g.id, g]));
      }),
    ]);
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /**
   * Lists each profile's queues (one pagination per profile, through the budget like every discovery call). A
   * profile whose listing fails keeps its last known queues; the first failure is thrown once the rest are applied.
   */
  private async refreshProfileQueues(
    ctx: ConnectContext,
    profiles: readonly RoutingProfileRef[],
  ): Promise<void> {
    if (this.profileQueuesDenied) return;
    const results = await Promise.allSettled(profiles.map((p) => listRoutingProfileQueues(ctx, p.id)));
    // Only this operation's own refusal: each list has its own IAM permission, and another list refused is an
    // error of discovery, reported as such.
    const denied = results.find((r) => r.status === 'rejected' && isAccessDenied(r.reason));
    if (denied?.status === 'rejected') {
      // Sticky until a restart, like SearchUsers: the wallboard works without it, placing agents by contacts.
      this.profileQueuesDenied = true;
      this.profileQueues = new Map();
      this.servedQueues = undefined;
      this.options.onProfileQueuesDenied?.(denied.reason);
      return;
    }
    const next = new Map<string, string[]>();
    profiles.forEach((profile, i) => {
      const result = results[i];
      const known = result?.status === 'fulfilled' ? result.value : this.profileQueues.get(profile.id);
      if (known) next.set(profile.id, known);
    });
    this.profileQueues = next;
    if (next.size > 0 || profiles.length === 0 || this.servedQueues) {
      this.servedQueues = profiles
        .filter((p) => next.has(p.id))
        .map((p) => ({ id: p.id, name: p.name, queueIds: next.get(p.id) ?? [] }));
    }
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private async refreshUsers(ctx: ConnectContext, now: number): Promise<void> {
    if (this.userSource === 'SearchUsers') {
      try {
        const users = await searchUsers(ctx);
        this.users = new Map(
          users.map((u) => [
            u.id,
            {
              id: u.id,
              arn: u.arn,
              username: u.username,
              lastModified: null,
              name: u.name,
              describedAt: now,
            },
          ]),
        );
        this.usersKnown = true;
        return;
      } catch (error) {
        if (!isAccessDenied(error)) throw error;
        // Sticky until a restart: one refused call, then names the slower way, said once in the log.
        this.userSource = 'ListUsers';
        this.options.onFallback?.(error);
      }
    }
    const users = await listUsers(ctx);
    const next = new Map<string, KnownUser>();
    for (const user of users) {
      const known = this.users.get(user.id);
      const unchanged = known && known.lastModified === user.lastModified && known.describedAt !== null;
      next.set(
        user.id,
        unchanged ? { ...known, username: user.username } : { ...user, name: null, describedAt: null },
      );
    }
    this.users = next;
    this.usersKnown = true;
  }

  /** Users whose names are not known yet (new or edited since they were described). */
  get undescribed(): string[] {
    return [...this.users.values()].filter((u) => u.describedAt === null).map((u) => u.id);
  }

  /** Describes up to `max` users; returns how many remain. Failures leave the user for the next round. */
  async describeSome(ctx: ConnectContext, max: number, now: number): Promise<number> {
    const pending = this.undescribed.slice(0, max);
    await Promise.all(
      pending.map(async (id) => {
        const details = await describeUser(ctx, id);
        const user = this.users.get(id);
        if (user) this.users.set(id, { ...user, name: details.name, describedAt: now });
      }),
    );
    return this.undescribed.length;
  }
}
