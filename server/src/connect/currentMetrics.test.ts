import type { ConnectClient } from '@aws-sdk/client-connect';
import { describe, expect, it } from 'vitest';
import type { ConnectContext } from './context.js';
import {
  getAgentTotals,
  getQueueRealtime,
  oldestContactAgeSeconds,
  queueEstimatedWait,
} from './currentMetrics.js';
import { collectPages } from './paginate.js';

// A unit seam: a stub in place of the client. Integration tests in server/test/poller use the real SDK.
interface Sent {
  input: {
    Filters: { Queues?: string[]; RoutingProfiles?: string[]; Channels?: string[] };
    Groupings?: string[];
    CurrentMetrics?: { Name: string }[];
    NextToken?: string;
    MaxResults?: number;
  };
}

function stubContext(answer: (input: Sent['input']) => unknown): {
  ctx: ConnectContext;
  sent: Sent['input'][];
} {
  const sent: Sent['input'][] = [];
  const client = {
    send: async (command: Sent) => {
      sent.push(structuredClone(command.input));
      return answer(command.input);
    },
  } as unknown as ConnectClient;
  return { ctx: { client, instanceId: 'instance', send: (_op, request) => request() }, sent };
}

const at = new Date('2026-11-24T10:00:00Z');
const row = (queueId: string, waiting: number, channel?: string, estimate?: number | null) => ({
  Dimensions: { Queue: { Id: queueId }, ...(channel ? { Channel: channel } : {}) },
  Collections: [
    { Metric: { Name: 'CONTACTS_IN_QUEUE' }, Value: waiting },
    { Metric: { Name: 'OLDEST_CONTACT_AGE' }, Value: 42 },
    ...(estimate !== undefined ? [{ Metric: { Name: 'ESTIMATED_WAIT_TIME' }, Value: estimate }] : []),
  ],
});

