import type { Socket } from 'node:net';
import { constants as zlib, deflateRawSync } from 'node:zlib';
import { Router, type Request, type Response } from 'express';
import { BadRequestError } from '../errors.js';
import { sessionExpiry } from '../security/access.js';
import { mayStillRead, scopedBoard } from '../security/boardScope.js';
import {
  diffView,
  isResumePoint,
  resumedGeneration,
  streamEventId,
  type Snapshot,
  type ViewPatch,
} from '@switchboard/shared';

/** Anything that holds the latest snapshot and says when there is a new one: the poller or the cluster. */
export interface SnapshotPublisher {
  readonly latest: Snapshot | null;
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
}

export interface ViewStreamOptions {
  /**
   * Every this often, a heartbeat to each viewer sent nothing for half of it: keeps proxies from closing an idle
   * connection and tells browsers we are alive.
   */
  heartbeatMs?: number;
  /**
   * Bytes a viewer may have waiting in its socket. A slower viewer skips patches (and is sent its board's view
   * whole once it catches up) and is disconnected after `maxSkips` in a row, so one slow screen never grows our
   * memory.
   */
  maxBufferedBytes?: number;
  maxSkips?: number;
  /**
   * A viewer whose connection has taken none of the bytes waiting for it for this long is disconnected: its
   * network gone without a word (a cable pulled, a TV's Wi-Fi lost), which the operating system would otherwise
   * hold open until its TCP retransmissions give up, about 15 minutes on Linux, the screen meanwhile counted as
   * connected. 90 s by default: three times the silence after which a page replaces its own connection. A
   * connection counts as taking bytes when a write to it completes, and Node hands the operating system what
   * waits behind a write in one more write: a viewer so slow that what waits for it takes longer than this to
   * go is over this far behind, and is dropped too (it reconnects for its view whole).
   */
  stallMs?: number;
  clock?: () => number;
  /** What picks each viewer's reconnection time (RETRY_FRAMES): Math.random unless told (tests). */
  random?: () => number;
  /**
   * Called with each generation of each board the stream serves: the view, and the patch from the generation
   * before (null for a board's first view) with its JSON as sent. The boards of `keep` are served (and
   * observed) with no viewers too.
   */
  observe?: (board: string | null, view: Snapshot, patch: ViewPatch | null, patchJson: string | null) => void;
  keep?: readonly (string | null)[];
  /**
   * The web app this replica serves now (shared/src/webBuild.ts), in every heartbeat: a wall whose page is another
   * build (loaded from a replica not yet upgraded, behind a load balancer) loads it again from here.
   */
  webBuild?: () => string | null;
}

/** Viewers written to between two turns of the event loop. */
const BROADCAST_SLICE = 500;
/** A board's stream is kept this long after its last viewer leaves, so viewers that come back can resume. */
const IDLE_KEEP_MS = 60_000;
/**
 * Viewers' access is checked again this often besides on every change of tokens or configuration and when a
 * viewer's session expires (endAtExpiry): each check verifies a signature, so not every minute.
 */
const RECHECK_MS = 10 * 60_000;
/**
 * Each viewer is sent a heartbeat marked fresh (nothing queued ahead of it on its connection, so its time is the
 * time now as the page gets it) every 5 to 10 minutes, patches or not: a page takes a fresh time as it is, and
 * follows a server clock set back at the next one rather than at a millisecond a second (web/src/api/clock.ts).
 * Drawn per viewer, so viewers that connected together are not all owed one at the same beat.
 */
const FRESH_BEAT_MS = 5 * 60_000;

