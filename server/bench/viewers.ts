import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { startRedis, type TestRedis } from '../test/support/redis.js';
import type { ClientMessage } from './viewerClient.js';
import type { ReplicaMessage } from './replica.js';

/**
 * Many stream viewers: 1,000 / 5,000 / 10,000 SSE viewers on GET /api/v1/stream, on one replica or spread over
 * replicas that share Redis. Prints, per scenario, the server CPU per snapshot, the memory per viewer (RSS and
 * heap, over the same replica with no viewers) and the delivery latency from the snapshot being ready (the
 * poller's `generatedAt`) to a viewer having received the generation's whole frame: a patch (`event: patch`), or
 * the view whole (`event: snapshot`) for a viewer that had fallen behind, whichever the stream sent. Loopback
 * only.
 *
 *   npx -y pnpm@12.21.0 --filter @switchboard/server bench:viewers [-- 1000x1 10000x1 10000x1:plain 10000x2]
 *
 * `--dry-run` prints the scenarios it would run and stops (the README's test runs the documented command so).
 *
 * Viewers ask for a gzip stream, as browsers do; `:plain` makes a scenario's viewers ask for none, to compare.
 *
 * Targets: 10,000 viewers on one replica with p99 under 250 ms; under 50 KB per viewer. Clients and servers share
 * the machine's cores, so the figures are an upper bound of what the server needs.
 */

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
// The children run under the same loader (tsx) as this script.
const execArgv = [...process.execArgv, '--expose-gc'];
/** BENCH_PROFILE_DIR: each replica writes a CPU profile there when it stops (open it in Chrome's DevTools). */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const replicaExecArgv = PROFILE_DIR ? [...execArgv, '--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : execArgv;
const POLL_INTERVAL_MS = 2000;
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 16_000);
/**
 * Viewers per client process (BENCH_VIEWERS_PER_CLIENT, default 5,000: two processes for 10,000). The clients share
 * the server's cores here; fewer processes switch less (four of 2,500 cost the cores more, and the server with them).
 */
const VIEWERS_PER_CLIENT = Number(process.env.BENCH_VIEWERS_PER_CLIENT ?? 5000);
if (!Number.isInteger(VIEWERS_PER_CLIENT) || VIEWERS_PER_CLIENT < 1 || VIEWERS_PER_CLIENT > 15_000)
  throw new Error(
    `BENCH_VIEWERS_PER_CLIENT must be a whole number from 1 to 15000, e.g. 2500 (it is "${process.env.BENCH_VIEWERS_PER_CLIENT}")`,
  );

interface Scenario {
  viewers: number;
  replicas: number;
  gzip: boolean;
}

// pnpm passes the `--` that separates its own options on to the script.
const argv = process.argv.slice(2).filter((arg) => arg !== '--' && arg !== '--dry-run');
const dryRun = process.argv.includes('--dry-run');
const scenarios: Scenario[] = (
  argv.length > 0 ? argv : ['1000x1', '10000x1', '10000x1:plain', '10000x2']
).map((text) => {
  const match = /^(\d+)x(\d+)(:plain)?$/.exec(text);
  const [viewers, replicas] = [Number(match?.[1]), Number(match?.[2])];
  if (!match || !viewers || !replicas) {
    throw new Error(`scenario "${text}" must look like 5000x1 or 5000x1:plain (viewers x replicas)`);
  }
  return { viewers, replicas, gzip: match[3] === undefined };
});

if (dryRun) {
  for (const { viewers, replicas, gzip } of scenarios) {
    console.log(
      `${viewers} viewers on ${replicas} replica${replicas === 1 ? '' : 's'}, ${gzip ? 'gzip' : 'plain'}`,
    );
  }
  process.exit(0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a message to a child and resolves with its first reply of the given type. */
function ask<T extends { type: string }>(child: ChildProcess, type: string, reply: T['type']): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: T) => {
      if (message.type !== reply) return;
      child.off('message', listener);
      resolve(message);
    };
    child.on('message', listener);
    child.send({ type });
  });
}

interface Replica {
  child: ChildProcess;
  url: string;
  /** generation → when the poller made it. */
  generated: Map<number, number>;
  /** generation → how long after that this replica had queued it to every viewer. */
  written: Map<number, number>;
}

async function startReplica(env: Record<string, string>): Promise<Replica> {
  const child = fork(here('./replica.ts'), [JSON.stringify(env)], {
    execArgv: replicaExecArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const generated = new Map<number, number>();
  const written = new Map<number, number>();
  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (message: ReplicaMessage) => {
      if (message.type === 'listening') resolve(message.url);
      if (message.type === 'snapshot') {
        generated.set(message.generation, message.generatedAt);
        written.set(message.generation, message.deliveredAt - message.generatedAt);
      }
    });
    child.once('exit', (code) => reject(new Error(`replica exited (${code})`)));
  });
  return { child, url, generated, written };
}

