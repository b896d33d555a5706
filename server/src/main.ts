import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertsRouter } from './alerts/routes.js';
import type { Cluster } from './cluster/cluster.js';
import { LocalScreenStore, SCREENS_FILE_NAME } from './cluster/localScreens.js';
import { RedisScreenStore } from './cluster/screens.js';
import { DisplayRegistry } from './displays/registry.js';
import { NewScreenAllowance, displaysRouter, mayClaim, streamKey } from './displays/routes.js';
import { ConfigFileError } from './config/load.js';
import { boardInstance } from './config/instances.js';
import { ConfigStore } from './config/store.js';
import type { ConnectTarget } from './connect/client.js';
import { EnvError, parseEnv, pathsNote, type Env } from './env.js';
import { createApp } from './http/app.js';
import {
  HEADERS_TIMEOUT_MS,
  limitConnections,
  REQUEST_TIMEOUT_MS,
  TIMEOUT_CHECK_MS,
} from './http/connectionLimits.js';
import { configRouter } from './http/configRoute.js';
import { ServerMetrics } from './http/metrics.js';
import { streamRouter } from './http/stream.js';
import { intradayRouter } from './http/intradayRoute.js';
import { History } from './history/recorder.js';
import { historyRouter } from './history/routes.js';
import {
  boardDirectory,
  instanceSelector,
  viewSource,
  instanceTargets,
  serviceLevelsLeftOut,
  rateBudgets,
  startInstance,
  type RunningInstance,
} from './instances.js';
import { createLogger, logFormatFor } from './logger.js';
import { isLoopbackHost, normaliseAddress } from './security/loopback.js';
import { rateLimitKey } from './security/headers.js';
import { SERVER_BUILD } from './version.js';
import { loadedAddresses, webBuildOf } from '@switchboard/shared';
import type { Poller } from './poller/poller.js';
import { scopedAlerts, userBoards } from './security/boardScope.js';
import { mayInspect, openSecurity } from './security/index.js';
import type { RunningSimulator } from './simulator/server.js';

export interface RunningWallboard {
  url: string;
  port: number;
  configStore: ConfigStore;
  /** Every Connect instance of the configuration, the default first. */
  instances: RunningInstance[];
  /** The first (default) instance's poller, simulator and cluster. */
  poller: Poller;
  simulator: RunningSimulator | null;
  cluster: Cluster | null;
  /** The history store, null with HISTORY_ENABLED=false. */
  history: History | null;
  stop(): Promise<void>;
}

/** Connections the kernel may hold for us while we accept (capped by net.core.somaxconn); Node's default is 511. */
const LISTEN_BACKLOG = 4096;
/** How long the token file and the configuration are left to settle after a change before streams are checked. */
const RECHECK_SETTLE_MS = 2000;

const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The build of the web app in `webDist` (shared/src/webBuild.ts), as the index.html served now names it: read
 * again whenever the file changes (a build over a running development server, a deploy that builds before it
 * restarts), since the page is served from the disk on every load. None where no app is built (an API-only
 * server, a development setup whose page Vite serves).
 */
function servedWebBuild(webDist: string): () => string | null {
  const file = join(webDist, 'index.html');
  let read: { changed: string; build: string | null } | null = null;
  // Looked at no more than once a second: a wall of screens reconnecting at once costs one look, not one each.
  let lookedAt = Number.NEGATIVE_INFINITY;
  return () => {
    const now = performance.now();
    if (read && now - lookedAt < 1000) return read.build;
    lookedAt = now;
    try {
      // Its time, size and inode: a copy that keeps the old file's time (cp -p, an image layer) is another file.
      const stat = statSync(file);
      const changed = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
      if (read?.changed !== changed)
        read = { changed, build: webBuildOf(loadedAddresses(readFileSync(file, 'utf8'))) };
      return read.build;
    } catch {
      read = { changed: 'missing', build: null };
      return null;
    }
  };
}