/** The longest wait a Node timer takes (about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
  /** As HTTP/1.1 chunks (size line, bytes, CRLF), plain and gzip: made on first use, once for every viewer. */
  private chunks: { plain?: Buffer; gzip?: Buffer } = {};

  constructor(
    text: string,
    /** What the frame carries, for the stream's counters. */
    readonly kind: 'snapshot' | 'patch' | 'other' = 'other',
  ) {
    this.plain = Buffer.from(text);
  }

  /** Compressed on first use: a stream with no gzip viewer never compresses. */
  get gzip(): Buffer {
    this.compressed ??= deflateRawSync(this.plain, { finishFlush: zlib.Z_SYNC_FLUSH });
    return this.compressed;
  }

  /** The frame as one HTTP/1.1 chunk, ready for the socket: one write per viewer, with no framing of its own. */
  chunk(gzip: boolean): Buffer {
    const key = gzip ? 'gzip' : 'plain';
    const bytes = gzip ? this.gzip : this.plain;
    return (this.chunks[key] ??= Buffer.concat([
      Buffer.from(`${bytes.length.toString(16)}\r\n`, 'latin1'),
      bytes,
      CRLF,
    ]));
  }
}

const CRLF = Buffer.from('\r\n', 'latin1');

/**
 * The reconnection time each viewer is told (SSE `retry`), spread from 2 to 5 s: when the server restarts every
 * page loses its connection at the same instant, and EventSource reconnects by itself after it, so one time for
 * all would bring every screen back at once, each asking for its view whole. One of sixteen, at random.
 */
const RETRY_FRAMES = Array.from(
  { length: 16 },
  (_, i) => new StreamFrame(`retry: ${2000 + Math.round((i * 3000) / 15)}\n\n`),
);
function retryFrame(random: number): StreamFrame {
  const frame = RETRY_FRAMES[Math.min(RETRY_FRAMES.length - 1, Math.floor(random * RETRY_FRAMES.length))];
  if (!frame) throw new Error('no reconnection time to tell');
  return frame;
}

/** gzip only for a client that asks for it (a browser always does); none for one that says nothing. */
function wantsGzip(req: Request): boolean {
  return req.get('accept-encoding') !== undefined && req.acceptsEncodings('gzip', 'identity') === 'gzip';
}

interface Viewer {
  res: Response;
  /**
   * The connection, once the response's head and first frames are on their way and the body is chunked: frames
   * then go to it as ready-made chunks (StreamFrame.chunk), one write each, past the response's own write path
   * (which frames and corks every write for every viewer). Null when the response frames them (not chunked:
   * HTTP/1.0) and once the viewer has gone.
   */
  socket: Socket | null;
  gzip: boolean;
  skips: number;
  /** A patch was skipped for this viewer: the next thing it is sent is its board's view whole. */
  behind: boolean;
  /** When it was last sent a view, a patch or a heartbeat (the stream's clock): a heartbeat is owed after a while. */
  lastSentAt: number;
  /** When it is owed a fresh heartbeat, sent or not (FRESH_BEAT_MS). */
  freshDueAt: number;
  /** Whether its sender may still read its board (ViewStream.recheck). */
  allowed: () => boolean;
  /** How far its connection has taken what is sent to it (stuckFor). */
  progress: Progress;
}

/** What is kept of a connection to tell whether it takes what is sent to it (stuckFor). */
export interface Progress {
  /** The bytes written to the connection since it was first looked at, taken or waiting. */
  sent: number;
  /** The bytes the connection had taken (its writes completed) when last looked at with bytes waiting. */
  taken: number;
  /** Since when it has taken none of the bytes waiting for it, or null. */
  stuckSince: number | null;
}

/**
 * How long a connection has taken none of the bytes waiting for it, looked at `now` (0 while it has nothing
 * waiting, or took some since the last look). `progress` is updated. A connection takes bytes when the operating
 * system accepts them (its buffer for the connection has room): on a network gone without a word, it never does
 * again once that buffer is full.
 */
export function stuckFor(progress: Progress, waiting: number, now: number): number {
  if (waiting === 0) {
    progress.stuckSince = null;
    return 0;
  }
  // Counted from what the stream wrote rather than the socket's bytesWritten, which walks every buffered write.
  const taken = progress.sent - waiting;
  if (taken !== progress.taken) {
    progress.taken = taken;
    progress.stuckSince = null;
    return 0;
  }
  // First seen waiting with nothing taken since the last look; or the clock set back since.
  if (progress.stuckSince === null || now < progress.stuckSince) {
    progress.stuckSince = now;
    return 0;
  }
  return now - progress.stuckSince;
}