describe('getQueueRealtime', () => {
  it('asks for at most 100 queues a request and follows NextToken with the same parameters', async () => {
    const queueIds = Array.from({ length: 250 }, (_, i) => `q${i}`);
    const { ctx, sent } = stubContext((input) => {
      const rows = (input.Filters.Queues ?? []).map((id) => row(id, 1));
      if (input.Groupings?.length === 2) return { MetricResults: [], DataSnapshotTime: at };
      // Two pages per chunk: the first half, then the rest.
      const half = Math.ceil(rows.length / 2);
      return input.NextToken
        ? { MetricResults: rows.slice(half), DataSnapshotTime: at }
        : { MetricResults: rows.slice(0, half), NextToken: 'next', DataSnapshotTime: at };
    });
    const result = await getQueueRealtime(ctx, queueIds);
    expect(result.byQueue.size).toBe(250);
    const byQueue = sent.filter((s) => s.Groupings?.length === 1);
    expect(byQueue.map((s) => s.Filters.Queues?.length).sort()).toEqual([100, 100, 100, 100, 50, 50]);
    // Each follow-up page repeats its first page's parameters exactly, only the token differs.
    for (const next of byQueue.filter((s) => s.NextToken)) {
      const first = byQueue.find((s) => !s.NextToken && s.Filters.Queues?.[0] === next.Filters.Queues?.[0]);
      expect({ ...next, NextToken: undefined }).toEqual({ ...first, NextToken: undefined });
    }
    expect(sent.every((s) => s.MaxResults === 100)).toBe(true);
    expect(result.calls).toBe(sent.length);
  });

  it('groups by queue and channel with a channel filter, and leaves absent queues out for the caller to zero', async () => {
    const { ctx, sent } = stubContext((input) =>
      input.Groupings?.includes('CHANNEL')
        ? { MetricResults: [row('a', 2, 'VOICE'), row('a', 1, 'CHAT')], DataSnapshotTime: at }
        : { MetricResults: [row('a', 3)], DataSnapshotTime: at },
    );
    const result = await getQueueRealtime(ctx, ['a', 'b']);
    expect(sent.find((s) => s.Groupings?.includes('CHANNEL'))?.Filters.Channels).toEqual([
      'VOICE',
      'CHAT',
      'TASK',
    ]);
    expect(result.byQueue.get('a')?.CONTACTS_IN_QUEUE).toBe(3);
    expect(result.byQueue.has('b')).toBe(false);
    expect(result.byQueueChannel.get('a')?.CHAT?.CONTACTS_IN_QUEUE).toBe(1);
    expect(result.dataSnapshotTime).toEqual(at);
  });

  it('asks for ESTIMATED_WAIT_TIME only filtered by Queues and Channels and grouped by QUEUE and CHANNEL, and gives a queue the longest of its channels', async () => {
    const { ctx, sent } = stubContext((input) =>
      input.Groupings?.includes('CHANNEL')
        ? {
            MetricResults: [row('a', 2, 'VOICE', 30), row('a', 1, 'CHAT', 95), row('b', 1, 'TASK', null)],
            DataSnapshotTime: at,
          }
        : { MetricResults: [row('a', 3), row('b', 1), row('c', 0)], DataSnapshotTime: at },
    );
    const result = await getQueueRealtime(ctx, ['a', 'b', 'c']);
    for (const request of sent) {
      const asksEstimate = request.CurrentMetrics?.some((m) => m.Name === 'ESTIMATED_WAIT_TIME') ?? false;
      const documented =
        (request.Filters.Queues?.length ?? 0) > 0 &&
        (request.Filters.Channels?.length ?? 0) > 0 &&
        JSON.stringify(request.Groupings) === '["QUEUE","CHANNEL"]';
      expect(asksEstimate).toBe(documented);
    }
    expect(sent.some((s) => s.CurrentMetrics?.some((m) => m.Name === 'ESTIMATED_WAIT_TIME'))).toBe(true);
    expect(result.byQueue.get('a')?.ESTIMATED_WAIT_TIME).toBe(95);
    expect(result.byQueue.get('b')?.ESTIMATED_WAIT_TIME).toBeNull();
    // A queue with no channel row has no estimate to show, not a zero wait.
    expect(result.byQueue.get('c')?.ESTIMATED_WAIT_TIME).toBeNull();
    expect(result.byQueueChannel.get('a')?.CHAT?.ESTIMATED_WAIT_TIME).toBe(95);
    expect(queueEstimatedWait({ VOICE: { ESTIMATED_WAIT_TIME: 12 }, CHAT: {} })).toBe(12);
    expect(queueEstimatedWait(undefined)).toBeNull();
  });

  it('reads a figure whose collection comes without its metric (optional in the model) as none, the rest as given', async () => {
    const { ctx } = stubContext((input) => ({
      MetricResults:
        input.Groupings?.length === 2
          ? []
          : [
              {
                Dimensions: { Queue: { Id: 'a' } },
                Collections: [
                  { Metric: { Name: 'CONTACTS_IN_QUEUE' }, Value: 4 },
                  { Value: 42 },
                  { Metric: {}, Value: 7 },
                ],
              },
            ],
      DataSnapshotTime: at,
    }));
    const figures = (await getQueueRealtime(ctx, ['a'])).byQueue.get('a');
    expect(figures?.CONTACTS_IN_QUEUE).toBe(4);
    expect(figures?.OLDEST_CONTACT_AGE).toBeNull();
    expect(figures?.AGENTS_ONLINE).toBeNull();
  });

  it('refuses a malformed response instead of showing wrong figures', async () => {
    const { ctx } = stubContext(() => ({ MetricResults: [{ Collections: 'nonsense' }] }));
    await expect(getQueueRealtime(ctx, ['a'])).rejects.toThrow(/cannot read/);
  });
});

