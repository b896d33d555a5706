import type { ConnectClient } from '@aws-sdk/client-connect';
import type { Request } from 'express';
import { SECTION_NAMES, type SectionName, type Snapshot } from '@switchboard/shared';
import { setupAlerting, type Alerting } from './alerts/setup.js';
import type { AlertsBackend } from './alerts/routes.js';
import { Cluster, type PollerLike } from './cluster/cluster.js';
import type { History } from './history/recorder.js';
import { ConnectGate } from './cluster/gate.js';
import { resolveQueueRefs } from './config/boards.js';
import { DEFAULT_INSTANCE, boardInstance } from './config/instances.js';
import { fileServiceLevels, type WallboardConfig } from './config/schema.js';
import { MAX_SERVICE_LEVELS } from './connect/historical.js';
import type { ConfigStore } from './config/store.js';
import { createConnectClient, type ConnectTarget } from './connect/client.js';
import { EnvError, type Env } from './env.js';
import { BadRequestError } from './http/app.js';
import type { SnapshotSource } from './http/app.js';
import type { ServerMetrics } from './http/metrics.js';
import { ViewStream } from './http/stream.js';
import type { Logger } from './logger.js';
import { RateBudget, type Quota } from './poller/budget.js';
import { withBoardIntraday } from './poller/boardIntraday.js';
import { ForecastState, withForecast } from './poller/forecast.js';
import { Poller } from './poller/poller.js';
import type { ConnectOperation } from './connect/errors.js';
import { CONNECT_OPERATIONS } from './connect/errors.js';
import type { BoardDirectory } from './security/boardScope.js';
import type { RunningSimulator } from './simulator/server.js';
import { scopedBoard } from './security/boardScope.js';
import { Views } from './views/views.js';

/** A Connect instance to watch, as the configuration (or the environment) names it. */
export interface InstanceTarget {
  /** The id boards and `?instance=` use. */
  id: string;
  name: string;
  target: ConnectTarget;
  /** The embedded simulator standing in for Connect when none is configured; stopped with the instance. */
  simulator: RunningSimulator | null;
  /** The instance's AWS account when the configuration says it; unset means the credentials' account. */
  accountId?: string | undefined;
}

/**
 * The sections of a snapshot still waiting for their first answer: neither figures nor an error yet. A wall that
 * opens when /readyz first says ready then shows every section, agents included, not blank tiles for a minute.
 */
export function sectionsLoading(snapshot: Snapshot | null): SectionName[] {
  if (!snapshot) return [...SECTION_NAMES];
  // Every other section waits for a first discovery (the queues and profiles to ask about): while none has
  // succeeded and it fails (ListQueues refused, Connect out of reach at start), its error is their answer, on the
  // screens and here. Else a replica behind a readiness probe would never take a screen, and say nothing.
  const discovery = snapshot.sections.discovery;
  const undiscovered = discovery?.fetchedAt === null && discovery.error !== null;
  return SECTION_NAMES.filter((name) => {
    const section = snapshot.sections[name];
    if (undiscovered && name !== 'discovery') return false;
    return !section || (section.fetchedAt === null && section.error === null);
  });
}

/**
 * Whether an instance is ready, from the sections still loading: once none is, ready for good. A discovery that
 * failed at start and then succeeds leaves the other sections without figures for a cycle, and every replica's
 * probe would take it off the load balancer at once; trouble later is shown on the screens, not by taking them
 * away.
 */
export function readinessLatch(): (loading: readonly SectionName[]) => boolean {
  let readyOnce = false;
  return (loading) => {
    if (loading.length === 0) readyOnce = true;
    return readyOnce;
  };
}

/**
 * Connect's quotas as this deployment knows them: the published defaults, then the old group variables
 * (CONNECT_RATE_METRICS for GetCurrentMetricData and GetMetricData, CONNECT_RATE_OTHER for every other
 * operation), then CONNECT_QUOTAS per operation.
 */