/** What the stream needs of the views: one board's view of a snapshot (views/views.ts). */
export interface ViewsOf {
  /** The view of board `id` (null: the whole instance), or undefined when there is no such board any more. */
  of(snapshot: Snapshot, id: string | null): Snapshot | undefined;
  /**
   * What the views are projected under now (the configuration). When it changes, a generation already published
   * may be projected again otherwise (a poll after the edit), so no patch from before the change is a base any
   * more: each board's stream starts again from a view whole.
   */
  revision?(): unknown;
  /**
   * What the configuration gives board `id`'s view now (its ETag's revision; views/project.ts), named in each
   * event's id: a page resumes from its generation only under the revision it was sent under.
   */
  revisionOf?(id: string | null): string;
}

/** Patches kept per board for viewers that come back (Last-Event-ID): about a minute at a 2 s cycle. */
const RING_SIZE = 32;

interface KeptPatch {
  base: number;
  generation: number;
  frame: StreamFrame;
}

/** The viewers of one board, its latest view, and the patches that led to it. */
class BoardChannel {
  readonly viewers = new Set<Viewer>();
  view: Snapshot | null = null;
  readonly ring: KeptPatch[] = [];
  /** What `view` was projected under (ViewsOf.revision), and what that gives this board (ViewsOf.revisionOf). */
  revision: unknown;
  revisionId = '';
  /** The latest view whole, serialised on first use: a wall of screens reconnecting costs one serialisation. */
  private whole: { generation: number; frame: StreamFrame } | undefined;
  /** When the last viewer left: the channel (and its ring) is kept a while for viewers that come back. */
  idleSince: number | null = null;
  /** The patch `advance` last worked out, and its JSON. */
  lastPatch: ViewPatch | null = null;
  lastPatchJson: string | null = null;

  constructor(
    readonly board: string | null,
    /** Kept with no viewers (ViewStreamOptions.keep). */
    readonly kept = false,
  ) {}

  wholeFrame(): StreamFrame | null {
    const view = this.view;
    if (!view) return null;
    if (this.whole?.generation !== view.generation)
      this.whole = {
        generation: view.generation,
        frame: new StreamFrame(frame('snapshot', view, JSON.stringify(view), this.revisionId), 'snapshot'),
      };
    return this.whole.frame;
  }

  /** Moves to `next`: the patch from the view before, kept in the ring, or null for a first view. */
  advance(next: Snapshot): StreamFrame | null {
    const before = this.view;
    this.view = next;
    this.lastPatch = null;
    this.lastPatchJson = null;
    if (!before) return null;
    const patch = diffView(before, next);
    const json = JSON.stringify(patch);
    this.lastPatch = patch;
    this.lastPatchJson = json;
    const bytes = new StreamFrame(frame('patch', next, json, this.revisionId), 'patch');
    this.ring.push({ base: before.generation, generation: next.generation, frame: bytes });
    if (this.ring.length > RING_SIZE) this.ring.shift();
    return bytes;
  }

  /**
   * Starts again under another revision: the next view goes whole to every viewer, and no patch before it is kept
   * (a page that polled the same generation under the new revision holds another view of it than this one).
   */
  rebase(revision: unknown, revisionId: string): void {
    this.revision = revision;
    this.revisionId = revisionId;
    this.view = null;
    this.whole = undefined;
    this.ring.length = 0;
  }

  /** The kept patches from generation `since` to the latest, or null when they no longer reach back that far. */
  patchesSince(since: number): StreamFrame[] | null {
    const from = this.ring.findIndex((kept) => kept.base === since);
    if (from < 0) return null;
    return this.ring.slice(from).map((kept) => kept.frame);
  }
}

