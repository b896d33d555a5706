import { request, type IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/**
 * Many stream viewers in one process, for the viewers benchmark. Opens `count` connections to GET /api/v1/stream
 * (spread over the given replicas), and notes when each `event: snapshot` frame has fully arrived, by generation.
 * The frames are scanned for line ends only, never parsed as JSON, so a client process costs little per byte.
 * Viewers ask for gzip as browsers do (and inflate what arrives), unless `gzip` is false.
 */

export type ClientMessage =
  | { type: 'connected'; open: number; failed: number; withSnapshot: number; reasons: Record<string, number> }
  | { type: 'report'; receipts: Record<number, number[]>; open: number; failed: number; bytes: number };

interface Args {
  urls: string[];
  count: number;
  /** Connections opened per batch, and the pause between batches (a gentle ramp for the accept queue). */
  batch: number;
  pauseMs: number;
  gzip: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const send = (message: ClientMessage) => process.send?.(message);

let receipts = new Map<number, number[]>();
let open = 0;
let failed = 0;
let bytes = 0;
let withSnapshot = 0;
const responses: IncomingMessage[] = [];
const reasons: Record<string, number> = {};
function refuse(reason: string): void {
  failed += 1;
  reasons[reason] = (reasons[reason] ?? 0) + 1;
}

const LF = 10;
function watch(res: IncomingMessage): void {
  res.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  const text: Readable = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
  // The current line's first bytes (enough for `id: 123` and `event: snapshot`) and its length.
  let prefix = '';
  let lineLength = 0;
  let id = -1;
  let event = '';
  let seen = false;
  // Hung up on before its first snapshot: counted with the refusals.
  res.on('close', () => {
    if (!seen) refuse('closed before a snapshot');
  });
  // An unfinished gzip stream cut off by the server is not news here: the close above says what happened.
  text.on('error', () => undefined);
  text.on('data', (chunk: Buffer) => {
    let position = 0;
    while (position < chunk.length) {
      const lf = chunk.indexOf(LF, position);
      const end = lf === -1 ? chunk.length : lf;
      if (lineLength < 32)
        prefix += chunk.toString('latin1', position, Math.min(end, position + 32 - lineLength));
      lineLength += end - position;
      if (lf === -1) break;
      if (lineLength === 0) {
        // A blank line ends a frame.
        if (event === 'snapshot' && id >= 0) {
          const at = Date.now();
          let list = receipts.get(id);
          if (!list) receipts.set(id, (list = []));
          list.push(at);
          if (!seen) {
            seen = true;
            withSnapshot += 1;
          }
        }
        id = -1;
        event = '';
      } else if (prefix.startsWith('id: ')) {
        id = Number(prefix.slice(4));
      } else if (prefix.startsWith('event: ')) {
        event = prefix.slice(7);
      }
      prefix = '';
      lineLength = 0;
      position = lf + 1;
    }
  });
}

/** Like EventSource, a viewer whose connection fails tries again after the stream's `retry` (2 s), a few times. */
const RETRY_MS = 2000;
const MAX_RETRIES = 5;
let retries = 0;

function connect(url: string, attempt = 0): void {
  let connected = false;
  const req = request(
    `${url}/api/v1/stream`,
    {
      agent: false,
      headers: {
        accept: 'text/event-stream',
        ...(args.gzip ? { 'accept-encoding': 'gzip, deflate, br' } : {}),
      },
    },
    (res) => {
      connected = true;
      if (res.statusCode !== 200) {
        refuse(`HTTP ${res.statusCode}`);
        res.resume();
        return;
      }
      open += 1;
      responses.push(res);
      res.on('close', () => {
        open -= 1;
      });
      watch(res);
    },
  );
  req.on('error', (error: NodeJS.ErrnoException) => {
    if (attempt < MAX_RETRIES && !req.reusedSocket && !connected) {
      retries += 1;
      setTimeout(() => connect(url, attempt + 1), RETRY_MS);
      return;
    }
    refuse(error.code ?? error.message);
  });
  req.end();
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'status') {
    send({ type: 'connected', open, failed, withSnapshot, reasons: { ...reasons, retries } });
  } else if (message.type === 'reset') {
    receipts = new Map();
    bytes = 0;
  } else if (message.type === 'report') {
    send({ type: 'report', receipts: Object.fromEntries(receipts), open, failed, bytes });
  } else if (message.type === 'stop') {
    for (const res of responses) res.destroy();
    process.exit(0);
  }
});

for (let i = 0; i < args.count; i += 1) {
  connect(args.urls[i % args.urls.length] ?? '');
  if ((i + 1) % args.batch === 0) await new Promise((resolve) => setTimeout(resolve, args.pauseMs));
}
