import { ConnectClient } from '@aws-sdk/client-connect';
import { ERROR_ACTIVITIES, type Snapshot } from '@switchboard/shared';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { Poller } from '../../src/poller/poller.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { ConnectProxy } from '../support/connectProxy.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';
import { zoneWhereItIs } from '../support/timeZone.js';
import { fetchSnapshot } from './support.js';

// A busy late morning in the contact centre, frozen: the simulated clock stands still at the real time of the run
// (the poller's "today" runs on the real clock), in a time zone where it is late morning. Every request of a cycle
// then sees one moment, so the agent list and Connect's agent counts must agree exactly.
const TIME_ZONE = zoneWhereItIs(11);
const ERROR_STATES = ['MISSED', 'REJECTED', 'ERROR'];
/** Agent Activity's precedence for concurrent contacts (admin guide, Real-time metrics definitions). */
const PRECEDENCE = [
  ['ERROR'],
  ['MISSED'],
  ['REJECTED'],
  ['CONNECTED', 'CONNECTED_ONHOLD'],
  ['ENDED'],
  ['INCOMING', 'PENDING', 'CONNECTING'],
];
const ACTIVITY_OF = ['error', 'missed', 'rejected', 'on-contact', 'acw', 'incoming'];
/** A callback dialling the customer rings out: "Outbound callback" is On contact, not Incoming. */
const ON_CONTACT = 3;
const realNow = Math.floor(Date.now() / 1000) * 1000;
// From half an hour before, the clock steps on to a moment with agents in each kind of error, then freezes.
let now = realNow - 30 * 60_000;
let simulator: RunningSimulator;

const env = (extra: Record<string, string> = {}) =>
  simulatorEnv(simulator, {
    POLL_INTERVAL_MS: '1000',
    CONNECT_RATE_METRICS: '40/20',
    CONNECT_RATE_OTHER: '100/20',
    API_READS_PER_MINUTE: '100000',
    ...extra,
  });

const errorStatesNow = () =>
  new Set(
    simulator.model.agents
      .flatMap((a) => a.contacts.map((c) => c.state))
      .filter((s) => ERROR_STATES.includes(s)),
  );
const emailContactsNow = () =>
  simulator.model.agents.flatMap((a) => a.contacts).filter((c) => c.contact.channel === 'EMAIL').length;

beforeAll(async () => {
  simulator = await startSimulator({
    queues: 60,
    agents: 600,
    seed: 7,
    timeZone: TIME_ZONE,
    clock: () => now,
    rateLimits: { enabled: false },
  });
  while (now < realNow + 30 * 60_000) {
    simulator.model.advanceTo(now);
    const states = errorStatesNow();
    if (states.has('MISSED') && states.has('REJECTED') && emailContactsNow() > 0) break;
    now += 10_000;
  }
}, 60_000);

afterAll(async () => {
  await simulator?.close();
});

/** A snapshot whose agents and queues sections are both fresh, with every online agent listed. */
async function settled(wallboard: RunningWallboard): Promise<Snapshot> {
  const online = simulator.model.figures(now).instance.AGENTS_ONLINE ?? 0;
  return waitFor(
    async () => {
      const latest = await fetchSnapshot(wallboard);
      const fresh = latest && !latest.sections.agents.stale && latest.sections.agents.fetchedAt !== null;
      return fresh && latest.sections.queues.fetchedAt !== null && latest.agents.length === online
        ? latest
        : undefined;
    },
    'a snapshot with every agent and the queue figures',
    30_000,
  );
}

