/**
 * A local Amazon Connect that speaks the service's restJson1 HTTP API, so the real SDK client talks to it
 * unchanged. It imports nothing from the poller: it is a separate Connect, not a test double of our code.
 *
 * Programmatic API
 * ----------------
 *   const sim = await startSimulator({ queues: 40, agents: 300, seed: 1, clock: () => now });
 *   sim.endpoint, sim.instanceId, sim.region   // point a ConnectClient here (any credentials, signed)
 *   sim.model                                  // the contact centre: queues[].waiting, agents, history
 *   sim.model.figures(nowMs)                   // the model's own current figures: instance, per queue, per channel
 *   sim.calls                                  // call log: operation, time, status, params (incl. NextToken)
 *   sim.setFaults({ throttleRate: 0.5 })       // faults (see faults.ts); sim.clearFaults() removes them
 *   sim.scenario({ surge: { queue: 'Sales' } })// one-off events: a surge on a queue, a mass logout
 *   await sim.close()
 *
 * Options: port (0 = free port), host, queues (default 40), agents (300), seed (1), instanceId, region,
 * clock (the simulated time; tests inject one), speed (without a clock: simulated time runs this many times
 * faster than real time), timeOfDay ("HH:MM": without a clock, the day's curve and shifts run as if it were that local time now; timestamps stay real time), timeZone (IANA name, default UTC: "today" is pre-simulated from local midnight),
 * rateLimits (a token bucket per operation, see rateLimits.ts), rateLimiter (one shared by the simulators of
 * instances in one account and Region), faults (in force from the start), wallClock (real
 * time for rate limits and outages; tests may inject it), presimulate (default true).
 *
 * The same controls over HTTP, from loopback only: GET /_sim/calls, DELETE /_sim/calls, GET/POST/DELETE
 * /_sim/faults (POST takes fault fields and/or scenario events), GET /_sim/figures. See docs/simulator.md.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng } from './rng.js';
import { ServiceError, invalidRequest } from './errors.js';
import {
  activate,
  appliesTo,
  faultsSchema,
  scenarioSchema,
  type ActiveFaults,
  type Faults,
  type Scenario,
} from './faults.js';
import type { StaffingPlan } from './catalog.js';
import { ContactCentreModel } from './model.js';
import { SnapshotCache, type OpContext } from './ops/context.js';
import { getCurrentMetricData } from './ops/currentMetrics.js';
import { getMetricData } from './ops/historical.js';
import {
  describeUser,
  listAgentStatuses,
  listQueues,
  listRoutingProfileQueues,
  listRoutingProfiles,
  listUserHierarchyGroups,
  listUsers,
  searchUsers,
} from './ops/lists.js';
import { getMetricDataV2 } from './ops/metricsV2.js';
import { getCurrentUserData } from './ops/userData.js';
import { RateLimiter, type RateLimitOptions } from './rateLimits.js';
import { atLocalTime, isTimeZone, startOfLocalDay, timeZoneError } from '@switchboard/shared/timeZone';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  queues?: number;
  agents?: number;
  seed?: number;
  instanceId?: string;
  region?: string;
  /** The simulated clock; tests inject one to run deterministic and fast-forward. */
  clock?: () => number;
  /** Without a clock: how many times faster than real time the simulation runs. */
  speed?: number;
  /**
   * Without a clock: run the day's curve and the agents' shifts as if it were this local time of day now
   * ("HH:MM" in `timeZone`), so a demo or a browser suite sees mid-morning traffic whatever the hour. Only the
   * curve moves: the clock, and every timestamp the SDK reads, stay real time, as Connect's are.
   */
  timeOfDay?: string;
  timeZone?: string;
  rateLimits?: RateLimitOptions;
  /**
   * Connect's quotas are per account and Region, shared by its instances: simulators standing for instances of
   * one account pass the same limiter (then `rateLimits` is not used).
   */
  rateLimiter?: RateLimiter;
  faults?: Faults;
  /** Real time, for rate limits, outages and latency. */
  wallClock?: () => number;
  /** Simulate today from local midnight before serving (default true). */
  presimulate?: boolean;
  /** Days of closed intervals kept for GetMetricData and GetMetricDataV2 (default 3). */
  historyDays?: number;
  /** Calls kept for GET /_sim/calls and `calls` (default 5,000). */
  callLogSize?: number;
  /** How the day is staffed (catalog.ts): `planned` by default, `understaffed` for a centre under pressure. */
  staffing?: StaffingPlan;
}

