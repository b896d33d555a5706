import {
  AccessDeniedException,
  DescribeUserCommand,
  GetCurrentMetricDataCommand,
  GetCurrentUserDataCommand,
  GetMetricDataCommand,
  GetMetricDataV2Command,
  InvalidParameterException,
  InvalidRequestException,
  ListAgentStatusesCommand,
  ListQueuesCommand,
  ListRoutingProfileQueuesCommand,
  ListUserHierarchyGroupsCommand,
  ResourceNotFoundException,
  SearchUsersCommand,
  paginateGetCurrentMetricData,
  paginateGetCurrentUserData,
  paginateGetMetricData,
  paginateGetMetricDataV2,
  paginateListQueues,
  paginateListRoutingProfiles,
  paginateListUsers,
  paginateSearchUsers,
  type ConnectClient,
  type HistoricalMetric,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { ALL_CURRENT_METRICS, clientFor, failure, valueOf } from './support.js';

// Every operation through the real SDK over HTTP, on a clock the test owns.
const start = Date.parse('2026-11-24T11:02:30Z');
let now = start;
let sim: RunningSimulator;
let client: ConnectClient;
let instanceId: string;
let queueIds: string[];

beforeAll(async () => {
  sim = await startSimulator({
    queues: 40,
    agents: 300,
    seed: 11,
    clock: () => now,
    rateLimits: { enabled: false },
  });
  client = clientFor(sim);
  instanceId = sim.instanceId;
  queueIds = sim.model.queues.map((q) => q.id);
});

afterAll(async () => {
  client?.destroy();
  await sim?.close();
});

const dayStart = Date.parse('2026-11-24T00:00:00Z');
const intervalFloor = (ms: number) => Math.floor(ms / 300_000) * 300_000;
const CONTACTS_HANDLED: HistoricalMetric = { Name: 'CONTACTS_HANDLED', Unit: 'COUNT', Statistic: 'SUM' };
const serviceLevel = (seconds: number): HistoricalMetric => ({
  Name: 'SERVICE_LEVEL',
  Unit: 'PERCENT',
  Statistic: 'AVG',
  Threshold: { Comparison: 'LT', ThresholdValue: seconds },
});

describe('configuration listings', () => {
  it('pages through every standard queue, and returns per-agent queues when no type is asked for', async () => {
    const standard: string[] = [];
    for await (const page of paginateListQueues(
      { client, pageSize: 7 },
      { InstanceId: instanceId, QueueTypes: ['STANDARD'] },
    )) {
      expect(page.QueueSummaryList?.length).toBeLessThanOrEqual(7);
      for (const q of page.QueueSummaryList ?? []) {
        expect(q).toMatchObject({
          QueueType: 'STANDARD',
          Name: expect.any(String),
          Arn: expect.stringContaining(q.Id ?? 'missing id'),
        });
        expect(q.LastModifiedTime).toBeInstanceOf(Date);
        standard.push(q.Id ?? '');
      }
    }
    expect(standard).toEqual(queueIds);
    const all = await client.send(new ListQueuesCommand({ InstanceId: instanceId, MaxResults: 1000 }));
    expect(all.QueueSummaryList).toHaveLength(40 + 300);
    expect(all.QueueSummaryList?.filter((q) => q.QueueType === 'AGENT')).toHaveLength(300);
  });

  it('lists routing profiles and the queues each one serves, with priority, delay and channel', async () => {
    const profiles = [];
    for await (const page of paginateListRoutingProfiles(
      { client, pageSize: 4 },
      { InstanceId: instanceId },
    )) {
      profiles.push(...(page.RoutingProfileSummaryList ?? []));
    }
    expect(profiles).toHaveLength(sim.model.catalog.profiles.length);
    const queues = await client.send(
      new ListRoutingProfileQueuesCommand({ InstanceId: instanceId, RoutingProfileId: profiles[0]?.Id }),
    );
    expect(queues.RoutingProfileQueueConfigSummaryList?.[0]).toMatchObject({
      QueueId: expect.any(String),
      QueueName: expect.any(String),
      Priority: 1,
      Delay: 0,
      Channel: expect.stringMatching(/^(VOICE|CHAT|TASK)$/),
    });
    const missing = await failure(() =>
      client.send(new ListRoutingProfileQueuesCommand({ InstanceId: instanceId, RoutingProfileId: 'nope' })),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists every user and describes one, and answers ResourceNotFoundException for an unknown user', async () => {
    const users = [];
    for await (const page of paginateListUsers({ client, pageSize: 100 }, { InstanceId: instanceId })) {
      users.push(...(page.UserSummaryList ?? []));
    }
    expect(users).toHaveLength(300);
    expect(new Set(users.map((u) => u.Id)).size).toBe(300);
    const { User } = await client.send(
      new DescribeUserCommand({ InstanceId: instanceId, UserId: users[3]?.Id }),
    );
    expect(User).toMatchObject({
      Id: users[3]?.Id,
      Username: users[3]?.Username,
      IdentityInfo: { FirstName: expect.any(String), LastName: expect.any(String) },
      RoutingProfileId: expect.any(String),
      HierarchyGroupId: expect.any(String),
    });
    const missing = await failure(() =>
      client.send(new DescribeUserCommand({ InstanceId: instanceId, UserId: 'no-such-user' })),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.$metadata?.httpStatusCode).toBe(404);
  });

  it('searches users 100 a page with their names, routing profile and hierarchy group (SearchUsers)', async () => {
    const users = [];
    let pages = 0;
    for await (const page of paginateSearchUsers({ client, pageSize: 100 }, { InstanceId: instanceId })) {
      pages += 1;
      expect(page.ApproximateTotalCount).toBe(300);
      users.push(...(page.Users ?? []));
    }
    expect(pages).toBe(3);
    expect(new Set(users.map((u) => u.Id)).size).toBe(300);
    // The same user as DescribeUser gives, without a call per user.
    const { User } = await client.send(
      new DescribeUserCommand({ InstanceId: instanceId, UserId: users[7]?.Id }),
    );
    expect(users[7]).toMatchObject({
      Id: User?.Id,
      Arn: User?.Arn,
      Username: User?.Username,
      IdentityInfo: { FirstName: User?.IdentityInfo?.FirstName, LastName: User?.IdentityInfo?.LastName },
      RoutingProfileId: User?.RoutingProfileId,
      HierarchyGroupId: User?.HierarchyGroupId,
    });
    // MaxResults is 1 to 100; the instance travels in the body and must exist.
    const tooMany = await failure(() =>
      client.send(new SearchUsersCommand({ InstanceId: instanceId, MaxResults: 101 })),
    );
    expect(tooMany).toBeInstanceOf(InvalidParameterException);
    const unknown = await failure(() =>
      client.send(new SearchUsersCommand({ InstanceId: '00000000-0000-4000-8000-000000000000' })),
    );
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists agent statuses, filtered by type, and the hierarchy groups', async () => {
    const all = await client.send(new ListAgentStatusesCommand({ InstanceId: instanceId }));
    expect(all.AgentStatusSummaryList?.map((s) => [s.Name, s.Type])).toEqual([
      ['Available', 'ROUTABLE'],
      ['Break', 'CUSTOM'],
      ['Lunch', 'CUSTOM'],
      ['Training', 'CUSTOM'],
      ['Offline', 'OFFLINE'],
    ]);
    const custom = await client.send(
      new ListAgentStatusesCommand({ InstanceId: instanceId, AgentStatusTypes: ['CUSTOM'] }),
    );
    expect(custom.AgentStatusSummaryList?.map((s) => s.Name)).toEqual(['Break', 'Lunch', 'Training']);
    const groups = await client.send(new ListUserHierarchyGroupsCommand({ InstanceId: instanceId }));
    expect(groups.UserHierarchyGroupSummaryList?.length).toBeGreaterThan(3);
  });
});

describe('GetCurrentMetricData', () => {
  it('pages grouped results with the paginator, every page sharing the first page snapshot time', async () => {
    const pages = [];
    const input = {
      InstanceId: instanceId,
      Filters: { Queues: queueIds },
      Groupings: ['QUEUE' as const],
      CurrentMetrics: ALL_CURRENT_METRICS,
      MaxResults: 7,
    };
    const firstNow = now;
    for await (const page of paginateGetCurrentMetricData({ client }, { ...input })) {
      pages.push(page);
      now += 20_000; // the model moves on between pages; the snapshot does not
    }
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.DataSnapshotTime?.getTime()).toBe(firstNow);
    const rows = pages.flatMap((p) => p.MetricResults ?? []);
    expect(rows.length).toBe(pages[0]?.ApproximateTotalCount);
    for (const row of rows) {
      expect(row.Dimensions?.Queue?.Arn).toContain(row.Dimensions?.Queue?.Id);
      expect(row.Collections?.map((c) => c.Metric?.Name)).toEqual(ALL_CURRENT_METRICS.map((m) => m.Name));
      expect(row.Collections?.map((c) => c.Metric?.Unit)).toEqual(ALL_CURRENT_METRICS.map((m) => m.Unit));
    }
  });

  it('groups by channel and by routing profile, and answers one summary row without a grouping', async () => {
    const byChannel = await client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: queueIds, Channels: ['VOICE', 'CHAT'] },
        Groupings: ['CHANNEL'],
        CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
      }),
    );
    expect(byChannel.MetricResults?.map((r) => r.Dimensions?.Channel)).toEqual(['VOICE', 'CHAT']);
    const profileIds = sim.model.catalog.profiles.map((p) => p.id);
    const byProfile = await client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { RoutingProfiles: profileIds },
        Groupings: ['ROUTING_PROFILE'],
        CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
      }),
    );
    for (const row of byProfile.MetricResults ?? []) {
      expect(profileIds).toContain(row.Dimensions?.RoutingProfile?.Id);
    }
    const summary = await client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: queueIds },
        CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
      }),
    );
    expect(summary.MetricResults).toHaveLength(1);
    expect(summary.MetricResults?.[0]?.Dimensions ?? {}).toEqual({});
    const perProfileSum = (byProfile.MetricResults ?? []).reduce(
      (sum, r) => sum + (valueOf(r, 'AGENTS_ONLINE') ?? 0),
      0,
    );
    expect(valueOf(summary.MetricResults?.[0], 'AGENTS_ONLINE')).toBe(perProfileSum);
  });

  it('reports OLDEST_CONTACT_AGE in milliseconds without a grouping and in seconds with one (the quirk)', async () => {
    const waitingQueue = sim.model.queues.find((q) => q.waiting.length > 0);
    expect(waitingQueue, 'a queue with contacts waiting').toBeDefined();
    const ask = (groupings: 'QUEUE'[]) =>
      client.send(
        new GetCurrentMetricDataCommand({
          InstanceId: instanceId,
          Filters: { Queues: [waitingQueue?.id ?? ''] },
          Groupings: groupings,
          CurrentMetrics: [{ Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' }],
        }),
      );
    const oldest = now - (waitingQueue?.waiting[0]?.enqueuedAt ?? now);
    const [grouped, ungrouped] = [await ask(['QUEUE']), await ask([])];
    expect(valueOf(grouped.MetricResults?.[0], 'OLDEST_CONTACT_AGE')).toBe(Math.floor(oldest / 1000));
    expect(valueOf(ungrouped.MetricResults?.[0], 'OLDEST_CONTACT_AGE')).toBe(Math.round(oldest));
  });

  it('leaves out queues with nothing to report: no contact in queue and no agent online', async () => {
    const night = await startSimulator({
      queues: 40,
      agents: 300,
      seed: 11,
      clock: () => Date.parse('2026-11-24T03:00:00Z'),
      rateLimits: { enabled: false },
    });
    const nightClient = clientFor(night);
    try {
      const result = await nightClient.send(
        new GetCurrentMetricDataCommand({
          InstanceId: night.instanceId,
          Filters: { Queues: night.model.queues.map((q) => q.id) },
          Groupings: ['QUEUE'],
          CurrentMetrics: [
            { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
            { Name: 'AGENTS_ONLINE', Unit: 'COUNT' },
          ],
        }),
      );
      const returned = new Set(result.MetricResults?.map((r) => r.Dimensions?.Queue?.Id));
      const figures = night.model.figures(Date.parse('2026-11-24T03:00:00Z'));
      const idle = night.model.queues.filter((q) => {
        const f = figures.queues.get(q.id);
        return f?.CONTACTS_IN_QUEUE === 0 && f.AGENTS_ONLINE === 0;
      });
      expect(idle.length).toBeGreaterThan(0);
      for (const queue of night.model.queues) expect(returned.has(queue.id)).toBe(!idle.includes(queue));
    } finally {
      nightClient.destroy();
      await night.close();
    }
  });
});

describe('GetCurrentUserData', () => {
  it('pages the logged-in agents of some queues, with status, slots and contacts', async () => {
    const rows = [];
    for await (const page of paginateGetCurrentUserData(
      { client },
      { InstanceId: instanceId, Filters: { Queues: queueIds.slice(0, 8) }, MaxResults: 10 },
    )) {
      rows.push(...(page.UserDataList ?? []));
    }
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.User?.Id).toEqual(expect.any(String));
      expect(row.Status?.StatusName).not.toBe('Offline');
      expect(row.Status?.StatusStartTimestamp).toBeInstanceOf(Date);
      expect(row.MaxSlotsByChannel).toEqual({ VOICE: 1, CHAT: 3, TASK: 2 });
      expect(row.HierarchyPath?.LevelOne?.Id).toEqual(expect.any(String));
    }
    const withContact = rows.find((r) => (r.Contacts?.length ?? 0) > 0);
    expect(withContact?.Contacts?.[0]).toMatchObject({
      ContactId: expect.any(String),
      Channel: expect.stringMatching(/^(VOICE|CHAT|TASK)$/),
      AgentContactState: expect.any(String),
      Queue: { Id: expect.any(String) },
    });
  });

  it('filters by agents, by routing profile and by contact state', async () => {
    const online = sim.model.agents.filter((a) => a.statusIndex !== 4).slice(0, 3);
    const byAgents = await client.send(
      new GetCurrentUserDataCommand({
        InstanceId: instanceId,
        Filters: { Agents: online.map((a) => a.arn) },
      }),
    );
    expect(byAgents.UserDataList?.map((u) => u.User?.Id)).toEqual(online.map((a) => a.id));
    const profile = sim.model.catalog.profiles[0];
    const byProfile = await client.send(
      new GetCurrentUserDataCommand({
        InstanceId: instanceId,
        Filters: { RoutingProfiles: [profile?.id ?? ''] },
      }),
    );
    for (const row of byProfile.UserDataList ?? []) expect(row.RoutingProfile?.Id).toBe(profile?.id);
    const connected = await client.send(
      new GetCurrentUserDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: queueIds.slice(0, 20), ContactFilter: { ContactStates: ['CONNECTED'] } },
      }),
    );
    for (const row of connected.UserDataList ?? []) {
      expect(row.Contacts?.some((c) => c.AgentContactState === 'CONNECTED')).toBe(true);
    }
  });
});

