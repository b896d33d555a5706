import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP hop between the wallboard and the simulator that can hide queues from ListQueues, as if they had not
 * been created yet or had been deleted in Connect. Everything else passes through untouched.
 */
export class QueueHidingProxy {
  readonly hidden = new Set<string>();
  private server: Server | null = null;

  constructor(private readonly upstream: URL) {}

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
              let body = Buffer.concat(parts).toString('utf8');
              if (req.url?.startsWith('/queues-summary/') && answer.statusCode === 200) {
                const page = JSON.parse(body) as { QueueSummaryList?: { Id: string }[] };
                page.QueueSummaryList = page.QueueSummaryList?.filter((q) => !this.hidden.has(q.Id));
                body = JSON.stringify(page);
              }
              const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) };
              delete headers['transfer-encoding'];
              res.writeHead(answer.statusCode ?? 500, headers);
              res.end(body);
            });
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
