import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/**
 * The polling engine against the simulator at 50, 250 and 1,000 queues, through the real SDK, with Connect's
 * default rate limits in force and the wallboard's default budget (80% of them). Prints, per size:
 *   - GetCurrentMetricData calls per real-time cycle against the fewest the chunking allows,
 *   - the cycle time against the limit the rate budget sets,
 *   - snapshot age on arrival at a stream viewer (now minus the data's DataSnapshotTime), p50 and p95: the viewer
 *     applies each patch to the view it holds, as a page does, and reads the generation's data time there,
 *   - the view whole (a new viewer's first frame, at the end) and the patches (median, largest), as JSON (the stream
 *     gzips both).
 * The simulator runs in its own process, as Connect would: in one process its work on large answers would stall
 * the poller's event loop and bunch its requests.
 * Run: npx -y pnpm@12.21.0 --filter @switchboard/server bench:poll [-- --seconds 45 --sizes 50,250,1000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  ConnectClient,
  GetCurrentMetricDataCommand,
  type GetCurrentMetricDataCommandInput,
} from '@aws-sdk/client-connect';
import { applyPatch, checkPatch, type Snapshot } from '@switchboard/shared';
import { parseEnv } from '../src/env.js';
import { startWebServer } from '../src/main.js';
import type { CallRecord } from '../src/simulator/server.js';
import { CONNECT_QUOTAS } from '../src/poller/budget.js';

const args = new Map<string, string>();
// pnpm passes the `--` that separates its own options on to the script.
const argv = process.argv.slice(2).filter((arg) => arg !== '--');
for (let i = 0; i < argv.length; i += 2) args.set(argv[i]?.replace(/^--/, '') ?? '', argv[i + 1] ?? '');
const SECONDS = Number(args.get('seconds') ?? 45);
const SIZES = (args.get('sizes') ?? '50,250,1000').split(',').map(Number);
const SHARE = 0.8;
/** The simulator is one Node process: past a few thousand agents its own model, not the poller, is the bottleneck. */
const MAX_AGENTS = Number(args.get('max-agents') ?? 2000);
const MIN_INTERVAL_MS = 2000;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const key = (call: CallRecord) => JSON.stringify({ ...call.params, NextToken: undefined });

interface Simulator {
  endpoint: string;
  instanceId: string;
  region: string;
  process: ChildProcess;
}

/** Starts `pnpm sim` on a free port and reads its endpoint and instance id from what it prints. */
function startSimulatorProcess(queues: number, agents: number): Promise<Simulator> {
  const cli = fileURLToPath(new URL('../src/simulator/cli.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=development',
      cli,
      '--port',
      '0',
      '--queues',
      String(queues),
      '--agents',
      String(agents),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const endpoint = /listening on (\S+)/.exec(out)?.[1];
      const instance = /Instance id: (\S+) \(region (\S+)\)/.exec(out);
      if (endpoint && instance?.[1] && instance[2]) {
        resolve({ endpoint, instanceId: instance[1], region: instance[2], process: child });
      }
    });
  });
}

async function callLog(simulator: Simulator): Promise<CallRecord[]> {
  const response = await fetch(`${simulator.endpoint}/_sim/calls`);
  return ((await response.json()) as { calls: CallRecord[] }).calls;
}

/** The fewest pages a request can take: the simulator's result count over 100 a page, at least one. */
async function fewestPages(simulator: Simulator, params: Record<string, unknown>): Promise<number> {
  const client = new ConnectClient({
    region: simulator.region,
    endpoint: simulator.endpoint,
    credentials: { accessKeyId: 'BENCH', secretAccessKey: 'bench-secret' },
    maxAttempts: 5,
  });
  try {
    const input = {
      ...params,
      InstanceId: simulator.instanceId,
      NextToken: undefined,
    } as GetCurrentMetricDataCommandInput;
    const response = await client.send(new GetCurrentMetricDataCommand(input)).catch((error: unknown) => {
      throw new Error(`${String(error)} for ${JSON.stringify(params).slice(0, 300)}`);
    });
    return Math.max(1, Math.ceil((response.ApproximateTotalCount ?? 0) / 100));
  } finally {
    client.destroy();
  }
}

async function run(queues: number) {
  const agents = Math.min(queues * 6, MAX_AGENTS);
  const simulator = await startSimulatorProcess(queues, agents);
  // Stopped whatever happens: a failed run must not leave the simulator's process behind.
  try {
    return await measure(simulator, queues, agents);
  } finally {
    simulator.process.kill('SIGTERM');
  }
}

