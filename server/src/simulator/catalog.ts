import { serviceLevelWith } from '@switchboard/shared';
import { between, createRng, uuid, type Rng } from './rng.js';

/**
 * The configuration side of the contact centre: queues, routing profiles, users, agent statuses and the
 * hierarchy. It is built once from the seed and never changes, as an instance's setup rarely does during a day.
 */

export type SimChannel = 'VOICE' | 'CHAT' | 'TASK' | 'EMAIL';
export const SIM_CHANNELS: readonly SimChannel[] = ['VOICE', 'CHAT', 'TASK', 'EMAIL'];
/**
 * The channels GetCurrentMetricData's and GetMetricData's `Channels` filter is documented for ("VOICE, CHAT, and
 * TASK channels are supported"): EMAIL is a channel of queues and contacts, but not a value those filters take.
 */
export const FILTER_CHANNELS: readonly SimChannel[] = ['VOICE', 'CHAT', 'TASK'];

export interface QueueConfig {
  index: number;
  id: string;
  arn: string;
  name: string;
  channel: SimChannel;
  /** Mean arrivals per hour at the top of the day curve. */
  peakArrivalsPerHour: number;
  /** Indices of the routing profiles that serve this queue on its channel (whose agents take its contacts). */
  profileIndices: number[];
}

/**
 * One line of a routing profile's queue configuration: a queue on one channel (Connect associates a queue with a
 * profile per channel, so a queue served on two channels has two lines).
 */
export interface ProfileQueue {
  queueIndex: number;
  channel: SimChannel;
  priority: number;
  /** Seconds a contact must have waited before this profile's agents are offered it. */
  delaySeconds: number;
}

export interface RoutingProfileConfig {
  index: number;
  id: string;
  arn: string;
  name: string;
  /** Sorted by priority, then by queue order. */
  queues: ProfileQueue[];
  maxSlots: Record<SimChannel, number>;
  agentIndices: number[];
}

export type StatusType = 'ROUTABLE' | 'CUSTOM' | 'OFFLINE';

export interface AgentStatusConfig {
  index: number;
  id: string;
  arn: string;
  name: string;
  type: StatusType;
}

export interface HierarchyGroupConfig {
  id: string;
  arn: string;
  name: string;
  levelId: '1' | '2';
  parentIndex: number | null;
}

export interface ShiftActivity {
  /** Offset from the shift start, ms. */
  offsetMs: number;
  durationMs: number;
  statusIndex: number;
}

export interface UserConfig {
  index: number;
  id: string;
  arn: string;
  username: string;
  firstName: string;
  lastName: string;
  profileIndex: number;
  /** Index of the level-two (team) group; its parent is the site. */
  teamIndex: number;
  /** Offset from local midnight, ms; may run past the next midnight (night shifts). */
  shiftStartMs: number;
  shiftLengthMs: number;
  activities: ShiftActivity[];
  /** Probability that this agent misses an offered contact. */
  missProbability: number;
}

/**
 * How the centre's day is staffed. `planned` (the default): each queue's arrivals are what its team, as the day's
 * shifts and breaks have them on the floor, can answer at 80% in 20 s by Erlang C, less shrinkage, at the
 * tightest point of the day's curve: near target, with the odd queue at risk in a peak or a surge.
 * `understaffed`: the centre of old, arrivals near the whole team's capacity, for tests that need pressure.
 */
const HOUR = 3_600_000;

export const STAFFING_PLANS = ['planned', 'understaffed'] as const;
export type StaffingPlan = (typeof STAFFING_PLANS)[number];

export interface CatalogOptions {
  instanceId: string;
  region: string;
  accountId: string;
  queues: number;
  agents: number;
  seed: number;
  staffing?: StaffingPlan;
}

/**
 * The share of the day's peak arrivals at local `hour` (0-24): a busy plateau from late morning to
 * mid-afternoon (two overlapping humps) over a quiet night.
 */