describe('email, end to end', () => {
  let wallboard: RunningWallboard;
  beforeAll(async () => {
    wallboard = await startWebServer(env(), { credentials: TEST_CREDENTIALS });
  }, 60_000);
  afterAll(async () => {
    await wallboard?.stop();
  });

  it('lists agents on email contacts without losing the page, and shows email queues by their channel', async () => {
    const snapshot = await settled(wallboard);
    expect(snapshot.sections.agents.error).toBeNull();
    const onEmail = snapshot.agents.filter((a) => a.contacts.some((c) => c.channel === 'EMAIL'));
    expect(onEmail.length).toBe(
      simulator.model.agents.filter((a) => a.contacts.some((c) => c.contact.channel === 'EMAIL')).length,
    );
    expect(onEmail.length).toBeGreaterThan(0);
    const emailQueueIds = new Set(
      onEmail.flatMap((a) => a.contacts.filter((c) => c.channel === 'EMAIL').map((c) => c.queueId)),
    );
    for (const queue of snapshot.queues.filter((q) => emailQueueIds.has(q.id))) {
      expect(queue.channels).toContain('EMAIL');
      // GetCurrentMetricData cannot be asked for EMAIL by channel: no per-channel line that would read zero.
      expect(queue.realtimeByChannel.EMAIL).toBeUndefined();
      const model = simulator.model.queues.find((q) => q.id === queue.id);
      expect(queue.realtime.CONTACTS_IN_QUEUE).toBe(model?.waiting.length);
    }
  });
});

describe('agent activity against AGENTS_ERROR', () => {
  let wallboard: RunningWallboard;
  beforeAll(async () => {
    wallboard = await startWebServer(env(), { credentials: TEST_CREDENTIALS });
  }, 60_000);
  afterAll(async () => {
    await wallboard?.stop();
  });

  it('counts as many agents in Missed, Rejected or Error as Connect counts in AGENTS_ERROR, at one moment', async () => {
    const snapshot = await settled(wallboard);
    // The summary's DataSnapshotTime is the frozen moment the agent list was read at too.
    expect(snapshot.dataSnapshotTime).toBe(new Date(now).toISOString());
    const inError = snapshot.agents.filter((a) => ERROR_ACTIVITIES.has(a.activity));
    expect(new Set(inError.map((a) => a.activity))).toEqual(
      new Set([...errorStatesNow()].map((s) => s.toLowerCase())),
    );
    expect(inError.map((a) => a.activity)).toEqual(expect.arrayContaining(['missed', 'rejected']));
    expect(snapshot.summary.realtime.AGENTS_ERROR).toBe(inError.length);
    // And as many Available as Connect's AGENTS_AVAILABLE: an agent with a contact ongoing is not available.
    expect(snapshot.summary.realtime.AGENTS_AVAILABLE).toBe(
      snapshot.agents.filter((a) => a.activity === 'available').length,
    );
    // Their status is still the one they set: Available, not an error status.
    for (const agent of inError) expect(agent.status).toBe('Available');
  });

  it("starts each agent's activity when the deciding contact entered its state, not at the status start", async () => {
    const snapshot = await settled(wallboard);
    let fromContacts = 0;
    for (const agent of snapshot.agents) {
      const model = simulator.model.agents.find((a) => a.id === agent.id);
      if (!model || model.contacts.length === 0) continue;
      fromContacts += 1;
      // Connect's precedence over the simulator's own contacts: Error, Missed, Rejected, then the working states.
      const rankOf = (c: (typeof model.contacts)[number]) =>
        c.state === 'CONNECTING' && c.contact.initiation === 'CALLBACK'
          ? ON_CONTACT
          : PRECEDENCE.findIndex((states) => states.includes(c.state));
      const rank = Math.min(...model.contacts.map(rankOf));
      const deciding = model.contacts.filter((c) => rankOf(c) === rank);
      const since = Math.min(...deciding.map((c) => c.since));
      expect(agent.activity, agent.name).toBe(ACTIVITY_OF[rank]);
      // Timestamps cross the wire as epoch seconds with a fraction: equal to the millisecond's rounding.
      expect(Math.abs(Date.parse(agent.activitySince ?? '') - since), agent.name).toBeLessThanOrEqual(1);
    }
    expect(fromContacts).toBeGreaterThan(0);
    // The agents in error have been Available since before their contact went wrong.
    const inError = snapshot.agents.filter((a) => ERROR_ACTIVITIES.has(a.activity));
    expect(inError.some((a) => a.activitySince !== a.statusStartedAt)).toBe(true);
  });
});