describe('GetMetricData and GetMetricDataV2', () => {
  it('aggregates 5-minute intervals per queue and channel, with service levels per threshold', async () => {
    const rows = [];
    for await (const page of paginateGetMetricData(
      { client },
      {
        InstanceId: instanceId,
        StartTime: new Date(dayStart),
        EndTime: new Date(intervalFloor(now)),
        Filters: { Queues: queueIds, Channels: ['VOICE'] },
        Groupings: ['QUEUE', 'CHANNEL'],
        HistoricalMetrics: [
          CONTACTS_HANDLED,
          serviceLevel(20),
          serviceLevel(3600),
          { Name: 'QUEUE_ANSWER_TIME', Unit: 'SECONDS', Statistic: 'AVG' },
        ],
        MaxResults: 9,
      },
    )) {
      rows.push(...(page.MetricResults ?? []));
    }
    expect(rows.length).toBeGreaterThan(9);
    for (const row of rows) {
      expect(row.Dimensions?.Channel).toBe('VOICE');
      const [handled, sl20, sl3600] = row.Collections?.map((c) => c.Value) ?? [];
      expect(handled).toBeGreaterThan(0);
      expect(sl20).toBeLessThanOrEqual(sl3600 ?? 0);
      expect(row.Collections?.[1]?.Metric?.Threshold).toEqual({ Comparison: 'LT', ThresholdValue: 20 });
    }
  });

  it('serves an hourly series with GetMetricDataV2 and its paginator', async () => {
    const rows = [];
    for await (const page of paginateGetMetricDataV2(
      { client },
      {
        ResourceArn: sim.model.instanceArn,
        StartTime: new Date(dayStart),
        EndTime: new Date(intervalFloor(now)),
        Interval: { IntervalPeriod: 'HOUR', TimeZone: 'UTC' },
        Filters: [{ FilterKey: 'QUEUE', FilterValues: queueIds.slice(0, 3) }],
        Groupings: ['QUEUE'],
        Metrics: [
          { Name: 'CONTACTS_HANDLED' },
          { Name: 'SERVICE_LEVEL', Threshold: [{ Comparison: 'LT', ThresholdValue: 30 }] },
          { Name: 'ABANDONMENT_RATE' },
        ],
        MaxResults: 5,
      },
    )) {
      rows.push(...(page.MetricResults ?? []));
    }
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      expect(queueIds.slice(0, 3)).toContain(row.Dimensions?.QUEUE);
      expect(row.MetricInterval?.Interval).toBe('HOUR');
      const span =
        (row.MetricInterval?.EndTime?.getTime() ?? 0) - (row.MetricInterval?.StartTime?.getTime() ?? 0);
      expect(span).toBeLessThanOrEqual(3_600_000);
    }
  });
});

