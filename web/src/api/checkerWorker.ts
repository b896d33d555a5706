import type { Snapshot } from '@switchboard/shared';
import {
  inlineParser,
  snapshotChecker,
  SnapshotParseError,
  type SnapshotParser,
  type WorkerReply,
} from './parseSnapshot';
import { applyPatch } from './snapshotPatch';
import type { EventSourceLike } from './stream';

/**
 * The snapshot checker's worker, both sides of it. The worker checks every snapshot against the shared schema
 * and works out what changed since the last one (snapshotPatch.ts); the page builds each snapshot from the
 * last one and that patch, parsing only what changed.
 *
 * The worker also holds the push stream's EventSource: each pushed snapshot (about 660 KB of text at 1,500
 * agents) arrives, is checked and diffed there, and only the patch crosses to the page. The page never holds
 * the text, so it neither copies it to the worker nor collects it as garbage afterwards. On the page, the
 * stream sees a stand-in EventSource (`openStream`) whose snapshot events carry a receipt instead of the
 * text; `parse` of that receipt answers with the snapshot built from the worker's patch. A poll's text still
 * comes from the page, and goes through the same checker, so patches from both paths build on each other.
 */

/** Page to worker. */
export type ToWorker =
  | { kind: 'check'; id: number; text: string }
  | { kind: 'open'; source: number; url: string }
  | { kind: 'close'; source: number }
  /** The page could not build a snapshot from a patch: send the next one whole. */
  | { kind: 'whole' };

/** Worker to page. */
export type FromWorker =
  | { kind: 'checked'; reply: WorkerReply }
  | { kind: 'opened'; source: number; readyState: number }
  | { kind: 'failed'; source: number; readyState: number }
  | { kind: 'heartbeat'; source: number; data: string }
  /** A pushed snapshot, checked: its patch, and its text only when there is no patch to build it from. */
  | { kind: 'snapshot'; source: number; reply: WorkerReply; text: string | null }
  /** This browser has no EventSource in workers: the page opens the stream itself. */
  | { kind: 'unsupported'; source: number };

const STREAM_EVENTS = ['message', 'snapshot'] as const;

function transfers(reply: WorkerReply): Transferable[] {
  return reply.patch ? Object.values(reply.patch.lists).map((list) => list.keep.buffer) : [];
}

/**
 * The worker's side, apart from the worker's own plumbing so tests can drive it: answers each message from
 * the page through `post`. `createSource` is null where the worker has no EventSource.
 */
export function serveChecker(
  post: (message: FromWorker, transfer: Transferable[]) => void,
  createSource: ((url: string) => EventSourceLike) | null,
  check = snapshotChecker(),
): (message: ToWorker) => void {
  const sources = new Map<number, EventSourceLike>();
  // Pushed snapshots are numbered downwards, so they never share a number with the page's requests.
  let pushed = 0;
  let whole = false;
  const open = (id: number, url: string) => {
    if (!createSource) {
      post({ kind: 'unsupported', source: id }, []);
      return;
    }
    const source = createSource(url);
    sources.set(id, source);
    source.onopen = () => post({ kind: 'opened', source: id, readyState: source.readyState }, []);
    source.onerror = () => post({ kind: 'failed', source: id, readyState: source.readyState }, []);
    const onData = (event: MessageEvent<string>) => {
      pushed -= 1;
      const reply = check({ id: pushed, text: event.data });
      const sendText = reply.error === null && (reply.patch === null || whole);
      if (sendText) whole = false;
      post({ kind: 'snapshot', source: id, reply, text: sendText ? event.data : null }, transfers(reply));
    };
    for (const type of STREAM_EVENTS) source.addEventListener(type, onData);
    source.addEventListener('heartbeat', (event) =>
      post({ kind: 'heartbeat', source: id, data: event.data }, []),
    );
  };
  return (message) => {
    switch (message.kind) {
      case 'check': {
        const reply = check(message);
        post({ kind: 'checked', reply }, transfers(reply));
        return;
      }
      case 'open':
        open(message.source, message.url);
        return;
      case 'close':
        sources.get(message.source)?.close();
        sources.delete(message.source);
        return;
      case 'whole':
        whole = true;
        return;
    }
  };
}

