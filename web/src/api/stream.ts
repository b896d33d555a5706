import {
  applyPatch,
  checkPatch,
  parseStreamEventId,
  PatchError,
  streamEventId,
  type Snapshot,
} from '@switchboard/shared';
import { backoffDelay } from './backoff';
import { checkSnapshot, keepUnchanged, polledEventId } from './snapshot';

/**
 * The server's push stream (GET /api/v1/stream, Server-Sent Events): the board's view whole once (`snapshot`),
 * then what changed each generation (`patch`, a ViewPatch whose `base` is the generation before). Each patch is
 * applied to the view the page holds, pushed or polled (a board's only to a view projected under the same
 * revision of the board as the patch's; shared/src/streamEventId.ts), and the result goes to `onView`, which
 * writes it into React Query's cache; what a patch does not touch stays the same object, so unchanged tiles skip
 * their render.
 * While the stream is down the page polls /api/v1/snapshot instead (see SnapshotFeed).
 *
 * A patch for another generation than the one held (one was missed), or one that cannot be read or applied, is
 * never shown in part: the connection is dropped and a fresh EventSource opened, which sends no Last-Event-ID,
 * so the server answers with the view whole.
 *
 * EventSource reconnects by itself after a dropped connection and sends Last-Event-ID so the server can send
 * the patches missed; when it gives up (the server answered with an error) or keeps failing, this class takes
 * over with exponential backoff and jitter, so a thousand screens do not hammer a server that has just come back.
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
  /** The stream's address, or what makes it anew for each connection (a page whose screen id changed). */
  url?: string | (() => string);
  /** The view the page holds now, pushed or polled: the next patch applies to it (a board's, of its revision). */
  held: () => Snapshot | undefined;
  /** Each new view, whole or patched: always one generation, never a mix of two. */
  onView: (view: Snapshot) => void;
  /** A view or patch the page could not read or apply: the stream starts again from the view whole. */
  onInvalid?: (error: Error) => void;
  /** A command for this screen from a supervisor, `{"command": "reload"}` (docs/screens.md). */
  onCommand?: (data: string) => void;
  /**
   * The server's heartbeat, `{"serverTime": …}`: first on each new connection, before its view (`first`, nothing
   * queued ahead of it), then every 15 s to a page it has sent nothing for 7.5 s.
   */
  onHeartbeat?: (data: string, first: boolean) => void;
  createSource?: (url: string) => EventSourceLike;
  /** No message for this long and the connection is presumed dead and replaced. */
  silenceMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * The first fresh connection after a view or patch the page could not use waits a random moment up to this
   * (1 s): a patch no screen can apply reaches every screen of the board at once, and they should not all ask
   * for the view whole in the same instant. 0: at once.
   */
  restartSpreadMs?: number;
  random?: () => number;
}

const CLOSED = 2;
/** Native reconnects EventSource may try before this class closes it and backs off itself. */
const NATIVE_RETRIES = 3;
/**
 * A connection that lasted this long was a success: its end starts the count of failures, and the backoff, anew.
 * One that ends sooner (a server in a crash loop, a proxy cutting it) adds to them, whatever it delivered first,
 * so a thousand screens back off rather than fetch the view whole every 2 s for as long as it lasts.
 */
const STABLE_MS = 10_000;

function parse(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (failure) {
    throw new Error(`The server sent a ${what} that is not JSON (${(failure as Error).message}).`);
  }
}

export class SnapshotStream {
  private source: EventSourceLike | null = null;
  private state: StreamState = 'connecting';
  private silencedAt: number | null = null;
  private readonly listeners = new Set<() => void>();
  private attempt = 0;
  /** When the current connection opened (EventSource's own reconnects open it again); null while it is not open. */
  private openedAt: number | null = null;
  private nativeFailures = 0;
  /** Connections dropped for a view or patch the page could not use, since the last patch it applied. */
  private restarts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  /**
   * The id of the event that made the last view this stream showed: its generation and instance, and the board's
   * revision it was projected under (shared/src/streamEventId.ts). A resume point while the page still holds
   * that view; a view polled since has the id its poll was given (resumePoint).
   */
  private shownId: { generation: number; instanceId: string; id: string } | null = null;