/** Starts the whole product: the simulator when no instance is configured, the poller and the web server. */
export interface StartOptions {
  webDist?: string;
  /** Explicit credentials, for tests against a simulator; otherwise the SDK's default provider chain. */
  credentials?: ConnectTarget['credentials'];
}

export async function startWebServer(env: Env, options: StartOptions = {}): Promise<RunningWallboard> {
  const logger = createLogger(env.LOG_LEVEL, {
    format: logFormatFor(env.LOG_FORMAT, process.stdout.isTTY === true),
  });
  const security = await openSecurity(
    {
      accessMode: env.ACCESS_MODE ?? 'open',
      tokensFile: env.DISPLAY_TOKENS_FILE,
      trustedProxies: env.TRUSTED_PROXIES,
      userHeader: env.TRUSTED_USER_HEADER,
      frameAncestors: env.FRAME_ANCESTORS,
      readsPerMinute: env.API_READS_PER_MINUTE,
      writesPerMinute: env.API_WRITES_PER_MINUTE,
      historyReadsPerMinute: env.HISTORY_READS_PER_MINUTE,
      publicHosts: env.PUBLIC_HOSTS,
      sessionSecret: env.SESSION_SECRET,
      redisUrl: env.REDIS_URL,
      dataDir: env.DATA_DIR,
      sessionTtlMs: env.SESSION_TTL_DAYS * 24 * 3600 * 1000,
      hstsMaxAgeSeconds: env.HSTS_MAX_AGE,
      streamsPerAddress: env.STREAMS_PER_ADDRESS,
      streamsTotal: env.STREAMS_TOTAL,
      streamsPerToken: env.STREAMS_PER_TOKEN,
      metricsAccess: env.METRICS_ACCESS,
      metricsToken: env.METRICS_TOKEN,
    },
    logger,
  );
  if (!isLoopbackHost(env.HOST) && env.PUBLIC_HOSTS.length === 0) {
    logger.warn(
      { host: env.HOST },
      'listening beyond loopback with no PUBLIC_HOSTS: only loopback names and this address are answered',
    );
  }
  // A broken configuration file stops the start (ConfigFileError) before anything runs.
  const configStore = await ConfigStore.open(env.WALLBOARD_CONFIG, logger);
  const targets = await instanceTargets(configStore.current, env, logger, options.credentials);
  const leftOut = serviceLevelsLeftOut(env, configStore.current);
  if (leftOut) logger.warn(leftOut);
  const olderPaths = pathsNote(env);
  if (olderPaths) logger.warn(olderPaths);
  if (env.CONNECT_RATE_METRICS || env.CONNECT_RATE_OTHER)
    logger.warn(
      'CONNECT_RATE_METRICS and CONNECT_RATE_OTHER give one quota to a group of operations; Connect sets them per ' +
        'operation: set CONNECT_QUOTAS instead, e.g. CONNECT_QUOTAS=GetCurrentUserData=5/8 (read as before for now)',
    );
  // Connect's quotas are per account and Region: the instances of one share its budget (rateBudgets).
  const budgets = rateBudgets(targets, env);
  const instances: RunningInstance[] = [];
  // Per instance, when its latest queue figures were fetched and how often they are: what a screen holding its
  // stream shows between its reports (displays/state.ts), kept as each generation is published rather than worked
  // out for every screen the registry lists.
  const queuesFetched = new Map<string, { at: number; intervalMs: number }>();
  // Every screen the wallboard feeds, shared by the replicas through Redis, or kept in DATA_DIR by the only one
  // (docs/screens.md).
  const displays = new DisplayRegistry({
    store: env.REDIS_URL
      ? new RedisScreenStore(env.REDIS_URL, logger)
      : new LocalScreenStore({
          file: join(env.DATA_DIR, SCREENS_FILE_NAME),
          logger: logger.child({ part: 'screens' }),
        }),
    logger,
    intervalMs: env.SCREEN_REPORT_INTERVAL_MS,
    staleAfterMs: env.STALE_AFTER_MS,
    serverBuild: SERVER_BUILD,
    serverStartedAt: Date.now(),
    knownBoard: (board) => configStore.current.boards.some((known) => known.id === board),
    figuresFetchedAt: (board) => {
      const config = configStore.current;
      // A page with no board streams the first instance (instanceSelector); a board, its own.
      const shown = board === null ? undefined : config.boards.find((known) => known.id === board);
      if (board !== null && !shown) return null;
      const id = shown ? boardInstance(config, shown) : instances[0]?.id;
      return id === undefined ? null : (queuesFetched.get(id) ?? null);
    },
  });
  await displays.start();
  // The new screens each client may add, by report or by stream (displays/routes.ts).
  const newScreens = new NewScreenAllowance();
  const clientOf = rateLimitKey(env.TRUSTED_PROXIES);
  const metrics = new ServerMetrics({
    screens: () => displays.counts(),
    instances: () =>
      instances.map((instance) => ({
        id: instance.id,
        latest: () => instance.source.latest,
        viewers: () => instance.stream.viewerCount,
        streamTotals: () => instance.stream.totals,
      })),
  });
  let history: History | null = null;
  try {
    // Opened (DATA_DIR created) before anything polls: an unwritable directory stops the start with its name.
    history = env.HISTORY_ENABLED
      ? History.open({
          dataDir: env.HISTORY_DIR ?? env.DATA_DIR,
          dirVariable: env.HISTORY_DIR ? 'HISTORY_DIR' : 'DATA_DIR',
          retentionDays: env.HISTORY_RETENTION_DAYS,
          keyframeMs: env.HISTORY_KEYFRAME_SECONDS * 1000,
          minFreeBytes: env.HISTORY_MIN_FREE_MB * 1_000_000,
          logger: logger.child({ part: 'history' }),
          onDrop: (reason, generations) => metrics.recordHistoryDropped(reason, generations),
          onWritten: (generations) => metrics.recordHistoryWritten(generations),
        })
      : null;
    // The web app this replica serves, told to its screens on every connection (each stream's first heartbeat).
    const webBuild = servedWebBuild(options.webDist ?? defaultWebDist);
    for (const target of targets) {
      const started = await startInstance(target, {
        env,
        logger,
        configStore,
        metrics,
        budget: budgets.get(target.id),
        history,
        webBuild,
      });
      instances.push(started);
      started.source.subscribe(({ sections: { queues } }) => {
        const at = queues.fetchedAt ? Date.parse(queues.fetchedAt) : NaN;
        if (Number.isFinite(at)) queuesFetched.set(started.id, { at, intervalMs: queues.intervalMs ?? 0 });
      });
    }
  } catch (error) {
    await Promise.all(instances.map((instance) => instance.stop()));
    await history?.close();
    await Promise.all(targets.map((target) => target.simulator?.close()));
    await displays.stop();
    security.close();
    throw error;
  }
  configStore.watch();
  // A token revoked or a scope narrowed: open streams are checked again, once the files have settled. An editor
  // that truncates a file before writing it can be caught half way (no tokens at all), and ending every screen's
  // stream on that would have them all reconnect at once for the view whole. (A board moved or removed ends its
  // viewers at its instance's next generation: ViewStream.broadcast.)
  let settling: NodeJS.Timeout | undefined;
  const recheckStreams = () => {
    clearTimeout(settling);
    settling = setTimeout(() => {
      for (const instance of instances) instance.stream.recheck();
    }, RECHECK_SETTLE_MS);
    settling.unref();
    return null;
  };
  configStore.onChange(recheckStreams);
  security.tokens?.onChange(recheckStreams);
  const [first] = instances;
  if (!first) throw new Error('no Connect instance to watch');
  // The screens' alert rules are evaluated once, by the first instance's engine (its leader, with replicas).
  first.alerting.watchScreens(displays);
  const select = instanceSelector(instances, () => configStore.current);
  const boards = boardDirectory(
    () => configStore.current,
    (id) => instances.find((instance) => instance.id === id)?.source.latest?.queues ?? [],
  );

  const app = createApp({
    secure: (app) =>
      security.apply(app, {
        directory: boards,
        userBoards: (user) => userBoards(configStore.current, user),
      }),
    logger,
    mayInspect,
    serveSourceMaps: env.SERVE_SOURCE_MAPS,
    source: first.source,
    selectSource: (req) => viewSource(select(req), req),
    // Ready once every section of every instance has its first figures: a wall opened then is complete.
    ready: () => instances.every((instance) => instance.readiness().ready),
    webDist: options.webDist ?? defaultWebDist,
    earlyRouters: [historyRouter({ history: () => history, select, directory: boards })],
    routers: [
      configRouter({
        configStore,
        staleAfterMs: env.STALE_AFTER_MS,
        latest: (id) => instances.find((instance) => instance.id === id)?.source.latest ?? null,
        mayInspect,
      }),
      alertsRouter((req) => scopedAlerts(req, select(req).alerts, boards)),
      streamRouter(
        (req) => select(req).stream,
        (req, board) => {
          const key = streamKey(req);
          // Another board's screen is not claimed by naming its id: the stream is served, not followed.
          if (!key || !mayClaim(req, displays, key)) return undefined;
          // A new screen's stream counts against its client's new screens as its first report does; beyond
          // them it is served but not followed, as when the registry is full.
          if (!displays.has(key)) {
            if (!newScreens.allows(clientOf(req))) return undefined;
            newScreens.take(clientOf(req));
          }
          return (send) => req.on('close', displays.streamOpened(key, board, send));
        },
      ),
      displaysRouter(displays, SERVER_BUILD, clientOf, newScreens, () =>
        configStore.current.boards.map((board) => board.id),
      ),
      intradayRouter((req) => select(req).cluster ?? select(req).poller),
      metrics.router(security.mayScrape),
    ],
    readyDetails: () => ({
      configError: configStore.error,
      ...security.readiness(),
      // Why history is not recorded (history/recorder.ts): the file removed and not made again, writes failing,
      // or another wallboard recording into it; or null.
      ...(history ? { historyError: history.error } : {}),
      // One instance: its lease and Redis state at the top, as before several instances.
      ...(instances.length === 1 ? first.readiness() : {}),
      instances: Object.fromEntries(instances.map((instance) => [instance.id, instance.readiness()])),
    }),
  });
  /** Everything started above, stopped: the pollers and streams, the screens, the history, the files watched. */
  const stopParts = async () => {
    clearTimeout(settling);
    await Promise.all(instances.map((instance) => instance.stop()));
    await displays.stop();
    // After the streams stopped: what they sent last is written before the file closes.
    await history?.close();
    configStore.close();
    security.close();
  };
  let server: Server;
  try {
    server = await new Promise((resolve, reject) => {
      const s = createServer(
        {
          headersTimeout: HEADERS_TIMEOUT_MS,
          requestTimeout: REQUEST_TIMEOUT_MS,
          connectionsCheckingInterval: TIMEOUT_CHECK_MS,
        },
        app,
      );
      const perAddress = env.CONNECTIONS_PER_ADDRESS ?? 8 * env.STREAMS_PER_ADDRESS;
      limitConnections(s, {
        perAddress,
        exempt: new Set(env.TRUSTED_PROXIES.map(normaliseAddress)),
        onEachRefused: () => metrics.recordConnectionRefused(),
        onRefused: (address, open) =>
          logger.warn(
            { address, open, limit: perAddress },
            'refusing new connections from an address that holds CONNECTIONS_PER_ADDRESS open (logged once a minute per address)',
          ),
      });
      s.once('error', reject);
      // A deep accept queue: after a restart every screen reconnects within the stream's retry of 2 s.
      s.listen(env.PORT, env.HOST, LISTEN_BACKLOG, () => {
        s.off('error', reject);
        // Listening, the server's errors are a connection it could not accept (EMFILE: no file descriptor left):
        // logged, once a minute, and the server goes on serving those it holds, rather than stopping.
        let lastLogged = -Infinity;
        s.on('error', (error: NodeJS.ErrnoException) => {
          if (performance.now() - lastLogged < 60_000) return;
          lastLogged = performance.now();
          logger.error(
            { code: error.code, reason: error.message },
            'cannot accept a connection (logged once a minute): raise the open-file limit, or lower STREAMS_TOTAL and CONNECTIONS_PER_ADDRESS',
          );
        });
        resolve(s);
      });
    });
  } catch (error) {
    await stopParts();
    throw listenError(error, env);
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${port}`;
  logger.info(
    {
      url,
      instances: instances.map((i) => ({
        id: i.id,
        instanceId: i.instanceId,
        simulator: i.simulator !== null,
      })),
    },
    'wallboard listening',
  );

  return {
    url,
    port,
    configStore,
    instances,
    poller: first.poller,
    simulator: first.simulator,
    cluster: first.cluster,
    history,
    async stop() {
      // An operator sees a stop asked for and done, apart from a crash (logged as fatal) or a hang.
      logger.info('wallboard stopping: the streams end, the polling leases are released');
      const started = performance.now();
      await stopParts();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      logger.info({ tookMs: Math.round(performance.now() - started) }, 'wallboard stopped');
    },
  };
}

/** Why the server cannot listen where PORT and HOST say, and what to set instead. */
function listenError(error: unknown, env: Env): Error {
  const code = (error as { code?: unknown }).code;
  const where = `PORT ${env.PORT} on HOST ${env.HOST}`;
  switch (code) {
    case 'EADDRINUSE':
      return new EnvError(
        `${where} is in use by another process: stop that process, or set PORT to a free port ` +
          `(e.g. PORT=${env.PORT === 8081 ? 8082 : 8081}).`,
      );
    case 'EACCES':
      return new EnvError(
        `${where} needs privileges this process does not have (ports below 1024, on most systems): set PORT to ` +
          '1024 or above (e.g. PORT=8080) and put a proxy in front for port 80 or 443.',
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new EnvError(
        `HOST ${env.HOST} is not an address of this machine: set HOST to one of its addresses, 0.0.0.0 for all of ` +
          'them, or leave it unset for 127.0.0.1.',
      );
    default:
      return new EnvError(
        `Cannot listen on ${where}: ${error instanceof Error ? error.message : String(error)}.`,
      );
  }
}

const isEntryPoint = process.argv[1] === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  // Failures nobody expected: logged once, then a graceful stop (streams ended, the lease released) and an exit
  // for the supervisor (systemd, Kubernetes) to restart a clean process.
  // Readable on a terminal until LOG_FORMAT is read, then as LOG_FORMAT says.
  const onTerminal = process.stdout.isTTY === true;
  let fatalLog = createLogger('fatal', { format: logFormatFor(undefined, onTerminal) });
  let running: RunningWallboard | undefined;
  let exiting = false;
  const exit = (code: number) => {
    if (exiting) return;
    exiting = true;
    // A stop that hangs must not keep a broken process alive.
    setTimeout(() => process.exit(code), 10_000).unref();
    void Promise.resolve(running?.stop())
      .catch(() => undefined)
      .finally(() => process.exit(code));
  };
  process.on('unhandledRejection', (reason) => {
    fatalLog.fatal({ err: reason }, 'unhandled promise rejection; shutting down');
    exit(1);
  });
  process.on('uncaughtException', (error) => {
    fatalLog.fatal({ err: error }, 'uncaught exception; shutting down');
    exit(1);
  });
  process.on('SIGINT', () => exit(0));
  process.on('SIGTERM', () => exit(0));
  try {
    const env = parseEnv();
    fatalLog = createLogger('fatal', { format: logFormatFor(env.LOG_FORMAT, onTerminal) });
    running = await startWebServer(env);
  } catch (error) {
    if (error instanceof EnvError || error instanceof ConfigFileError) {
      console.error(error.message);
      process.exit(2);
    }
    fatalLog.fatal({ err: error }, 'the wallboard could not start');
    process.exit(1);
  }
}
