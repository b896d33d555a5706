import { constants as zlib, deflateRawSync } from 'node:zlib';
import { Router, type Request, type Response } from 'express';
import type { Snapshot } from '@switchboard/shared';

/** Anything that holds the latest snapshot and says when there is a new one: the poller or the cluster. */
export interface SnapshotFeed {
  readonly latest: Snapshot | null;
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
}

export interface StreamOptions {
  /** A comment line this often keeps proxies from closing an idle connection and tells browsers we are alive. */
  heartbeatMs?: number;
  /**
   * Bytes a viewer may have waiting in its socket. A slower viewer skips snapshots (each is whole, so the next one
   * supersedes it) and is disconnected after `maxSkips` in a row, so one slow screen never grows our memory.
   */
  maxBufferedBytes?: number;
  maxSkips?: number;
  clock?: () => number;
}

/** Viewers written to between two turns of the event loop. */
const BROADCAST_SLICE = 500;
/**
 * A viewer that connects is sent the latest snapshot as of its arrival; frames made within this long are reused,
 * so a wall of screens reconnecting at once costs one serialisation, not thousands (serverTime is this much old).
 */
const ARRIVAL_FRAME_MS = 250;

/** A gzip member's header (no name, no time, unknown OS); its body is the frames' segments, never closed. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/**
 * One piece of the stream, encoded once for every viewer: as it is, and as a gzip segment. Each segment is
 * compressed on its own (a fresh dictionary) and sync-flushed, ending on a byte boundary with no final block, so
 * any segments written one after another behind one gzip header are one valid gzip stream, which the browser
 * inflates as it arrives. A snapshot travels as about a tenth of its size, compressed once per snapshot rather
 * than once per viewer.
 */
export class StreamFrame {
  readonly plain: Buffer;
  private compressed: Buffer | undefined;

  constructor(text: string) {
    this.plain = Buffer.from(text);
  }

  /** Compressed on first use: a stream with no gzip viewer never compresses. */
  get gzip(): Buffer {
    this.compressed ??= deflateRawSync(this.plain, { finishFlush: zlib.Z_SYNC_FLUSH });
    return this.compressed;
  }
}

const RETRY_FRAME = new StreamFrame('retry: 2000\n\n');

/** gzip only for a client that asks for it (a browser always does); none for one that says nothing. */
function wantsGzip(req: Request): boolean {
  return req.get('accept-encoding') !== undefined && req.acceptsEncodings('gzip', 'identity') === 'gzip';
}

interface Viewer {
  res: Response;
  gzip: boolean;
  skips: number;
}

/**
 * GET /api/v1/stream: Server-Sent Events. Every new snapshot is serialised (and compressed, see StreamFrame) once
 * and written to every viewer as an `event: snapshot` whose id is its generation. A viewer that reconnects with
 * Last-Event-ID at the current generation is not sent it again. Viewers never cause Connect calls: the poller
 * runs on its own schedule.
 */
export class SnapshotStream {
  private readonly viewers = new Set<Viewer>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly maxBufferedBytes: number;
  private readonly maxSkips: number;
  private readonly clock: () => number;
  /** Viewers dropped for reading too slowly, since start. */
  dropped = 0;
  /** Snapshots written to viewers, since start. */
  sent = 0;
  private round = 0;
  /** The frame a viewer arriving now is sent, while it is fresh enough. */
  private arrival: { frame: StreamFrame; generation: number; at: number } | undefined;

  constructor(
    private readonly feed: SnapshotFeed,
    options: StreamOptions = {},
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.maxSkips = options.maxSkips ?? 3;
    this.clock = options.clock ?? Date.now;
    this.unsubscribe = feed.subscribe((snapshot) => this.broadcast(snapshot));
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Serves one viewer until it goes away. */
  handle(req: Request, res: Response): void {
    const gzip = wantsGzip(req);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tell nginx-style proxies not to buffer the stream.
      'X-Accel-Buffering': 'no',
      Vary: 'Accept-Encoding',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    if (gzip) res.write(GZIP_HEADER);
    const viewer: Viewer = { res, gzip, skips: 0 };
    res.write(this.bytes(viewer, RETRY_FRAME));
    this.viewers.add(viewer);
    req.on('close', () => this.viewers.delete(viewer));
    const latest = this.feed.latest;
    const lastEventId = Number(req.get('last-event-id'));
    if (latest && !(Number.isFinite(lastEventId) && lastEventId >= latest.generation)) {
      this.write(viewer, this.arrivalFrame(latest));
    }
  }

  router(): Router {
    return streamRouter(() => this);
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const viewer of this.viewers) viewer.res.end();
    this.viewers.clear();
  }

  private broadcast(snapshot: Snapshot): void {
    // Encoded (and compressed) once: written as a string, the frame would be encoded again for every viewer.
    const bytes = new StreamFrame(frame(snapshot));
    this.arrival = { frame: bytes, generation: snapshot.generation, at: this.clock() };
    const round = ++this.round;
    const viewers = [...this.viewers];
    // In slices, yielding between them, so thousands of viewers never hold up the event loop (lease renewals,
    // requests) for long. A newer snapshot takes over from an older one still being written.
    const writeSlice = (from: number) => {
      if (round !== this.round) return;
      const to = Math.min(viewers.length, from + BROADCAST_SLICE);
      for (let i = from; i < to; i += 1) {
        const viewer = viewers[i];
        if (viewer && this.viewers.has(viewer)) this.write(viewer, bytes);
      }
      if (to < viewers.length) setImmediate(writeSlice, to);
    };
    writeSlice(0);
  }

  /** The latest snapshot for a viewer arriving now: the frame of a moment ago while it is still the latest. */
  private arrivalFrame(latest: Snapshot): StreamFrame {
    const now = this.clock();
    const arrival = this.arrival;
    if (arrival && arrival.generation === latest.generation && now - arrival.at < ARRIVAL_FRAME_MS) {
      return arrival.frame;
    }
    this.arrival = { frame: new StreamFrame(frame(latest)), generation: latest.generation, at: now };
    return this.arrival.frame;
  }

  private bytes(viewer: Viewer, frame: StreamFrame): Buffer {
    return viewer.gzip ? frame.gzip : frame.plain;
  }

  private write(viewer: Viewer, frame: StreamFrame): void {
    if (viewer.res.writableLength > this.maxBufferedBytes) {
      viewer.skips += 1;
      if (viewer.skips >= this.maxSkips) {
        this.dropped += 1;
        this.viewers.delete(viewer);
        viewer.res.destroy();
      }
      return;
    }
    viewer.skips = 0;
    this.sent += 1;
    viewer.res.write(this.bytes(viewer, frame));
  }

  private beat(): void {
    const beat = new StreamFrame(
      `event: heartbeat\ndata: ${JSON.stringify({ serverTime: new Date(this.clock()).toISOString() })}\n\n`,
    );
    for (const viewer of this.viewers) {
      if (viewer.res.writableLength <= this.maxBufferedBytes) viewer.res.write(this.bytes(viewer, beat));
    }
  }
}

function frame(snapshot: Snapshot): string {
  return `id: ${snapshot.generation}\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
}

/** GET /api/v1/stream, served by the stream of the instance the request asks for (`?instance=`, `?board=`). */
export function streamRouter(select: (req: Request) => SnapshotStream): Router {
  const router = Router();
  router.get('/api/v1/stream', (req, res) => {
    select(req).handle(req, res);
  });
  return router;
}