async function measure(simulator: Simulator, queues: number, agents: number) {
  const wallboard = await startWebServer(
    parseEnv({
      PORT: '0',
      CONNECT_INSTANCE_ID: simulator.instanceId,
      AWS_REGION: simulator.region,
      CONNECT_ENDPOINT: simulator.endpoint,
      LOG_LEVEL: 'silent',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-bench-poller-')),
      POLL_INTERVAL_MS: String(MIN_INTERVAL_MS),
    }),
    { credentials: { accessKeyId: 'BENCH', secretAccessKey: 'bench-secret' } },
  );
  const arrivals: {
    generation: number;
    at: number;
    dataAgeMs: number;
    /** The frame's data: the view whole (a new viewer's first frame), or a patch. */
    kind: 'snapshot' | 'patch';
    bytes: number;
    cycleMs: number;
  }[] = [];
  // The stream sends the view whole once, then one patch per generation: the viewer applies each, as a page does,
  // to read the generation's data time.
  const stream: { view: Snapshot | null; error: Error | null } = { view: null, error: null };
  const viewer = get(`${wallboard.url}/api/v1/stream`, { agent: false }, (res) => {
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
        const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
        if ((event !== 'snapshot' && event !== 'patch') || !data) continue;
        // A frame the viewer cannot read ends the run with the reason (reported once the window is over).
        try {
          stream.view =
            event === 'snapshot'
              ? (JSON.parse(data) as Snapshot)
              : stream.view && applyPatch(stream.view, checkPatch(JSON.parse(data)));
          if (!stream.view) throw new Error('the stream sent a patch before the view whole');
        } catch (error) {
          stream.error = error instanceof Error ? error : new Error(String(error));
          res.destroy();
          return;
        }
        const view = stream.view;
        const at = Date.now();
        arrivals.push({
          generation: view.generation,
          at,
          dataAgeMs: view.dataSnapshotTime ? at - Date.parse(view.dataSnapshotTime) : NaN,
          kind: event,
          bytes: Buffer.byteLength(data),
          cycleMs: view.cycleMs,
        });
      }
    });
  });
  // A connection that fails (the server gone mid-run) is a reason the run reports, not an unhandled event.
  viewer.on('error', (error) => (stream.error ??= error));
  // Warm up (discovery, first cycles), then measure.
  await new Promise((resolve) => setTimeout(resolve, 8000));
  const from = arrivals.length;
  const logged = (await callLog(simulator)).length;
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const measured = arrivals.slice(from);
  const log = await callLog(simulator);
  // The simulator keeps its last 5,000 calls: a run longer than that would lose the start of the window.
  if (log.length >= 5000) console.warn('the call log overflowed: shorten --seconds');
  const calls = log.slice(logged);
  viewer.destroy();
  await wallboard.stop();
  if (stream.error)
    throw new Error(`${queues} queues: the stream's viewer could not read it`, { cause: stream.error });

  const realtime = calls.filter((c) => c.operation === 'GetCurrentMetricData');
  const throttled = calls.filter((c) => c.status === 429).length;
  const cycles = Math.max(
    1,
    realtime.filter((c) => JSON.stringify(c.params.Groupings) === '["QUEUE"]' && !c.params.NextToken).length /
      Math.ceil(queues / 100),
  );
  const requests = new Map<string, CallRecord>();
  // A throttled request never reached the operation: the simulator logs it without its parameters.
  for (const call of realtime)
    if (call.status === 200 && !call.params.NextToken) requests.set(key(call), call);
  let minimum = 0;
  for (const call of requests.values()) minimum += await fewestPages(simulator, call.params);

  // The real-time cycle has GetCurrentMetricData's quota to itself (history uses GetMetricData's).
  const rate = CONNECT_QUOTAS.GetCurrentMetricData.perSecond * SHARE;
  const limitMs = Math.max(MIN_INTERVAL_MS, (minimum / rate) * 1000);
  const gaps = measured.slice(1).map((a, i) => a.at - (measured[i]?.at ?? a.at));
  const ages = measured.map((a) => a.dataAgeMs).filter(Number.isFinite);
  const last = measured.at(-1);
  // Nothing measured is a broken run, not a figure: say so rather than print NaN.
  if (measured.length < 2)
    throw new Error(
      `${queues} queues: ${measured.length} generation(s) reached the stream's viewer in ${SECONDS} s; is the poller running?`,
    );
  // What a viewer connecting now is sent first: the view as the patches have made it (the stream's first frame
  // came before discovery, with no agents yet).
  const held = stream.view;
  const patches = measured.filter((a) => a.kind === 'patch');
  return {
    queues,
    agents,
    cycles: measured.length,
    callsPerCycle: +(realtime.length / cycles).toFixed(2),
    minimumCalls: minimum,
    cycleMs: Math.round(gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length)),
    reportedCycleMs: last?.cycleMs ?? NaN,
    budgetLimitMs: Math.round(limitMs),
    ageP50Ms: percentile(ages, 50),
    ageP95Ms: percentile(ages, 95),
    viewKB: held ? Math.round(Buffer.byteLength(JSON.stringify(held)) / 1024) : NaN,
    patchKB: +(
      percentile(
        patches.map((a) => a.bytes),
        50,
      ) / 1024
    ).toFixed(1),
    largestPatchKB: +(Math.max(...patches.map((a) => a.bytes)) / 1024).toFixed(1),
    throttled,
  };
}

const rows = [];
for (const size of SIZES) {
  const row = await run(size);
  rows.push(row);
  console.log(JSON.stringify(row));
}
console.table(
  rows.map((r) => ({
    queues: r.queues,
    agents: r.agents,
    'calls/cycle': `${r.callsPerCycle} (min ${r.minimumCalls})`,
    'cycle ms': `${r.cycleMs} (limit ${r.budgetLimitMs}, reported ${r.reportedCycleMs})`,
    'age p50/p95 ms': `${r.ageP50Ms} / ${r.ageP95Ms}`,
    'target p95 < ms': r.cycleMs + 1000,
    'view / patch p50, max KB': `${r.viewKB} / ${r.patchKB}, ${r.largestPatchKB}`,
    throttled: r.throttled,
  })),
);
process.exit(0);