  constructor(private readonly options: StreamOptions) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The connection's state now: what the stale banner shows and whether a poll may keep the view held. */
  getState = (): StreamState => this.state;

  /**
   * When the stream gave up on a live connection that went silent (no event within `silenceMs`), ms; null while
   * live, and after a connection that ended of itself (the server restarting, a proxy closing it).
   */
  getSilencedAt = (): number | null => this.silencedAt;

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
    if (state === 'live') this.silencedAt = null;
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  /**
   * Opens a connection. `resume`: after a failure, ask the server for what came since the view held (it sends
   * the patches it still keeps, else the view whole); after an invalid event, ask for the view whole.
   */
  private open(resume = false): void {
    if (this.stopped) return;
    const create =
      this.options.createSource ?? ((url: string) => new EventSource(url) as unknown as EventSourceLike);
    const given = this.options.url ?? '/api/v1/stream';
    const url = typeof given === 'function' ? given() : given;
    const held = resume ? this.options.held() : undefined;
    // Where the held view came from, as the stream's event ids name it (its revision with it); a view whose id is
    // not known names its generation and instance only, and is sent whole where the board has a revision.
    const heldId = held && (this.resumePoint(held) ?? streamEventId(held));
    const since = heldId ? `since=${encodeURIComponent(heldId)}` : null;
    const source = create(since ? `${url}${url.includes('?') ? '&' : '?'}${since}` : url);
    this.source = source;
    this.openedAt = null;
    this.nativeFailures = 0;
    // Reopened for the view whole, the stream stays live: the view on screen is whole, a moment old at most.
    if (this.state !== 'live') this.setState('connecting');
    // Heartbeats on this connection so far: EventSource's own reconnects open it again, each a new connection.
    let beats = 0;
    source.onopen = () => {
      beats = 0;
      if (source === this.source) this.openedAt = Date.now();
      this.armSilence();
    };
    source.onerror = () => {
      if (source !== this.source) return;
      this.connectionEnded();
      this.nativeFailures += 1;
      this.setState('down');
      if (source.readyState === CLOSED || this.nativeFailures > NATIVE_RETRIES) this.retryLater();
    };
    source.addEventListener('snapshot', (event) =>
      this.receive(source, event.lastEventId, () => {
        const whole = checkSnapshot(parse(event.data, 'view'));
        const held = this.options.held();
        // Older than the view the page holds, of the same instance, by generation and by when it was made (a poll
        // brought a newer one from a replica further on than this one): the figures on screen stay, as a patch to a
        // passed generation leaves them. Generations that started again lower come with later times: followed.
        if (
          held &&
          held.instanceId === whole.instanceId &&
          held.generation > whole.generation &&
          Date.parse(held.generatedAt) > Date.parse(whole.generatedAt)
        )
          return held;
        return keepUnchanged(held, whole);
      }),
    );
    source.addEventListener('patch', (event) => {
      // A patch onto a view of another instance, or a board's onto a view projected under another configuration of
      // the board than the patch's, or one the page does not know (a poll brought it while EventSource reconnected
      // by itself naming the last event it had, from a replica that serves the board otherwise): the view whole
      // instead, from a fresh connection; not an error of the server's.
      const held = this.options.held();
      const named = parseStreamEventId(event.lastEventId);
      const foreign =
        held !== undefined &&
        named !== null &&
        (named.instanceId !== held.instanceId ||
          (named.revision !== '' && revisionOf(this.resumePoint(held)) !== named.revision));
      if (source === this.source && foreign) {
        clearTimeout(this.silenceTimer);
        source.close();
        this.source = null;
        this.open();
        return;
      }
      this.receive(source, event.lastEventId, () => {
        const patch = checkPatch(parse(event.data, 'patch'));
        const held = this.options.held();
        if (!held) throw new PatchError(`a patch to generation ${patch.base} came before any view`);
        // A patch to a generation this page already holds or has passed (a poll brought a newer view while
        // the stream was away, and the stream resumed from its last event): nothing to apply.
        if (patch.generation <= held.generation) return held;
        const view = applyPatch(held, patch);
        // Only a patch applied shows this page can follow the stream: a view whole proves nothing of the patches
        // after it, and a server that sends one this page cannot apply after every view whole must not be met
        // with a reconnect at once, forever.
        this.restarts = 0;
        return view;
      });
    });
    source.addEventListener('command', (event) => {
      if (source === this.source) this.options.onCommand?.(event.data);
    });
    source.addEventListener('heartbeat', (event) => {
      if (source !== this.source) return;
      this.armSilence();
      this.options.onHeartbeat?.(event.data, beats === 0);
      beats += 1;
    });
    // A connection that never opens is replaced like a silent one.
    this.armSilence();
  }