type Sample = Extract<ReplicaMessage, { type: 'sample' }>;
const sample = (replica: Replica) => ask<Sample>(replica.child, 'sample', 'sample');

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function run(scenario: Scenario, simulator: RunningSimulator, redis: TestRedis | null): Promise<void> {
  const env = {
    PORT: '0',
    CONNECT_INSTANCE_ID: simulator.instanceId,
    AWS_REGION: simulator.region,
    CONNECT_ENDPOINT: simulator.endpoint,
    POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
    LOG_LEVEL: 'warn',
    // Every viewer of the benchmark comes from loopback: lift the per-address cap on streams.
    STREAMS_PER_ADDRESS: '1000000',
    STREAMS_TOTAL: '1000000',
    ...(redis ? { REDIS_URL: redis.url } : {}),
  };
  const replicas: Replica[] = [];
  for (let i = 0; i < scenario.replicas; i += 1) replicas.push(await startReplica(env));
  const clients: ChildProcess[] = [];
  try {
    // Warm up, then the replicas' own cost with no viewers.
    await until(async () => replicas.every((r) => r.generated.size >= 2), 'the first snapshots', 30_000);
    const idleStart = await Promise.all(replicas.map(sample));
    await sleep(MEASURE_MS / 2);
    const idleEnd = await Promise.all(replicas.map(sample));

    // Viewers, spread evenly over client processes and replicas.
    const urls = replicas.map((r) => r.url);
    for (let left = scenario.viewers; left > 0; left -= VIEWERS_PER_CLIENT) {
      const count = Math.min(VIEWERS_PER_CLIENT, left);
      clients.push(
        fork(
          here('./viewerClient.ts'),
          [JSON.stringify({ urls, count, batch: 100, pauseMs: 100, gzip: scenario.gzip })],
          {
            execArgv,
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          },
        ),
      );
    }
    type Connected = Extract<ClientMessage, { type: 'connected' }>;
    const status = () => Promise.all(clients.map((c) => ask<Connected>(c, 'status', 'connected')));
    let progress = '';
    await until(
      async () => {
        const now = await status();
        const sum = (key: 'open' | 'failed' | 'withSnapshot') => now.reduce((total, s) => total + s[key], 0);
        const reasons: Record<string, number> = {};
        for (const s of now)
          for (const [reason, n] of Object.entries(s.reasons)) reasons[reason] = (reasons[reason] ?? 0) + n;
        progress =
          `${sum('open')} open, ${sum('withSnapshot')} with a snapshot, ${sum('failed')} refused ` +
          JSON.stringify(reasons);
        return sum('withSnapshot') + sum('failed') >= scenario.viewers;
      },
      'every viewer to receive a first snapshot',
      300_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message} (${progress})`);
    });
    const connected = await status();
    const failed = connected.reduce((sum, s) => sum + s.failed, 0);
    console.log(`  connections: ${progress}`);
    // A sample collects the replica's garbage in full (its heap, after GC), which stops it for a moment: the
    // CPU and memory samples bracket the delivery window with a cycle either side, so that stop never lands on
    // a generation being measured.
    const busyStart = await Promise.all(replicas.map(sample));
    await sleep(POLL_INTERVAL_MS);

    // The delivery window.
    for (const client of clients) client.send({ type: 'reset' });
    const firstGeneration = Math.max(...replicas.flatMap((r) => [...r.generated.keys()]));
    await sleep(MEASURE_MS);
    type Report = Extract<ClientMessage, { type: 'report' }>;
    const reports = await Promise.all(clients.map((c) => ask<Report>(c, 'report', 'report')));
    await sleep(POLL_INTERVAL_MS);
    const busyEnd = await Promise.all(replicas.map(sample));

    // Latency: from the poller's generatedAt (the earliest any replica reports) to the frame's arrival.
    const generatedAt = new Map<number, number>();
    for (const replica of replicas)
      for (const [generation, at] of replica.generated)
        generatedAt.set(generation, Math.min(at, generatedAt.get(generation) ?? Infinity));
    const latencies: number[] = [];
    const byGeneration = new Map<number, number[]>();
    for (const report of reports) {
      for (const [key, times] of Object.entries(report.receipts)) {
        const generation = Number(key);
        const ready = generatedAt.get(generation);
        if (generation <= firstGeneration || ready === undefined) continue;
        let own = byGeneration.get(generation);
        if (!own) byGeneration.set(generation, (own = []));
        for (const at of times) {
          latencies.push(at - ready);
          own.push(at - ready);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    const generations = [...byGeneration.keys()];
    const expected = generations.length * (scenario.viewers - failed);
    const missed = expected - latencies.length;
    const bytes = reports.reduce((sum, r) => sum + r.bytes, 0);
    const wholeViews = reports.reduce((sum, r) => sum + r.wholeViews, 0);

    const cpuPerSnapshot = (start: Sample[], end: Sample[]) =>
      replicas.map((_, i) => {
        const a = start[i];
        const b = end[i];
        if (!a || !b || b.snapshots === a.snapshots) return NaN;
        return (b.cpuUs - a.cpuUs) / 1000 / (b.snapshots - a.snapshots);
      });
    const idleCpu = cpuPerSnapshot(idleStart, idleEnd);
    const busyCpu = cpuPerSnapshot(busyStart, busyEnd);
    const perReplica = scenario.viewers / scenario.replicas;

    console.log(
      `\n${scenario.viewers.toLocaleString('en')} viewers on ${scenario.replicas} replica${scenario.replicas > 1 ? 's (Redis)' : ''}` +
        ` — ${perReplica.toLocaleString('en')} per replica, ${scenario.gzip ? 'gzip' : 'uncompressed'},` +
        ` ${failed} refused, ${generations.length} snapshots measured`,
    );
    replicas.forEach((replica, i) => {
      const idle = idleEnd[i];
      const busy = busyEnd[i];
      if (!idle || !busy) return;
      const writes = generations
        .map((g) => replica.written.get(g))
        .filter((v): v is number => v !== undefined)
        .sort((a, b) => a - b);
      console.log(
        `  replica ${i + 1}: CPU per snapshot ${ms(busyCpu[i] ?? NaN)} (no viewers: ${ms(idleCpu[i] ?? NaN)}),` +
          ` RSS ${(busy.rss / 2 ** 20).toFixed(0)} MB, per viewer: RSS ${kb((busy.rss - idle.rss) / perReplica)},` +
          ` heap ${kb((busy.heapUsed - idle.heapUsed) / perReplica)};` +
          ` every frame queued by ${ms(percentile(writes, 50))} (p50), ${ms(writes.at(-1) ?? NaN)} (max);` +
          ` the event loop's longest stall ${ms(busy.stallMs)}`,
      );
    });
    console.log(
      `  delivery (snapshot ready → the generation's frame received): p50 ${ms(percentile(latencies, 50))},` +
        ` p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1) ?? NaN)};` +
        ` ${latencies.length.toLocaleString('en')} deliveries, ${missed} missed;` +
        ` frame on the wire ${kb(bytes / Math.max(1, latencies.length))};` +
        ` views sent whole (a viewer behind) ${wholeViews.toLocaleString('en')}`,
    );
    // One slow generation among steady ones is a stall (a burst of other work on the replica), not the cost of
    // a frame: its own p99 shows it.
    const eachP99 = [...byGeneration]
      .sort((a, b) => a[0] - b[0])
      .map(([, list]) =>
        percentile(
          list.sort((a, b) => a - b),
          99,
        ).toFixed(0),
      );
    console.log(`  p99 of each snapshot in turn: ${eachP99.join(', ')} ms`);
    const clientCpu = reports.map((r) => `${ms(r.cpuUs / 1000 / Math.max(1, generations.length))}`);
    console.log(`  client processes' CPU per snapshot: ${clientCpu.join(', ')}`);
    if (scenario.gzip) {
      const inflated = reports.reduce((sum, r) => sum + r.inflated, 0);
      const corrupt = reports.reduce((sum, r) => sum + r.corrupt, 0);
      console.log(
        `  frames inflated whole by one viewer in 50: ${inflated}, of which not a whole frame: ${corrupt}`,
      );
    }
  } finally {
    for (const client of clients) client.send({ type: 'stop' });
    await Promise.all(
      replicas.map(
        (r) =>
          new Promise<void>((resolve) => {
            r.child.once('exit', () => resolve());
            r.child.send({ type: 'stop' });
          }),
      ),
    );
  }
}

// The simulated time of day is pinned (BENCH_TIME_OF_DAY, default a busy 15:00), so a patch's size, and the
// figures, do not depend on the hour the benchmark runs at.
const TIME_OF_DAY = process.env.BENCH_TIME_OF_DAY ?? '15:00';
if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(TIME_OF_DAY))
  throw new Error(`BENCH_TIME_OF_DAY must be a time of day as HH:MM, e.g. 15:00 (it is "${TIME_OF_DAY}")`);
const simulator = await startSimulator({ queues: 40, agents: 300, seed: 1, timeOfDay: TIME_OF_DAY });
const needsRedis = scenarios.some((s) => s.replicas > 1);
const redis = needsRedis ? await startRedis() : null;
console.log(
  `Viewers benchmark: simulator of 40 queues and 300 agents at ${TIME_OF_DAY}, a snapshot every ${POLL_INTERVAL_MS} ms, ` +
    `${MEASURE_MS / 1000} s measured per scenario`,
);
try {
  for (const scenario of scenarios) {
    await run(scenario, simulator, scenario.replicas > 1 ? redis : null);
  }
} finally {
  await simulator.close();
  await redis?.stop();
}