export function connectQuotas(env: Env): Partial<Record<ConnectOperation, Quota>> {
  const quotas: Partial<Record<ConnectOperation, Quota>> = {};
  for (const operation of CONNECT_OPERATIONS) {
    const metric = operation === 'GetCurrentMetricData' || operation === 'GetMetricData';
    const group = metric ? env.CONNECT_RATE_METRICS : env.CONNECT_RATE_OTHER;
    if (group) quotas[operation] = group;
  }
  return { ...quotas, ...env.CONNECT_QUOTAS };
}

/**
 * Connect's throttling quotas are per account and Region, "not by user and not by instance": the instances of
 * one account and Region share one budget, so two of them draw the wallboard's share once, not twice. An
 * instance's account is its `accountId`; without one, the account of the credentials it is read with (the
 * default ones, or its `profile`), which every such instance shares. `accounts` gives that account where another
 * instance read with the same credentials names it (see credentialAccounts).
 */
export function budgetKey(
  target: Pick<InstanceTarget, 'accountId' | 'target'>,
  accounts: ReadonlyMap<string, string> = new Map(),
): string {
  const source = credentialSource(target);
  return `${target.accountId ?? accounts.get(source) ?? source}/${target.target.region}`;
}

/** The credentials an instance is read with: the default ones, or those of its profile. */
function credentialSource(target: Pick<InstanceTarget, 'target'>): string {
  return target.target.profile ? `profile ${target.target.profile}` : 'credentials';
}

/**
 * The account of each set of credentials where the instances read with it name one (and only one): credentials
 * read only their own account's instances (Connect has no resource-based policies), so an instance given the
 * account of the default credentials is in one account with those given none, and shares their budget.
 */
export function credentialAccounts(
  targets: readonly Pick<InstanceTarget, 'accountId' | 'target'>[],
): Map<string, string> {
  const named = new Map<string, Set<string>>();
  for (const target of targets) {
    if (!target.accountId) continue;
    const source = credentialSource(target);
    named.set(source, (named.get(source) ?? new Set()).add(target.accountId));
  }
  const accounts = new Map<string, string>();
  for (const [source, ids] of named) {
    const [only] = ids;
    if (ids.size === 1 && only) accounts.set(source, only);
  }
  return accounts;
}

/**
 * Each target's rate budget, by instance id. In one process the instances of one account and Region share one
 * budget. With REDIS_URL their pollers may run on different replicas (each where its lease is), whose budgets
 * know nothing of one another: each instance then has a budget of its own holding its part of the share (80%
 * over the instances of its account and Region), so together they stay within it wherever they run.
 */
export function rateBudgets(targets: readonly InstanceTarget[], env: Env): Map<string, RateBudget> {
  const share = env.CONNECT_RATE_SHARE / 100;
  const accounts = credentialAccounts(targets);
  const sharing = new Map<string, number>();
  for (const target of targets) {
    const key = budgetKey(target, accounts);
    sharing.set(key, (sharing.get(key) ?? 0) + 1);
  }
  const byKey = new Map<string, RateBudget>();
  const budgets = new Map<string, RateBudget>();
  for (const target of targets) {
    const key = budgetKey(target, accounts);
    if (env.REDIS_URL) {
      const part = share / (sharing.get(key) ?? 1);
      budgets.set(target.id, new RateBudget({ quotas: connectQuotas(env), share: part }));
      continue;
    }
    const budget = byKey.get(key) ?? new RateBudget({ quotas: connectQuotas(env), share });
    byKey.set(key, budget);
    budgets.set(target.id, budget);
  }
  return budgets;
}

/** "Today" starts at midnight here: TIME_ZONE when set, else the configuration file's time zone. */
export function contactCentreTimeZone(env: Env, config: WallboardConfig): string {
  return env.TIME_ZONE ?? config.timeZone;
}

/**
 * The service-level thresholds (seconds) to fetch from Connect, smallest first: the file's service level, then
 * every SERVICE_LEVEL_<seconds> a threshold or alert rule names (so no figure the screens draw or the rules watch
 * is missing), then those SERVICE_LEVEL_THRESHOLDS lists, up to Connect's 20 in one request.
 */
