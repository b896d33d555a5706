import type { Snapshot } from '@switchboard/shared';
import type { SnapshotParser } from './parseSnapshot';

/**
 * The server's push stream (GET /api/v1/stream, Server-Sent Events). Each snapshot it carries goes to
 * `onSnapshot`, which writes it into React Query's cache, so components never know whether a figure came by
 * push or by poll. While the stream is down the page polls /api/v1/snapshot instead (see useSnapshotFeed).
 *
 * EventSource reconnects by itself after a dropped connection and sends Last-Event-ID so the server can
 * resume; when it gives up (the server answered with an error) or keeps failing, this class takes over with
 * exponential backoff and jitter, so a thousand screens do not hammer a server that has just come back.
 */
export type StreamState = 'connecting' | 'live' | 'down';

export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export interface StreamOptions {
  url?: string;
  parser: SnapshotParser;
  onSnapshot: (snapshot: Snapshot) => void;
  onInvalid?: (error: Error) => void;
  /** The server's heartbeat, `{"serverTime": …}`, every 15 s between snapshots. */
  onHeartbeat?: (data: string) => void;
  createSource?: (url: string) => EventSourceLike;
  /** No message for this long and the connection is presumed dead and replaced. */
  silenceMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

const CLOSED = 2;
/** Native reconnects EventSource may try before this class closes it and backs off itself. */
const NATIVE_RETRIES = 3;

export function backoffDelay(attempt: number, min: number, max: number, random: () => number): number {
  const ceiling = Math.min(max, min * 2 ** attempt);
  // "Equal jitter": at least half the ceiling, so the delay still grows.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class SnapshotStream {
  private source: EventSourceLike | null = null;
  private state: StreamState = 'connecting';
  private readonly listeners = new Set<() => void>();
  private attempt = 0;
  private nativeFailures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  /** Snapshots are applied in arrival order even though checking them is asynchronous. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: StreamOptions) {}

  get current(): StreamState {
    return this.state;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): StreamState => this.state;

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    this.source?.close();
    this.source = null;
  }

  private setState(state: StreamState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private open(): void {
    if (this.stopped) return;
    const create =
      this.options.createSource ?? ((url: string) => new EventSource(url) as unknown as EventSourceLike);
    const source = create(this.options.url ?? '/api/v1/stream');
    this.source = source;
    this.nativeFailures = 0;
    this.setState('connecting');
    source.onopen = () => {
      this.nativeFailures = 0;
      this.armSilence();
    };
    source.onerror = () => {
      if (source !== this.source) return;
      this.nativeFailures += 1;
      this.setState('down');
      if (source.readyState === CLOSED || this.nativeFailures > NATIVE_RETRIES) this.retryLater();
    };
    const onData = (event: MessageEvent<string>) => this.receive(source, event.data);
    source.addEventListener('message', onData);
    source.addEventListener('snapshot', onData);
    source.addEventListener('heartbeat', (event) => {
      if (source !== this.source) return;
      this.armSilence();
      this.options.onHeartbeat?.(event.data);
    });
    // A connection that never opens (or a stand-in whose worker never answers) is replaced like a silent one.
    this.armSilence();
  }

  private receive(source: EventSourceLike, text: string): void {
    if (source !== this.source) return;
    this.armSilence();
    this.queue = this.queue
      .then(() => this.options.parser.parse(text))
      .then(
        (snapshot) => {
          if (source !== this.source) return;
          this.attempt = 0;
          this.setState('live');
          this.options.onSnapshot(snapshot);
        },
        (error: unknown) => {
          this.options.onInvalid?.(error instanceof Error ? error : new Error(String(error)));
        },
      );
  }

  private armSilence(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      this.setState('down');
      this.retryLater();
    }, this.options.silenceMs ?? 30_000);
  }

  private retryLater(): void {
    clearTimeout(this.silenceTimer);
    this.source?.close();
    this.source = null;
    if (this.stopped) return;
    const delay = backoffDelay(
      this.attempt,
      this.options.minBackoffMs ?? 1000,
      this.options.maxBackoffMs ?? 30_000,
      this.options.random ?? Math.random,
    );
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }
}
