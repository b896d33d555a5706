import { constants as zlib, inflateRawSync } from 'node:zlib';
import { openStream } from './rawStream.js';

/**
 * Many stream viewers in one process, for the viewers benchmark. Opens `count` connections to GET /api/v1/stream
 * (spread over the given replicas), and notes when each frame of a generation has fully arrived, by generation:
 * `event: snapshot` (a board's view whole, the first frame and after falling behind) or `event: patch` (what
 * changed since the generation before), whichever the stream sent.
 * Each reads with a lean HTTP reader (rawStream.ts), and frames are scanned for line ends only, never parsed as
 * JSON, so a client process costs little per byte. Viewers ask for gzip as browsers do, unless `gzip` is false
 * (see segmentScanner for how they read it).
 */

export type ClientMessage =
  | { type: 'connected'; open: number; failed: number; withSnapshot: number; reasons: Record<string, number> }
  | {
      type: 'report';
      receipts: Record<number, number[]>;
      open: number;
      failed: number;
      bytes: number;
      /** Of the frames noted, those that were a view whole (`event: snapshot`) rather than a patch. */
      wholeViews: number;
      /** Frames inflated whole (one viewer in INFLATING_SAMPLE), and those of them that were not whole frames. */
      inflated: number;
      corrupt: number;
      /** This process's CPU time since the reset, microseconds. */
      cpuUs: number;
    };

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
let wholeViews = 0;
let inflated = 0;
let corrupt = 0;
let cpuAtReset = process.cpuUsage();
let withSnapshot = 0;
const streams: { destroy(): void }[] = [];
const reasons: Record<string, number> = {};
function refuse(reason: string): void {
  failed += 1;
  reasons[reason] = (reasons[reason] ?? 0) + 1;
}

const LF = 10;
/** `}`: a frame's JSON ends with it. */
const CLOSE = 0x7d;

/** Notes a generation's frame (a view whole or a patch) having wholly arrived. */
function received(id: number, event: string, viewer: { seen: boolean }): void {
  const at = Date.now();
  if (event === 'snapshot') wholeViews += 1;
  let list = receipts.get(id);
  if (!list) receipts.set(id, (list = []));
  list.push(at);
  if (!viewer.seen) {
    viewer.seen = true;
    withSnapshot += 1;
  }
}

/** Reads SSE text and notes each `event: snapshot` or `event: patch` frame once its closing blank line has arrived. */
function lineScanner(viewer: { seen: boolean }): (chunk: Buffer) => void {
  // The current line's first bytes (enough for `id: 123` and `event: snapshot`) and its length.
  let prefix = '';
  let lineLength = 0;
  let id = -1;
  let event = '';
  return (chunk) => {
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
        if ((event === 'snapshot' || event === 'patch') && id >= 0) received(id, event, viewer);
        id = -1;
        event = '';
      } else if (prefix.startsWith('id: ')) {
        // `id: <generation>@<instance>`: the generation is what is noted.
        id = Number.parseInt(prefix.slice(4), 10);
      } else if (prefix.startsWith('event: ')) {
        event = prefix.slice(7);
      }
      prefix = '';
      lineLength = 0;
      position = lf + 1;
    }
  };
}

const GZIP_HEADER_BYTES = 10;
/** A sync flush's empty stored block: the server ends every frame's gzip segment with it. */
const FLUSH = Buffer.from([0, 0, 0xff, 0xff]);
/** Enough of a segment's start to inflate its first line or two (a block's code tables come first). */
const HEAD_BYTES = 1024;

/** A segment's id and event from its first bytes, or null when they are no frame's start. */
function readHead(bytes: Buffer): { id: number; event: string } | null {
  try {
    const text = inflateRawSync(bytes, { finishFlush: zlib.Z_SYNC_FLUSH }).toString('latin1');
    const match = /^id: (\d+)@[^\n]*\nevent: (snapshot|patch)\n/.exec(text);
    return match ? { id: Number(match[1]), event: match[2] ?? '' } : null;
  } catch {
    return null;
  }
}

/** Segment starts already inflated in this process, by their bytes (latin1): a few boards' last generations. */
const heads = new Map<string, { id: number; event: string } | null>();
const MAX_HEADS = 256;

/**
 * Reads the server's gzip stream as segments, without inflating it whole: each frame is a segment compressed on
 * its own and ending in a sync flush, so a frame has wholly arrived when its segment's flush has, and inflating
 * the segment's first bytes on their own tells its event and id (once per process for each distinct start: the
 * viewers of a board are all sent the same bytes). In a browser the frame is inflated on the
 * viewer's own machine; here thousands of viewers share the server's cores, and inflating every frame whole
 * would measure the clients: `whole` viewers (one in INFLATING_SAMPLE) inflate every frame whole all the same,
 * and check it is one. (Compressed data may hold the flush's four bytes by chance, about once in 4 GB.)
 */