export function dayCurve(hour: number): number {
  const humps = Math.exp(-((hour - 10.5) ** 2) / 6) + 0.85 * Math.exp(-((hour - 14.5) ** 2) / 6);
  return 0.04 + 0.96 * Math.min(1, humps);
}

/**
 * Outbound calls per voice queue, as a share of its inbound arrivals: agent time the plan sets aside for them.
 */
export const OUTBOUND_SHARE = 0.25;
export const MEAN_OUTBOUND_TALK_SECONDS = 150;

/** The workforce plan's target: 80% of contacts answered in 20 s. */
const PLAN_TARGET = { seconds: 20, fraction: 0.8 };
/**
 * Shrinkage beyond the breaks, lunches and training on the shifts: absence, offers missed, transfers and the
 * minutes between contacts, as a share of the agents the shifts put on the floor.
 */
export const PLAN_SHRINKAGE = 0.05;
/** The plan's half-hours: those of the curve at half its peak or more, where staffing binds. */
const PLAN_SLOT_MS = HOUR / 2;
const PLAN_BUSY_CURVE = 0.8;

/**
 * The most erlangs `servers` agents answer at the plan's target by Erlang C (bisection on the load: the service
 * level falls as it rises).
 */
function erlangsAtTarget(servers: number, workSeconds: number): number {
  if (servers < 1) return 0;
  let low = 0;
  let high = servers;
  for (let i = 0; i < 30; i += 1) {
    const mid = (low + high) / 2;
    if (serviceLevelWith(mid, servers, PLAN_TARGET.seconds, workSeconds) >= PLAN_TARGET.fraction) low = mid;
    else high = mid;
  }
  return low;
}

export const STATUS = { AVAILABLE: 0, BREAK: 1, LUNCH: 2, TRAINING: 3, OFFLINE: 4 } as const;

const DEPARTMENTS = [
  'Sales',
  'Support',
  'Billing',
  'Retention',
  'Technical',
  'Claims',
  'Bookings',
  'Returns',
];
const FIRST_NAMES = ['Alex', 'Sam', 'Priya', 'Jordan', 'Maria', 'Tom', 'Aisha', 'Chen', 'Lena', 'Omar'];
const LAST_NAMES = ['Smith', 'Patel', 'Jones', 'Garcia', 'Nguyen', 'Brown', 'Khan', 'Müller', 'Rossi', 'Kim'];
const SITES = ['London', 'Leeds', 'Glasgow'];

/** Work seconds per contact by channel (handle + after-contact work), for sizing arrivals to staff. */
export const MEAN_TALK_SECONDS: Record<SimChannel, number> = { VOICE: 260, CHAT: 480, TASK: 360, EMAIL: 900 };
export const MEAN_ACW_SECONDS: Record<SimChannel, number> = { VOICE: 45, CHAT: 25, TASK: 30, EMAIL: 60 };
/** Each routing profile's MediaConcurrencies: contacts an agent works at once, per channel. */
export const MAX_SLOTS: Record<SimChannel, number> = { VOICE: 1, CHAT: 3, TASK: 2, EMAIL: 2 };

/**
 * The lines of a profile on which its agents get contacts: those on the queue's own channel. Every contact of a
 * simulated queue is of the queue's channel, so a line on another channel (a voice queue served for tasks) is
 * listed by ListRoutingProfileQueues but brings nothing.
 */
export function servingLines(
  queues: readonly Pick<QueueConfig, 'channel'>[],
  lines: readonly ProfileQueue[],
): ProfileQueue[] {
  return lines.filter((line) => queues[line.queueIndex]?.channel === line.channel);
}

export class Catalog {
  readonly instanceArn: string;
  readonly queues: QueueConfig[] = [];
  readonly profiles: RoutingProfileConfig[] = [];
  readonly users: UserConfig[] = [];
  readonly statuses: AgentStatusConfig[];
  readonly groups: HierarchyGroupConfig[] = [];
  readonly createdAt: number;
  private readonly queueByRef = new Map<string, QueueConfig>();
  private readonly profileByRef = new Map<string, RoutingProfileConfig>();
  private readonly userByRef = new Map<string, UserConfig>();
  private readonly groupByRef = new Map<string, HierarchyGroupConfig>();