/**
 * GET /api/v1/stream: Server-Sent Events, per board. A viewer is sent its board's view whole (`event: snapshot`),
 * then one `event: patch` per generation with what changed (shared/src/viewPatch.ts), each event's id its
 * generation, instance and board revision (shared/src/streamEventId.ts). Each board's view and patch are worked
 * out, serialised and compressed once per generation for all its viewers. A viewer that comes back with
 * Last-Event-ID is sent the patches it missed while they are kept (the last RING_SIZE), else the view whole; one
 * at the latest generation is sent nothing until the next.
 * Viewers never cause Connect calls: the poller runs on its own schedule.
 */
export class ViewStream {
  private readonly channels = new Map<string, BoardChannel>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly recheckTimer: NodeJS.Timeout;
  /** The checks of viewers' access under way, superseded by the next. */
  private rechecking: Slices<unknown> | null = null;
  private readonly heartbeatMs: number;
  private readonly unsubscribe: () => void;
  private readonly maxBufferedBytes: number;
  private readonly maxSkips: number;
  private readonly stallMs: number;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly views: ViewsOf;
  private readonly observe: ViewStreamOptions['observe'];
  private readonly webBuild: () => string | null;
  /** Viewers dropped for reading too slowly, since start. */
  dropped = 0;
  /** Of those, viewers dropped as their connections took nothing for `stallMs`. */
  stalled = 0;
  /** Events (views and patches) written to viewers, since start. */
  sent = 0;
  /** Since start: views sent whole, patches sent, and the bytes of both as they went on the wire. */
  readonly totals = { snapshot: 0, patch: 0, bytes: 0 };
  /** The latest snapshot's writes, while they are under way. */
  private writing: Slices<{ viewer: Viewer }> | null = null;

  constructor(
    private readonly feed: SnapshotPublisher,
    options: ViewStreamOptions & { views?: ViewsOf } = {},
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.maxSkips = options.maxSkips ?? 3;
    this.stallMs = options.stallMs ?? 90_000;
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.views = options.views ?? { of: (snapshot) => snapshot };
    this.observe = options.observe;
    this.webBuild = options.webBuild ?? (() => null);
    for (const board of options.keep ?? []) this.channel(board, true);
    this.unsubscribe = feed.subscribe((snapshot) => this.broadcast(snapshot));
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
    this.recheckTimer = setInterval(() => this.recheck(), RECHECK_MS);
    this.recheckTimer.unref();
  }

  get viewerCount(): number {
    let count = 0;
    for (const channel of this.channels.values()) count += channel.viewers.size;
    return count;
  }