function segmentScanner(viewer: { seen: boolean }, whole: boolean): (chunk: Buffer) => void {
  let skip = GZIP_HEADER_BYTES;
  let head: Buffer[] = [];
  let headLength = 0;
  /** The last three bytes seen, for a flush split across chunks. */
  let tail = Buffer.alloc(0);
  const keepHead = (bytes: Buffer) => {
    if (!whole && headLength >= HEAD_BYTES) return;
    // A copy: the chunk's memory is reused for the next read.
    const part = Buffer.from(whole ? bytes : bytes.subarray(0, HEAD_BYTES - headLength));
    head.push(part);
    headLength += part.length;
  };
  const segmentEnded = () => {
    const bytes = head.length === 1 && head[0] ? head[0] : Buffer.concat(head);
    head = [];
    headLength = 0;
    tail = Buffer.alloc(0);
    if (!whole) {
      // Every viewer of a board is sent the same bytes for a generation: inflate a segment's start once per
      // process, and look up the other viewers' copies by those bytes themselves (no hash, no chance of a mix-up).
      const key = bytes.toString('latin1');
      let known = heads.get(key);
      if (known === undefined) {
        known = readHead(bytes);
        if (heads.size >= MAX_HEADS) heads.clear();
        heads.set(key, known);
      }
      if (known) received(known.id, known.event, viewer);
      return;
    }
    let frame: Buffer;
    try {
      frame = inflateRawSync(bytes, { finishFlush: zlib.Z_SYNC_FLUSH });
    } catch {
      // The flush's bytes by chance inside a frame: this piece is no frame of its own (and the frame is missed).
      inflated += 1;
      corrupt += 1;
      return;
    }
    const match = /^id: (\d+)@[^\n]*\nevent: (snapshot|patch)\ndata: \{/.exec(
      frame.toString('latin1', 0, 256),
    );
    if (match) {
      received(Number(match[1]), match[2] ?? '', viewer);
      // A whole frame: one data line of JSON (no line feed before its end), closed by a blank line.
      inflated += 1;
      const dataLine = match[0].length;
      if (frame.indexOf(LF, dataLine) !== frame.length - 2 || frame.at(-1) !== LF || frame.at(-3) !== CLOSE)
        corrupt += 1;
    }
  };
  return (chunk) => {
    let data = chunk;
    if (skip > 0) {
      const n = Math.min(skip, data.length);
      skip -= n;
      data = data.subarray(n);
    }
    let from = 0;
    while (from < data.length) {
      let end = -1;
      if (tail.length > 0) {
        const across = Buffer.concat([tail, data.subarray(from, from + FLUSH.length - 1)]).indexOf(FLUSH);
        if (across >= 0) end = from + across + FLUSH.length - tail.length;
      }
      if (end < 0) {
        const within = data.indexOf(FLUSH, from);
        if (within >= 0) end = within + FLUSH.length;
      }
      if (end < 0) {
        keepHead(data.subarray(from));
        const rest = data.subarray(from);
        tail =
          rest.length >= FLUSH.length - 1
            ? Buffer.from(rest.subarray(rest.length - (FLUSH.length - 1)))
            : Buffer.concat([tail, rest]).subarray(-(FLUSH.length - 1));
        break;
      }
      keepHead(data.subarray(from, end));
      segmentEnded();
      from = end;
    }
  };
}

/** One viewer in this many inflates every frame whole, as a browser does, and checks it is one whole frame. */
const INFLATING_SAMPLE = 50;
let watched = 0;

/** Like EventSource, a viewer whose connection fails tries again after the stream's `retry` (2 s), a few times. */
const RETRY_MS = 2000;
const MAX_RETRIES = 5;
let retries = 0;

function connect(url: string, attempt = 0): void {
  const viewer = { seen: false };
  let read: ((chunk: Buffer) => void) | undefined;
  let counted = false;
  const stream = openStream(
    new URL('/api/v1/stream', url),
    { accept: 'text/event-stream', ...(args.gzip ? { 'accept-encoding': 'gzip, deflate, br' } : {}) },
    {
      response(status, headers) {
        if (status !== 200) {
          refuse(`HTTP ${status}`);
          stream.destroy();
          return;
        }
        open += 1;
        counted = true;
        read =
          headers['content-encoding'] === 'gzip'
            ? segmentScanner(viewer, watched++ % INFLATING_SAMPLE === 0)
            : lineScanner(viewer);
      },
      body(chunk) {
        read?.(chunk);
      },
      wire(count) {
        bytes += count;
      },
      close(error, responded) {
        if (counted) open -= 1;
        if (!responded && error && attempt < MAX_RETRIES) {
          retries += 1;
          setTimeout(() => connect(url, attempt + 1), RETRY_MS);
        } else if (!responded) {
          refuse(error?.code ?? error?.message ?? 'closed before a response');
        } else if (counted && !viewer.seen) {
          // Hung up on before its first snapshot: counted with the refusals.
          refuse('closed before a snapshot');
        }
      },
    },
  );
  streams.push(stream);
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'status') {
    send({ type: 'connected', open, failed, withSnapshot, reasons: { ...reasons, retries } });
  } else if (message.type === 'reset') {
    receipts = new Map();
    bytes = 0;
    wholeViews = 0;
    inflated = 0;
    corrupt = 0;
    cpuAtReset = process.cpuUsage();
  } else if (message.type === 'report') {
    send({
      type: 'report',
      receipts: Object.fromEntries(receipts),
      open,
      failed,
      bytes,
      wholeViews,
      inflated,
      corrupt,
      cpuUs: (({ user, system }) => user + system)(process.cpuUsage(cpuAtReset)),
    });
  } else if (message.type === 'stop') {
    for (const stream of streams) stream.destroy();
    process.exit(0);
  }
});

for (let i = 0; i < args.count; i += 1) {
  connect(args.urls[i % args.urls.length] ?? '');
  if ((i + 1) % args.batch === 0) await new Promise((resolve) => setTimeout(resolve, args.pauseMs));
}
