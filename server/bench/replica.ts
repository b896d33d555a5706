import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Snapshot } from '@switchboard/shared';
import { parseEnv } from '../src/env.js';
import { startWebServer } from '../src/main.js';

/**
 * One server replica for the viewers benchmark, in its own process so its CPU and memory are its own. Started by
 * bench/viewers.ts with the environment as its first argument (JSON); answers the orchestrator over IPC.
 */

export type ReplicaMessage =
  | { type: 'listening'; url: string }
  | { type: 'snapshot'; generation: number; generatedAt: number; deliveredAt: number }
  | {
      type: 'sample';
      cpuUs: number;
      rss: number;
      heapUsed: number;
      snapshots: number;
      /** The event loop's longest stall since the sample before, ms. */
      stallMs: number;
    };

const send = (message: ReplicaMessage) => process.send?.(message);

const env = parseEnv(JSON.parse(process.argv[2] ?? '{}') as Record<string, string>);
const wallboard = await startWebServer(env, {
  credentials: { accessKeyId: 'BENCH', secretAccessKey: 'bench-secret' },
});
let snapshots = 0;
const instance = wallboard.instances[0];
let latestGeneration = -1;
// Registered after the stream's own listener: the stream has written its first slice of viewers when this runs,
// and writes the rest a slice per turn of the event loop. `deliveredAt` is the first turn after which its count
// of events written stopped growing (every viewer written, or a newer snapshot took over), `generatedAt` (the
// poller's) when the snapshot was ready.
instance?.source.subscribe((snapshot: Snapshot) => {
  snapshots += 1;
  latestGeneration = snapshot.generation;
  const stream = instance.stream;
  let seen = stream.sent;
  let at = Date.now();
  const check = () => {
    if (stream.sent !== seen && latestGeneration === snapshot.generation) {
      seen = stream.sent;
      at = Date.now();
      setImmediate(check);
      return;
    }
    send({
      type: 'snapshot',
      generation: snapshot.generation,
      generatedAt: Date.parse(snapshot.generatedAt),
      deliveredAt: at,
    });
  };
  setImmediate(check);
});
send({ type: 'listening', url: wallboard.url });

// How long the event loop was held at a time: a viewer's frame waits behind whatever holds it.
const stalls = monitorEventLoopDelay({ resolution: 10 });
stalls.enable();

const collect = (globalThis as { gc?: () => void }).gc;
process.on('message', (message: { type: string }) => {
  if (message.type === 'sample') {
    const stallMs = stalls.max / 1e6;
    collect?.();
    const usage = process.cpuUsage();
    const memory = process.memoryUsage();
    send({
      type: 'sample',
      cpuUs: usage.user + usage.system,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      snapshots,
      stallMs,
    });
    // After the full collection's own stall has been seen, which is the sample's and not the stream's.
    setTimeout(() => stalls.reset(), 100);
  } else if (message.type === 'stop') {
    void wallboard.stop().then(() => process.exit(0));
  }
});