/** What a worker needs to be for workerParser: a real Worker, or a stand-in in tests. */
export type WorkerLike = Pick<Worker, 'postMessage' | 'terminate' | 'addEventListener'>;

type Listener = (event: MessageEvent<string>) => void;

const CONNECTING = 0;
const CLOSED = 2;

/**
 * The page's stand-in for an EventSource that lives in the worker. It mirrors the worker's readyState, and
 * passes on opens, errors, heartbeats and snapshots (as receipts). Where the worker has no EventSource, it
 * opens one on the page and passes its events on as they are.
 */
class WorkerSource implements EventSourceLike {
  readyState = CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private here: EventSourceLike | null = null;
  /** Closed by the page (the worker's EventSource may have closed itself before: readyState says so). */
  private done = false;

  constructor(
    private readonly url: string,
    private readonly onClose: () => void,
    private readonly openLocal: (url: string) => EventSourceLike,
  ) {}

  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.readyState = CLOSED;
    this.here?.close();
    this.onClose();
  }

  get closed(): boolean {
    return this.done;
  }

  /** Held on the page (openHere), not in the worker. */
  get local(): boolean {
    return this.here !== null;
  }

  opened(readyState: number): void {
    if (this.closed) return;
    this.readyState = readyState;
    this.onopen?.(new Event('open'));
  }

  failed(readyState: number): void {
    if (this.closed) return;
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }

  emit(type: string, data: string): void {
    if (this.closed) return;
    for (const listener of this.listeners.get(type) ?? []) listener(new MessageEvent(type, { data }));
  }

  /** The worker cannot hold the stream: hold it here, passing its events on. */
  openHere(): void {
    if (this.closed) return;
    const local = this.openLocal(this.url);
    this.here = local;
    local.onopen = () => this.opened(local.readyState);
    local.onerror = () => this.failed(local.readyState);
    for (const type of [...STREAM_EVENTS, 'heartbeat'])
      local.addEventListener(type, (event) => this.emit(type, event.data));
  }
}

/** Marks a receipt; a snapshot's JSON text always starts with "{". */
const RECEIPT = 'checked-in-worker:';
/** Receipts the stream has not asked for yet (a stream replaced mid-flight never will): keep the last few. */
const KEEP_RECEIPTS = 8;
/** A check takes tens of milliseconds: a worker silent for this long on one is taken for stopped. */
export const CHECK_TIMEOUT_MS = 10_000;

type Built = { snapshot: Snapshot } | { error: Error };

export interface WorkerParserOptions {
  /** Opens an EventSource on the page, where the worker has none. */
  openLocal?: (url: string) => EventSourceLike;
  /** Resolves the stream's URL, relative to the page, for the worker (whose own URL is elsewhere). */
  resolveUrl?: (url: string) => string;
}

/**
 * The page's side. `parse(text)` sends the text to be checked; `openStream(url)` opens the push stream in the
 * worker. Both build each snapshot from the last one and the worker's patch, in the order the worker answers,
 * so each patch meets the snapshot it was made against. If the worker stops, or leaves a check unanswered for
 * CHECK_TIMEOUT_MS, the page checks and parses on its own from then on. `close` lets the worker go.
 */
