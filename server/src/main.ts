import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createConnectClient, type ConnectTarget } from './connect/client.js';
import { setupAlerting, type Alerting } from './alerts/setup.js';
import { Cluster } from './cluster/cluster.js';
import { ConfigFileError } from './config/load.js';
import { ConfigError, parseEnv, type Env } from './env.js';
import { createApp } from './http/app.js';
import { createLogger } from './logger.js';
import { Poller } from './poller/poller.js';
import { applySecurity, type Security } from './security/index.js';
import { startSimulator, type RunningSimulator } from './simulator/server.js';

export interface RunningWallboard {
  url: string;
  port: number;
  poller: Poller;
  simulator: RunningSimulator | null;
  alerting: Alerting;
  cluster: Cluster | null;
  stop(): Promise<void>;
}

const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Starts the whole product: the simulator when no instance is configured, the poller and the web server. */
export interface StartOptions {
  webDist?: string;
  /** Explicit credentials, for tests against a simulator; otherwise the SDK's default provider chain. */
  credentials?: ConnectTarget['credentials'];
}

export async function startWebServer(env: Env, options: StartOptions = {}): Promise<RunningWallboard> {
  const logger = createLogger(env.LOG_LEVEL);
  let simulator: RunningSimulator | null = null;
  let target: ConnectTarget;
  if (env.CONNECT_INSTANCE_ID && env.AWS_REGION) {
    target = {
      instanceId: env.CONNECT_INSTANCE_ID,
      region: env.AWS_REGION,
      endpoint: env.CONNECT_ENDPOINT,
      credentials: options.credentials,
    };
  } else {
    simulator = await startSimulator({
      queues: env.SIMULATOR_QUEUES,
      agents: env.SIMULATOR_AGENTS,
      seed: env.SIMULATOR_SEED,
      port: env.SIMULATOR_PORT,
    });
    logger.info(
      { endpoint: simulator.endpoint, instanceId: simulator.instanceId },
      'embedded Connect simulator started',
    );
    target = {
      instanceId: simulator.instanceId,
      region: simulator.region,
      endpoint: simulator.endpoint,
      // Throw-away credentials: the simulator checks that requests are signed, not by whom.
      credentials: { accessKeyId: 'SIMULATOR', secretAccessKey: 'simulator-secret' },
    };
  }
  const client = createConnectClient(target);
  let alerting: Alerting;
  try {
    alerting = await setupAlerting({
      configFile: env.WALLBOARD_CONFIG,
      staleAfterMs: env.STALE_AFTER_MS,
      logger,
      // Called only once the poller (and the cluster) below exist.
      latest: () => (cluster ?? poller).latest,
      backend: () => cluster ?? undefined,
    });
  } catch (error) {
    client.destroy();
    await simulator?.close();
    throw error;
  }
  const poller = new Poller({
    client,
    instanceId: target.instanceId,
    intervalMs: env.POLL_INTERVAL_MS,
    staleAfterMs: env.STALE_AFTER_MS,
    logger,
    enrich: alerting.enrich,
  });
  // With Redis, replicas share one poller per instance: the cluster starts this one only while it holds the lease.
  const cluster = env.REDIS_URL
    ? new Cluster({
        redisUrl: env.REDIS_URL,
        instanceId: target.instanceId,
        leaseMs: env.LEASE_MS,
        staleAfterMs: env.STALE_AFTER_MS,
        poller,
        engine: alerting.engine,
        logger,
      })
    : null;
  if (cluster) await cluster.start();
  else poller.start();

  let security: Security | undefined;
  const app = createApp({
    secure: (app) => {
      security = applySecurity(
        app,
        {
          accessMode: env.ACCESS_MODE ?? 'open',
          tokensFile: env.DISPLAY_TOKENS_FILE,
          trustedProxies: env.TRUSTED_PROXIES,
          userHeader: env.TRUSTED_USER_HEADER,
          frameAncestors: env.FRAME_ANCESTORS,
          readsPerMinute: env.API_READS_PER_MINUTE,
          writesPerMinute: env.API_WRITES_PER_MINUTE,
        },
        logger,
      );
    },
    source: cluster ?? poller,
    webDist: options.webDist ?? defaultWebDist,
    routers: [alerting.router],
    readyDetails: () => ({ configError: alerting.configStore.error, ...(cluster ? cluster.status : {}) }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(env.PORT, env.HOST, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${port}`;
  logger.info({ url, instanceId: target.instanceId, simulator: simulator !== null }, 'wallboard listening');

  return {
    url,
    port,
    poller,
    simulator,
    alerting,
    cluster,
    async stop() {
      await cluster?.stop();
      poller.stop();
      alerting.close();
      security?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      client.destroy();
      await simulator?.close();
    },
  };
}

const isEntryPoint = process.argv[1] === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  try {
    const running = await startWebServer(parseEnv());
    const shutdown = () => void running.stop().then(() => process.exit(0));
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ConfigFileError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
