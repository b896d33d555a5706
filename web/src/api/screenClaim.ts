/**
 * Which screen id this page is. Tabs and windows of one browser profile share its localStorage, where the id is
 * kept, so two walls driven by one PC (two TVs, two kiosk windows) or two embeds on one intranet page would be one
 * screen that flips between their boards. Each page claims an id among the other pages of its profile over a
 * BroadcastChannel (docs/screens.md, "Tabs"):
 *
 * - The browser's own id stays in localStorage (`switchboard.screen`, as before), with the ids its pages have held
 *   since, each with the address it showed (view and board), the most recent first, at most eight.
 * - A tab keeps the id it holds in its sessionStorage, so a reload keeps it; a frame keeps it per address, as the
 *   frames of one tab share that storage.
 * - A starting page asks which ids are held and, a moment later, takes its own if no other page holds it, else the
 *   one that last showed its address, else the browser's own, else any of the browser's ids, else a new one: so
 *   after the browser restarts, two walls of different boards take their own ids again, whichever opens first.
 * - Two pages that took one id anyway (both started at once, a page too busy to answer in time, a duplicated tab
 *   that copied the other's sessionStorage) sort it out when they hear each other: the one that held it first
 *   keeps it (a page that answered the other's question knows it was first, whatever the clocks say), and the
 *   other asks again and takes another, and its stream connects again under it. Each page says what it holds
 *   again with every report and when it is shown again, so a page that missed the others' word hears it later.
 *
 * Without BroadcastChannel (browsers before 2022), every page is the browser's own id, as before.
 */

const FIRST_KEY = 'switchboard.screen';
const LIST_KEY = 'switchboard.screen.ids';
const TAB_KEY = 'switchboard.screen.tab';
export const CLAIM_CHANNEL = 'switchboard.screen';
/** Ids kept with the address they showed: a laptop whose supervisor opens many tabs does not collect them without end. */
const KEPT = 8;
/** Pages whose question this one answered: enough for every tab a browser might open. */
const HEARD_KEPT = 64;
/**
 * A page choosing again (it gave up an id another page held first) passes over every id another page said it held
 * this recently: pages say so with every report (a minute by default), so this is every live page's.
 */
const RECENT_MS = 3 * 60_000;
/** How long a starting page waits for the others to say which ids they hold. */
export const CLAIM_WINDOW_MS = 200;

const ID = /^[A-Za-z0-9-]{20,40}$/;

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The part of a BroadcastChannel this uses. */
export interface ClaimChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

export interface ScreenClaimOptions {
  /** The profile's storage (localStorage), or null where the browser refuses it. */
  local: KeyValueStore | null;
  /** This tab's storage (sessionStorage), or null. */
  session: KeyValueStore | null;
  /** The channel to the profile's other pages, or null where there is none. */
  channel: ClaimChannel | null;
  /** What the page shows (its view and board), by which it finds the id that showed it before. */
  address: string;
  /** Whether the page is a frame inside another page (an embed), which shares its tab's sessionStorage. */
  framed?: boolean;
  newId?: () => string;
  now?: () => number;
  windowMs?: number;
}

interface Kept {
  id: string;
  shows: string | null;
}

type Message =
  | { kind: 'ask'; from: string }
  | {
      kind: 'hold';
      id: string;
      since: number;
      from: string;
      shows: string | null;
      /** The pages whose question the sender answered, each with the id it held then. */
      heard: [string, string][];
    };

function isPair(value: unknown): value is [string, string] {
  return Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string');
}

function readMessage(data: unknown): Message | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  if (typeof m.from !== 'string') return null;
  if (m.kind === 'ask') return { kind: 'ask', from: m.from };
  if (m.kind !== 'hold' || typeof m.id !== 'string' || !ID.test(m.id) || typeof m.since !== 'number')
    return null;
  return {
    kind: 'hold',
    id: m.id,
    since: m.since,
    from: m.from,
    shows: typeof m.shows === 'string' ? m.shows : null,
    heard: Array.isArray(m.heard) ? m.heard.filter(isPair) : [],
  };
}