  constructor(options: CatalogOptions) {
    const rng = createRng(options.seed);
    this.instanceArn = `arn:aws:connect:${options.region}:${options.accountId}:instance/${options.instanceId}`;
    this.createdAt = Date.UTC(2025, 0, 6, 9, 30);
    this.statuses = (
      [
        ['Available', 'ROUTABLE'],
        ['Break', 'CUSTOM'],
        ['Lunch', 'CUSTOM'],
        ['Training', 'CUSTOM'],
        ['Offline', 'OFFLINE'],
      ] as const
    ).map(([name, type], index) => {
      const id = uuid(rng);
      return { index, id, arn: `${this.instanceArn}/agent-state/${id}`, name, type };
    });
    this.buildQueues(rng, options.queues);
    this.buildProfiles(rng);
    this.buildGroups(rng);
    this.buildUsers(rng, options.agents);
    if ((options.staffing ?? 'planned') === 'planned') {
      this.planShifts();
      this.planArrivals(rng);
    } else this.sizeArrivals(rng);
    for (const q of this.queues) [q.id, q.arn].forEach((ref) => this.queueByRef.set(ref, q));
    for (const p of this.profiles) [p.id, p.arn].forEach((ref) => this.profileByRef.set(ref, p));
    for (const u of this.users) [u.id, u.arn].forEach((ref) => this.userByRef.set(ref, u));
    for (const g of this.groups) [g.id, g.arn].forEach((ref) => this.groupByRef.set(ref, g));
  }

  queue(ref: string): QueueConfig | undefined {
    return this.queueByRef.get(ref);
  }

  profile(ref: string): RoutingProfileConfig | undefined {
    return this.profileByRef.get(ref);
  }

  user(ref: string): UserConfig | undefined {
    return this.userByRef.get(ref);
  }

  group(ref: string): HierarchyGroupConfig | undefined {
    return this.groupByRef.get(ref);
  }

  private buildQueues(rng: Rng, count: number): void {
    for (let i = 0; i < count; i += 1) {
      const id = uuid(rng);
      const department = DEPARTMENTS[i % DEPARTMENTS.length] ?? 'Queue';
      const round = Math.floor(i / DEPARTMENTS.length);
      // Mostly voice, with a chat, a task and an email queue in every few.
      const channel: SimChannel =
        i % 5 === 4 ? 'CHAT' : i % 7 === 6 ? 'TASK' : i % 9 === 8 ? 'EMAIL' : 'VOICE';
      this.queues.push({
        index: i,
        id,
        arn: `${this.instanceArn}/queue/${id}`,
        name: round === 0 ? department : `${department} ${round + 1}`,
        channel,
        peakArrivalsPerHour: 0,
        profileIndices: [],
      });
    }
  }

  /**
   * One profile per four queues: its own queues first, the next group's as overflow at a lower priority, each on
   * the queue's channel. A team's own voice queues are served on the task channel too (follow-up tasks raised
   * against the queue), as a routing profile lists a queue once per channel it takes from it.
   */
  private buildProfiles(rng: Rng): void {
    const groupSize = 4;
    const count = Math.max(1, Math.ceil(this.queues.length / groupSize));
    for (let p = 0; p < count; p += 1) {
      const id = uuid(rng);
      const own = this.queues.slice(p * groupSize, (p + 1) * groupSize);
      const overflow = count > 1 ? this.queues.slice(((p + 1) % count) * groupSize).slice(0, 2) : [];
      const queues: ProfileQueue[] = [
        ...own.map((q) => ({ queueIndex: q.index, channel: q.channel, priority: 1, delaySeconds: 0 })),
        ...own
          .filter((q) => q.channel === 'VOICE')
          .map((q) => ({ queueIndex: q.index, channel: 'TASK' as const, priority: 1, delaySeconds: 0 })),
        ...overflow.map((q) => ({ queueIndex: q.index, channel: q.channel, priority: 2, delaySeconds: 30 })),
      ];
      const first = own[0]?.name ?? 'General';
      this.profiles.push({
        index: p,
        id,
        arn: `${this.instanceArn}/routing-profile/${id}`,
        name: `${first} team`,
        queues,
        maxSlots: { ...MAX_SLOTS },
        agentIndices: [],
      });
      for (const entry of servingLines(this.queues, queues))
        this.queues[entry.queueIndex]?.profileIndices.push(p);
    }
  }