export function serviceLevelThresholds(env: Env, config: WallboardConfig): number[] {
  // The configured service level first of all: the tiles' service level, the charts and the forecast read it.
  return [
    ...new Set([
      config.serviceLevel.thresholdSeconds,
      ...fileServiceLevels(config),
      ...env.SERVICE_LEVEL_THRESHOLDS,
    ]),
  ]
    .slice(0, MAX_SERVICE_LEVELS)
    .sort((a, b) => a - b);
}

/**
 * The service levels left unfetched, in a sentence, or null: the file's and SERVICE_LEVEL_THRESHOLDS's together
 * are more than Connect's 20 in one request (the file's come first, then the smallest).
 */
export function serviceLevelsLeftOut(env: Env, config: WallboardConfig): string | null {
  const fetched = new Set(serviceLevelThresholds(env, config));
  const wanted = [...new Set([...fileServiceLevels(config), ...env.SERVICE_LEVEL_THRESHOLDS])];
  const left = wanted.filter((seconds) => !fetched.has(seconds)).sort((a, b) => a - b);
  if (left.length === 0) return null;
  return (
    `${left.map((seconds) => `SERVICE_LEVEL_${seconds}`).join(', ')} not fetched: the configuration file and ` +
    `SERVICE_LEVEL_THRESHOLDS name ${wanted.length} service levels, and Connect counts ${MAX_SERVICE_LEVELS} in ` +
    'one request; name fewer'
  );
}

/**
 * What of a reloaded file waits for a restart besides the instances list, or null: the embedded simulator's
 * time zone (it stands in for Connect, and keeps simulating the day it started with).
 */
export function reloadWaits(
  env: Env,
  config: WallboardConfig,
  simulatorTimeZone: string | null,
): string | null {
  const timeZone = contactCentreTimeZone(env, config);
  if (simulatorTimeZone !== null && simulatorTimeZone !== timeZone)
    return (
      `timeZone: the embedded simulator keeps simulating a day in ${simulatorTimeZone} until a restart; ` +
      `today on the wall already starts at midnight in ${timeZone}`
    );
  return null;
}

/**
 * The instances of the configuration file; without `instances`, the one of CONNECT_INSTANCE_ID and
 * AWS_REGION, or else an embedded simulator.
 */
export async function instanceTargets(
  config: WallboardConfig,
  env: Env,
  logger: Logger,
  credentials?: ConnectTarget['credentials'],
): Promise<InstanceTarget[]> {
  if (config.instances) {
    const ignored = (['CONNECT_INSTANCE_ID', 'CONNECT_ACCOUNT_ID', 'CONNECT_ENDPOINT'] as const).filter(
      (name) => env[name] !== undefined,
    );
    if (ignored.length > 0)
      logger.warn(
        { ignored },
        `${ignored.join(', ')} ${ignored.length === 1 ? 'is' : 'are'} not used: the configuration file lists ` +
          '`instances`, each with its own instanceId, region, endpoint and accountId. Set them there, or unset these.',
      );
    return config.instances.map((instance) => ({
      id: instance.id,
      name: instance.name ?? instance.id,
      target: {
        instanceId: instance.instanceId,
        region: instance.region,
        endpoint: instance.endpoint,
        credentials,
        profile: instance.profile,
      },
      simulator: null,
      accountId: instance.accountId,
    }));
  }
  if (env.CONNECT_INSTANCE_ID && env.AWS_REGION) {
    return [
      {
        id: DEFAULT_INSTANCE,
        name: 'Amazon Connect',
        target: {
          instanceId: env.CONNECT_INSTANCE_ID,
          region: env.AWS_REGION,
          endpoint: env.CONNECT_ENDPOINT,
          credentials,
        },
        simulator: null,
        accountId: env.CONNECT_ACCOUNT_ID,
      },
    ];
  }
  // The one place the simulator is loaded, and only when no instance is configured: a production build that
  // always has CONNECT_INSTANCE_ID (or `instances`) never loads it and may ship without server/dist/simulator.
  const { startSimulator } = await import('./simulator/server.js');
  const simulator = await startSimulator({
    queues: env.SIMULATOR_QUEUES,
    agents: env.SIMULATOR_AGENTS,
    seed: env.SIMULATOR_SEED,
    port: env.SIMULATOR_PORT,
    speed: env.SIMULATOR_SPEED,
    historyDays: env.SIMULATOR_HISTORY_DAYS,
    callLogSize: env.SIMULATOR_CALL_LOG,
    staffing: env.SIMULATOR_STAFFING,
    ...(env.SIMULATOR_TIME_OF_DAY ? { timeOfDay: env.SIMULATOR_TIME_OF_DAY } : {}),
    timeZone: contactCentreTimeZone(env, config),
  }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'EADDRINUSE')
      throw new EnvError(
        `SIMULATOR_PORT ${env.SIMULATOR_PORT} is in use by another process: stop that process, set SIMULATOR_PORT ` +
          'to a free port, or leave it unset (0 picks a free port).',
      );
    throw error;
  });
  logger.info(
    { endpoint: simulator.endpoint, instanceId: simulator.instanceId },
    'embedded Connect simulator started',
  );
  return [
    {
      id: DEFAULT_INSTANCE,
      name: 'Simulator',
      target: {
        instanceId: simulator.instanceId,
        region: simulator.region,
        endpoint: simulator.endpoint,
        // Throw-away credentials: the simulator checks that requests are signed, not by whom.
        credentials: { accessKeyId: 'SIMULATOR', secretAccessKey: 'simulator-secret' },
      },
      simulator,
    },
  ];
}