function read(store: KeyValueStore | null, key: string): string | null {
  try {
    return store?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(store: KeyValueStore | null, key: string, value: string): void {
  try {
    store?.setItem(key, value);
  } catch {
    // Storage refused or full: the id lasts as long as the page.
  }
}

export class ScreenClaim {
  private readonly local: KeyValueStore | null;
  private readonly session: KeyValueStore | null;
  private readonly channel: ClaimChannel | null;
  private readonly address: string;
  private readonly tabKey: string;
  private readonly newId: () => string;
  private readonly now: () => number;
  private readonly windowMs: number;
  /** This page, among the others. */
  private readonly self: string;
  /** The browser's own id as this page made it, where storage had none. */
  private madeFirst: string | null = null;
  private current: string;
  /** When this page took its id; null while it asks which ids are held. */
  private since: number | null = null;
  /** The ids other pages said they hold, with when (this page's clock). */
  private readonly heldByOthers = new Map<string, number>();
  /** Pages whose question this one answered, each with the id it held then: it held that id before them. */
  private readonly heard = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private closed = false;
  /** The ask under way, or the last one; resolves to whether it took an id (a renewal cancels it). */
  private pending: Promise<boolean> = Promise.resolve(true);
  private asking = 0;
  /** How many times this page gave up an id to another: each time it waits longer for the slow ones to answer. */
  private yielded = 0;

  constructor(options: ScreenClaimOptions) {
    this.local = options.local;
    this.session = options.session;
    this.channel = options.channel;
    this.address = options.address;
    this.tabKey = options.framed ? `${TAB_KEY}:${options.address}` : TAB_KEY;
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.now = options.now ?? Date.now;
    this.windowMs = options.windowMs ?? CLAIM_WINDOW_MS;
    this.self = this.newId();
    const own = read(this.session, this.tabKey);
    this.current = own && ID.test(own) ? own : this.firstId();
    if (!this.channel) {
      this.take(this.current);
      return;
    }
    this.channel.onmessage = (event) => this.hear(readMessage(event.data));
    void this.ask();
  }

  /** Resolves once this page has taken an id: at start, and again after it gave one up to another page. */
  get settled(): Promise<void> {
    return this.pending.then(() => undefined);
  }

  /** Whether this page has taken its id (it may still give it up to a page that held it first). */
  isSettled(): boolean {
    return this.since !== null;
  }

  /** The id this page reports and streams under (before it settles, the one it expects to take). */
  id(): string {
    return this.current;
  }

  /** Calls `listener` when this page's id changes after it settled. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Says again which id this page holds, so a page that took it too while this one was not heard moves. */
  announce(): void {
    if (this.since === null) return;
    // The list may have lost this id to two pages writing it at once: this page puts it back.
    this.remember(this.current, this.address, false);
    this.say();
  }

  /**
   * The server refused this page's id as another board's screen (a browser shared by supervisors who may see
   * different boards): a new id takes its place, in this page and among the browser's.
   */
  renew(): void {
    const refused = this.current;
    const made = this.newId();
    // An ask under way (this page gave up its id a moment ago) is overtaken by the new id.
    this.asking += 1;
    this.pending = Promise.resolve(true);
    this.heard.clear();
    if (read(this.local, FIRST_KEY) === refused) write(this.local, FIRST_KEY, made);
    this.writeList(this.readList().filter((kept) => kept.id !== refused));
    this.take(made);
    this.changed();
  }

  close(): void {
    this.closed = true;
    if (this.channel) {
      this.channel.onmessage = null;
      this.channel.close();
    }
  }

  /** Asks the other pages which ids they hold, then takes one; resolves to whether it did. */
  private ask(): Promise<boolean> {
    this.since = null;
    // What this page answered was of the id it gives up.
    this.heard.clear();
    const asking = (this.asking += 1);
    this.channel?.postMessage({ kind: 'ask', from: this.self });
    this.pending = new Promise((resolve) =>
      setTimeout(
        () => {
          const overtaken = this.closed || asking !== this.asking;
          if (!overtaken) this.take(this.choose());
          resolve(!overtaken);
        },
        this.windowMs * 2 ** Math.min(this.yielded, 3),
      ),
    );
    return this.pending;
  }

  /** The browser's own id, made now if it has none (once: where storage is refused, it lasts as long as the page). */
  private firstId(): string {
    const first = read(this.local, FIRST_KEY);
    if (first && ID.test(first)) return first;
    this.madeFirst ??= this.newId();
    write(this.local, FIRST_KEY, this.madeFirst);
    return this.madeFirst;
  }

  private readList(): Kept[] {
    try {
      const parsed: unknown = JSON.parse(read(this.local, LIST_KEY) ?? '[]');
      if (!Array.isArray(parsed)) return [];
      return parsed
        .filter(
          (kept): kept is Kept =>
            typeof kept === 'object' &&
            kept !== null &&
            typeof (kept as Kept).id === 'string' &&
            ID.test((kept as Kept).id),
        )
        .map((kept) => ({ id: kept.id, shows: typeof kept.shows === 'string' ? kept.shows : null }))
        .slice(0, KEPT);
    } catch {
      return [];
    }
  }

  private writeList(list: Kept[]): void {
    write(this.local, LIST_KEY, JSON.stringify(list.slice(0, KEPT)));
  }

  /**
   * Keeps `id` among the browser's ids, with what it shows: read again just before writing, and written by every
   * page that hears of an id, so two pages writing at once cannot lose one for good.
   */
  private remember(id: string, shows: string | null, first: boolean): void {
    const list = this.readList();
    const at = list.findIndex((kept) => kept.id === id);
    if (first) {
      if (at >= 0) list.splice(at, 1);
      list.unshift({ id, shows });
    } else if (at >= 0) {
      const kept = list[at];
      if (!kept || kept.shows === shows) return;
      kept.shows = shows;
    } else {
      // Another page's id the list lacks: kept where there is room, never in place of a more recent one.
      if (list.length >= KEPT) return;
      list.push({ id, shows });
    }
    this.writeList(list);
  }

  /**
   * The id to take: this page's own, else the one that last showed its address, else the browser's own, else any
   * of the browser's, else a new one; the first of them no other page holds.
   */
  private choose(): string {
    const now = this.now();
    const free = (id: string) => {
      const heard = this.heldByOthers.get(id);
      return heard === undefined || Math.abs(now - heard) >= RECENT_MS;
    };
    const own = read(this.session, this.tabKey);
    if (own && ID.test(own) && free(own)) return own;
    const list = this.readList();
    const shown = list.find((kept) => kept.shows === this.address && free(kept.id));
    if (shown) return shown.id;
    const first = this.firstId();
    if (free(first)) return first;
    return list.find((kept) => free(kept.id))?.id ?? this.newId();
  }

  private take(id: string): void {
    this.current = id;
    this.since = this.now();
    write(this.session, this.tabKey, id);
    this.remember(id, this.address, true);
    this.say();
  }

  private say(): void {
    if (this.since === null || this.closed) return;
    this.channel?.postMessage({
      kind: 'hold',
      id: this.current,
      since: this.since,
      from: this.self,
      shows: this.address,
      heard: [...this.heard.entries()],
    });
  }

  private hear(message: Message | null): void {
    if (!message || message.from === this.self || this.closed) return;
    if (message.kind === 'ask') {
      if (this.since === null) return;
      this.heard.delete(message.from);
      this.heard.set(message.from, this.current);
      if (this.heard.size > HEARD_KEPT) this.heard.delete(this.heard.keys().next().value as string);
      this.say();
      return;
    }
    this.remember(message.id, message.shows, false);
    const now = this.now();
    this.heldByOthers.delete(message.id);
    this.heldByOthers.set(message.id, now);
    for (const [id, at] of this.heldByOthers) {
      if (Math.abs(now - at) < RECENT_MS) break;
      this.heldByOthers.delete(id);
    }
    if (this.since === null || message.id !== this.current) return;
    if (!this.heldFirstBy(message)) {
      // They took it after this page: tell them, and they take another.
      this.say();
      return;
    }
    this.yielded += 1;
    void this.ask().then((took) => {
      if (took) this.changed();
    });
  }

  /** Whether the page that says it holds this page's id held it first. */
  private heldFirstBy(message: Extract<Message, { kind: 'hold' }>): boolean {
    // A page that answered the other's question while holding this id held it first, whatever the two clocks say.
    if (message.heard.some(([from, id]) => from === this.self && id === message.id)) return true;
    if (this.heard.get(message.from) === this.current) return false;
    const since = this.since ?? Infinity;
    return message.since < since || (message.since === since && message.from < this.self);
  }

  private changed(): void {
    if (this.closed) return;
    for (const listener of this.listeners) listener();
  }
}
