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
import { CURRENT_METRICS_BUT_ESTIMATE, clientFor, failure, valueOf } from './support.js';

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
      Channel: expect.stringMatching(/^(VOICE|CHAT|TASK|EMAIL)$/),
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

  it('searches users up to 500 a page with their names, routing profile and hierarchy group (SearchUsers)', async () => {
    const users = [];
    let pages = 0;
    for await (const page of paginateSearchUsers({ client, pageSize: 100 }, { InstanceId: instanceId })) {
      pages += 1;
      expect(page.ApproximateTotalCount).toBe(300);
      users.push(...(page.Users ?? []));
    }
    expect(pages).toBe(3);
    expect(new Set(users.map((u) => u.Id)).size).toBe(300);
    // 500 a page at most: all 300 in one; left out, 100.
    const whole = await client.send(new SearchUsersCommand({ InstanceId: instanceId, MaxResults: 500 }));
    expect([whole.Users?.length, whole.NextToken]).toEqual([300, undefined]);
    const unsized = await client.send(new SearchUsersCommand({ InstanceId: instanceId }));
    expect(unsized.Users).toHaveLength(100);
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
    // MaxResults is 1 to 500; the instance travels in the body and must exist.
    const tooMany = await failure(() =>
      client.send(new SearchUsersCommand({ InstanceId: instanceId, MaxResults: 501 })),
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
      CurrentMetrics: CURRENT_METRICS_BUT_ESTIMATE,
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
      expect(row.Collections?.map((c) => c.Metric?.Name)).toEqual(
        CURRENT_METRICS_BUT_ESTIMATE.map((m) => m.Name),
      );
      expect(row.Collections?.map((c) => c.Metric?.Unit)).toEqual(
        CURRENT_METRICS_BUT_ESTIMATE.map((m) => m.Unit),
      );
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
    // The understaffed centre's night: its night shift does not reach every team, so some queues have no one.
    const night = await startSimulator({
      queues: 40,
      agents: 300,
      seed: 11,
      staffing: 'understaffed',
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

describe('ESTIMATED_WAIT_TIME, only in its core routing combination', () => {
  const ESTIMATE = { Name: 'ESTIMATED_WAIT_TIME', Unit: 'SECONDS' } as const;
  const estimate = (request: { Filters: object; Groupings?: ('QUEUE' | 'CHANNEL' | 'ROUTING_PROFILE')[] }) =>
    client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        CurrentMetrics: [{ Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' }, ESTIMATE],
        ...request,
      }),
    );
  const allChannels = ['VOICE', 'CHAT', 'TASK'] as const;

  it('answers per queue and channel when filtered by Queues and Channels and grouped by QUEUE then CHANNEL', async () => {
    const response = await estimate({
      Filters: { Queues: queueIds, Channels: [...allChannels] },
      Groupings: ['QUEUE', 'CHANNEL'],
    });
    const figures = sim.model.figures(now);
    const rows = response.MetricResults ?? [];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.Dimensions?.Channel).toBeDefined();
      const own = figures.queues.get(row.Dimensions?.Queue?.Id ?? '');
      expect(valueOf(row, 'ESTIMATED_WAIT_TIME')).toBe(own?.ESTIMATED_WAIT_TIME ?? null);
    }
    expect(rows.some((row) => valueOf(row, 'ESTIMATED_WAIT_TIME') !== null)).toBe(true);
  });

  // Built when the test runs: the queue ids exist only once the simulator has started.
  type EstimateRequest = Parameters<typeof estimate>[0];
  const refused: [string, () => EstimateRequest][] = [
    ['without a grouping', () => ({ Filters: { Queues: queueIds, Channels: [...allChannels] } })],
    ['grouped by QUEUE alone', () => ({ Filters: { Queues: queueIds }, Groupings: ['QUEUE'] })],
    [
      'grouped by QUEUE alone, even with a Channels filter',
      () => ({ Filters: { Queues: queueIds, Channels: [...allChannels] }, Groupings: ['QUEUE'] }),
    ],
    [
      'grouped by QUEUE and CHANNEL without a Channels filter',
      () => ({ Filters: { Queues: queueIds }, Groupings: ['QUEUE', 'CHANNEL'] }),
    ],
    [
      'grouped by CHANNEL then QUEUE',
      () => ({ Filters: { Queues: queueIds, Channels: [...allChannels] }, Groupings: ['CHANNEL', 'QUEUE'] }),
    ],
    [
      'grouped by CHANNEL alone',
      () => ({ Filters: { Queues: queueIds, Channels: [...allChannels] }, Groupings: ['CHANNEL'] }),
    ],
    [
      'filtered and grouped by routing profile',
      () => ({
        Filters: { RoutingProfiles: sim.model.catalog.profiles.map((p) => p.id) },
        Groupings: ['ROUTING_PROFILE'],
      }),
    ],
  ];

  it.each(refused)(
    'answers InvalidParameterException (400) naming the documented combination when asked %s',
    async (_name, request) => {
      const error = await failure(() => estimate(request()));
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect(error.$metadata?.httpStatusCode).toBe(400);
      expect(error.message).toMatch(/ESTIMATED_WAIT_TIME.*Queues and Channels.*\[QUEUE, CHANNEL\]/);
    },
  );

  it('still answers the other metrics in any combination without the estimate', async () => {
    const response = await client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: queueIds },
        Groupings: ['QUEUE'],
        CurrentMetrics: [{ Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' }],
      }),
    );
    expect(response.MetricResults?.length).toBeGreaterThan(0);
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
      expect(row.MaxSlotsByChannel).toEqual({ VOICE: 1, CHAT: 3, TASK: 2, EMAIL: 2 });
      expect(row.HierarchyPath?.LevelOne?.Id).toEqual(expect.any(String));
    }
    const withContact = rows.find((r) => (r.Contacts?.length ?? 0) > 0);
    expect(withContact?.Contacts?.[0]).toMatchObject({
      ContactId: expect.any(String),
      Channel: expect.stringMatching(/^(VOICE|CHAT|TASK|EMAIL)$/),
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

describe('contacts handled that were not answered from a queue', () => {
  const count = (Name: string): HistoricalMetric =>
    ({ Name, Unit: 'COUNT', Statistic: 'SUM' }) as HistoricalMetric;
  const QUEUE_ANSWER_TIME: HistoricalMetric = {
    Name: 'QUEUE_ANSWER_TIME',
    Unit: 'SECONDS',
    Statistic: 'AVG',
  };
  const metrics = [
    CONTACTS_HANDLED,
    count('CONTACTS_HANDLED_INCOMING'),
    count('CONTACTS_HANDLED_OUTBOUND'),
    count('CALLBACK_CONTACTS_HANDLED'),
    count('API_CONTACTS_HANDLED'),
    count('CONTACTS_TRANSFERRED_IN'),
    count('CONTACTS_TRANSFERRED_OUT'),
    QUEUE_ANSWER_TIME,
  ];
  const ask = (groupings: 'QUEUE'[]) =>
    client.send(
      new GetMetricDataCommand({
        InstanceId: instanceId,
        StartTime: new Date(dayStart),
        EndTime: new Date(intervalFloor(now)),
        Filters: { Queues: queueIds },
        Groupings: groupings,
        HistoricalMetrics: metrics,
        MaxResults: 100,
      }),
    );

  it('counts outbound and transferred contacts in CONTACTS_HANDLED, and averages QUEUE_ANSWER_TIME only over contacts answered from a queue', async () => {
    const [byQueue, whole] = [await ask(['QUEUE']), await ask([])];
    const rows = byQueue.MetricResults ?? [];
    const sum = (name: string) => rows.reduce((total, row) => total + (valueOf(row, name) ?? 0), 0);
    expect(sum('CONTACTS_HANDLED_OUTBOUND')).toBeGreaterThan(0);
    expect(sum('CONTACTS_TRANSFERRED_OUT')).toBeGreaterThan(0);
    // A transfer leaves one queue as it enters another.
    expect(sum('CONTACTS_TRANSFERRED_IN')).toBe(sum('CONTACTS_TRANSFERRED_OUT'));
    const answeredFromQueue = (row: (typeof rows)[number]) =>
      (valueOf(row, 'CONTACTS_HANDLED_INCOMING') ?? 0) +
      (valueOf(row, 'CALLBACK_CONTACTS_HANDLED') ?? 0) +
      (valueOf(row, 'API_CONTACTS_HANDLED') ?? 0);
    for (const row of rows) {
      expect(valueOf(row, 'CONTACTS_HANDLED')).toBe(
        answeredFromQueue(row) + (valueOf(row, 'CONTACTS_HANDLED_OUTBOUND') ?? 0),
      );
    }
    const weighted = (weight: (row: (typeof rows)[number]) => number) => {
      let seconds = 0;
      let contacts = 0;
      for (const row of rows) {
        const average = valueOf(row, 'QUEUE_ANSWER_TIME');
        if (average === null) continue;
        seconds += average * weight(row);
        contacts += weight(row);
      }
      return seconds / contacts;
    };
    const instance = valueOf(whole.MetricResults?.[0], 'QUEUE_ANSWER_TIME') ?? Number.NaN;
    expect(weighted(answeredFromQueue)).toBeCloseTo(instance, 6);
    // Weighted by every contact handled, outbound calls pull the centre's figure towards the outbound queues.
    const byHandled = weighted((row) => valueOf(row, 'CONTACTS_HANDLED') ?? 0);
    expect(Math.abs(byHandled - instance)).toBeGreaterThan(0.1);
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

  it('shifts the day to a given local time of day, while every timestamp it hands out stays real time', async () => {
    // 03:40 in Paris (UTC+1 in November): a quiet night, made a busy 10:15 for a demo.
    const wall = Date.parse('2026-11-24T02:40:00Z');
    const options = { queues: 6, agents: 60, seed: 3, timeZone: 'Europe/Paris', wallClock: () => wall };
    const morning = await startSimulator({ ...options, timeOfDay: '10:15' });
    const night = await startSimulator(options);
    const morningClient = clientFor(morning);
    try {
      // Connect's timestamps are real time: so are the simulator's, whatever hour its curve shows.
      expect(morning.now()).toBe(wall);
      const ids = morning.model.queues.map((q) => q.id);
      const current = await morningClient.send(
        new GetCurrentMetricDataCommand({
          InstanceId: morning.instanceId,
          Filters: { Queues: ids },
          CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
        }),
      );
      expect(current.DataSnapshotTime?.getTime()).toBe(wall);
      const users = await morningClient.send(
        new GetCurrentUserDataCommand({ InstanceId: morning.instanceId, Filters: { Queues: ids } }),
      );
      const stamps = (users.UserDataList ?? []).flatMap((user) => [
        user.Status?.StatusStartTimestamp?.getTime(),
        ...(user.Contacts ?? []).flatMap((c) => [
          c.StateStartTimestamp?.getTime(),
          c.ConnectedToAgentTimestamp?.getTime(),
        ]),
      ]);
      expect(stamps.length).toBeGreaterThan(10);
      for (const stamp of stamps.filter((t) => t !== undefined)) expect(stamp).toBeLessThanOrEqual(wall);
      // The curve is the chosen hour's: far more agents on shift and contacts today than in the real night.
      const online = (sim: RunningSimulator) => sim.model.figures(wall).instance.AGENTS_ONLINE ?? 0;
      expect(online(morning)).toBeGreaterThan(2 * online(night));
      expect(online(morning)).toBeGreaterThan(20);
      // "Today" is the real local day: from Paris midnight to the last 5-minute boundary, in one valid range.
      const today = await morningClient.send(
        new GetMetricDataCommand({
          InstanceId: morning.instanceId,
          StartTime: new Date(Date.parse('2026-11-23T23:00:00Z')),
          EndTime: new Date(intervalFloor(wall)),
          Filters: { Queues: ids },
          HistoricalMetrics: [{ Name: 'CONTACTS_QUEUED', Unit: 'COUNT', Statistic: 'SUM' }],
        }),
      );
      expect(valueOf(today.MetricResults?.[0], 'CONTACTS_QUEUED')).toBeGreaterThan(0);
      await expect(startSimulator({ timeOfDay: '25:00' })).rejects.toThrow(/HH:MM/);
    } finally {
      morningClient.destroy();
      await morning.close();
      await night.close();
    }
  });

  it('buckets GetMetricDataV2 days from 01:00 on a day that had no midnight', async () => {
    // Santiago moved its clocks from 00:00 to 01:00 on 7 September 2025.
    const santiago = await startSimulator({
      queues: 4,
      agents: 20,
      seed: 4,
      timeZone: 'America/Santiago',
      clock: () => Date.parse('2025-09-08T15:00:00Z'),
      rateLimits: { enabled: false },
    });
    const santiagoClient = clientFor(santiago);
    try {
      const response = await santiagoClient.send(
        new GetMetricDataV2Command({
          ResourceArn: santiago.model.instanceArn,
          StartTime: new Date(Date.parse('2025-09-06T04:00:00Z')),
          EndTime: new Date(Date.parse('2025-09-08T15:00:00Z')),
          Interval: { IntervalPeriod: 'DAY', TimeZone: 'America/Santiago' },
          Filters: [{ FilterKey: 'QUEUE', FilterValues: santiago.model.queues.map((q) => q.id) }],
          Metrics: [{ Name: 'CONTACTS_HANDLED' }],
        }),
      );
      const days = response.MetricResults?.map((r) => [
        r.MetricInterval?.StartTime?.toISOString(),
        r.MetricInterval?.EndTime?.toISOString(),
      ]);
      expect(days).toEqual([
        ['2025-09-06T04:00:00.000Z', '2025-09-07T04:00:00.000Z'],
        ['2025-09-07T04:00:00.000Z', '2025-09-08T03:00:00.000Z'],
        ['2025-09-08T03:00:00.000Z', '2025-09-08T15:00:00.000Z'],
      ]);
    } finally {
      santiagoClient.destroy();
      await santiago.close();
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

describe('a speed that is not a whole number', () => {
  it('keeps the clock in whole milliseconds, and answers for today and its intervals', async () => {
    let wall = Date.parse('2026-11-24T09:07:00Z');
    const slow = await startSimulator({
      queues: 2,
      agents: 6,
      seed: 5,
      speed: 1.5,
      timeZone: 'UTC',
      wallClock: () => wall,
      rateLimits: { enabled: false },
    });
    const slowClient = clientFor(slow);
    try {
      wall += 333; // half a millisecond over 499 simulated ones
      expect(Number.isInteger(slow.now())).toBe(true);
      expect(Number.isInteger(slow.model.now)).toBe(true);
      const queues = slow.model.queues.map((queue) => queue.id);
      const today = await slowClient.send(
        new GetMetricDataCommand({
          InstanceId: slow.model.instanceId,
          StartTime: new Date('2026-11-24T00:00:00Z'),
          EndTime: new Date('2026-11-24T09:05:00Z'),
          Filters: { Queues: queues },
          HistoricalMetrics: [CONTACTS_HANDLED],
        }),
      );
      expect(today.MetricResults).toBeDefined();
      const intervals = await slowClient.send(
        new GetMetricDataV2Command({
          ResourceArn: slow.model.instanceArn,
          StartTime: new Date('2026-11-24T08:00:00Z'),
          EndTime: new Date('2026-11-24T09:00:00Z'),
          Interval: { IntervalPeriod: 'THIRTY_MIN', TimeZone: 'UTC' },
          Filters: [{ FilterKey: 'QUEUE', FilterValues: queues }],
          Metrics: [{ Name: 'CONTACTS_HANDLED' }],
        }),
      );
      expect(intervals.MetricResults).toBeDefined();
    } finally {
      slowClient.destroy();
      await slow.close();
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
    // Filters' Queues and RoutingProfiles take 1 to 100 values (the service model's "min": 1): an empty list is
    // no filter Connect takes, whatever stands beside it.
    [
      'current figures with an empty list of queues beside routing profiles',
      () =>
        current({
          Filters: { Queues: [], RoutingProfiles: [sim.model.catalog.profiles[0]?.id ?? ''] },
          Groupings: ['ROUTING_PROFILE'],
          CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
        }),
    ],
    [
      'historical figures with an empty list of queues beside a channel',
      () => historical({ Filters: { Queues: [], Channels: ['VOICE'] } }),
    ],
    // GetCurrentMetricData and GetMetricData document their Channels filter for VOICE, CHAT and TASK only.
    [
      'GetCurrentMetricData Channels EMAIL',
      () =>
        current({
          Filters: { Queues: queueIds.slice(0, 2), Channels: ['VOICE', 'EMAIL'] },
          Groupings: ['QUEUE', 'CHANNEL'],
        }),
    ],
    [
      'GetMetricData Channels EMAIL',
      () => historical({ Filters: { Queues: queueIds.slice(0, 2), Channels: ['EMAIL'] } }),
    ],
    [
      'ListQueues MaxResults 0',
      () => client.send(new ListQueuesCommand({ InstanceId: instanceId, MaxResults: 0 })),
    ],
    [
      'ListQueues MaxResults 1001',
      () => client.send(new ListQueuesCommand({ InstanceId: instanceId, MaxResults: 1001 })),
    ],
    // QueueTypes: "Array Members: Maximum number of 2 items"; AgentStatusTypes: "Maximum number of 3 items".
    [
      'ListQueues with three queue types',
      () =>
        client.send(
          new ListQueuesCommand({ InstanceId: instanceId, QueueTypes: ['STANDARD', 'STANDARD', 'AGENT'] }),
        ),
    ],
    [
      'ListAgentStatuses with four status types',
      () =>
        client.send(
          new ListAgentStatusesCommand({
            InstanceId: instanceId,
            AgentStatusTypes: ['ROUTABLE', 'CUSTOM', 'OFFLINE', 'CUSTOM'],
          }),
        ),
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
    // Grouped by ROUTING_PROFILE, CONTACTS_IN_QUEUE (and CONTACTS_SCHEDULED, OLDEST_CONTACT_AGE) need a
    // routing-profile filter; a queue filter is not enough.
    [
      'CONTACTS_IN_QUEUE by routing profile, filtered by queue',
      () => current({ Groupings: ['ROUTING_PROFILE'] }),
    ],
    // "Sorting on SLOTS_ACTIVE and SLOTS_AVAILABLE is not supported."
    [
      'sorting on SLOTS_AVAILABLE',
      () =>
        current({
          CurrentMetrics: [{ Name: 'SLOTS_AVAILABLE', Unit: 'COUNT' }],
          SortCriteria: [{ SortByMetric: 'SLOTS_AVAILABLE', SortOrder: 'DESCENDING' }],
        }),
    ],
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
    // UserDataFilters: Agents, Queues and RoutingProfiles take 1 to 100 values, UserHierarchyGroups exactly 1.
    [
      'user data filtered by an empty list of routing profiles',
      () =>
        client.send(
          new GetCurrentUserDataCommand({ InstanceId: instanceId, Filters: { RoutingProfiles: [] } }),
        ),
    ],
    [
      'user data with an empty list beside a filter',
      () =>
        client.send(
          new GetCurrentUserDataCommand({
            InstanceId: instanceId,
            Filters: { Queues: [], RoutingProfiles: [sim.model.catalog.profiles[0]?.id ?? ''] },
          }),
        ),
    ],
    [
      'user data filtered by two hierarchy groups',
      () =>
        client.send(
          new GetCurrentUserDataCommand({
            InstanceId: instanceId,
            Filters: { UserHierarchyGroups: sim.model.catalog.groups.slice(0, 2).map((g) => g.id) },
          }),
        ),
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

  it('refuses a GetMetricData range of exactly 24 hours: it must be less', async () => {
    const saved = now;
    now = intervalFloor(now);
    try {
      const error = await failure(() =>
        historical({ StartTime: new Date(now - 86_400_000), EndTime: new Date(now) }),
      );
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect(error.message).toMatch(/less than 24 hours/);
      // Five minutes less is a valid range.
      const ok = await historical({ StartTime: new Date(now - 86_100_000), EndTime: new Date(now) });
      expect(ok.MetricResults).toBeDefined();
    } finally {
      now = saved;
    }
  });

  it('refuses an EndTime minutes in the future (the open 5 minutes), and takes the last boundary', async () => {
    const saved = now;
    // Two and a half minutes into an interval: its end is in the future.
    now = intervalFloor(now) + 150_000;
    try {
      const error = await failure(() => historical({ EndTime: new Date(intervalFloor(now) + 300_000) }));
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect(error.message).toMatch(/EndTime .* is in the future/);
      const ok = await historical({ EndTime: new Date(intervalFloor(now)) });
      expect(ok.MetricResults).toBeDefined();
    } finally {
      now = saved;
    }
  });

  it('refuses a GetMetricDataV2 EndTime in the future, and a range of exactly 3 or 35 days: it must be less', async () => {
    const saved = now;
    now = intervalFloor(now);
    const v2 = (startMs: number, endMs: number, period: 'HOUR' | 'DAY') =>
      client.send(
        new GetMetricDataV2Command({
          ResourceArn: sim.model.instanceArn,
          StartTime: new Date(startMs),
          EndTime: new Date(endMs),
          Interval: { IntervalPeriod: period },
          Filters: [{ FilterKey: 'QUEUE', FilterValues: [sim.model.queues[0]?.id ?? ''] }],
          Metrics: [{ Name: 'CONTACTS_QUEUED' }],
        }),
      );
    try {
      const future = await failure(() => v2(now - 3_600_000, now + 300_000, 'HOUR'));
      expect(future).toBeInstanceOf(InvalidParameterException);
      expect(future.message).toMatch(/cannot be later than the current timestamp/);
      for (const [days, period] of [
        [3, 'HOUR'],
        [35, 'DAY'],
      ] as const) {
        const error = await failure(() => v2(now - days * 86_400_000, now, period));
        expect(error, period).toBeInstanceOf(InvalidParameterException);
        expect(error.message).toMatch(new RegExp(`less than ${days} days`));
        // Five minutes less is a valid range.
        expect((await v2(now - days * 86_400_000 + 300_000, now, period)).MetricResults).toBeDefined();
      }
    } finally {
      now = saved;
    }
  });

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

describe('email and agent contact states, as Connect has them', () => {
  // A centre of its own, stepped through a busy late morning: the shared one's clock belongs to the tests above.
  // Understaffed: callbacks are offered only to callers facing a long queue.
  let busyNow = Date.parse('2026-11-24T10:00:00Z');
  let busy: RunningSimulator;
  let busyClient: ConnectClient;
  beforeAll(async () => {
    busy = await startSimulator({
      queues: 40,
      agents: 300,
      seed: 5,
      staffing: 'understaffed',
      clock: () => busyNow,
      rateLimits: { enabled: false },
    });
    busyClient = clientFor(busy);
  });
  afterAll(async () => {
    busyClient?.destroy();
    await busy?.close();
  });
  const ERROR_STATES = ['MISSED', 'REJECTED', 'ERROR'];
  const everyone = async () => {
    const rows = [];
    for await (const page of paginateGetCurrentUserData(
      { client: busyClient },
      {
        InstanceId: busy.instanceId,
        Filters: { RoutingProfiles: busy.model.catalog.profiles.map((p) => p.id) },
        MaxResults: 100,
      },
    )) {
      rows.push(...(page.UserDataList ?? []));
    }
    return rows;
  };
  const agentCounts = async () => {
    const response = await busyClient.send(
      new GetCurrentMetricDataCommand({
        InstanceId: busy.instanceId,
        Filters: { RoutingProfiles: busy.model.catalog.profiles.map((p) => p.id) },
        CurrentMetrics: CURRENT_METRICS_BUT_ESTIMATE,
      }),
    );
    return response.MetricResults?.[0];
  };

  it('serves email queues: listed with their channel, counted without a channel filter, never abandoned', async () => {
    const emailQueues = busy.model.catalog.queues.filter((q) => q.channel === 'EMAIL');
    expect(emailQueues.length).toBeGreaterThan(0);
    const profile = busy.model.catalog.profiles[emailQueues[0]?.profileIndices[0] ?? 0];
    const listed = await busyClient.send(
      new ListRoutingProfileQueuesCommand({ InstanceId: busy.instanceId, RoutingProfileId: profile?.id }),
    );
    expect(listed.RoutingProfileQueueConfigSummaryList?.map((q) => q.Channel)).toContain('EMAIL');
    const grouped = await busyClient.send(
      new GetCurrentMetricDataCommand({
        InstanceId: busy.instanceId,
        Filters: { Queues: emailQueues.map((q) => q.id) },
        Groupings: ['QUEUE'],
        CurrentMetrics: [{ Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' }],
      }),
    );
    for (const row of grouped.MetricResults ?? []) {
      const queue = busy.model.queues.find((q) => q.id === row.Dimensions?.Queue?.Id);
      expect(valueOf(row, 'CONTACTS_IN_QUEUE')).toBe(queue?.waiting.length);
    }
    const emails = emailQueues.flatMap((q) => busy.model.queues[q.index]?.waiting ?? []);
    for (const email of emails) expect(email.abandonAt).toBe(Number.POSITIVE_INFINITY);
    const rows = await everyone();
    const emailContacts = rows.flatMap((r) => r.Contacts ?? []).filter((c) => c.Channel === 'EMAIL');
    expect(emailContacts.length).toBeGreaterThan(0);
  });

  it('puts incoming, missed, rejected and errored contacts on agents whose status stays Available', async () => {
    const wanted = ['INCOMING', 'PENDING', 'CONNECTING', 'MISSED', 'REJECTED', 'ERROR', 'CONNECTED_ONHOLD'];
    const seen = new Map<string, Set<string>>();
    // Simulated time in steps of 20 s, for at most three hours: deterministic for the seed.
    for (let step = 0; step < 540 && wanted.some((s) => !seen.has(s)); step += 1) {
      busyNow += 20_000;
      for (const row of await everyone()) {
        for (const contact of row.Contacts ?? []) {
          const state = contact.AgentContactState ?? '';
          const statuses = seen.get(state) ?? new Set<string>();
          statuses.add(row.Status?.StatusName ?? '');
          seen.set(state, statuses);
          if (ERROR_STATES.includes(state) || state === 'INCOMING' || state === 'PENDING') {
            expect(row.Status?.StatusName, `${state} contact`).not.toMatch(/^(Error|Missed|Rejected)$/);
          }
          if (state === 'REJECTED') expect(contact.Channel).not.toBe('VOICE');
          if (['INCOMING', 'PENDING', 'ERROR'].includes(state))
            expect(contact.InitiationMethod).toBe('CALLBACK');
          // "When AgentContactState is set to CONNECTED_ONHOLD, StateStartTimestamp is not changed."
          if (state === 'CONNECTED_ONHOLD') {
            expect(contact.StateStartTimestamp).toEqual(contact.ConnectedToAgentTimestamp);
          }
        }
      }
    }
    for (const state of wanted) expect(seen.get(state), state).toContain('Available');
  }, 120_000);

  it('counts in AGENTS_ERROR every agent holding a missed, rejected or errored contact, none in AGENTS_AVAILABLE', async () => {
    const statesInError = new Set<string>();
    for (let step = 0; step < 30; step += 1) {
      busyNow += 60_000;
      const [summary, rows] = [await agentCounts(), await everyone()];
      const inError = rows.filter((r) =>
        r.Contacts?.some((c) => ERROR_STATES.includes(c.AgentContactState ?? '')),
      );
      for (const row of inError) {
        for (const c of row.Contacts ?? []) statesInError.add(c.AgentContactState ?? '');
      }
      expect(valueOf(summary, 'AGENTS_ERROR')).toBe(inError.length);
      for (const row of inError) {
        expect(row.Status?.StatusName).not.toBe('Error');
        expect(Object.values(row.AvailableSlotsByChannel ?? {}).every((n) => n === 0)).toBe(true);
      }
      // Available: a free slot and no contact ongoing ("the agent has at least one contact ongoing" makes them
      // unavailable: admin guide, Available), whatever slots a chat leaves free.
      const available = rows.filter(
        (r) =>
          (r.Contacts ?? []).length === 0 &&
          Object.values(r.AvailableSlotsByChannel ?? {}).some((n) => n > 0),
      );
      expect(valueOf(summary, 'AGENTS_AVAILABLE')).toBe(available.length);
    }
    // Rejections count as much as misses: a chat, task or email declined in the CCP.
    expect([...statesInError]).toEqual(expect.arrayContaining(['MISSED', 'REJECTED']));
  }, 60_000);

  it('counts On contact, active slots and Staffed as the admin guide defines them', async () => {
    // On contact: "connected, on hold, in After contact work, or outbound ring"; Staffed: online, not in NPT.
    const active = (c: { AgentContactState?: string; InitiationMethod?: string }) =>
      ['CONNECTED', 'CONNECTED_ONHOLD', 'ENDED'].includes(c.AgentContactState ?? '') ||
      (c.AgentContactState === 'CONNECTING' && c.InitiationMethod === 'CALLBACK');
    let ringingIn = 0;
    let errorsStaffed = 0;
    for (let step = 0; step < 20; step += 1) {
      busyNow += 45_000;
      const [summary, rows] = [await agentCounts(), await everyone()];
      const onContact = rows.filter((r) => r.Contacts?.some(active));
      expect(valueOf(summary, 'AGENTS_ON_CONTACT')).toBe(onContact.length);
      expect(valueOf(summary, 'SLOTS_ACTIVE')).toBe(
        rows.flatMap((r) => r.Contacts ?? []).filter(active).length,
      );
      expect(valueOf(summary, 'AGENTS_STAFFED')).toBe(
        rows.filter((r) => r.Status?.StatusName === 'Available').length,
      );
      ringingIn += rows.filter((r) =>
        r.Contacts?.every((c) => c.AgentContactState === 'CONNECTING' && c.InitiationMethod !== 'CALLBACK'),
      ).length;
      errorsStaffed += rows.filter((r) =>
        r.Contacts?.some((c) => ['MISSED', 'REJECTED', 'ERROR'].includes(c.AgentContactState ?? '')),
      ).length;
    }
    // Both cases happened: agents only ringing in (not on contact), and agents in error (staffed all the same).
    expect(ringingIn).toBeGreaterThan(0);
    expect(errorsStaffed).toBeGreaterThan(0);
  }, 60_000);
});
