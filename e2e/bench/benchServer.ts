import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffView, streamEventId, type PublicConfig, type Snapshot } from '@switchboard/shared';
import { makeSnapshot } from '../../web/src/testing/makeSnapshot.js';

/**
 * Serves a built web app with a synthetic contact centre of any size, pushed over a real SSE stream at a rate
 * the benchmark sets, whole or as patches: the page does exactly what it does against the server, with figures
 * we control.
 */
export const webDist = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

export interface BenchServer {
  url: string;
  protocol: StreamProtocol;
  /** Pushes a new snapshot every `everyMs`, the simulated clock moving `stepMs` each time. */
  run(everyMs: number, stepMs: number): void;
  pause(): void;
  updates(): number;
  /** When the last 500 updates were sent (epoch ms). */
  sentAt(): readonly number[];
  close(): Promise<void>;
}

const CONFIG: PublicConfig = {
  boards: [
    {
      id: 'all',
      title: 'Benchmark centre',
      queueIds: null,
      sections: ['summary', 'queues', 'agents', 'charts', 'alerts'],
      timeZone: 'Europe/London',
      locale: 'en-GB',
      sound: false,
    },
  ],
  defaultBoardId: 'all',
  serviceLevel: { thresholdSeconds: 20, targetPercent: 80 },
  staleAfterMs: 15_000,
  configError: null,
};

/**
 * How the stream carries each update:
 * - `whole`: every snapshot whole, `event: snapshot` (the server before view patches),
 * - `patch`: the snapshot whole once, then `event: patch` with what changed (shared/src/viewPatch.ts).
 * Each event's id is its generation and instance, as the server's. A viewer that connects again (with Last-Event-ID or without) is sent the
 * snapshot whole.
 */
export type StreamProtocol = 'whole' | 'patch';

export interface BenchServerOptions {
  /** The built web app to serve (default: this checkout's web/dist). */
  dist?: string;
  protocol?: StreamProtocol;
}

export async function startBenchServer(
  shape: { queues: number; agents: number; agentChurn?: number },
  sections: PublicConfig['boards'][number]['sections'] = ['summary', 'queues', 'agents', 'charts', 'alerts'],
  options: BenchServerOptions = {},
): Promise<BenchServer> {
  const protocol = options.protocol ?? 'whole';
  const dist = resolve(options.dist ?? webDist) + sep;
  const config: PublicConfig = { ...CONFIG, boards: CONFIG.boards.map((board) => ({ ...board, sections })) };
  const dayStart = Date.parse('2026-03-02T00:00:00Z');
  let simulated = dayStart + 8 * 3_600_000;
  let tick = 0;
  let step = 2000;
  let snapshot: Snapshot;
  let text: string | undefined;
  const render = () => {
    const made = makeSnapshot({ ...shape, tick, nowMs: simulated, tickMs: step });
    // The page's clock is the real one: serve real times so the figures are fresh, and the day's intervals
    // from the simulated clock.
    const now = new Date().toISOString();
    snapshot = {
      ...made,
      generatedAt: now,
      serverTime: now,
      dataSnapshotTime: now,
      sections: Object.fromEntries(
        Object.entries(made.sections).map(([k, v]) => [k, { ...v, fetchedAt: now }]),
      ) as Snapshot['sections'],
    };
    text = undefined;
  };
  // Serialised when asked for: the patch stream sends the whole snapshot only to a viewer that connects.
  const whole = () => (text ??= JSON.stringify(snapshot));
  const event = (name: 'snapshot' | 'patch', data: string) =>
    `id: ${streamEventId(snapshot)}\nevent: ${name}\ndata: ${data}\n\n`;
  render();
  const viewers = new Set<ServerResponse>();
  const sent: number[] = [];
  const push = () => {
    tick += 1;
    sent.push(Date.now());
    if (sent.length > 500) sent.shift();
    const before = snapshot;
    render();
    const frame =
      protocol === 'patch'
        ? event('patch', JSON.stringify(diffView(before, snapshot)))
        : event('snapshot', whole());
    for (const viewer of viewers) viewer.write(frame);
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://bench').pathname;
    if (path === '/api/v1/config') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(config));
    } else if (path === '/api/v1/snapshot') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(whole());
    } else if (path === '/api/v1/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(`retry: 2000\n\n${event('snapshot', whole())}`);
      viewers.add(res);
      req.on('close', () => viewers.delete(res));
    } else {
      const file = normalize(join(dist, path === '/' ? 'index.html' : path));
      let body: Buffer;
      let type = TYPES[extname(file)] ?? 'application/octet-stream';
      try {
        if (!file.startsWith(dist)) throw new Error('outside the app');
        body = readFileSync(file);
      } catch {
        body = readFileSync(join(dist, 'index.html'));
        type = TYPES['.html'] ?? 'text/html';
      }
      res.writeHead(200, { 'content-type': type }).end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let timer: NodeJS.Timeout | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    protocol,
    run(everyMs, stepMs) {
      clearInterval(timer);
      step = stepMs;
      timer = setInterval(() => {
        simulated += stepMs;
        if (simulated >= dayStart + 86_400_000) simulated = dayStart;
        push();
      }, everyMs);
    },
    pause: () => clearInterval(timer),
    updates: () => tick,
    sentAt: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        for (const viewer of viewers) viewer.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