describe('more of the surface', () => {
  it('sorts grouped current metrics by a requested metric', async () => {
    const response = await client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: queueIds },
        Groupings: ['QUEUE'],
        CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
        SortCriteria: [{ SortByMetric: 'AGENTS_ONLINE', SortOrder: 'DESCENDING' }],
      }),
    );
    const values = response.MetricResults?.map((r) => valueOf(r, 'AGENTS_ONLINE') ?? 0) ?? [];
    expect(values.length).toBeGreaterThan(1);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it('filters user data by a hierarchy group: a site holds its teams', async () => {
    const { catalog } = sim.model;
    const site = catalog.groups.find((g) => g.levelId === '1');
    const response = await client.send(
      new GetCurrentUserDataCommand({
        InstanceId: instanceId,
        Filters: { UserHierarchyGroups: [site?.id ?? ''] },
      }),
    );
    expect(response.UserDataList?.length).toBeGreaterThan(0);
    for (const row of response.UserDataList ?? []) expect(row.HierarchyPath?.LevelOne?.Id).toBe(site?.id);
  });

  it('buckets GetMetricDataV2 by day from midnight in the asked time zone', async () => {
    const response = await client.send(
      new GetMetricDataV2Command({
        ResourceArn: sim.model.instanceArn,
        StartTime: new Date(Date.parse('2026-11-23T05:00:00Z')),
        EndTime: new Date(intervalFloor(now)),
        Interval: { IntervalPeriod: 'DAY', TimeZone: 'America/New_York' },
        Filters: [{ FilterKey: 'QUEUE', FilterValues: queueIds }],
        Metrics: [{ Name: 'CONTACTS_HANDLED' }],
      }),
    );
    const starts = response.MetricResults?.map((r) => r.MetricInterval?.StartTime?.toISOString());
    expect(starts).toEqual(['2026-11-23T05:00:00.000Z', '2026-11-24T05:00:00.000Z']);
  });

  it('starts the simulated day at a given local time of day', async () => {
    const wall = Date.parse('2026-11-24T19:40:00Z');
    const morning = await startSimulator({
      queues: 4,
      agents: 10,
      timeOfDay: '10:15',
      timeZone: 'Europe/Paris',
      wallClock: () => wall,
    });
    try {
      // 10:15 in Paris (UTC+1 in November), today.
      expect(morning.model.now).toBe(Date.parse('2026-11-24T09:15:00Z'));
      await expect(startSimulator({ timeOfDay: '25:00' })).rejects.toThrow(/HH:MM/);
    } finally {
      await morning.close();
    }
  });

  it('runs simulated time faster than real time at a speed', async () => {
    let wall = Date.parse('2026-11-24T09:00:00Z');
    const fast = await startSimulator({ queues: 4, agents: 10, speed: 60, wallClock: () => wall });
    try {
      expect(fast.model.now).toBe(wall);
      wall += 1000; // one real second is a simulated minute
      const response = await fetch(`${fast.endpoint}/_sim/figures`);
      const body = (await response.json()) as { at: string };
      expect(body.at).toBe('2026-11-24T09:01:00.000Z');
    } finally {
      await fast.close();
    }
  });
});

