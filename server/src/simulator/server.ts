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
 *   sim.scenario({ surge: { queue: 'Sales' } })// one-off events: a surge, a mass logout, a supervisor monitoring
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
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTimeZone, startOfLocalDay, timeZoneError } from '@switchboard/shared/timeZone';
import { CallLog, type CallRecord } from './callLog.js';
import { simulatedClock } from './clock.js';
import { control, runScenario, type ControlPlane } from './control.js';
import { ServiceError } from './errors.js';
import { activate, type ActiveFaults, type Faults, type Scenario } from './faults.js';
import { parseJson, readText, sendError, sendJson } from './http.js';
import { FaultInjector } from './injection.js';
import type { StaffingPlan } from './catalog.js';
import { ContactCentreModel } from './model.js';
import { SnapshotCache } from './ops/context.js';
import { RateLimiter, type RateLimitOptions } from './rateLimits.js';
import { BODY_INSTANCE, routes } from './routes.js';

export type { CallRecord } from './callLog.js';
export { isLoopback } from './http.js';

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

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const wallClock = options.wallClock ?? Date.now;
  const region = options.region ?? 'us-east-1';
  const instanceId = options.instanceId ?? '11111111-2222-4333-8444-555555555555';
  const timeZone = options.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) throw new Error(timeZoneError('timeZone', timeZone));
  const { clock, dayShiftMs } = simulatedClock({
    wallClock,
    speed: options.speed ?? 1,
    timeZone,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timeOfDay ? { timeOfDay: options.timeOfDay } : {}),
  });
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
  const injector = new FaultInjector(activate(options.faults ?? {}, wallClock()), seed, wallClock);
  const snapshots = new SnapshotCache();
  const log = new CallLog(options.callLogSize);
  const scenario = (events: Scenario) => runScenario(model, clock, events);
  const plane: ControlPlane = { model, clock, log, injector, scenario };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith('/_sim/')) return control(plane, req, res, url.pathname);
    const route = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    const operation = route?.operation ?? 'Unknown';
    const text = await readText(req);
    const params: Record<string, unknown> = {};
    let status = 200;
    let errorType: string | undefined;
    if (route && injector.reset(operation)) {
      // No answer at all: the caller sees ECONNRESET, as when a kept-alive connection is closed under it.
      log.record({
        operation,
        time: new Date(clock()).toISOString(),
        status: 0,
        errorType: 'ConnectionReset',
        params,
      });
      req.socket.resetAndDestroy();
      return;
    }
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
      injector.refuse(operation, limiter, model.catalog.instanceArn);
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
        expireTokens: injector.expireTokens(operation),
        pageCap: injector.pageCap(operation),
        repeatTokens: injector.repeatTokens(operation),
        ungroupedAsInstance: injector.ungroupedAsInstance(operation),
        snapshots,
      });
      if (
        body.NextToken !== undefined &&
        injector.omitsLaterSnapshotTime(operation) &&
        typeof result === 'object' &&
        result !== null &&
        'DataSnapshotTime' in result
      )
        delete (result as { DataSnapshotTime?: unknown }).DataSnapshotTime;
      const out = injector.corrupt(
        operation,
        JSON.stringify(
          result,
          onTheWire({
            omittedValues: injector.omittedValues(operation),
            unnamedMetrics: injector.unnamedMetrics(operation),
            omitQueueIds: injector.omitsQueueIds(operation),
            omitSummaryIds: injector.omitsSummaryIds(operation),
            omitThresholdValues: injector.omitsThresholdValues(operation),
          }),
        ),
      );
      await injector.delay(operation);
      sendJson(res, 200, out);
    } catch (error) {
      const serviceError =
        error instanceof ServiceError
          ? error
          : new ServiceError('InternalServiceException', 'Internal error in the simulator.');
      if (!(error instanceof ServiceError)) console.error('simulator: unexpected error', error);
      status = serviceError.status;
      errorType = serviceError.type;
      await injector.delay(operation);
      sendError(res, serviceError);
    } finally {
      log.record({
        operation,
        time: new Date(clock()).toISOString(),
        status,
        ...(errorType ? { errorType } : {}),
        params,
      });
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  // A port in use (or refused) fails the start, for the caller to say so, rather than the process.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    now: clock,
    instanceId,
    region,
    model,
    get calls() {
      return log.calls;
    },
    get faults() {
      return injector.faults;
    },
    setFaults: (next) => injector.set(next),
    clearFaults: () => injector.clear(),
    scenario,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The lists of ListQueues, ListRoutingProfiles, ListUsers, ListUserHierarchyGroups and SearchUsers answers. */
const SUMMARY_LISTS: ReadonlySet<string> = new Set([
  'QueueSummaryList',
  'RoutingProfileSummaryList',
  'UserSummaryList',
  'UserHierarchyGroupSummaryList',
  'Users',
]);

/**
 * How an answer goes on the wire: a metric's `Value` with nothing in it is left out, as Connect's JSON leaves out
 * what a response does not hold (`Value` is optional), and so is that of each metric named in `omittedValues` (the
 * `omitValues` fault); the faults' `omitMetricNames` leave those metrics' `Metric` out, `omitQueueIds` name every
 * queue reference by its ARN alone, `omitSummaryIds` every listed item, and `omitThresholdValues` leaves every
 * echoed threshold without its value. The answer itself is not changed: a
 * later page may be served from it again.
 */
function onTheWire(faults: {
  omittedValues: ReadonlySet<string>;
  unnamedMetrics: ReadonlySet<string>;
  omitQueueIds: boolean;
  omitSummaryIds: boolean;
  omitThresholdValues: boolean;
}) {
  const withoutValue = (threshold: unknown) => {
    if (typeof threshold !== 'object' || threshold === null) return threshold;
    const { ThresholdValue: _value, ...rest } = threshold as Record<string, unknown>;
    return rest;
  };
  const metricName = (holder: unknown) => {
    const name = (holder as { Metric?: { Name?: unknown } } | null)?.Metric?.Name;
    return typeof name === 'string' ? name : undefined;
  };
  return function (this: unknown, key: string, value: unknown): unknown {
    if (
      key === 'Queue' &&
      faults.omitQueueIds &&
      typeof value === 'object' &&
      value !== null &&
      'Arn' in value
    )
      return { Arn: (value as { Arn: unknown }).Arn };
    if (faults.omitSummaryIds && SUMMARY_LISTS.has(key) && Array.isArray(value))
      return value.map((item: unknown) => {
        if (typeof item !== 'object' || item === null) return item;
        const { Id: _id, ...rest } = item as Record<string, unknown>;
        return rest;
      });
    if (key === 'Threshold' && faults.omitThresholdValues)
      return Array.isArray(value) ? value.map(withoutValue) : withoutValue(value);
    if (key === 'Metric') {
      const name = metricName(this);
      return name !== undefined && faults.unnamedMetrics.has(name) ? undefined : value;
    }
    if (key !== 'Value') return value;
    if (value === null) return undefined;
    const name = metricName(this);
    return name !== undefined && faults.omittedValues.has(name) ? undefined : value;
  };
}
