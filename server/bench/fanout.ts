import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createServer, connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * Whether a replica would deliver to 10,000 viewers sooner by writing from two processes instead of one: the
 * bare cost of the fan-out, with nothing of the wallboard in it. A server process accepts 10,000 loopback
 * connections and every 2 s writes an 8 KB frame (its first 8 bytes the time it was ready) to each, in slices of
 * 500 as the stream does; with `two`, every other connection is handed to a child process (as Node's cluster hands
 * sockets), which writes the same frame to its half when told. Two client processes of 5,000 connections each
 * time each frame's arrival. Prints, per run, how long the writes took (the median of the frames) and the delivery
 * p50/p99/max, the two ways in turns, on the machine's cores as they are.
 *
 * `npx -y pnpm@12.21.0 --filter @switchboard/server bench:fanout [-- rounds]` (default 2 rounds of each).
 */
const FRAME_BYTES = 8192;
const VIEWERS = 10_000;
const PER_CLIENT = 5_000;
const FRAMES = 10;
const WARM_UP_FRAMES = 2;
const SLICE = 500;
const here = fileURLToPath(import.meta.url);
const now = () => performance.timeOrigin + performance.now();

/** Writes a frame stamped `readyAt` to every socket, in slices; reports how long they took. */
function writer(sockets: Socket[], report: (ms: number) => void) {
  return (readyAt: number) => {
    const frame = Buffer.alloc(FRAME_BYTES, 120);
    frame.writeDoubleLE(readyAt, 0);
    let next = 0;
    const slice = () => {
      const end = Math.min(sockets.length, next + SLICE);
      for (; next < end; next++) sockets[next]?.write(frame);
      if (next < sockets.length) setImmediate(slice);
      else report(now() - readyAt);
    };
    slice();
  };
}

function serve(split: boolean): void {
  const sockets: Socket[] = [];
  const took: number[] = [];
  const write = writer(sockets, (ms) => took.push(ms));
  const child = split ? fork(here, ['worker']) : null;
  const childTook: number[] = [];
  child?.on('message', (ms: number) => childTook.push(ms));
  let accepted = 0;
  const server = createServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
    if (child && accepted++ % 2 === 1) child.send('socket', socket);
    else {
      socket.on('error', () => undefined);
      sockets.push(socket);
    }
  });
  server.listen(0, '127.0.0.1', 4096, () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  const timer = setInterval(() => {
    const readyAt = now();
    child?.send({ readyAt });
    write(readyAt);
  }, 2000);
  process.on('message', (message) => {
    if (message !== 'stop') return;
    clearInterval(timer);
    const longest = took.map((ms, i) => Math.max(ms, childTook[i] ?? 0)).slice(WARM_UP_FRAMES);
    process.send?.({ took: longest }, () => {
      child?.kill();
      process.exit(0);
    });
  });
}

function work(): void {
  const sockets: Socket[] = [];
  const write = writer(sockets, (ms) => process.send?.(ms));
  process.on('message', (message: unknown, socket?: Socket) => {
    if (message === 'socket' && socket) {
      socket.on('error', () => undefined);
      sockets.push(socket);
    } else if (typeof message === 'object' && message && 'readyAt' in message)
      write((message as { readyAt: number }).readyAt);
  });
}

function read(port: number): void {
  const latencies: number[] = [];
  let finished = 0;
  for (let i = 0; i < PER_CLIENT; i++) {
    const socket = connect(port, '127.0.0.1');
    let have = 0;
    let frames = 0;
    const stamp = Buffer.alloc(8);
    socket.on('error', () => undefined);
    socket.on('data', (bytes: Buffer) => {
      let at = 0;
      while (at < bytes.length) {
        const take = Math.min(FRAME_BYTES - have, bytes.length - at);
        if (have < 8) bytes.copy(stamp, have, at, at + Math.min(8 - have, take));
        have += take;
        at += take;
        if (have === FRAME_BYTES) {
          // Each connection's frames after the warm-up, up to FRAMES.
          if (frames >= WARM_UP_FRAMES && frames < FRAMES) latencies.push(now() - stamp.readDoubleLE(0));
          frames += 1;
          if (frames === FRAMES) finished += 1;
          have = 0;
        }
      }
    });
  }
  const done = setInterval(() => {
    if (finished < PER_CLIENT) return;
    clearInterval(done);
    process.send?.(latencies, () => process.exit(0));
  }, 100);
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))] ?? NaN;

async function run(split: boolean): Promise<string> {
  const server = fork(here, ['server', split ? 'two' : 'one']);
  const port = await new Promise<number>((resolve) =>
    server.once('message', (message: { port: number }) => resolve(message.port)),
  );
  const clients: ChildProcess[] = Array.from({ length: VIEWERS / PER_CLIENT }, () =>
    fork(here, ['client', String(port)]),
  );
  const latencies = (
    await Promise.all(
      clients.map((client) => new Promise<number[]>((resolve) => client.once('message', resolve))),
    )
  )
    .flat()
    .sort((a, b) => a - b);
  server.send('stop');
  const took = await new Promise<number[]>((resolve) =>
    server.once('message', (message: { took: number[] }) => resolve(message.took)),
  );
  const median = [...took].sort((a, b) => a - b)[Math.floor(took.length / 2)] ?? NaN;
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  return `${split ? 'two processes' : 'one process '}: every frame written by ${ms(median)} (median of ${took.length}); delivery p50 ${ms(quantile(latencies, 0.5))}, p99 ${ms(quantile(latencies, 0.99))}, max ${ms(quantile(latencies, 1))} (${latencies.length} deliveries)`;
}

const [role, arg] = process.argv.slice(2).filter((word) => word !== '--');
if (role === 'server') serve(arg === 'two');
else if (role === 'worker') work();
else if (role === 'client') read(Number(arg));
else {
  const rounds = Number(role ?? 2) || 2;
  console.log(
    `Fan-out benchmark: ${VIEWERS} loopback connections, an ${FRAME_BYTES / 1024} KB frame every 2 s, ${FRAMES - WARM_UP_FRAMES} frames measured per run; ${cpus().length} cores`,
  );
  for (let round = 1; round <= rounds; round++)
    for (const split of [false, true])
      console.log(`  round ${round}, ${await run(split)}; load average ${loadavg()[0]?.toFixed(1)}`);
}
