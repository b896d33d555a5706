import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zoneWhereItIs } from '../../server/test/support/timeZone.js';

/**
 * A wallboard server of a test's own: the built server (`server/dist/main.js`) on its embedded simulator, on
 * free loopback ports, with the environment the test gives. Tests that stop, restart or fault the server use
 * this rather than the suite's shared server.
 */

const serverMain = fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));
const gcOnSignal = fileURLToPath(new URL('./gcOnSignal.mjs', import.meta.url));

/** At most this many launches of a server, each after the one before found a port taken, on fresh ports. */
const PORT_ATTEMPTS = 3;

/**
 * Ports for the servers tests start, from a block of each lane's own (Playwright's parallel index), below the
 * ephemeral ports the system hands out: a port one lane has probed is never the other lane's to probe before
 * its server listens. Each is probed before it is given, so a port something else holds is passed over.
 */
const LANE_PORTS = 2000;
const FIRST_LANE_PORT = 21_000;
/**
 * Lanes with a block of their own: five blocks end at 30999, below Linux's first ephemeral port, 32768. With
 * more workers than that, lanes five apart share a block (the probe still passes over ports in use).
 */
const LANES = 5;
let nextInLane = 0;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const lane = Number(process.env.TEST_PARALLEL_INDEX ?? 0);
  const first = FIRST_LANE_PORT + ((Number.isInteger(lane) && lane >= 0 ? lane : 0) % LANES) * LANE_PORTS;
  for (let tried = 0; tried < LANE_PORTS; tried += 1) {
    const port = first + (nextInLane % LANE_PORTS);
    nextInLane += 1;
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port on 127.0.0.1 from ${first} to ${first + LANE_PORTS - 1}`);
}

export interface TestServer {
  url: string;
  port: number;
  /** The embedded simulator's own endpoint, with its fault controls at /_sim/faults. */
  simulatorUrl: string;
  /** Everything the server wrote to stdout and stderr so far. */
  logs(): string;
  /** The server process's id (it changes on restart). */
  pid(): number;
  /** Stops the process (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** Stops it and starts it again on the same ports, as an upgrade or a host restart would. */
  restart(extraEnv?: Record<string, string>): Promise<void>;
  /** The process's memory after a full garbage collection (started with `measureMemory` only). */
  memoryAfterGc(): Promise<{ heapUsed: number; rss: number }>;
}

export interface TestServerOptions {
  /** Lets the test collect the process's garbage and read its memory (see gcOnSignal.mjs). */
  measureMemory?: boolean;
}

async function waitReady(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${logs()}`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server at ${url} was not ready within ${timeoutMs} ms:\n${logs()}`);
}

export async function startTestServer(
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  let port = await freePort();
  let simulatorPort = await freePort();
  // History (and the alerts it keeps) of its own unless the test names a directory: kept across a restart.
  const historyDir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-history-'));
  // Likewise its data directory (the screens it knows are kept there, docs/screens.md), kept across a restart.
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-data-'));
  // "Today" in a zone where it is mid-morning unless the test names one, whatever the hour of the run: in the
  // first minutes after midnight there are no series yet, nor a chart or an arrival rate.
  const timeZone = zoneWhereItIs(10);
  let output = '';
  let child: ChildProcess;
  let currentEnv = env;
  const launch = async () => {
    const nodeArgs = options.measureMemory ? ['--expose-gc', '--import', gcOnSignal] : [];
    child = spawn(process.execPath, [...nodeArgs, serverMain], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        SIMULATOR_PORT: String(simulatorPort),
        HISTORY_DIR: historyDir,
        DATA_DIR: dataDir,
        TIME_ZONE: timeZone,
        ...currentEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await waitReady(`http://127.0.0.1:${port}`, child, 60_000, () => output);
  };
  const stop = async () => {
    const running = child;
    if (running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const killer = setTimeout(() => running.kill('SIGKILL'), 5000);
      running.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      running.kill('SIGTERM');
    });
  };
  // A probed port is free only until something else takes it, between the probe and this server's listen. The
  // server then exits naming the port in use; it starts again on two fresh ones.
  for (let attempt = 1; ; attempt += 1) {
    const from = output.length;
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt === PORT_ATTEMPTS || !/ is in use by another process/.test(output.slice(from))) throw error;
      output += `\n[test] a port was taken before the server listened: starting it again on fresh ports\n`;
      port = await freePort();
      simulatorPort = await freePort();
    }
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    simulatorUrl: `http://127.0.0.1:${simulatorPort}`,
    logs: () => output,
    pid: () => child.pid ?? 0,
    stop,
    async restart(extraEnv = {}) {
      await stop();
      currentEnv = { ...currentEnv, ...extraEnv };
      await launch();
    },
    async memoryAfterGc() {
      if (!options.measureMemory) throw new Error('start the server with { measureMemory: true }');
      const marker = 'memory-after-gc ';
      const from = output.length;
      child.kill('SIGUSR2');
      const deadline = Date.now() + 10_000;
      for (;;) {
        const at = output.indexOf(marker, from);
        const end = at >= 0 ? output.indexOf('\n', at) : -1;
        if (end >= 0)
          return JSON.parse(output.slice(at + marker.length, end)) as { heapUsed: number; rss: number };
        if (Date.now() > deadline) throw new Error('the server did not report its memory within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/**
 * A server in tokens mode on a small simulated centre: the configuration file and the token file written into a
 * fresh directory (each token entry as YAML flow text, its `sha256` worked out from `token`).
 */
export async function startTokensServer(
  name: string,
  config: string,
  tokens: { token: string; entry: string }[],
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), `switchboard-${name}-`));
  const configFile = join(dir, 'wallboard.yaml');
  writeFileSync(configFile, config);
  const tokensFile = join(dir, 'tokens.yaml');
  const lines = tokens.map(
    ({ token, entry }) => `  - { ${entry}, sha256: ${createHash('sha256').update(token).digest('hex')} }`,
  );
  writeFileSync(tokensFile, `tokens:\n${lines.join('\n')}\n`);
  return startTestServer({
    WALLBOARD_CONFIG: configFile,
    ACCESS_MODE: 'tokens',
    DISPLAY_TOKENS_FILE: tokensFile,
    DATA_DIR: join(dir, 'data'),
    SIMULATOR_QUEUES: '4',
    SIMULATOR_AGENTS: '20',
  });
}