  /**
   * Where the stream resumes for `view`: the id of the event that made it, or the one the poll that brought it
   * was given (its board revision with it); undefined when neither is known.
   */
  private resumePoint(view: Snapshot): string | undefined {
    // The poll's first: a view the stream made is never among the polled, and a polled one of the generation the
    // stream showed last may be another projection of it.
    const polled = polledEventId(view);
    if (polled !== undefined) return polled;
    const shown = this.shownId;
    return shown?.generation === view.generation && shown.instanceId === view.instanceId
      ? shown.id
      : undefined;
  }

  /** Shows the view `next` makes of the event of id `id`, or none of it when it cannot. */
  private receive(source: EventSourceLike, id: string, next: () => Snapshot): void {
    if (source !== this.source) return;
    this.armSilence();
    let view: Snapshot;
    try {
      view = next();
    } catch (failure) {
      this.restart(failure instanceof Error ? failure : new Error(String(failure)));
      return;
    }
    this.setState('live');
    // The id names this view only if it is the view the event made (a patch to a generation already held or passed
    // leaves the view as it was, and names an older one).
    const named = parseStreamEventId(id);
    if (named?.generation === view.generation && named.instanceId === view.instanceId)
      this.shownId = { generation: view.generation, instanceId: view.instanceId, id };
    this.options.onView(view);
  }

  /**
   * Drops the connection for a fresh one, which gets the view whole: within a moment the first time
   * (restartSpreadMs); again before a
   * patch has applied since (the server sends what this page cannot read or apply), after a backoff that grows
   * each time, polling meanwhile.
   */
  private restart(error: Error): void {
    this.options.onInvalid?.(error);
    this.restarts += 1;
    clearTimeout(this.silenceTimer);
    this.source?.close();
    this.source = null;
    if (this.restarts === 1) {
      // The view held stays on screen meanwhile, whole, a generation behind at most: the stream stays live.
      const delay = Math.round(
        (this.options.random ?? Math.random)() * (this.options.restartSpreadMs ?? 1000),
      );
      clearTimeout(this.retryTimer);
      if (delay > 0) this.retryTimer = setTimeout(() => this.open(), delay);
      else this.open();
      return;
    }
    this.setState('down');
    this.retryLater(false);
  }

  /**
   * The current connection has ended (or gone silent): if it lasted (STABLE_MS), the failures and the backoff
   * count from this one; not after a restart until a patch has applied (see the patch listener).
   */
  private connectionEnded(): void {
    const lasted = this.openedAt !== null && Date.now() - this.openedAt >= STABLE_MS;
    this.openedAt = null;
    if (!lasted) return;
    this.nativeFailures = 0;
    if (this.restarts === 0) this.attempt = 0;
  }

  private armSilence(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      if (this.state === 'live') this.silencedAt = Date.now();
      this.setState('down');
      this.retryLater();
    }, this.options.silenceMs ?? 30_000);
  }

  /** Opens a connection after a backoff; `resume`: from the view held (see open). */
  private retryLater(resume = true): void {
    this.connectionEnded();
    clearTimeout(this.silenceTimer);
    this.source?.close();
    this.source = null;
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt, {
      firstMs: this.options.minBackoffMs ?? 1000,
      maxMs: this.options.maxBackoffMs ?? 30_000,
      ...(this.options.random ? { random: this.options.random } : {}),
    });
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(resume), delay);
  }
}

/** The board revision an event id names ('' for none); undefined for no id. */
function revisionOf(id: string | undefined): string | undefined {
  return id === undefined ? undefined : (parseStreamEventId(id)?.revision ?? undefined);
}