export interface RunningInstance {
  id: string;
  name: string;
  instanceId: string;
  client: ConnectClient;
  poller: Poller;
  /** With REDIS_URL: this instance's lease, shared snapshot and shared alerts. */
  cluster: Cluster | null;
  alerting: Alerting;
  simulator: RunningSimulator | null;
  /** What viewers of this instance read: the cluster's snapshot with Redis, else the poller's. */
  source: Cluster | Poller;
  /** Where this instance's alert endpoints go. */
  alerts: AlertsBackend;
  /** Its boards' views of its snapshots, for the stream and GET /api/v1/snapshot. */
  views: Views;
  /** Its viewers on GET /api/v1/stream. */
  stream: ViewStream;
  /** Ready once every section has its first figures (or its first error); `loading` names those still waiting. */
  readiness(): {
    ready: boolean;
    loading: SectionName[];
    redis?: 'up' | 'down';
    role?: 'leader' | 'follower';
  };
  stop(): Promise<void>;
}

/**
 * The instance's view as this server last recorded it (history/store.ts, viewAt), or null when it recorded none
 * in the last minute or its history cannot be read: never a reason not to start.
 */
export function lastRecorded(history: Pick<History, 'reader'>, id: string, logger: Logger): Snapshot | null {
  try {
    const found = history.reader.viewAt(id, Date.now());
    return 'view' in found ? found.view : null;
  } catch (error) {
    logger.warn({ err: error }, 'the last recorded snapshot could not be read; agents are timed afresh');
    return null;
  }
}

/**
 * Everything one Connect instance needs: its client, its poller, its alert engine and, with Redis, its
 * lease (so across replicas exactly one polls it). Started: polling, or competing for the lease.
 */