describe('a value Connect adds without notice', () => {
  let wallboard: RunningWallboard;
  let proxy: ConnectProxy;
  let proxyEndpoint = '';
  // One contact a page becomes a channel and a state this build has never heard of, and every per-channel row
  // of GetCurrentMetricData names a channel it does not know either.
  beforeAll(async () => {
    proxy = new ConnectProxy(new URL(simulator.endpoint), (request, answer) => {
      if (answer.status !== 200) return answer;
      if (request.url.startsWith('/metrics/userdata/')) {
        const page = JSON.parse(answer.body) as {
          UserDataList?: { Contacts?: { Channel?: string; AgentContactState?: string }[] }[];
        };
        const contact = page.UserDataList?.flatMap((u) => u.Contacts ?? []).find(
          (c) => c.AgentContactState === 'CONNECTED',
        );
        if (contact) {
          contact.Channel = 'VIDEO';
          contact.AgentContactState = 'TRANSFERRING';
        }
        return { ...answer, body: JSON.stringify(page) };
      }
      if (request.url.startsWith('/metrics/current/')) {
        const page = JSON.parse(answer.body) as { MetricResults?: { Dimensions?: { Channel?: string } }[] };
        for (const row of page.MetricResults ?? []) {
          if (row.Dimensions?.Channel === 'TASK') row.Dimensions.Channel = 'VIDEO';
        }
        return { ...answer, body: JSON.stringify(page) };
      }
      return answer;
    });
    const endpoint = await proxy.start();
    proxyEndpoint = endpoint;
    wallboard = await startWebServer(env({ CONNECT_ENDPOINT: endpoint }), { credentials: TEST_CREDENTIALS });
  }, 60_000);
  afterAll(async () => {
    await wallboard?.stop();
    await proxy?.stop();
  });

  it('logs each unknown field and value once, however many cycles bring it', async () => {
    const lines: { field?: string; value?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const client = new ConnectClient({
      region: simulator.region,
      endpoint: proxyEndpoint,
      credentials: TEST_CREDENTIALS,
    });
    let reported = 0;
    const poller = new Poller({
      client,
      instanceId: simulator.instanceId,
      intervalMs: 200,
      staleAfterMs: 10_000,
      logger,
      observer: {
        unknownValue: (field) => (reported += field === 'GetCurrentUserData.Contacts.Channel' ? 1 : 0),
      },
    });
    poller.start();
    try {
      // Every agents cycle brings the value again: several cycles, several counts, one log line.
      await waitFor(() => (reported >= 4 ? true : undefined), 'the value seen in four cycles', 30_000);
    } finally {
      poller.stop();
      client.destroy();
    }
    const video = lines.filter(
      (l) => l.field === 'GetCurrentUserData.Contacts.Channel' && l.value === 'VIDEO',
    );
    expect(video).toHaveLength(1);
    expect(lines.filter((l) => l.value === 'TRANSFERRING')).toHaveLength(1);
    // The per-channel rows bring VIDEO too: the same value under another field is its own line.
    expect(lines.filter((l) => l.field === 'GetCurrentMetricData.Dimensions.Channel')).toHaveLength(1);
  });

  it('shows it as other, keeps the page, and counts it in /metrics by field and value', async () => {
    const snapshot = await settled(wallboard);
    expect(snapshot.sections.agents.error).toBeNull();
    expect(snapshot.sections.queues.error).toBeNull();
    const other = snapshot.agents.flatMap((a) => a.contacts).filter((c) => c.channel === 'OTHER');
    expect(other.length).toBeGreaterThan(0);
    for (const contact of other) {
      expect(contact.rawChannel).toBe('VIDEO');
      expect(contact.state).toBe('TRANSFERRING');
    }
    for (const queue of snapshot.queues) expect(Object.keys(queue.realtimeByChannel)).not.toContain('VIDEO');
    const metrics = await (await fetch(`${wallboard.url}/metrics`)).text();
    for (const field of [
      'GetCurrentUserData.Contacts.Channel',
      'GetCurrentUserData.Contacts.AgentContactState',
      'GetCurrentMetricData.Dimensions.Channel',
    ]) {
      expect(metrics).toMatch(
        new RegExp(`switchboard_connect_unknown_values_total\\{[^}]*field="${field.replace(/\./g, '\\.')}"`),
      );
    }
    expect(metrics).toMatch(/field="GetCurrentUserData\.Contacts\.Channel",value="VIDEO"\} [1-9]/);
  });
});
