import { STATUS } from '../../src/simulator/catalog.js';
import {
  AccessDeniedException,
  GetCurrentMetricDataCommand,
  GetCurrentUserDataCommand,
  GetMetricDataCommand,
  InternalServiceException,
  InvalidRequestException,
  ListQueuesCommand,
  ListUsersCommand,
  SearchUsersCommand,
  ThrottlingException,
  paginateGetCurrentMetricData,
  type ConnectClient,
} from '@aws-sdk/client-connect';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectContext } from '../../src/connect/context.js';
import { searchUsers } from '../../src/connect/discovery.js';
import { MalformedResponseError } from '../../src/connect/errors.js';
import { RateLimiter } from '../../src/simulator/rateLimits.js';
import { startSimulator, type CallRecord, type RunningSimulator } from '../../src/simulator/server.js';
import { rawRequest } from '../support/rawRequest.js';
import { clientFor, failure } from './support.js';

// Rate limits and outages run on the wall clock; the tests own it too, so nothing depends on timing luck.
let wall = Date.parse('2026-11-24T12:00:00Z');
let now = Date.parse('2026-11-24T12:00:00Z');
let sim: RunningSimulator | undefined;
let client: ConnectClient | undefined;

async function start(options: Parameters<typeof startSimulator>[0] = {}) {
  sim = await startSimulator({
    queues: 12,
    agents: 60,
    seed: 4,
    clock: () => now,
    wallClock: () => wall,
    ...options,
  });
  client = clientFor(sim);
  return { sim, client };
}

afterEach(async () => {
  client?.destroy();
  await sim?.close();
  sim = undefined;
  client = undefined;
  now = Date.parse('2026-11-24T12:00:00Z');
});