export async function startInstance(
  { id, name, target, simulator }: InstanceTarget,
  {
    env,
    logger: parent,
    configStore,
    metrics,
    budget,
    history,
    webBuild,
  }: {
    env: Env;
    /** The web app this replica serves now (shared/src/webBuild.ts), told to each screen in its heartbeats. */
    webBuild?: () => string | null;
    /** Where what the screens are sent is recorded (history/recorder.ts); none with HISTORY_ENABLED=false. */
    history?: History | null;
    logger: Logger;
    configStore: ConfigStore;
    metrics?: ServerMetrics;
    /** The budget of the instance's account and Region (see rateBudgets); without one, its own. */
    budget?: RateBudget;
  },
): Promise<RunningInstance> {
  const logger = parent.child({ instance: id });
  const client = createConnectClient(target);
  const alerting = setupAlerting({
    configStore,
    instance: id,
    logger,
    timeZone: (config) => contactCentreTimeZone(env, config),
    // Called only once the poller (and the cluster) below exist.
    latest: () => source.latest,
  });
  // Alerts and acknowledgements carry on across a restart.
  history?.attachAlerts(id, alerting.engine);
  // The agents staffed seen in each of today's intervals, which the forecast's correction is fitted on.
  const forecastState = new ForecastState();
  const poller: Poller = new Poller({
    // An embedded simulator runs ahead of real time at a speed above 1: today's figures follow its clock.
    ...(simulator ? { connectClock: simulator.now } : {}),
    client,
    instanceId: target.instanceId,
    intervalMs: env.POLL_INTERVAL_MS,
    staleAfterMs: env.STALE_AFTER_MS,
    logger,
    // The forecast first: the alert rules on it step on the same snapshot.
    enrich: (snapshot): Snapshot =>
      alerting.enrich(
        withBoardIntraday(
          withForecast(snapshot, poller.history, configStore.current, forecastState, env.STALE_AFTER_MS),
          poller.history,
          configStore.current,
          id,
        ),
      ),
    timeZone: contactCentreTimeZone(env, configStore.current),
    serviceLevelThresholds: serviceLevelThresholds(env, configStore.current),
    intradayIntervalMinutes: env.INTRADAY_INTERVAL_MINUTES,
    ...(budget ? { budget } : { rateShare: env.CONNECT_RATE_SHARE / 100, quotas: connectQuotas(env) }),
    historyIntervalMs: env.HISTORY_INTERVAL_MS,
    discoveryIntervalMs: env.DISCOVERY_INTERVAL_MS,
    observer: {
      call: (operation, outcome, ms) => metrics?.recordCall(id, operation, outcome, ms),
      cycle: (section, ms, ok) => metrics?.recordCycle(id, section, ms, ok),
      unknownValue: (field, value) => metrics?.recordUnknownValue(id, field, value),
    },
  });
  // A reloaded file applies at once: the time zone of "today" and the service-level thresholds fetched (a new
  // SERVICE_LEVEL_60 rule is fetched from the next round). Only what a running part cannot change waits.
  const stopReloads = configStore.onChange((config) => {
    poller.reconfigure({
      timeZone: contactCentreTimeZone(env, config),
      serviceLevelThresholds: serviceLevelThresholds(env, config),
    });
    // Said in the log, not as the file's error: the file is applied, all but these.
    const leftOut = serviceLevelsLeftOut(env, config);
    if (leftOut) logger.warn(leftOut);
    return reloadWaits(env, config, simulator?.model.timeZone ?? null);
  });
  // No call leaves this client unless its poller is meant to run: the lease, not the poller's timers, decides.
  const gate = new ConnectGate(client);
  const gated: PollerLike = {
    // An embedded simulator's contact centre is this process's own, started afresh with it: another replica's
    // snapshot, or one recorded before a restart, is of another centre, and carries nothing on.
    start(before) {
      gate.let();
      poller.start(simulator ? null : before);
    },
    stop() {
      gate.shut();
      poller.stop();
    },
    settled: (timeoutMs) => gate.settled(timeoutMs),
    subscribe: (listener) => poller.subscribe(listener),
  };
  // With Redis, replicas share one poller per instance: the cluster starts this one only while it holds the lease.
  const cluster = env.REDIS_URL
    ? new Cluster({
        redisUrl: env.REDIS_URL,
        instanceId: target.instanceId,
        leaseMs: env.LEASE_MS,
        staleAfterMs: env.STALE_AFTER_MS,
        poller: gated,
        engine: alerting.engine,
        logger,
        queueIntraday: (queueId) => poller.queueIntraday(queueId),
      })
    : null;
  const source: Cluster | Poller = cluster ?? poller;
  if (cluster) await cluster.start();
  // A server started again soon after it stopped (an upgrade) carries its agents on from what it recorded.
  else gated.start(history && !simulator ? lastRecorded(history, id, logger) : null);
  const views = new Views(() => configStore.current, id);
  const ready = readinessLatch();
  // The whole instance's view is recorded with or without viewers: every board's past is a view of it.
  const stream = new ViewStream(source, {
    views,
    webBuild,
    ...(history ? { observe: history.observer(id), keep: [null] } : {}),
  });

  return {
    id,
    name,
    instanceId: target.instanceId,
    client,
    poller,
    cluster,
    alerting,
    simulator,
    source,
    alerts: cluster ?? alerting.local,
    views,
    stream,
    readiness: () => {
      const loading = sectionsLoading(source.latest);
      return { ready: ready(loading), loading, ...(cluster ? cluster.status : {}) };
    },
    async stop() {
      stopReloads();
      stream.close();
      await cluster?.stop();
      gated.stop();
      client.destroy();
      await simulator?.close();
    },
  };
}