export interface CallRecord {
  operation: string;
  /** Simulated time of the call, ISO. */
  time: string;
  status: number;
  errorType?: string;
  /** The request's parameters: the JSON body of a POST, the query and path of a GET (NextToken included). */
  params: Record<string, unknown>;
}

export interface RunningSimulator {
  endpoint: string;
  instanceId: string;
  region: string;
  model: ContactCentreModel;
  readonly calls: readonly CallRecord[];
  readonly faults: ActiveFaults;
  setFaults(faults: Faults): void;
  clearFaults(): void;
  scenario(events: Scenario): Record<string, unknown>;
  /** The simulated time now: real time, or ahead of it when running with `speed`. */
  now(): number;
  close(): Promise<void>;
}

type Handler = (ctx: OpContext) => unknown;
interface Route {
  operation: string;
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: Handler;
}

const routes: Route[] = [
  { operation: 'ListQueues', method: 'GET', pattern: /^\/queues-summary\/([^/]+)$/, handler: listQueues },
  {
    operation: 'ListRoutingProfiles',
    method: 'GET',
    pattern: /^\/routing-profiles-summary\/([^/]+)$/,
    handler: listRoutingProfiles,
  },
  {
    operation: 'ListRoutingProfileQueues',
    method: 'GET',
    pattern: /^\/routing-profiles\/([^/]+)\/([^/]+)\/queues$/,
    handler: listRoutingProfileQueues,
  },
  { operation: 'ListUsers', method: 'GET', pattern: /^\/users-summary\/([^/]+)$/, handler: listUsers },
  { operation: 'DescribeUser', method: 'GET', pattern: /^\/users\/([^/]+)\/([^/]+)$/, handler: describeUser },
  // SearchUsers names the instance by the InstanceId in its body.
  { operation: 'SearchUsers', method: 'POST', pattern: /^\/search-users()$/, handler: searchUsers },
  {
    operation: 'ListAgentStatuses',
    method: 'GET',
    pattern: /^\/agent-status\/([^/]+)$/,
    handler: listAgentStatuses,
  },
  {
    operation: 'ListUserHierarchyGroups',
    method: 'GET',
    pattern: /^\/user-hierarchy-groups-summary\/([^/]+)$/,
    handler: listUserHierarchyGroups,
  },
  {
    operation: 'GetCurrentMetricData',
    method: 'POST',
    pattern: /^\/metrics\/current\/([^/]+)$/,
    handler: getCurrentMetricData,
  },
  {
    operation: 'GetCurrentUserData',
    method: 'POST',
    pattern: /^\/metrics\/userdata\/([^/]+)$/,
    handler: getCurrentUserData,
  },
  {
    operation: 'GetMetricData',
    method: 'POST',
    pattern: /^\/metrics\/historical\/([^/]+)$/,
    handler: getMetricData,
  },
  // V2 names the instance by the ARN in its body, not in the path.
  { operation: 'GetMetricDataV2', method: 'POST', pattern: /^\/metrics\/data()$/, handler: getMetricDataV2 },
];

/** Operations that name the instance in the body (an InstanceId or the instance ARN), not in the path. */
const BODY_INSTANCE = new Set(['GetMetricDataV2', 'SearchUsers']);

