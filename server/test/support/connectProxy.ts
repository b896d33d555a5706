import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS } from './wallboard.js';

/** One answer from upstream, as a proxy may rewrite it before it reaches the wallboard. */
export interface ProxiedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request as the proxy relayed it: its body as sent (the JSON of a POST; empty for a GET). */
export interface ProxiedRequest {
  method: string;
  url: string;
  body: string;
}

export type Rewrite = (request: ProxiedRequest, answer: ProxiedAnswer) => ProxiedAnswer;

/**
 * A rewrite that edits, in place, the JSON page of each successful answer to a path starting with `path` (e.g.
 * `/metrics/userdata/`), and passes every other answer through untouched.
 */
export function editPages<Page>(path: string, edit: (page: Page) => void): Rewrite {
  return (request, answer) => {
    if (answer.status !== 200 || !request.url.startsWith(path)) return answer;
    const page = JSON.parse(answer.body) as Page;
    edit(page);
    return { ...answer, body: JSON.stringify(page) };
  };
}

/**
 * An HTTP hop between the wallboard and the simulator. Each answer passes through `rewrite`, which tests use to
 * hide queues or to mangle responses; the body's length is set to match whatever it returns.
 */
export class ConnectProxy {
  /** Answers relayed so far. */
  served = 0;
  private server: Server | null = null;

  constructor(
    private readonly upstream: URL,
    private readonly rewrite: Rewrite,
    /** How long to hold each answer before it goes back (a slow Connect), by its request: none by default. */
    private readonly holdMs: (request: ProxiedRequest) => number = () => 0,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const upstream = httpRequest(
          {
            host: this.upstream.hostname,
            port: this.upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: this.upstream.host },
          },
          (answer) => {
            const parts: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => parts.push(chunk));
            answer.on('end', () => {
              const request = {
                method: req.method ?? 'GET',
                url: req.url ?? '/',
                body: Buffer.concat(chunks).toString('utf8'),
              };
              setTimeout(() => relay(request), this.holdMs(request));
            });
            const relay = (request: ProxiedRequest) => {
              this.served += 1;
              const out = this.rewrite(request, {
                status: answer.statusCode ?? 500,
                headers: answer.headers,
                body: Buffer.concat(parts).toString('utf8'),
              });
              const headers = { ...out.headers, 'content-length': String(Buffer.byteLength(out.body)) };
              delete headers['transfer-encoding'];
              res.writeHead(out.status, headers);
              res.end(out.body);
            };
          },
        );
        upstream.on('error', () => res.writeHead(502).end());
        upstream.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** A wallboard polling the simulator through a ConnectProxy that passes each answer through `rewrite`. */
export interface ProxiedWallboard<P extends ConnectProxy = ConnectProxy> {
  proxy: P;
  wallboard: RunningWallboard;
  stop(): Promise<void>;
}

export async function wallboardThroughProxy<P extends ConnectProxy = ConnectProxy>(
  simulator: RunningSimulator,
  /** How the proxy rewrites each answer, or a proxy of the test's own (not yet started). */
  through: Rewrite | P,
  env: Record<string, string> = {},
): Promise<ProxiedWallboard<P>> {
  const proxy = (
    through instanceof ConnectProxy ? through : new ConnectProxy(new URL(simulator.endpoint), through)
  ) as P;
  const endpoint = await proxy.start();
  let wallboard: RunningWallboard;
  try {
    wallboard = await startWebServer(simulatorEnv(simulator, { ...env, CONNECT_ENDPOINT: endpoint }), {
      credentials: TEST_CREDENTIALS,
    });
  } catch (error) {
    // A wallboard that would not start leaves no proxy listening behind it.
    await proxy.stop();
    throw error;
  }
  return {
    proxy,
    wallboard,
    stop: async () => {
      await wallboard.stop();
      await proxy.stop();
    },
  };
}