/**
 * The boards of the configuration in force, for the board scope (security/boardScope.ts): a board's queues are
 * its queue references resolved against the queues its instance last listed.
 */
export function boardDirectory(
  config: () => WallboardConfig,
  queuesOf: (instance: string) => readonly { id: string; name: string }[],
): BoardDirectory {
  return {
    boardIds: () => config().boards.map((board) => board.id),
    queueIds: (id) => {
      const current = config();
      const board = current.boards.find((candidate) => candidate.id === id);
      if (!board) return new Set();
      if (board.queues === 'all') return null;
      return new Set(resolveQueueRefs(board.queues, queuesOf(boardInstance(current, board))));
    },
    showsCharts: (id) =>
      config()
        .boards.find((board) => board.id === id)
        ?.sections.includes('charts') ?? true,
    instanceOf: (id) => {
      const current = config();
      const board = current.boards.find((candidate) => candidate.id === id);
      return board ? boardInstance(current, board) : undefined;
    },
  };
}

/**
 * The instance a request asks for: `?instance=<id>`, or `?board=<id>` (the board's instance), or else the
 * first. Unknown ids, or a board of another instance than the one named, are the caller's mistake.
 */
export function instanceSelector(
  instances: readonly RunningInstance[],
  config: () => WallboardConfig,
): (req: Request) => RunningInstance {
  const [first] = instances;
  if (!first) throw new Error('no instances');
  const byId = new Map(instances.map((instance) => [instance.id, instance]));
  const param = (req: Request, name: string): string | undefined => {
    const value = req.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '')
      throw new BadRequestError(`${name} must be given once, as an id, e.g. ?${name}=sales-floor`);
    return value;
  };
  return (req) => {
    const instanceParam = param(req, 'instance');
    const boardParam = param(req, 'board');
    let id = instanceParam;
    if (instanceParam !== undefined && !byId.has(instanceParam))
      throw new BadRequestError(
        `Unknown instance "${instanceParam}": the instances are ${[...byId.keys()].join(', ')}.`,
        'unknown_instance',
      );
    if (boardParam !== undefined) {
      const current = config();
      const board = current.boards.find((b) => b.id === boardParam);
      if (!board)
        throw new BadRequestError(
          `Unknown board "${boardParam}": the boards are ${current.boards.map((b) => b.id).join(', ')}.`,
          'unknown_board',
        );
      const ofBoard = boardInstance(current, board);
      if (instanceParam !== undefined && instanceParam !== ofBoard)
        throw new BadRequestError(
          `Board "${boardParam}" shows instance "${ofBoard}", not "${instanceParam}": give one of the two.`,
          'board_not_of_instance',
        );
      id = ofBoard;
    }
    return (id === undefined ? first : byId.get(id)) ?? first;
  };
}

/** What a request reads: the view of the board it asks for (`?board=`; none: the whole instance) of its instance. */
export function viewSource(
  instance: Pick<RunningInstance, 'source' | 'views'>,
  req: Request,
): SnapshotSource {
  const board = scopedBoard(req);
  return {
    get latest() {
      const snapshot = instance.source.latest;
      return snapshot ? (instance.views.of(snapshot, board) ?? null) : null;
    },
    get revision() {
      return instance.views.revisionOf(board);
    },
    unavailable: () => ('unavailable' in instance.source ? instance.source.unavailable() : null),
  };
}
