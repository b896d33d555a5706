import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Connect call as a replica made it: which replica, which path, and when it started and ended. */
export interface TaggedCall {
  replica: string;
  method: string;
  path: string;
  start: number;
  end: number;
  status: number;
}

export interface CallTagger {
  /** The endpoint to give one replica (CONNECT_ENDPOINT); every call through it is logged under `replica`. */
  endpointFor(replica: string): Promise<string>;
  readonly calls: readonly TaggedCall[];
  close(): Promise<void>;
}

/**
 * A pass-through in front of the simulator, one loopback port per replica, so the test knows which replica made
 * each call and when it started and ended. Requests go through byte for byte (the signed headers included).
 */
export function callTagger(target: string): CallTagger {
  const calls: TaggedCall[] = [];
  const servers: Server[] = [];
  const upstream = new URL(target);
  return {
    calls,
    async endpointFor(replica) {
      const server = createServer((req, res) => {
        const start = Date.now();
        const forward = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (upstreamRes) => {
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            upstreamRes.pipe(res);
            upstreamRes.on('end', () =>
              calls.push({
                replica,
                method: req.method ?? '',
                path: req.url ?? '',
                start,
                end: Date.now(),
                status: upstreamRes.statusCode ?? 0,
              }),
            );
          },
        );
        forward.on('error', () => res.destroy());
        // A caller that gives up (a replica stopping) still counts: its call ends when it hangs up.
        res.on('close', () => {
          if (!res.writableFinished)
            calls.push({
              replica,
              method: req.method ?? '',
              path: req.url ?? '',
              start,
              end: Date.now(),
              status: 0,
            });
        });
        req.pipe(forward);
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
