import { createRng, poisson, type Rng } from './rng.js';

/**
 * A first contact-centre model: queues receive contacts, agents serving those queues answer them, customers
 * abandon when they run out of patience. It advances lazily in one-second steps up to the time it is asked
 * about, so it costs nothing while nobody calls and is deterministic for a seed and a clock.
 */

export type SimChannel = 'VOICE' | 'CHAT' | 'TASK';

export interface SimQueue {
  id: string;
  arn: string;
  name: string;
  channel: SimChannel;
  /** Mean arrivals per hour at the busiest time of day. */
  peakArrivalsPerHour: number;
  waiting: { contactId: string; enqueuedAt: number; patienceMs: number }[];
}

export type SimAgentState = 'OFFLINE' | 'AVAILABLE' | 'ON_CONTACT' | 'AFTER_CONTACT_WORK' | 'BREAK';

export interface SimAgent {
  id: string;
  arn: string;
  username: string;
  queueIds: string[];
  state: SimAgentState;
  stateSince: number;
  contact: { contactId: string; queueId: string; endsAt: number } | null;
}

export interface ModelOptions {
  instanceId: string;
  region: string;
  accountId: string;
  queues: number;
  agents: number;
  seed: number;
  startMs: number;
}

const QUEUE_NAMES = [
  'Sales',
  'Support',
  'Billing',
  'Retention',
  'Technical',
  'Claims',
  'Bookings',
  'Returns',
];
const CHANNELS: SimChannel[] = ['VOICE', 'CHAT', 'TASK'];
const STEP_MS = 1000;

function hexId(rng: Rng): string {
  const hex = () =>
    Math.floor(rng() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
}

export class ContactCentreModel {
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly queues: SimQueue[] = [];
  readonly agents: SimAgent[] = [];
  private readonly rng: Rng;
  private nowMs: number;
  private contactSeq = 0;

  constructor(options: ModelOptions) {
    this.rng = createRng(options.seed);
    this.instanceId = options.instanceId;
    this.instanceArn = `arn:aws:connect:${options.region}:${options.accountId}:instance/${options.instanceId}`;
    this.nowMs = options.startMs;
    for (let i = 0; i < options.queues; i += 1) {
      const id = hexId(this.rng);
      const base = QUEUE_NAMES[i % QUEUE_NAMES.length] ?? 'Queue';
      const round = Math.floor(i / QUEUE_NAMES.length);
      const channel = CHANNELS[i % 5 === 4 ? 1 : i % 7 === 6 ? 2 : 0] ?? 'VOICE';
      this.queues.push({
        id,
        arn: `${this.instanceArn}/queue/${id}`,
        name: round === 0 ? base : `${base} ${round + 1}`,
        channel,
        peakArrivalsPerHour: 20 + Math.floor(this.rng() * 80),
        waiting: [],
      });
    }
    for (let i = 0; i < options.agents; i += 1) {
      const id = hexId(this.rng);
      const first = i % Math.max(1, this.queues.length);
      const queueIds = [this.queues[first], this.queues[(first + 1) % this.queues.length]]
        .filter((q): q is SimQueue => q !== undefined)
        .map((q) => q.id);
      const online = this.rng() < 0.85;
      this.agents.push({
        id,
        arn: `${this.instanceArn}/agent/${id}`,
        username: `agent${String(i + 1).padStart(4, '0')}`,
        queueIds: [...new Set(queueIds)],
        state: online ? 'AVAILABLE' : 'OFFLINE',
        stateSince: this.nowMs,
        contact: null,
      });
    }
  }

  get now(): number {
    return this.nowMs;
  }

  /** Runs the model forward in one-second steps until `targetMs`. */
  advanceTo(targetMs: number): void {
    while (this.nowMs + STEP_MS <= targetMs) {
      this.nowMs += STEP_MS;
      this.step();
    }
  }

  private setState(agent: SimAgent, state: SimAgentState): void {
    agent.state = state;
    agent.stateSince = this.nowMs;
  }

  private step(): void {
    const hour = new Date(this.nowMs).getUTCHours() + new Date(this.nowMs).getUTCMinutes() / 60;
    // A day curve peaking late morning, never quite zero so the demo always moves.
    const load = 0.15 + 0.85 * Math.exp(-((hour - 11) ** 2) / 18);
    for (const queue of this.queues) {
      const arrivals = poisson(this.rng, (queue.peakArrivalsPerHour * load * STEP_MS) / 3_600_000);
      for (let n = 0; n < arrivals; n += 1) {
        this.contactSeq += 1;
        queue.waiting.push({
          contactId: `contact-${this.contactSeq}`,
          enqueuedAt: this.nowMs,
          patienceMs: 30_000 + this.rng() * 240_000,
        });
      }
      queue.waiting = queue.waiting.filter((c) => this.nowMs - c.enqueuedAt < c.patienceMs);
    }
    for (const agent of this.agents) {
      if (agent.state === 'ON_CONTACT' && agent.contact && agent.contact.endsAt <= this.nowMs) {
        this.setState(agent, 'AFTER_CONTACT_WORK');
        agent.contact = null;
      } else if (agent.state === 'AFTER_CONTACT_WORK' && this.nowMs - agent.stateSince > 30_000) {
        this.setState(agent, this.rng() < 0.03 ? 'BREAK' : 'AVAILABLE');
      } else if (agent.state === 'BREAK' && this.nowMs - agent.stateSince > 600_000) {
        this.setState(agent, 'AVAILABLE');
      }
      if (agent.state !== 'AVAILABLE') continue;
      const queue = this.queues
        .filter((q) => agent.queueIds.includes(q.id) && q.waiting.length > 0)
        .sort((a, b) => (a.waiting[0]?.enqueuedAt ?? 0) - (b.waiting[0]?.enqueuedAt ?? 0))[0];
      const contact = queue?.waiting.shift();
      if (queue && contact) {
        this.setState(agent, 'ON_CONTACT');
        agent.contact = {
          contactId: contact.contactId,
          queueId: queue.id,
          endsAt: this.nowMs + 120_000 + this.rng() * 360_000,
        };
      }
    }
  }
}