  private buildGroups(rng: Rng): void {
    for (const site of SITES) {
      const id = uuid(rng);
      this.groups.push({
        id,
        arn: `${this.instanceArn}/agent-group/${id}`,
        name: site,
        levelId: '1',
        parentIndex: null,
      });
    }
    for (let t = 0; t < SITES.length * 3; t += 1) {
      const id = uuid(rng);
      this.groups.push({
        id,
        arn: `${this.instanceArn}/agent-group/${id}`,
        name: `${SITES[t % SITES.length] ?? 'Site'} team ${Math.floor(t / SITES.length) + 1}`,
        levelId: '2',
        parentIndex: t % SITES.length,
      });
    }
  }

  private buildUsers(rng: Rng, count: number): void {
    // Profiles get agents in proportion to their queue count, so every queue has someone to answer it.
    const weights = this.profiles.map(
      (p) => servingLines(this.queues, p.queues).filter((q) => q.priority === 1).length,
    );
    const totalWeight = weights.reduce((a, b) => a + b, 0) || 1;
    const cumulative: number[] = [];
    weights.reduce((sum, w) => (cumulative.push(sum + w), sum + w), 0);
    let cursor = 0;
    for (let i = 0; i < count; i += 1) {
      const id = uuid(rng);
      // Walk the profiles so each gets its weighted share of agents.
      const target = ((i + 0.5) / count) * totalWeight;
      while (cursor < this.profiles.length - 1 && (cumulative[cursor] ?? 0) < target) cursor += 1;
      const band = rng();
      // Day shifts start between 06:30 and 11:30 so staffing follows the arrival curve; a smaller evening shift
      // from 14:00 to 15:00 carries the centre to 22:00, when the night shift starts: someone is always on.
      const shiftStartMs =
        band < 0.06
          ? 22 * HOUR
          : band < 0.26
            ? Math.round(between(rng, 14, 15) * 4) * (HOUR / 4)
            : Math.round(between(rng, 6.5, 11.5) * 4) * (HOUR / 4);
      const shiftLengthMs = 8 * HOUR + (rng() < 0.3 ? HOUR / 2 : 0);
      const training = rng() < 0.1;
      const activities: ShiftActivity[] = [
        { offsetMs: 2 * HOUR + rng() * HOUR * 0.5, durationMs: 15 * 60_000, statusIndex: STATUS.BREAK },
        { offsetMs: 4 * HOUR + rng() * HOUR * 0.5, durationMs: 30 * 60_000, statusIndex: STATUS.LUNCH },
        training
          ? { offsetMs: 5.5 * HOUR, durationMs: HOUR, statusIndex: STATUS.TRAINING }
          : {
              offsetMs: 6.25 * HOUR + rng() * HOUR * 0.5,
              durationMs: 15 * 60_000,
              statusIndex: STATUS.BREAK,
            },
      ];
      const teamIndex = SITES.length + (i % (SITES.length * 3));
      const user: UserConfig = {
        index: i,
        id,
        arn: `${this.instanceArn}/agent/${id}`,
        username: `agent${String(i + 1).padStart(4, '0')}`,
        firstName: FIRST_NAMES[i % FIRST_NAMES.length] ?? 'Agent',
        lastName: LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length] ?? 'User',
        profileIndex: cursor,
        teamIndex,
        shiftStartMs,
        shiftLengthMs,
        activities,
        missProbability: rng() < 0.2 ? 0.05 : 0.01,
      };
      this.users.push(user);
      this.profiles[cursor]?.agentIndices.push(i);
    }
  }

  /**
   * Shifts that follow the day's curve, as a workforce plan draws them: each team's agents in turn take the
   * start (on the half hour) where the curve is least covered by the agents placed so far, weighing each
   * half-hour of the shift by its demand over the cover it already has. The shifts' lengths, breaks and lunches
   * stay as drawn.
   */
  private planShifts(): void {
    const slots = 48;
    const demand = Array.from({ length: slots }, (_, i) => dayCurve((i + 0.5) / 2));
    for (const profile of this.profiles) {
      const cover = new Array<number>(slots).fill(0);
      // The night shift stays as drawn, so someone is always on.
      const night = (user: UserConfig) => user.shiftStartMs >= 22 * HOUR;
      for (const index of profile.agentIndices) {
        const user = this.users[index];
        if (!user || !night(user)) continue;
        for (let k = 0; k < Math.round(user.shiftLengthMs / PLAN_SLOT_MS); k += 1) {
          const slot = (Math.round(user.shiftStartMs / PLAN_SLOT_MS) + k) % slots;
          cover[slot] = (cover[slot] ?? 0) + 1;
        }
      }
      for (const index of profile.agentIndices) {
        const user = this.users[index];
        if (!user || night(user)) continue;
        const length = Math.round(user.shiftLengthMs / PLAN_SLOT_MS);
        let best = 0;
        let bestGain = Number.NEGATIVE_INFINITY;
        for (let start = 0; start < slots; start += 1) {
          let gain = 0;
          for (let k = 0; k < length; k += 1) {
            const slot = (start + k) % slots;
            gain += (demand[slot] ?? 0) / ((cover[slot] ?? 0) + 1);
          }
          if (gain > bestGain) {
            bestGain = gain;
            best = start;
          }
        }
        for (let k = 0; k < length; k += 1) {
          const slot = (best + k) % slots;
          cover[slot] = (cover[slot] ?? 0) + 1;
        }
        user.shiftStartMs = best * PLAN_SLOT_MS;
      }
    }
  }

  /**
   * How many of a profile's agents the shifts put on the floor at `dayMs` (from local midnight): on shift and
   * not on a break, lunch or training.
   */
  private onFloor(profile: RoutingProfileConfig, dayMs: number): number {
    let count = 0;
    for (const index of profile.agentIndices) {
      const user = this.users[index];
      if (!user) continue;
      // A night shift runs past midnight: yesterday's is still on in the small hours.
      const since = [dayMs - user.shiftStartMs, dayMs + 86_400_000 - user.shiftStartMs].find(
        (offset) => offset >= 0 && offset < user.shiftLengthMs,
      );
      if (since === undefined) continue;
      const away = user.activities.some(
        (activity) => since >= activity.offsetMs && since < activity.offsetMs + activity.durationMs,
      );
      if (!away) count += 1;
    }
    return count;
  }

  /**
   * A workforce plan run backwards: the agents and shifts are given, so each team's queues get the arrivals it
   * can answer at 80% in 20 s. For every busy half-hour of the day's curve, the team's agents on the floor less
   * shrinkage answer the erlangs Erlang C allows them, scaled by the curve; the team's peak is the middle of
   * those over the day (some half-hours run a little short, as a real day does), shared among its queues by
   * weight.
   */
  private planArrivals(rng: Rng): void {
    const slots: { dayMs: number; curve: number }[] = [];
    for (let dayMs = PLAN_SLOT_MS / 2; dayMs < 86_400_000; dayMs += PLAN_SLOT_MS) {
      const curve = dayCurve(dayMs / HOUR);
      if (curve >= PLAN_BUSY_CURVE) slots.push({ dayMs, curve });
    }
    for (const profile of this.profiles) {
      const own = servingLines(this.queues, profile.queues).filter((q) => q.priority === 1);
      // Each queue's share of the team's work, and what a contact of it costs an agent: its work over the
      // contacts an agent works at once, with the outbound calls a voice queue brings.
      const lines = own.flatMap((entry) => {
        const queue = this.queues[entry.queueIndex];
        if (!queue) return [];
        const channel = queue.channel;
        const workSeconds = MEAN_TALK_SECONDS[channel] + MEAN_ACW_SECONDS[channel] + 15;
        const outboundSeconds = channel === 'VOICE' ? OUTBOUND_SHARE * (MEAN_OUTBOUND_TALK_SECONDS + 15) : 0;
        const slotsPerAgent = channel === 'VOICE' ? 1 : MAX_SLOTS[channel] * 0.7;
        return [
          { queue, agentSeconds: (workSeconds + outboundSeconds) / slotsPerAgent, weight: 0.5 + rng() },
        ];
      });
      const totalWeight = lines.reduce((sum, line) => sum + line.weight, 0) || 1;
      // The team's contact as Erlang C sees it: the work-weighted mean of its queues'.
      const meanSeconds =
        lines.reduce((sum, line) => sum + line.weight * line.agentSeconds, 0) / totalWeight || 300;
      // What the team answers at target in each busy half-hour, scaled to the curve's top: the plan takes the
      // middle of those (the plan is for the day, not its best or worst half-hour), as erlangs at the peak.
      // Every team's queues overflow to the team before it (buildProfiles), and that team's to the one before:
      // the chain makes the centre one pool, which Erlang C sizes; each team takes its agents' share.
      const capacities = slots
        .map((slot) => {
          const mine = this.onFloor(profile, slot.dayMs);
          const all = this.profiles.reduce((sum, other) => sum + this.onFloor(other, slot.dayMs), 0);
          const servers = Math.floor(all * (1 - PLAN_SHRINKAGE));
          const share = all > 0 ? mine / all : 0;
          return (erlangsAtTarget(servers, meanSeconds) * share) / slot.curve;
        })
        .sort((a, b) => a - b);
      const peakErlangs = capacities[Math.floor(capacities.length / 2)] ?? 0;
      for (const line of lines) {
        // The queue's share of those erlangs, as contacts an hour.
        const erlangs = (peakErlangs * line.weight) / totalWeight;
        line.queue.peakArrivalsPerHour = Math.max(2, (erlangs * 3600) / line.agentSeconds);
      }
    }
  }

  /**
   * Sizes each queue's arrivals to the staff serving it, so the centre runs at about 90% of capacity at its
   * busiest: queues build up now and then and thresholds trip in the demo, without running away.
   */
  private sizeArrivals(rng: Rng): void {
    for (const profile of this.profiles) {
      // Day agents are on shift for about 8 of the 12 busy hours: about two thirds are in at the peak.
      const staffAtPeak = profile.agentIndices.length * 0.9;
      const own = servingLines(this.queues, profile.queues).filter((q) => q.priority === 1);
      const weights = own.map(() => 0.5 + rng());
      const totalWeight = weights.reduce((a, b) => a + b, 0) || 1;
      own.forEach((entry, i) => {
        const queue = this.queues[entry.queueIndex];
        if (!queue) return;
        const channel = queue.channel;
        const workSeconds = MEAN_TALK_SECONDS[channel] + MEAN_ACW_SECONDS[channel] + 15;
        const perAgentPerHour = (3600 / workSeconds) * (channel === 'VOICE' ? 1 : MAX_SLOTS[channel] * 0.7);
        const share = (weights[i] ?? 1) / totalWeight;
        queue.peakArrivalsPerHour = Math.max(2, 1.0 * staffAtPeak * share * perAgentPerHour);
      });
    }
  }
}