describe('getAgentTotals', () => {
  const profileRow = (id: string, online: number | null, arnOnly = false) => ({
    Dimensions: {
      RoutingProfile: arnOnly
        ? { Arn: `arn:aws:connect:r:1:instance/instance/routing-profile/${id}` }
        : { Id: id },
    },
    Collections: [
      { Metric: { Name: 'AGENTS_ONLINE' }, Value: online },
      { Metric: { Name: 'AGENTS_AVAILABLE' }, Value: online === null ? null : 1 },
    ],
  });

  it('adds up one row per routing profile, grouped by ROUTING_PROFILE, 100 profiles a request', async () => {
    const profiles = Array.from({ length: 150 }, (_, i) => `rp${i}`);
    const { ctx, sent } = stubContext((input) => ({
      // Profile rp3 has nobody online: Connect leaves its row out. Every other has two agents online.
      MetricResults: (input.Filters.RoutingProfiles ?? [])
        .filter((id) => id !== 'rp3')
        .map((id, i) => profileRow(id, 2, i % 2 === 0)),
      DataSnapshotTime: at,
    }));
    const totals = await getAgentTotals(ctx, profiles);
    expect(totals.metrics.AGENTS_ONLINE).toBe(149 * 2);
    expect(totals.metrics.AGENTS_AVAILABLE).toBe(149);
    expect(totals.calls).toBe(2);
    expect(sent.map((s) => [s.Groupings, s.Filters.RoutingProfiles?.length, s.Filters.Queues])).toEqual([
      [['ROUTING_PROFILE'], 100, undefined],
      [['ROUTING_PROFILE'], 50, undefined],
    ]);
  });

  it('counts each profile once, from the request that named it, whatever an answer holds beside it', async () => {
    // Were Connect to answer each request for the whole instance, each chunk's answer would hold every profile:
    // a row of a profile the request did not name is not its to give.
    const profiles = Array.from({ length: 120 }, (_, i) => `rp${i}`);
    const { ctx } = stubContext(() => ({
      MetricResults: [...profiles, 'elsewhere'].map((id) => profileRow(id, 1)),
      DataSnapshotTime: at,
    }));
    expect((await getAgentTotals(ctx, profiles)).metrics.AGENTS_ONLINE).toBe(120);
    // A profile's second row in one answer would count its agents twice.
    const { ctx: twice } = stubContext((input) => ({
      MetricResults: [
        profileRow('rp0', 1),
        ...(input.Filters.RoutingProfiles ?? []).map((id) => profileRow(id, 1)),
      ],
      DataSnapshotTime: at,
    }));
    expect((await getAgentTotals(twice, profiles)).metrics.AGENTS_ONLINE).toBe(120);
  });

  it('has no total for a figure one profile has no value for, and refuses a row without its profile', async () => {
    const { ctx } = stubContext(() => ({
      MetricResults: [profileRow('a', 3), profileRow('b', null)],
      DataSnapshotTime: at,
    }));
    expect((await getAgentTotals(ctx, ['a', 'b'])).metrics.AGENTS_ONLINE).toBeNull();
    const { ctx: bare } = stubContext(() => ({
      MetricResults: [{ Collections: [{ Metric: { Name: 'AGENTS_ONLINE' }, Value: 3 }] }],
      DataSnapshotTime: at,
    }));
    await expect(getAgentTotals(bare, ['a'])).rejects.toThrow(/without its routing profile/);
  });
});

describe('OLDEST_CONTACT_AGE', () => {
  it('is seconds whether Connect sent seconds (grouped) or milliseconds (ungrouped)', () => {
    expect(oldestContactAgeSeconds(42, true)).toBe(42);
    expect(oldestContactAgeSeconds(42_500, false)).toBe(42);
    expect(oldestContactAgeSeconds(null, false)).toBeNull();
  });
});

describe('collectPages', () => {
  it('starts a pagination again when its pages come from two data snapshots, and never mixes them', async () => {
    let calls = 0;
    const pages = await collectPages('GetCurrentMetricData', async (token) => {
      calls += 1;
      // First pass: page two is from a newer snapshot. Second pass: consistent.
      const time = calls === 2 ? new Date(at.getTime() + 5000) : at;
      return token
        ? { items: [`${calls}b`], nextToken: undefined, dataSnapshotTime: time }
        : { items: [`${calls}a`], nextToken: 't', dataSnapshotTime: time };
    });
    expect(pages.items).toEqual(['3a', '4b']);
    expect(pages.calls).toBe(4);
  });

  it('gives up after one restart so a cycle fails rather than loops', async () => {
    let calls = 0;
    const run = collectPages('GetCurrentMetricData', async (token) => {
      calls += 1;
      return { items: [], nextToken: token ? undefined : 't', dataSnapshotTime: new Date(calls * 1000) };
    });
    await expect(run).rejects.toThrow(/two different data snapshots/);
  });
});