  /**
   * Serves one viewer of `board` (null: the whole instance) until it goes away. Returns what pushes one more
   * event to this viewer alone (a command to the screen).
   */
  handle(req: Request, res: Response, board: string | null = null): (event: string, data: unknown) => void {
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
    const viewer: Viewer = {
      res,
      socket: null,
      gzip,
      skips: 0,
      behind: false,
      lastSentAt: this.clock(),
      freshDueAt: this.clock() + FRESH_BEAT_MS * (1 + this.random()),
      allowed: () => mayStillRead(req, board),
      progress: { sent: 0, taken: 0, stuckSince: null },
    };
    res.write(this.bytes(viewer, retryFrame(this.random())));
    // The head is queued: from here on the response's bytes are its chunks, in the order written. (Writes to the
    // connection pass anything that wraps res.write; the stream compresses itself, and no such middleware is
    // mounted in front of it.)
    if (res.chunkedEncoding && res.socket) viewer.socket = res.socket;
    const channel = this.channel(board);
    channel.viewers.add(viewer);
    channel.idleSince = null;
    // A session that expires while its stream is open ends the stream then, not at the next recheck.
    const expiry = this.endAtExpiry(req, channel, viewer);
    req.on('close', () => {
      clearTimeout(expiry.timer);
      viewer.socket = null;
      this.leave(channel, viewer);
    });
    // Not through write(): an event to one viewer says nothing of the patches it holds. Written though the viewer
    // is behind on patches: a command is a few dozen bytes, and a reload said sent must be sent (the page then
    // loads the view whole).
    const send = (event: string, data: unknown) => {
      this.put(viewer, new StreamFrame(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    };
    // First the time now, with nothing queued ahead of it on this new connection: the page takes it as it is (a
    // view's serverTime is when it was published, and a page that has just connected while no new generation
    // comes, a stalled poll, would take that moment for now and hide how old the figures on screen are).
    this.put(viewer, this.beatFrame(false));
    this.reproject(channel, viewer);
    const view = channel.view;
    if (view) {
      // Where the viewer left off: EventSource's own Last-Event-ID on a reconnect, or `?since=` from a page that
      // opened a new connection after a failure and holds that generation; of this instance only.
      const asked = req.get('last-event-id') ?? req.query.since;
      const held =
        typeof asked === 'string' ? resumedGeneration(asked, view.instanceId, channel.revisionId) : null;
      // A viewer at the latest generation is sent nothing until the next.
      if (held !== view.generation) {
        const missed = held === null ? null : channel.patchesSince(held);
        if (missed) for (const patch of missed) this.write(viewer, patch);
        else this.write(viewer, channel.wholeFrame());
      }
    }
    return send;
  }

  /**
   * Ends the connection of each viewer whose sender may no longer read its board: a token revoked or its boards
   * narrowed, a proxy user's access edited, a session expired. Called after every change of tokens or
   * configuration (main.ts), and every RECHECK_MS. In slices, as patches are: each check verifies a session's
   * signature again. The page connects again and is refused, or served the board it may read.
   */
  recheck(): void {
    const all: { viewer: Viewer; channel: BoardChannel }[] = [];
    for (const channel of this.channels.values())
      for (const viewer of channel.viewers) all.push({ viewer, channel });
    // A pass still under way checks against what was in force when it began: this one starts again from the top.
    this.rechecking?.stop();
    this.rechecking = inSlices(all, ({ viewer, channel }) => {
      if (!channel.viewers.has(viewer) || viewer.allowed()) return;
      this.end(viewer);
      this.leave(channel, viewer);
    });
  }

  /**
   * Checks `viewer` again when the session its request came with expires (a second after, so the session's own
   * check sees it expired; at most MAX_TIMER_MS ahead, then again), and ends its stream if it may no longer read.
   */
  private endAtExpiry(req: Request, channel: BoardChannel, viewer: Viewer): { timer?: NodeJS.Timeout } {
    const expiry: { timer?: NodeJS.Timeout } = {};
    const expiresAt = sessionExpiry(req);
    if (expiresAt === undefined) return expiry;
    const arm = () => {
      const wait = Math.max(0, expiresAt + 1000 - this.clock());
      expiry.timer = setTimeout(
        () => {
          if (!channel.viewers.has(viewer)) return;
          if (!viewer.allowed()) {
            this.end(viewer);
            this.leave(channel, viewer);
          } else if (wait > MAX_TIMER_MS) arm();
        },
        Math.min(wait, MAX_TIMER_MS),
      );
      expiry.timer.unref();
    };
    arm();
    return expiry;
  }

  /** A viewer gone from its board; the board's stream is kept a while after its last viewer. */
  private leave(channel: BoardChannel, viewer: Viewer): void {
    channel.viewers.delete(viewer);
    if (channel.viewers.size === 0) channel.idleSince = this.clock();
  }

  close(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.recheckTimer);
    this.rechecking?.stop();
    this.unsubscribe();
    this.writing?.stop();
    for (const channel of this.channels.values()) {
      for (const viewer of channel.viewers) this.end(viewer);
      // Slices of a patch or a heartbeat still to come find no viewer to write to: each one's response has ended.
      channel.viewers.clear();
    }
    this.channels.clear();
  }

  /**
   * A channel whose view was projected under a configuration edited since, with no generation since to rebase it
   * (a poll stalled, or a follower whose leader is gone): projected again from the latest snapshot, so a viewer
   * arriving now is not sent the board as it was (its queues before they were narrowed). The viewers it had are
   * sent the new view whole, as a rebase on a new generation does; `arriving` is sent it by its caller.
   */
  private reproject(channel: BoardChannel, arriving: Viewer): void {
    const revision = this.views.revision?.();
    // The whole instance's view is the snapshot, whatever the configuration (and the one history records).
    if (channel.revision === revision || channel.board === null) return;
    const latest = this.feed.latest;
    const next = latest ? this.views.of(latest, channel.board) : undefined;
    // A board gone from the configuration is ended at the next generation, as ever.
    if (!next) return;
    channel.rebase(revision, this.views.revisionOf?.(channel.board) ?? '');
    channel.advance(next);
    const whole = channel.wholeFrame();
    for (const viewer of channel.viewers) if (viewer !== arriving) this.write(viewer, whole);
  }

  /** The board's channel, made with the view of the latest snapshot when it has none. */
  private channel(board: string | null, kept = false): BoardChannel {
    const key = board ?? '';
    let channel = this.channels.get(key);
    if (!channel) {
      channel = new BoardChannel(board, kept);
      channel.revision = this.views.revision?.();
      channel.revisionId = this.views.revisionOf?.(board) ?? '';
      const latest = this.feed.latest;
      if (latest) channel.view = this.views.of(latest, board) ?? null;
      this.channels.set(key, channel);
    }
    return channel;
  }

  private broadcast(snapshot: Snapshot): void {
    // A newer snapshot takes over from an older one still being written. The viewers it had not reached are
    // behind before anything of this one is written to anyone: their next frame is the view whole, never this
    // generation's patch, which does not follow from the one they hold (and a viewer that left meanwhile moves
    // the rest up a place in this generation's slices).
    for (const write of this.writing?.stop() ?? []) write.viewer.behind = true;
    const now = this.clock();
    const revision = this.views.revision?.();
    const writes: { viewer: Viewer; channel: BoardChannel; frame: StreamFrame }[] = [];
    for (const [key, channel] of this.channels) {
      if (
        !channel.kept &&
        channel.viewers.size === 0 &&
        channel.idleSince !== null &&
        now - channel.idleSince > IDLE_KEEP_MS
      ) {
        this.channels.delete(key);
        continue;
      }
      const next = this.views.of(snapshot, channel.board);
      if (next && channel.revision !== revision)
        channel.rebase(revision, this.views.revisionOf?.(channel.board) ?? '');
      if (!next) {
        // The board is gone from the configuration: its viewers reconnect and are told so.
        for (const viewer of channel.viewers) this.end(viewer);
        channel.viewers.clear();
        this.channels.delete(key);
        continue;
      }
      if (channel.view && next.generation <= channel.view.generation) continue;
      const patch = channel.advance(next);
      this.observe?.(channel.board, next, channel.lastPatch, channel.lastPatchJson);
      const bytes = patch ?? channel.wholeFrame();
      if (!bytes) continue;
      for (const viewer of channel.viewers) writes.push({ viewer, channel, frame: bytes });
    }
    // In slices, yielding between them, so thousands of viewers never hold up the event loop (lease renewals,
    // requests) for long.
    this.writing = inSlices(writes, (write) => {
      if (write.channel.viewers.has(write.viewer)) this.deliver(write.viewer, write.channel, write.frame);
    });
  }

  /** A patch to a viewer who has every one before it; the view whole to one who missed any. */
  private deliver(viewer: Viewer, channel: BoardChannel, patch: StreamFrame): void {
    this.write(viewer, viewer.behind ? channel.wholeFrame() : patch);
  }

  private bytes(viewer: Viewer, frame: StreamFrame): Buffer {
    return viewer.gzip ? frame.gzip : frame.plain;
  }

  private write(viewer: Viewer, frame: StreamFrame | null): void {
    if (!frame || this.droppedStuck(viewer)) return;
    if (this.buffered(viewer) > this.maxBufferedBytes) {
      viewer.skips += 1;
      viewer.behind = true;
      if (viewer.skips >= this.maxSkips) this.drop(viewer);
      return;
    }
    viewer.skips = 0;
    viewer.behind = false;
    viewer.lastSentAt = this.clock();
    this.sent += 1;
    if (frame.kind !== 'other') this.totals[frame.kind] += 1;
    this.totals.bytes += this.bytes(viewer, frame).length;
    this.put(viewer, frame);
  }

  /** Disconnects a viewer that cannot keep up, or whose connection takes nothing: it is sent nothing more. */
  private drop(viewer: Viewer): void {
    this.dropped += 1;
    for (const channel of this.channels.values()) channel.viewers.delete(viewer);
    viewer.socket = null;
    viewer.res.destroy();
  }

  /**
   * Drops a viewer whose connection has taken none of the bytes waiting for it for `stallMs` (see there), and
   * says whether it did. Looked at whenever something is to be written to it (each patch, each heartbeat), on a
   * clock no step of the system's time moves.
   */
  private droppedStuck(viewer: Viewer): boolean {
    const waiting = (viewer.socket ?? viewer.res.socket)?.writableLength ?? 0;
    if (stuckFor(viewer.progress, waiting, performance.now()) < this.stallMs) return false;
    this.stalled += 1;
    this.drop(viewer);
    return true;
  }

  /**
   * The bytes waiting to go to a viewer. Asked of its socket where the stream writes to it directly: the response
   * would add what it holds itself (nothing, once its head is sent) through a getter, about a microsecond a viewer.
   */
  private buffered(viewer: Viewer): number {
    return viewer.socket ? viewer.socket.writableLength : viewer.res.writableLength;
  }

  /** Writes a frame to a viewer: a ready-made chunk straight to its connection, else through the response. */
  private put(viewer: Viewer, frame: StreamFrame): void {
    if (viewer.socket) {
      const chunk = frame.chunk(viewer.gzip);
      viewer.progress.sent += chunk.length;
      viewer.socket.write(chunk);
    }
    // An ended response (its board gone, the stream closed) may outlive its request a while on a slow link, and a
    // screen's command can still come for it: a write after the end is an error event that nothing would catch.
    else if (!viewer.res.writableEnded) {
      const bytes = this.bytes(viewer, frame);
      viewer.progress.sent += bytes.length;
      viewer.res.write(bytes);
    }
  }

  /** Ends a viewer's response (its last chunk), and writes nothing more to its connection. */
  private end(viewer: Viewer): void {
    viewer.socket = null;
    viewer.res.end();
  }

  /**
   * A heartbeat: the server's time now, which the page sets its clock by, and the web app this replica serves;
   * `fresh`, said to be written with nothing queued ahead of it (FRESH_BEAT_MS). The first heartbeat of a
   * connection is fresh to the page without saying so.
   */
  private beatFrame(fresh: boolean): StreamFrame {
    const webBuild = this.webBuild();
    const beat = {
      serverTime: new Date(this.clock()).toISOString(),
      ...(webBuild ? { webBuild } : {}),
      ...(fresh ? { fresh: true } : {}),
    };
    return new StreamFrame(`event: heartbeat\ndata: ${JSON.stringify(beat)}\n\n`);
  }

  /**
   * A heartbeat to each viewer sent nothing for half the interval or more. A viewer of a live board gets a patch
   * every cycle, each with the server's time, so it is owed none: at 10,000 viewers a heartbeat to all of them was
   * as many writes as a patch, at one turn of the event loop, and delayed the next patch to every viewer by as
   * long when the two met. A viewer still hears from the stream at least every one and a half intervals (22.5 s
   * by default), inside the 30 s of silence after which the page replaces its connection. And each viewer is owed
   * a fresh one every 5 to 10 minutes (FRESH_BEAT_MS). Written in slices, as patches are.
   */
  private beat(): void {
    const now = this.clock();
    // A clock set back since (a step of the system's time) owes every viewer one too, rather than none for as long.
    // A fresh one is owed when due, or at once when it is further off than it can be (the clock set back since it
    // was drawn): a page whose server clock was set back must not wait as long again to follow it.
    const owes = (viewer: Viewer) =>
      now < viewer.lastSentAt ||
      now - viewer.lastSentAt >= this.heartbeatMs / 2 ||
      now >= viewer.freshDueAt ||
      viewer.freshDueAt - now > 2 * FRESH_BEAT_MS;
    const owed: { viewer: Viewer; channel: BoardChannel; last: number }[] = [];
    for (const channel of this.channels.values())
      for (const viewer of channel.viewers)
        if (owes(viewer)) owed.push({ viewer, channel, last: viewer.lastSentAt });
    if (owed.length === 0) return;
    const beat = this.beatFrame(false);
    let fresh: StreamFrame | null = null;
    inSlices(owed, ({ viewer, channel, last }) => {
      // Gone since the beat began, sent a patch meanwhile (with a later time than this beat's), its connection
      // stuck (dropped), or too far behind to be written to.
      if (!channel.viewers.has(viewer) || viewer.lastSentAt !== last || this.droppedStuck(viewer)) return;
      const buffered = this.buffered(viewer);
      if (buffered > this.maxBufferedBytes) return;
      viewer.lastSentAt = now;
      // Nothing queued ahead of it: its time is the time it reaches the page. A viewer owed one with something
      // queued is owed it still, at the next beat.
      if (buffered === 0) {
        fresh ??= this.beatFrame(true);
        viewer.freshDueAt = now + FRESH_BEAT_MS * (1 + this.random());
        this.put(viewer, fresh);
      } else this.put(viewer, beat);
    });
  }
}

/** A run of writes in slices, under way. */
interface Slices<T> {
  /** Ends the run before its next slice, and returns the items it had not reached. */
  stop(): readonly T[];
}

/**
 * Runs `each` over `items` BROADCAST_SLICE at a time, yielding to the event loop between slices, so thousands of
 * viewers never hold it for long.
 */
function inSlices<T>(all: readonly T[], each: (item: T) => void): Slices<T> {
  // Let go once done or stopped: a run kept after it (the last recheck, for ten minutes) holds no viewer.
  let items: readonly T[] = all;
  let next = 0;
  const slice = () => {
    const to = Math.min(items.length, next + BROADCAST_SLICE);
    for (; next < to; next += 1) {
      const item = items[next];
      if (item !== undefined) each(item);
    }
    if (next < items.length) setImmediate(slice);
    else items = [];
  };
  slice();
  return {
    stop: () => {
      const rest = items.slice(next);
      items = [];
      return rest;
    },
  };
}

/** A view or patch as an event, its id the generation, instance and board revision of the view it makes. */
function frame(event: 'snapshot' | 'patch', view: Snapshot, json: string, revision: string): string {
  return `id: ${streamEventId(view, revision)}\nevent: ${event}\ndata: ${json}\n\n`;
}

/**
 * GET /api/v1/stream, served by the stream of the instance the request asks for (`?instance=`, `?board=`).
 * `onViewer` learns of each viewer before it is served (a bad parameter still gets a 400), and may return what
 * then takes the function pushing an event to that viewer alone (the screens' registry).
 */
export function streamRouter(
  select: (req: Request) => ViewStream,
  onViewer?: (
    req: Request,
    board: string | null,
  ) => ((send: (event: string, data: unknown) => void) => void) | undefined,
): Router {
  const router = Router();
  router.get('/api/v1/stream', (req, res) => {
    const stream = select(req);
    const since = req.query.since;
    if (since !== undefined && (typeof since !== 'string' || !isResumePoint(since)))
      throw new BadRequestError(
        'since must be given once, as the id of the last event the page holds (its generation and instance, and its board revision if any), e.g. ?since=1796390152535@11111111-2222-3333-4444-555555555555',
        'bad_since',
      );
    const board = scopedBoard(req);
    // HEAD (which Express routes here) is answered with the stream's headers and no stream: it holds nothing
    // open, so the caps on open streams, which count GETs, need not count it.
    if (req.method === 'HEAD') {
      res
        .status(200)
        .set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' })
        .end();
      return;
    }
    // Asked before the stream starts, so a bad parameter is still answered with a 400.
    const attach = onViewer?.(req, board);
    const send = stream.handle(req, res, board);
    attach?.(send);
  });
  return router;
}