const metricsCall = (s: RunningSimulator) =>
  new GetCurrentMetricDataCommand({
    InstanceId: s.instanceId,
    Filters: { Queues: s.model.queues.map((q) => q.id) },
    Groupings: ['QUEUE'],
    CurrentMetrics: [{ Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' }],
  });

async function outcomes(count: number, call: () => Promise<unknown>): Promise<(number | undefined)[]> {
  const results: (number | undefined)[] = [];
  for (let i = 0; i < count; i += 1) {
    try {
      await call();
      results.push(200);
    } catch (error) {
      results.push((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode);
    }
  }
  return results;
}

describe('rate limits', () => {
  it('lets a burst of 8 metric calls through, throttles the 9th with 429, and refills at 5 per second', async () => {
    const { sim: s, client: c } = await start();
    expect(await outcomes(9, () => c.send(metricsCall(s)))).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 429,
    ]);
    const throttled = await failure(() => c.send(metricsCall(s)));
    expect(throttled).toBeInstanceOf(ThrottlingException);
    wall += 1000;
    expect(await outcomes(6, () => c.send(metricsCall(s)))).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('gives every operation a quota of its own: the metric burst leaves GetMetricData and the listings untouched', async () => {
    const { sim: s, client: c } = await start();
    expect(await outcomes(9, () => c.send(metricsCall(s)))).toContain(429);
    const history = () =>
      c.send(
        new GetMetricDataCommand({
          InstanceId: s.instanceId,
          StartTime: new Date(Math.floor(now / 300_000) * 300_000 - 3_600_000),
          EndTime: new Date(Math.floor(now / 300_000) * 300_000),
          Filters: { Queues: [s.model.queues[0]?.id ?? ''] },
          HistoricalMetrics: [{ Name: 'CONTACTS_QUEUED', Unit: 'COUNT', Statistic: 'SUM' }],
        }),
      );
    expect(await outcomes(9, history)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
    // GetCurrentUserData: 2 a second, burst 5, and not shared with ListUsers (10 a second, burst 10).
    const agents = () =>
      c.send(
        new GetCurrentUserDataCommand({
          InstanceId: s.instanceId,
          Filters: { RoutingProfiles: [s.model.catalog.profiles[0]?.id ?? ''] },
        }),
      );
    expect(await outcomes(6, agents)).toEqual([200, 200, 200, 200, 200, 429]);
    const list = () => c.send(new ListUsersCommand({ InstanceId: s.instanceId }));
    expect(await outcomes(11, list)).toEqual([...Array<number>(10).fill(200), 429]);
    wall += 1000;
    expect(await outcomes(3, agents)).toEqual([200, 200, 429]);
  });

  it('shares the buckets between simulators of instances in one account and Region', async () => {
    const shared = new RateLimiter({}, () => wall);
    const { sim: first, client: firstClient } = await start({ rateLimiter: shared });
    const second = await startSimulator({
      queues: 4,
      agents: 10,
      seed: 5,
      instanceId: '22222222-3333-4444-8555-666666666666',
      clock: () => now,
      rateLimiter: shared,
    });
    const secondClient = clientFor(second);
    try {
      const users = (sim: RunningSimulator, client: ConnectClient) => () =>
        client.send(new SearchUsersCommand({ InstanceId: sim.instanceId }));
      // Three of the burst of 5 from one instance leave two for the other.
      expect(await outcomes(3, users(first, firstClient))).toEqual([200, 200, 200]);
      expect(await outcomes(3, users(second, secondClient))).toEqual([200, 200, 429]);
    } finally {
      secondClient.destroy();
      await second.close();
    }
  });

  it('takes its quotas per operation from the options', async () => {
    const { sim: s, client: c } = await start({
      rateLimits: { operations: { GetCurrentMetricData: { rate: 1, burst: 2 } } },
    });
    expect(await outcomes(3, () => c.send(metricsCall(s)))).toEqual([200, 200, 429]);
  });
});

describe('faults', () => {
  it('answers 500s, throttles, resets and outages on demand, and clears them', async () => {
    const { sim: s, client: c } = await start({ rateLimits: { enabled: false } });
    s.setFaults({ errorRate: 1 });
    const error = await failure(() => c.send(metricsCall(s)));
    expect(error).toBeInstanceOf(InternalServiceException);
    expect(error.$metadata?.httpStatusCode).toBe(500);
    s.setFaults({ throttleRate: 1, operations: ['ListQueues'] });
    expect(await failure(() => c.send(new ListQueuesCommand({ InstanceId: s.instanceId })))).toBeInstanceOf(
      ThrottlingException,
    );
    expect(await outcomes(1, () => c.send(metricsCall(s)))).toEqual([200]);
    s.setFaults({ resetRate: 1, operations: ['ListQueues'] });
    // No answer at all: the connection is reset under the request.
    expect(await failure(() => c.send(new ListQueuesCommand({ InstanceId: s.instanceId })))).toMatchObject({
      code: 'ECONNRESET',
    });
    expect(s.calls.at(-1)).toMatchObject({
      operation: 'ListQueues',
      status: 0,
      errorType: 'ConnectionReset',
    });
    s.setFaults({ outageSeconds: 30 });
    expect(await outcomes(2, () => c.send(metricsCall(s)))).toEqual([503, 503]);
    wall += 31_000;
    expect(await outcomes(1, () => c.send(metricsCall(s)))).toEqual([200]);
    s.clearFaults();
    expect(s.faults).toEqual({});
  });

  it('throttles about the share of requests it is asked to', async () => {
    const { sim: s, client: c } = await start({
      rateLimits: { enabled: false },
      faults: { throttleRate: 0.3 },
    });
    const results = await outcomes(200, () => c.send(metricsCall(s)));
    const throttled = results.filter((r) => r === 429).length;
    expect(throttled).toBeGreaterThan(35);
    expect(throttled).toBeLessThan(85);
  });

  it('expires every token when asked, and sends truncated or malformed bodies the SDK cannot read', async () => {
    const { sim: s, client: c } = await start({ rateLimits: { enabled: false } });
    const first = await c.send(new GetCurrentMetricDataCommand({ ...metricsCall(s).input, MaxResults: 2 }));
    s.setFaults({ expireTokens: true });
    const expired = await failure(() =>
      c.send(
        new GetCurrentMetricDataCommand({
          ...metricsCall(s).input,
          MaxResults: 2,
          NextToken: first.NextToken,
        }),
      ),
    );
    expect(expired).toBeInstanceOf(InvalidRequestException);
    s.setFaults({ truncateRate: 1 });
    const truncated = await failure(() => c.send(metricsCall(s)));
    expect(truncated.$metadata?.httpStatusCode).toBe(200);
    s.setFaults({ malformedRate: 1 });
    const malformed = await failure(() => c.send(metricsCall(s)));
    expect(malformed.message).toMatch(/Deserialization|JSON|Unexpected/i);
  });

  it('caps every page at a size below MaxResults, and refuses operations an IAM policy leaves out', async () => {
    const { sim: s, client: c } = await start({ rateLimits: { enabled: false }, faults: { maxPageSize: 4 } });
    const first = await c.send(new GetCurrentMetricDataCommand({ ...metricsCall(s).input, MaxResults: 100 }));
    expect(first.MetricResults).toHaveLength(4);
    expect(first.NextToken).toBeTruthy();
    const users = await c.send(new SearchUsersCommand({ InstanceId: s.instanceId, MaxResults: 100 }));
    expect(users.Users).toHaveLength(4);
    // Later pages may come without DataSnapshotTime, which Connect's response model marks optional.
    s.setFaults({ maxPageSize: 4, omitLaterSnapshotTimes: true });
    const second = await c.send(
      new GetCurrentMetricDataCommand({
        ...metricsCall(s).input,
        MaxResults: 100,
        NextToken: first.NextToken,
      }),
    );
    expect([
      first.DataSnapshotTime instanceof Date,
      second.DataSnapshotTime,
      second.MetricResults?.length,
    ]).toEqual([true, undefined, 4]);
    s.setFaults({ deniedOperations: ['SearchUsers'] });
    const denied = await failure(() => c.send(new SearchUsersCommand({ InstanceId: s.instanceId })));
    expect(denied).toBeInstanceOf(AccessDeniedException);
    expect(denied.$metadata?.httpStatusCode).toBe(403);
    expect(await outcomes(1, () => c.send(new ListUsersCommand({ InstanceId: s.instanceId })))).toEqual([
      200,
    ]);
  });

  it('gives a later page its own NextToken back on demand, which the poller will not follow for ever', async () => {
    const { sim: s, client: c } = await start({
      rateLimits: { enabled: false },
      faults: { maxPageSize: 4, repeatTokens: true, operations: ['SearchUsers'] },
    });
    const first = await c.send(new SearchUsersCommand({ InstanceId: s.instanceId, MaxResults: 100 }));
    const again = await c.send(
      new SearchUsersCommand({ InstanceId: s.instanceId, MaxResults: 100, NextToken: first.NextToken }),
    );
    expect(first.NextToken).toBeTruthy();
    expect(again.NextToken).toBe(first.NextToken);
    // The poller's own pagination fails, rather than ask for the same page for ever.
    const ctx = {
      client: c,
      instanceId: s.instanceId,
      send: <T>(_operation: string, call: () => Promise<T>) => call(),
    };
    await expect(searchUsers(ctx as ConnectContext)).rejects.toBeInstanceOf(MalformedResponseError);
    // Without the fault, every page has the next one's token, and the pagination ends.
    s.setFaults({ maxPageSize: 4 });
    expect((await searchUsers(ctx as ConnectContext)).length).toBeGreaterThan(4);
  });

  it('adds latency on demand', async () => {
    const { sim: s, client: c } = await start({ rateLimits: { enabled: false } });
    s.setFaults({ latencyMs: 300 });
    const started = performance.now();
    await c.send(metricsCall(s));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('takes faults and scenario events over HTTP from loopback, and logs every call with its NextToken', async () => {
    const { sim: s, client: c } = await start({ rateLimits: { enabled: false } });
    const post = (body: unknown) =>
      fetch(`${s.endpoint}/_sim/faults`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as Record<string, unknown>,
      }));
    expect((await post({ errorRate: 2 })).status).toBe(400);
    expect((await post({ errorRate: 1 })).status).toBe(200);
    expect(await outcomes(1, () => c.send(metricsCall(s)))).toEqual([500]);
    const current = (await (await fetch(`${s.endpoint}/_sim/faults`)).json()) as { faults: unknown };
    expect(current.faults).toEqual({ errorRate: 1 });
    await fetch(`${s.endpoint}/_sim/faults`, { method: 'DELETE' });
    const pages = paginateGetCurrentMetricData({ client: c }, { ...metricsCall(s).input, MaxResults: 3 });
    for await (const page of pages) expect(page.MetricResults?.length).toBeGreaterThan(0);
    const { calls } = (await (await fetch(`${s.endpoint}/_sim/calls`)).json()) as { calls: CallRecord[] };
    const metricCalls = calls.filter((call) => call.operation === 'GetCurrentMetricData');
    expect(metricCalls[0]).toMatchObject({ status: 500, errorType: 'InternalServiceException' });
    expect(metricCalls.slice(1).map((call) => call.status)).toEqual(metricCalls.slice(1).map(() => 200));
    expect(metricCalls.filter((call) => typeof call.params.NextToken === 'string').length).toBeGreaterThan(0);
    expect(metricCalls[0]?.time).toBe(new Date(now).toISOString());
  });

  it("refuses its controls to web pages and to a name rebound to loopback, as a demo's browser could send them", async () => {
    const { sim: s } = await start({ rateLimits: { enabled: false } });
    const { port } = new URL(s.endpoint);
    const ask = (path: string, method: string, headers: Record<string, string>) =>
      rawRequest(s.endpoint, {
        path,
        method,
        headers,
        body: method === 'POST' ? '{"latencyMs":1}' : undefined,
      });
    for (const [method, path] of [
      ['POST', '/_sim/faults'],
      ['GET', '/_sim/calls'],
      ['DELETE', '/_sim/faults'],
    ] as const) {
      for (const headers of [
        { origin: 'http://evil.example', 'content-type': 'text/plain' },
        { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
        { 'sec-fetch-site': 'same-origin' },
        { host: `evil.example:${port}` },
      ] as Record<string, string>[]) {
        const answer = await ask(path, method, headers);
        expect(answer.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(s.faults).toEqual({});
      }
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
        expect((await ask(path, method, { host })).status, `${method} ${path} ${host}`).toBe(200);
      if (method === 'POST') expect(s.faults).toEqual({ latencyMs: 1 });
      s.clearFaults();
    }
  });

  it('surges a queue and logs agents out on demand', async () => {
    const { sim: s } = await start({ rateLimits: { enabled: false } });
    const queue = s.model.queues[0];
    const response = await fetch(`${s.endpoint}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({
        surge: { queue: queue?.name, multiplier: 30, durationSeconds: 600 },
        massLogout: {},
      }),
    });
    expect(response.status).toBe(200);
    expect(queue?.surgeMultiplier).toBe(30);
    const figures = s.model.figures(now);
    // Everyone is out or finishing the contacts in hand (on contact, ringing, or holding a missed, rejected or
    // errored one until they clear it); nobody is taking new work.
    expect(figures.instance.AGENTS_AVAILABLE).toBe(0);
    const online = s.model.agents.filter((agent) => agent.statusIndex !== STATUS.OFFLINE);
    expect(online.length).toBe(figures.instance.AGENTS_ONLINE);
    expect(online.every((agent) => agent.contacts.length > 0)).toBe(true);
    now += 10 * 60_000;
    const later = s.model.figures(now);
    // Only the few still finishing a long chat are left, and they take nothing new.
    expect(later.instance.AGENTS_ONLINE).toBe(later.instance.AGENTS_ON_CONTACT);
    expect(later.instance.AGENTS_ONLINE).toBeLessThan((figures.instance.AGENTS_ONLINE ?? 0) / 4);
    expect(later.instance.AGENTS_AVAILABLE).toBe(0);
    // Thirty times the usual arrivals and nobody to answer: the queue fills up.
    expect(later.queues.get(queue?.id ?? '')?.CONTACTS_IN_QUEUE).toBeGreaterThan(10);
  });

  it('puts a supervisor on a call under way over HTTP, and refuses a request it cannot apply whole', async () => {
    const { sim: s } = await start({ rateLimits: { enabled: false } });
    const post = (body: unknown) =>
      fetch(`${s.endpoint}/_sim/faults`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as Record<string, unknown>,
      }));
    const free = s.model.agents.find((a) => a.statusIndex === STATUS.AVAILABLE && a.contacts.length === 0);
    if (!free) throw new Error('no agent free to listen in');
    const answer = await post({ monitor: { supervisor: free.username } });
    expect(answer.status).toBe(200);
    expect(answer.body.applied).toMatchObject({ monitor: { supervisorId: free.id } });
    expect(s.model.monitoring.has(free.index)).toBe(true);
    // Listening in already: refused, and the surge beside it is not applied either.
    const queue = s.model.queues[0];
    const before = [queue?.surgeMultiplier, queue?.surgeUntil];
    const refused = await post({
      monitor: { supervisor: free.username },
      surge: { queue: queue?.name, multiplier: 7 },
    });
    expect(refused.status).toBe(400);
    expect(String(refused.body.message)).toMatch(/cannot listen in now/);
    expect([queue?.surgeMultiplier, queue?.surgeUntil]).toEqual(before);
    expect((await post({ monitor: { supervisor: 'nobody' } })).status).toBe(400);
    // Nor are faults beside a refused event.
    expect((await post({ errorRate: 0.5, monitor: { supervisor: 'nobody' } })).status).toBe(400);
    expect(s.faults).toEqual({});
    // A second supervisor listens in on another call, while there is one nobody listens to.
    const other = s.model.agents.find(
      (a) => a !== free && a.statusIndex === STATUS.AVAILABLE && a.contacts.length === 0,
    );
    if (!other) throw new Error('no second agent free to listen in');
    const second = await post({ monitor: { supervisor: other.username } });
    expect(second.status).toBe(200);
    const contactOf = (body: Record<string, unknown>) =>
      (body.applied as { monitor: { contactId: string } }).monitor.contactId;
    expect(contactOf(second.body)).not.toBe(contactOf(answer.body));
  });
});