describe('validation, as the service does it', () => {
  const current = (extra: object) =>
    client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: queueIds.slice(0, 2) },
        CurrentMetrics: [{ Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' }],
        ...extra,
      }),
    );
  const historical = (extra: object) =>
    client.send(
      new GetMetricDataCommand({
        InstanceId: instanceId,
        StartTime: new Date(dayStart),
        EndTime: new Date(intervalFloor(now)),
        Filters: { Queues: queueIds.slice(0, 2) },
        HistoricalMetrics: [CONTACTS_HANDLED],
        ...extra,
      }),
    );

  const invalidParameter: [string, () => Promise<unknown>][] = [
    [
      'ListQueues MaxResults 0',
      () => client.send(new ListQueuesCommand({ InstanceId: instanceId, MaxResults: 0 })),
    ],
    [
      'ListQueues MaxResults 1001',
      () => client.send(new ListQueuesCommand({ InstanceId: instanceId, MaxResults: 1001 })),
    ],
    [
      'ListQueues with an unknown queue type',
      () =>
        client.send(new ListQueuesCommand({ InstanceId: instanceId, QueueTypes: ['SPECIAL' as 'STANDARD'] })),
    ],
    ['GetCurrentMetricData MaxResults 101', () => current({ MaxResults: 101 })],
    [
      '101 queues in a filter',
      () => current({ Filters: { Queues: Array.from({ length: 101 }, (_, i) => `q${i}`) } }),
    ],
    [
      'an unknown metric name',
      () => current({ CurrentMetrics: [{ Name: 'CONTACTS_WAITING', Unit: 'COUNT' }] }),
    ],
    ['a wrong unit', () => current({ CurrentMetrics: [{ Name: 'OLDEST_CONTACT_AGE', Unit: 'COUNT' }] })],
    ['no metrics', () => current({ CurrentMetrics: [] })],
    [
      'queue and routing-profile filters together',
      () =>
        current({
          Filters: { Queues: queueIds.slice(0, 1), RoutingProfiles: [sim.model.catalog.profiles[0]?.id] },
        }),
    ],
    ['an unsupported grouping', () => current({ Groupings: ['AGENT'] })],
    ['more than two groupings', () => current({ Groupings: ['QUEUE', 'CHANNEL', 'ROUTING_PROFILE'] })],
    [
      'user data with two filters',
      () =>
        client.send(
          new GetCurrentUserDataCommand({
            InstanceId: instanceId,
            Filters: { Queues: queueIds.slice(0, 1), Agents: [sim.model.agents[0]?.id ?? ''] },
          }),
        ),
    ],
    [
      'user data with no filter',
      () => client.send(new GetCurrentUserDataCommand({ InstanceId: instanceId, Filters: {} })),
    ],
    ['StartTime off a 5-minute boundary', () => historical({ StartTime: new Date(dayStart + 60_000) })],
    ['EndTime not after StartTime', () => historical({ EndTime: new Date(dayStart) })],
    [
      'a range over 24 hours',
      () =>
        historical({
          StartTime: new Date(intervalFloor(now) - 86_700_000),
          EndTime: new Date(intervalFloor(now)),
        }),
    ],
    [
      'StartTime over 24 hours ago',
      () =>
        historical({
          StartTime: new Date(intervalFloor(now) - 90_000_000),
          EndTime: new Date(intervalFloor(now) - 86_400_000),
        }),
    ],
    [
      'a wrong statistic',
      () => historical({ HistoricalMetrics: [{ ...CONTACTS_HANDLED, Statistic: 'AVG' }] }),
    ],
    [
      'SERVICE_LEVEL without a threshold',
      () => historical({ HistoricalMetrics: [{ ...serviceLevel(20), Threshold: undefined }] }),
    ],
    ['SERVICE_LEVEL threshold 0', () => historical({ HistoricalMetrics: [serviceLevel(0)] })],
    ['SERVICE_LEVEL threshold over a week', () => historical({ HistoricalMetrics: [serviceLevel(604_801)] })],
    [
      'SERVICE_LEVEL compared GT',
      () =>
        historical({
          HistoricalMetrics: [{ ...serviceLevel(20), Threshold: { Comparison: 'GT', ThresholdValue: 20 } }],
        }),
    ],
    [
      '21 SERVICE_LEVEL metrics',
      () => historical({ HistoricalMetrics: Array.from({ length: 21 }, (_, i) => serviceLevel(i + 1)) }),
    ],
    [
      'a V2 metric that needs a threshold without one',
      () =>
        client.send(
          new GetMetricDataV2Command({
            ResourceArn: sim.model.instanceArn,
            StartTime: new Date(dayStart),
            EndTime: new Date(intervalFloor(now)),
            Filters: [{ FilterKey: 'QUEUE', FilterValues: queueIds.slice(0, 1) }],
            Metrics: [{ Name: 'SERVICE_LEVEL' }],
          }),
        ),
    ],
  ];

  it.each(invalidParameter)('answers InvalidParameterException (400) for %s', async (_name, call) => {
    const error = await failure(call);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('answers ResourceNotFoundException (404) for an unknown instance, by path or by ARN', async () => {
    const byPath = await failure(() =>
      client.send(new ListQueuesCommand({ InstanceId: '00000000-0000-4000-8000-000000000000' })),
    );
    expect(byPath).toBeInstanceOf(ResourceNotFoundException);
    expect(byPath.$metadata?.httpStatusCode).toBe(404);
    const byArn = await failure(() =>
      client.send(
        new GetMetricDataV2Command({
          ResourceArn: sim.model.instanceArn.replace(instanceId, '00000000-0000-4000-8000-000000000000'),
          StartTime: new Date(dayStart),
          EndTime: new Date(intervalFloor(now)),
          Filters: [{ FilterKey: 'QUEUE', FilterValues: queueIds.slice(0, 1) }],
          Metrics: [{ Name: 'CONTACTS_HANDLED' }],
        }),
      ),
    );
    expect(byArn).toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers 403 to a request without a SigV4 Authorization header', async () => {
    const response = await fetch(`${sim.endpoint}/queues-summary/${instanceId}`);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    const signedElsewhere = await failure(() =>
      fetch(`${sim.endpoint}/queues-summary/${instanceId}`, { headers: { authorization: 'Bearer x' } }).then(
        async (r) => {
          if (r.status === 403) throw new AccessDeniedException({ message: await r.text(), $metadata: {} });
        },
      ),
    );
    expect(signedElsewhere).toBeInstanceOf(AccessDeniedException);
  });
});

