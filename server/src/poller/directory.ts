import {
  describeUser,
  listAgentStatuses,
  listHierarchyGroups,
  listRoutingProfiles,
  listStandardQueues,
  listUsers,
  type AgentStatusRef,
  type HierarchyGroupRef,
  type QueueRef,
  type RoutingProfileRef,
  type UserRef,
} from '../connect/discovery.js';
import type { ConnectContext } from '../connect/context.js';

export interface KnownUser extends UserRef {
  /** "First Last" once DescribeUser has answered; until then the username stands in. */
  name: string | null;
  describedAt: number | null;
}

/**
 * What the instance is made of: queues, routing profiles, agent statuses, users and hierarchy groups. Refreshed on
 * a slow cadence, so queues and agents added or removed in Connect appear without a restart. Users' names come
 * from DescribeUser, one call per user, so they are cached and described again only when the user changes.
 */
export class Directory {
  queues: QueueRef[] = [];
  routingProfiles: RoutingProfileRef[] = [];
  statuses = new Map<string, AgentStatusRef>();
  users = new Map<string, KnownUser>();
  hierarchyGroups = new Map<string, HierarchyGroupRef>();
  routingProfileNames = new Map<string, string>();
  /** Set once queues and routing profiles are known: the real-time cycle can run. */
  ready = false;

  /** Set once routing profiles are known: agent totals and agent data are requested by routing profile. */
  profilesKnown = false;

  /**
   * Re-reads every list. Each list stands alone: one that fails keeps its last version and the others still
   * refresh; the first failure is thrown after the rest are applied, so the section reports it.
   */
  async refresh(ctx: ConnectContext): Promise<void> {
    const [queues, profiles, statuses, users, groups] = await Promise.allSettled([
      listStandardQueues(ctx),
      listRoutingProfiles(ctx),
      listAgentStatuses(ctx),
      listUsers(ctx),
      listHierarchyGroups(ctx),
    ]);
    if (queues.status === 'fulfilled') {
      this.queues = queues.value;
      this.ready = true;
    }
    if (profiles.status === 'fulfilled') {
      this.routingProfiles = profiles.value;
      this.routingProfileNames = new Map(profiles.value.map((p) => [p.id, p.name]));
      this.profilesKnown = true;
    }
    if (statuses.status === 'fulfilled') this.statuses = new Map(statuses.value.map((s) => [s.arn, s]));
    if (groups.status === 'fulfilled') this.hierarchyGroups = new Map(groups.value.map((g) => [g.id, g]));
    if (users.status === 'fulfilled') {
      const next = new Map<string, KnownUser>();
      for (const user of users.value) {
        const known = this.users.get(user.id);
        const unchanged = known && known.lastModified === user.lastModified;
        next.set(
          user.id,
          unchanged ? { ...known, username: user.username } : { ...user, name: null, describedAt: null },
        );
      }
      this.users = next;
    }
    const failure = [queues, profiles, statuses, users, groups].find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
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
