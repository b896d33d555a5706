/**
 * Which screen id this tab is. Tabs and windows of one browser profile share its localStorage, where the id is
 * kept, so two walls driven by one PC (two TVs, two kiosk windows) or two embeds on one intranet page would be one
 * screen that flips between their boards. Each tab claims an id among the other tabs of its profile over a
 * BroadcastChannel:
 *
 * - The ids this browser has used are kept in localStorage: the first one (the browser's own, as before) and up
 *   to seven more. A tab keeps the one it holds in sessionStorage, so a reload keeps it.
 * - A starting tab asks which ids are held, and after a moment takes the one its sessionStorage names if no other
 *   tab holds it, else the first of the browser's ids no other tab holds, else a new one (kept for the next time).
 * - Two tabs that took one id anyway (both started at once, or a tab too busy to answer in time, or a duplicated
 *   tab that copied the other's sessionStorage) find out from each other's word: the one that took it later takes
 *   another, and says so, so the stream connects again under it.
 *
 * Without BroadcastChannel (browsers before 2022), every tab is the browser's first id, as before.
 */

const FIRST_KEY = 'switchboard.screen';
const MORE_KEY = 'switchboard.screen.more';
const TAB_KEY = 'switchboard.screen.tab';
export const CLAIM_CHANNEL = 'switchboard.screen';
/** Ids kept besides the first: a laptop whose supervisor opens many tabs does not collect them without end. */
const MORE_KEPT = 7;
/** How long a starting tab waits for the others to say which ids they hold. */
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
  /** The channel to the profile's other tabs, or null where there is none. */
  channel: ClaimChannel | null;
  newId?: () => string;
  now?: () => number;
  windowMs?: number;
}

type Message = { kind: 'ask'; from: string } | { kind: 'hold'; id: string; since: number; from: string };

function readMessage(data: unknown): Message | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  if (typeof m.from !== 'string') return null;
  if (m.kind === 'ask') return { kind: 'ask', from: m.from };
  if (m.kind === 'hold' && typeof m.id === 'string' && ID.test(m.id) && typeof m.since === 'number')
    return { kind: 'hold', id: m.id, since: m.since, from: m.from };
  return null;
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
  private readonly newId: () => string;
  private readonly now: () => number;
  /** This tab, among the others: breaks a tie of two tabs that took one id in the same millisecond. */
  private readonly self: string;
  private current: string;
  /** When this tab took its id; null while it is still asking. */
  private since: number | null = null;
  /** Ids the other tabs said they hold while this one was asking. */
  private readonly heldByOthers = new Set<string>();
  private readonly listeners = new Set<() => void>();
  readonly settled: Promise<void>;

  constructor(options: ScreenClaimOptions) {
    this.local = options.local;
    this.session = options.session;
    this.channel = options.channel;
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.now = options.now ?? Date.now;
    this.self = this.newId();
    const kept = read(this.session, TAB_KEY);
    this.current = kept && ID.test(kept) ? kept : this.firstId();
    if (!this.channel) {
      this.take(this.current);
      this.settled = Promise.resolve();
      return;
    }
    this.channel.onmessage = (event) => this.hear(readMessage(event.data));
    this.channel.postMessage({ kind: 'ask', from: this.self });
    this.settled = new Promise((resolve) =>
      setTimeout(() => {
        this.take(this.choose());
        resolve();
      }, options.windowMs ?? CLAIM_WINDOW_MS),
    );
  }

  /** Whether this tab has taken its id (it may still give it up to a tab that took it first). */
  isSettled(): boolean {
    return this.since !== null;
  }

  /** The id this tab reports and streams under (before it settles, the one it expects to take). */
  id(): string {
    return this.current;
  }

  /** Calls `listener` when this tab's id changes after it settled. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The server refused this tab's id as another board's screen (a browser shared by supervisors who may see
   * different boards): a new id takes its place, in this tab and among the browser's.
   */
  renew(): void {
    const refused = this.current;
    const made = this.newId();
    if (read(this.local, FIRST_KEY) === refused || !this.local) write(this.local, FIRST_KEY, made);
    else this.keep(this.moreIds().map((id) => (id === refused ? made : id)));
    this.take(made);
    this.changed();
  }

  close(): void {
    if (this.channel) {
      this.channel.onmessage = null;
      this.channel.close();
    }
  }

  /** The browser's first id, made now if it has none. */
  private firstId(): string {
    const first = read(this.local, FIRST_KEY);
    if (first && ID.test(first)) return first;
    const made = this.newId();
    write(this.local, FIRST_KEY, made);
    return made;
  }

  private moreIds(): string[] {
    try {
      const parsed: unknown = JSON.parse(read(this.local, MORE_KEY) ?? '[]');
      return Array.isArray(parsed)
        ? parsed.filter((id): id is string => typeof id === 'string' && ID.test(id)).slice(0, MORE_KEPT)
        : [];
    } catch {
      return [];
    }
  }

  private keep(more: string[]): void {
    write(this.local, MORE_KEY, JSON.stringify(more.slice(0, MORE_KEPT)));
  }

  /** The id to take: this tab's own if free, else the first of the browser's that is free, else a new one. */
  private choose(): string {
    const free = (id: string) => !this.heldByOthers.has(id);
    if (free(this.current)) return this.current;
    const browser = [this.firstId(), ...this.moreIds()];
    const found = browser.find(free);
    if (found) return found;
    const made = this.newId();
    this.keep([...browser.slice(1), made]);
    return made;
  }

  private take(id: string): void {
    this.current = id;
    this.since = this.now();
    write(this.session, TAB_KEY, id);
    this.say();
  }

  private say(): void {
    if (this.since === null) return;
    this.channel?.postMessage({ kind: 'hold', id: this.current, since: this.since, from: this.self });
  }

  private hear(message: Message | null): void {
    if (!message || message.from === this.self) return;
    if (message.kind === 'ask') {
      this.say();
      return;
    }
    if (this.since === null) {
      this.heldByOthers.add(message.id);
      return;
    }
    if (message.id !== this.current) return;
    const theirsFirst =
      message.since < this.since || (message.since === this.since && message.from < this.self);
    if (!theirsFirst) {
      // They took it after this tab: tell them, and they take another.
      this.say();
      return;
    }
    this.heldByOthers.add(message.id);
    this.take(this.choose());
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