export function workerParser(worker: WorkerLike, options: WorkerParserOptions = {}): SnapshotParser {
  const openLocal =
    options.openLocal ?? ((url: string) => new EventSource(url) as unknown as EventSourceLike);
  const resolveUrl = options.resolveUrl ?? ((url: string) => new URL(url, location.href).href);
  let nextId = 0;
  let nextSource = 0;
  let last: { id: number; snapshot: Snapshot } | null = null;
  let stopped = false;
  /** The worker said it has no EventSource: later streams open on the page straight away. */
  let noEventSource = false;
  const fallback = inlineParser();
  const pending = new Map<
    number,
    {
      text: string;
      resolve: (snapshot: Snapshot) => void;
      reject: (error: Error) => void;
      timer: ReturnType<typeof setTimeout>;
    }
  >();
  const sources = new Map<number, WorkerSource>();
  const receipts = new Map<string, Built>();
  let receiptCount = 0;
  const send = (message: ToWorker) => worker.postMessage(message);

  /** The snapshot from the worker's patch; null when the patch does not fit the last snapshot built. */
  const fromPatch = (reply: WorkerReply): Snapshot | null => {
    if (!reply.patch || !last || reply.patch.base !== last.id) return null;
    try {
      return applyPatch(last.snapshot, reply.patch);
    } catch {
      // A patch that does not fit (it never should): the text is the truth.
      return null;
    }
  };

  const onChecked = (reply: WorkerReply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    clearTimeout(waiting.timer);
    if (reply.error !== null) {
      waiting.reject(new SnapshotParseError(reply.error));
      return;
    }
    const snapshot = fromPatch(reply) ?? (JSON.parse(waiting.text) as Snapshot);
    last = { id: reply.id, snapshot };
    waiting.resolve(snapshot);
  };

  const onPushed = (source: WorkerSource | undefined, reply: WorkerReply, text: string | null) => {
    let built: Built;
    if (reply.error !== null) {
      built = { error: new SnapshotParseError(reply.error) };
    } else {
      const snapshot = fromPatch(reply) ?? (text === null ? null : (JSON.parse(text) as Snapshot));
      if (!snapshot) {
        // Lost track of which snapshot the worker diffs against: this one is skipped, the next comes whole.
        last = null;
        send({ kind: 'whole' });
        return;
      }
      last = { id: reply.id, snapshot };
      built = { snapshot };
    }
    // Built even for a stream the page has closed, so the next patch meets the snapshot it was made against.
    if (!source || source.closed) return;
    const receipt = `${RECEIPT}${receiptCount++}`;
    receipts.set(receipt, built);
    for (const old of receipts.keys()) {
      if (receipts.size <= KEEP_RECEIPTS) break;
      receipts.delete(old);
    }
    source.emit('snapshot', receipt);
  };

  /**
   * The worker stopped, or stopped answering: it is let go, whatever waits on it is checked here instead, and
   * the streams it held start again here (the stream reopens after the error, on the page).
   */
  const stop = () => {
    if (stopped) return;
    stopped = true;
    worker.terminate();
    for (const waiting of pending.values()) {
      clearTimeout(waiting.timer);
      fallback.parse(waiting.text).then(waiting.resolve, waiting.reject);
    }
    pending.clear();
    for (const [id, source] of sources) {
      if (source.local) continue;
      sources.delete(id);
      source.failed(CLOSED);
    }
  };

  worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
    if (stopped) return;
    const message = event.data;
    switch (message.kind) {
      case 'checked':
        onChecked(message.reply);
        return;
      case 'snapshot':
        onPushed(sources.get(message.source), message.reply, message.text);
        return;
      case 'opened':
        sources.get(message.source)?.opened(message.readyState);
        return;
      case 'failed':
        sources.get(message.source)?.failed(message.readyState);
        return;
      case 'heartbeat':
        sources.get(message.source)?.emit('heartbeat', message.data);
        return;
      case 'unsupported':
        noEventSource = true;
        sources.get(message.source)?.openHere();
        return;
    }
  });
  worker.addEventListener('error', stop);

  return {
    parse(text) {
      if (text.startsWith(RECEIPT)) {
        const built = receipts.get(text);
        receipts.delete(text);
        if (!built) return Promise.reject(new SnapshotParseError('That snapshot is no longer held.'));
        return 'snapshot' in built ? Promise.resolve(built.snapshot) : Promise.reject(built.error);
      }
      if (stopped) return fallback.parse(text);
      const id = nextId++;
      return new Promise<Snapshot>((resolve, reject) => {
        pending.set(id, { text, resolve, reject, timer: setTimeout(stop, CHECK_TIMEOUT_MS) });
        send({ kind: 'check', id, text });
      });
    },
    openStream(url) {
      if (stopped || noEventSource) return openLocal(url);
      const id = nextSource++;
      const source = new WorkerSource(
        url,
        () => {
          sources.delete(id);
          if (!stopped) send({ kind: 'close', source: id });
        },
        openLocal,
      );
      sources.set(id, source);
      send({ kind: 'open', source: id, url: resolveUrl(url) });
      return source;
    },
    close: stop,
  };
}

/** In a worker where the browser has module workers, else on the page. */
export function defaultParser(): SnapshotParser {
  if (typeof Worker === 'undefined') return inlineParser();
  try {
    return workerParser(new Worker(new URL('./snapshot.worker.ts', import.meta.url), { type: 'module' }));
  } catch {
    return inlineParser();
  }
}