const CALL_LOG_SIZE = 5000;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The fault controls change what every client sees: only a caller on this machine may use them. */
export function isLoopback(address: string | undefined): boolean {
  return LOOPBACK.has(address ?? '');
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Record<string, unknown> {
  if (text.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function sendJson(res: ServerResponse, status: number, text: string, errorType?: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

const sendError = (res: ServerResponse, error: ServiceError) =>
  sendJson(res, error.status, JSON.stringify({ message: error.message }), error.type);

/** Today's `HH:MM` in the time zone, as an instant. */
function atTimeOfDay(nowMs: number, timeOfDay: string, timeZone: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(timeOfDay);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 23 || minutes > 59)
    throw new Error(`timeOfDay must be HH:MM, e.g. 10:30; got "${timeOfDay}".`);
  return atLocalTime(nowMs, hours, minutes, timeZone);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const wallClock = options.wallClock ?? Date.now;
  const speed = options.speed ?? 1;
  const region = options.region ?? 'us-east-1';
  const instanceId = options.instanceId ?? '11111111-2222-4333-8444-555555555555';
  const timeZone = options.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) throw new Error(timeZoneError('timeZone', timeZone));
  const wallStart = wallClock();
  // A time of day shifts the day's curve and the agents' shifts, never the clock: every timestamp the SDK reads
  // is real time, as Connect's are, so agents' timers and "data as of" agree with the wall's own clock.
  const dayShiftMs =
    options.timeOfDay && !options.clock ? atTimeOfDay(wallStart, options.timeOfDay, timeZone) - wallStart : 0;
  const clock = options.clock ?? (() => wallStart + (wallClock() - wallStart) * speed);
  const seed = options.seed ?? 1;
  const firstNow = clock();
  const model = new ContactCentreModel({
    instanceId,
    region,
    accountId: '123456789012',
    queues: options.queues ?? 40,
    agents: options.agents ?? 300,
    seed,
    ...(options.staffing ? { staffing: options.staffing } : {}),
    timeZone,
    dayShiftMs,
    startMs: options.presimulate === false ? firstNow : startOfLocalDay(firstNow, timeZone),
    ...(options.historyDays !== undefined ? { retentionDays: options.historyDays } : {}),
  });
  model.advanceTo(firstNow);

  const limiter = options.rateLimiter ?? new RateLimiter(options.rateLimits ?? {}, wallClock);
  const faultRng = createRng(seed ^ 0xfa17);
  let faults: ActiveFaults = activate(options.faults ?? {}, wallClock());
  const snapshots = new SnapshotCache();
  const calls: CallRecord[] = [];
  const callLogSize = options.callLogSize ?? CALL_LOG_SIZE;
  const record = (call: CallRecord) => {
    calls.push(call);
    if (calls.length > callLogSize) calls.splice(0, calls.length - callLogSize);
  };

  const scenario = (events: Scenario): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    model.advanceTo(clock());
    if (events.surge) {
      const { queue: ref, multiplier, durationSeconds, rampSeconds = 0 } = events.surge;
      const queue = model.catalog.queue(ref) ?? model.catalog.queues.find((q) => q.name === ref);
      if (!queue) throw invalidRequest(`No queue ${ref}: give a queue id, ARN or name.`);
      model.surge(queue.index, multiplier, durationSeconds * 1000, rampSeconds * 1000);
      result.surge = { queueId: queue.id, multiplier, durationSeconds, rampSeconds };
    }
    if (events.massLogout) {
      const { fraction, returnAfterSeconds } = events.massLogout;
      result.massLogout = {
        agents: model.massLogout(
          fraction,
          returnAfterSeconds === undefined ? null : returnAfterSeconds * 1000,
        ),
      };
    }
    return result;
  };

  const control = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (!isLoopback(req.socket.remoteAddress)) {
      sendJson(res, 403, JSON.stringify({ message: 'The simulator controls answer on loopback only.' }));
      return;
    }
    const json = (status: number, body: unknown) => sendJson(res, status, JSON.stringify(body));
    if (path === '/_sim/calls' && req.method === 'GET') return json(200, { calls });
    if (path === '/_sim/calls' && req.method === 'DELETE') {
      calls.length = 0;
      return json(200, { calls });
    }
    if (path === '/_sim/figures' && req.method === 'GET') {
      const figures = model.figures(clock());
      return json(200, {
        at: new Date(figures.at).toISOString(),
        instance: figures.instance,
        queues: Object.fromEntries(figures.queues),
        channels: Object.fromEntries(figures.channels),
      });
    }
    if (path === '/_sim/faults' && req.method === 'GET') return json(200, { faults });
    if (path === '/_sim/faults' && req.method === 'DELETE') {
      faults = {};
      return json(200, { faults });
    }
    if (path === '/_sim/faults' && req.method === 'POST') {
      let body: Record<string, unknown>;
      try {
        body = parseJson(await readText(req));
      } catch {
        return json(400, { message: 'The body must be a JSON object.' });
      }
      const { surge, massLogout, ...faultFields } = body;
      const parsedFaults = faultsSchema.safeParse(faultFields);
      const parsedScenario = scenarioSchema.safeParse({ surge, massLogout });
      if (!parsedFaults.success || !parsedScenario.success) {
        const issues = [...(parsedFaults.error?.issues ?? []), ...(parsedScenario.error?.issues ?? [])];
        return json(400, {
          message: issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
        });
      }
      if (Object.keys(faultFields).length > 0)
        faults = { ...faults, ...activate(parsedFaults.data, wallClock()) };
      try {
        const applied = scenario(parsedScenario.data);
        return json(200, { faults, applied });
      } catch (error) {
        return json(400, { message: error instanceof Error ? error.message : String(error) });
      }
    }
    return json(404, { message: `No simulator control at ${req.method} ${path}.` });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith('/_sim/')) return control(req, res, url.pathname);
    const route = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    const operation = route?.operation ?? 'Unknown';
    const text = await readText(req);
    const params: Record<string, unknown> = {};
    let status = 200;
    let errorType: string | undefined;
    try {
      if (!route) {
        throw new ServiceError('InvalidRequestException', `No operation at ${req.method} ${url.pathname}.`);
      }
      const match = route.pattern.exec(url.pathname) ?? [];
      const [, pathInstance = '', ...rest] = match.map((part) => decodeURIComponent(part ?? ''));
      if (route.method === 'GET') {
        for (const key of new Set(url.searchParams.keys())) {
          const values = url.searchParams.getAll(key);
          params[key] = values.length > 1 ? values : values[0];
        }
        if (rest.length > 0) params.path = rest;
      }
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('AWS4-HMAC-SHA256 ')) {
        throw new ServiceError(
          'AccessDeniedException',
          'Missing Authentication Token: sign requests with SigV4.',
        );
      }
      if (faults.deniedOperations?.includes(operation)) {
        throw new ServiceError(
          'AccessDeniedException',
          `The caller is not authorized to perform connect:${operation} on this instance.`,
        );
      }
      if (
        faults.outageUntil !== undefined &&
        wallClock() < faults.outageUntil &&
        appliesTo(faults, operation)
      ) {
        throw new ServiceError('ServiceUnavailableException', 'Service unavailable (simulated outage).');
      }
      if (!limiter.take(operation)) throw new ServiceError('ThrottlingException', 'Rate exceeded.');
      if (appliesTo(faults, operation) && faultRng() < (faults.throttleRate ?? 0)) {
        throw new ServiceError('ThrottlingException', 'Rate exceeded (simulated).');
      }
      if (appliesTo(faults, operation) && faultRng() < (faults.errorRate ?? 0)) {
        throw new ServiceError('InternalServiceException', 'Request processing failed (simulated).');
      }
      if (!BODY_INSTANCE.has(route.operation) && pathInstance !== instanceId) {
        throw new ServiceError('ResourceNotFoundException', `Instance ${pathInstance} not found.`);
      }
      const body = route.method === 'POST' ? parseJson(text) : {};
      if (route.method === 'POST') Object.assign(params, body);
      const nowMs = clock();
      model.advanceTo(nowMs);
      const result = route.handler({
        model,
        nowMs,
        region,
        body,
        query: url.searchParams,
        path: rest,
        expireTokens: faults.expireTokens === true && appliesTo(faults, operation),
        pageCap: appliesTo(faults, operation) ? faults.maxPageSize : undefined,
        snapshots,
      });
      let out = JSON.stringify(result);
      if (appliesTo(faults, operation) && faultRng() < (faults.truncateRate ?? 0)) {
        out = out.slice(0, Math.max(1, Math.floor(out.length / 2)));
      } else if (appliesTo(faults, operation) && faultRng() < (faults.malformedRate ?? 0)) {
        out = `<html><body>502 Bad Gateway</body></html>`;
      }
      if (faults.latencyMs && appliesTo(faults, operation)) await sleep(faults.latencyMs);
      sendJson(res, 200, out);
    } catch (error) {
      const serviceError =
        error instanceof ServiceError
          ? error
          : new ServiceError('InternalServiceException', 'Internal error in the simulator.');
      if (!(error instanceof ServiceError)) console.error('simulator: unexpected error', error);
      status = serviceError.status;
      errorType = serviceError.type;
      if (faults.latencyMs && appliesTo(faults, operation)) await sleep(faults.latencyMs);
      sendError(res, serviceError);
    } finally {
      record({
        operation,
        time: new Date(clock()).toISOString(),
        status,
        ...(errorType ? { errorType } : {}),
        params,
      });
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    now: clock,
    instanceId,
    region,
    model,
    get calls() {
      return calls;
    },
    get faults() {
      return faults;
    },
    setFaults: (next) => {
      faults = activate(faultsSchema.parse(next), wallClock());
    },
    clearFaults: () => {
      faults = {};
    },
    scenario,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
