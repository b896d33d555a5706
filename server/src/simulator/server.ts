import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getCurrentMetricData } from './currentMetrics.js';
import { ServiceError } from './errors.js';
import { listQueues } from './listQueues.js';
import { ContactCentreModel } from './model.js';

/**
 * A local Amazon Connect that speaks the service's restJson1 HTTP API, so the real SDK client talks to it
 * unchanged. It imports nothing from the poller: it is a separate Connect, not a test double of our code.
 */

export interface SimulatorOptions {
  port?: number;
  host?: string;
  queues?: number;
  agents?: number;
  seed?: number;
  instanceId?: string;
  region?: string;
  /** The simulated clock; tests inject one to run deterministic and fast-forward. */
  clock?: () => number;
}

export interface RunningSimulator {
  endpoint: string;
  instanceId: string;
  region: string;
  model: ContactCentreModel;
  close(): Promise<void>;
}

type Handler = (
  model: ContactCentreModel,
  req: { body: unknown; query: URLSearchParams },
  nowMs: number,
) => unknown;

const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
  {
    method: 'GET',
    pattern: /^\/queues-summary\/([^/]+)$/,
    handler: (model, req, now) => listQueues(model, req.query, now),
  },
  {
    method: 'POST',
    pattern: /^\/metrics\/current\/([^/]+)$/,
    handler: (model, req, now) => getCurrentMetricData(model, req.body as object, now),
  },
];

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.length === 0) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ServiceError('InvalidRequestException', 'The request body is not valid JSON.');
  }
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const clock = options.clock ?? Date.now;
  const region = options.region ?? 'us-east-1';
  const instanceId = options.instanceId ?? '11111111-2222-4333-8444-555555555555';
  const model = new ContactCentreModel({
    instanceId,
    region,
    accountId: '123456789012',
    queues: options.queues ?? 12,
    agents: options.agents ?? 80,
    seed: options.seed ?? 1,
    startMs: clock(),
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    try {
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('AWS4-HMAC-SHA256 ')) {
        throw new ServiceError('AccessDeniedException', 'Missing SigV4 Authorization header.');
      }
      const route = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
      if (!route)
        throw new ServiceError('InvalidRequestException', `No operation at ${req.method} ${url.pathname}.`);
      const [, pathInstance] = route.pattern.exec(url.pathname) ?? [];
      if (decodeURIComponent(pathInstance ?? '') !== instanceId) {
        throw new ServiceError('ResourceNotFoundException', `Instance ${pathInstance} not found.`);
      }
      const body = await readBody(req);
      const now = clock();
      model.advanceTo(now);
      send(res, 200, route.handler(model, { body, query: url.searchParams }, now));
    } catch (error) {
      if (error instanceof ServiceError) send(res, error.status, { message: error.message }, error.type);
      else send(res, 500, { message: 'Internal error.' }, 'InternalServiceException');
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    instanceId,
    region,
    model,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