describe('pagination tokens', () => {
  const firstPage = () =>
    client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: queueIds },
        Groupings: ['QUEUE'],
        CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
        MaxResults: 5,
      }),
    );

  it('refuses a token more than 5 minutes old, and accepts one just under', async () => {
    const first = await firstPage();
    expect(first.NextToken).toEqual(expect.any(String));
    now += 299_000;
    const second = await client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: queueIds },
        Groupings: ['QUEUE'],
        CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
        MaxResults: 5,
        NextToken: first.NextToken,
      }),
    );
    expect(second.DataSnapshotTime).toEqual(first.DataSnapshotTime);
    now += 302_000;
    const expired = await failure(() =>
      client.send(
        new GetCurrentMetricDataCommand({
          InstanceId: instanceId,
          Filters: { Queues: queueIds },
          Groupings: ['QUEUE'],
          CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
          MaxResults: 5,
          NextToken: second.NextToken,
        }),
      ),
    );
    expect(expired).toBeInstanceOf(InvalidRequestException);
    expect(expired.message).toMatch(/expired/);
  });

  it('refuses a token reused with other parameters', async () => {
    const first = await firstPage();
    const reused = await failure(() =>
      client.send(
        new GetCurrentMetricDataCommand({
          InstanceId: instanceId,
          Filters: { Queues: queueIds.slice(0, 30) },
          Groupings: ['QUEUE'],
          CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
          MaxResults: 5,
          NextToken: first.NextToken,
        }),
      ),
    );
    expect(reused).toBeInstanceOf(InvalidParameterException);
  });
});
