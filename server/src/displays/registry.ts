import type { ScreenAlertRule, ScreenReport, ScreenState, ScreenSummary } from '@switchboard/shared';
import { SCREEN_STATES } from '@switchboard/shared';
import type { ScreenChange, ScreenMessage, ScreenStore } from '../cluster/screens.js';
import { TooManyRequestsError, UnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  HISTORY_POINTS,
  screenState,
  boardStream,
  isOpen,
  screenBoard,
  streamStatus,
  summarise,
  isAttendedPage,
  worstFirst,
  type ScreenRecord,
  type StateOptions,
  type StreamInfo,
} from './state.js';

export interface RegistryOptions extends Omit<StateOptions, 'streamLeaseMs'> {
  store: ScreenStore;
  logger: Logger;
  clock?: () => number;
  /** At most this many screens are known; a new one beyond is refused until old ones are forgotten. */
  maxScreens?: number;
}

/** A screen nobody named is forgotten a day after it was last heard from; a named one after a week. */
const FORGET_UNNAMED_MS = 24 * 3600 * 1000;
const FORGET_NAMED_MS = 7 * 24 * 3600 * 1000;
/**
 * A page that closed before its first report (opened for a moment: a link followed and closed, a tab restored
 * and shut) and nobody named is no screen: forgotten this long after, rather than listed as a screen gone dark
 * for a day.
 */
const FORGET_PASSING_MS = 10 * 60 * 1000;
/** Each replica says its streams are still open this often; one silent for three times as long lost them. */
const STREAM_REFRESH_MS = 10_000;

/** Pushes an event down one screen's stream. */
export type StreamSender = (event: string, data: unknown) => void;

/**
 * Every screen the wallboard feeds: what each last reported, which replica holds its stream, what supervisors
 * named it. States are worked out when read (screenState), from the report, the stream and the clock, so a
 * screen that goes silent turns frozen or disconnected without anyone writing anything.
 */
export class DisplayRegistry {
  private readonly records = new Map<string, ScreenRecord>();
  /** key → replica → stream. */
  private readonly streams = new Map<string, Map<string, StreamInfo>>();
  /**
   * Per screen alert rule (its id and states), when each screen's run of watched states began, and when the rule
   * was last stepped (observe).
   */
  private readonly badRuns = new Map<string, { steppedAt: number; runs: Map<string, number> }>();
  private readonly names = new Map<string, string>();
  /** Per screen, how many names and forgets the store has passed on for it: a rename under way compares. */
  private readonly namesHeard = new Map<string, number>();
  /** The streams this replica holds, by screen key. */
  private readonly local = new Map<string, Set<{ board: string | null; send: StreamSender }>>();
  private readonly clock: () => number;
  private readonly maxScreens: number;
  private timer: NodeJS.Timeout | undefined;
  readonly options: StateOptions;

  constructor(private readonly config: RegistryOptions) {
    this.clock = config.clock ?? Date.now;
    this.maxScreens = config.maxScreens ?? 5000;
    this.options = { ...config, streamLeaseMs: STREAM_REFRESH_MS * 3 };
  }

  get intervalMs(): number {
    return this.options.intervalMs;
  }

  async start(): Promise<void> {
    // What the other replicas say while the registry loads is newer than what it loads: applied after it, not
    // under it (a screen forgotten, or a stream entry let go, meanwhile would come back from the load).
    let early: ScreenMessage[] | null = [];
    const loaded = await this.config.store.start(
      (message) => {
        if (early) early.push(message);
        else this.receive(message);
      },
      () => this.names,
    );
    for (const [key, value] of Object.entries(loaded.records)) this.receive({ type: 'record', key, value });
    for (const [field, value] of Object.entries(loaded.streams)) {
      const at = field.lastIndexOf('|');
      const key = field.slice(0, at);
      const replica = field.slice(at + 1);
      if (replica === this.config.store.replicaId) this.loadOwnStream(key, value);
      else this.receive({ type: 'stream', key, replica, value }, false);
    }
    for (const [key, value] of Object.entries(loaded.names)) this.receive({ type: 'name', key, value });
    const said = early;
    early = null;
    for (const message of said) this.receive(message);
    this.timer = setInterval(() => this.refresh(), STREAM_REFRESH_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const now = this.clock();
    // Closed by the stop, on the board each showed: a restart finds the screen on its board, not on none.
    for (const [key, held] of this.local) this.setStream(key, newestBoard(held), now, true, true);
    await this.config.store.stop();
  }

  /** A report from screen `key`; refused (429) when the registry is full and the screen is new. */
  report(key: string, kind: 'token' | 'browser', id: string, report: ScreenReport): void {
    const now = this.clock();
    let record = this.records.get(key);
    if (!record) {
      if (!this.has(key) && !this.admits(now))
        throw new TooManyRequestsError(
          `The wallboard already follows ${this.maxScreens} screens; this one is not added until others are forgotten.`,
          'too_many_screens',
          300,
        );
      record = {
        key,
        kind,
        id,
        firstSeenAt: now,
        report: null,
        reportedAt: null,
        errorsSince: null,
        lastUnhealthyAt: null,
        history: [],
      };
    }
    const reloaded =
      record.report !== null && record.reportedAt !== null && report.uptimeMs < record.report.uptimeMs;
    const history = reloaded ? [] : record.history.slice(-(HISTORY_POINTS - 1));
    history.push({ at: now, heapBytes: report.heapBytes, dataAgeMs: report.dataAgeMs });
    const next: ScreenRecord = {
      ...record,
      report,
      reportedAt: now,
      errorsSince: report.errors === 0 ? null : reloaded ? now : (record.errorsSince ?? now),
      history,
    };
    const { state } = screenState(next, this.streamOf(key, now), now, this.options);
    if (state !== 'healthy') next.lastUnhealthyAt = now;
    this.records.set(key, next);
    this.config.store.send({ type: 'record', key, value: JSON.stringify(next) });
  }

  /**
   * A stream this replica serves to screen `key`; returns what to call when it closes. A new screen while the
   * registry is full is served but not followed (its report is refused with 429 likewise).
   */
  streamOpened(key: string, board: string | null, send: StreamSender): () => void {
    if (!this.has(key) && !this.admits(this.clock())) return () => undefined;
    const entry = { board, send };
    let set = this.local.get(key);
    if (!set) {
      set = new Set();
      this.local.set(key, set);
    }
    set.add(entry);
    this.setStream(key, board, this.clock(), false);
    return () => {
      const held = this.local.get(key);
      held?.delete(entry);
      if (held && held.size === 0) {
        this.local.delete(key);
        this.setStream(key, board, this.clock(), true);
      }
    };
  }

  has(key: string): boolean {
    return this.records.has(key) || this.streams.has(key);
  }

  /**
   * Names a screen (or, with '', takes its name away), on every replica: saved before it is made here, and
   * refused (503) when the shared store did not take it, since no report would write it again.
   */
  async rename(key: string, name: string): Promise<ScreenSummary | undefined> {
    if (!this.has(key)) return undefined;
    const heard = this.namesHeard.get(key) ?? 0;
    await this.saved({ type: 'name', key, value: name === '' ? null : name });
    // Another word on this screen's name came while the store took this one (another replica's rename, or this
    // one's own, come back in the store's order): the order the store gave them stands, not this late answer.
    if (this.has(key) && (this.namesHeard.get(key) ?? 0) === heard) {
      if (name === '') this.names.delete(key);
      else this.names.set(key, name);
    }
    return this.summary(key, this.clock());
  }

  private async saved(change: ScreenChange): Promise<void> {
    try {
      await this.config.store.sendNow(change);
    } catch {
      throw new UnavailableError(
        'The shared store (Redis) is unreachable, so the change was not saved: try again in a few seconds.',
        'store_unavailable',
      );
    }
  }

  /**
   * Forgets a screen at once, at a supervisor's word (a TV taken away, a display token revoked), as it would be
   * once unheard for a day (a week if named): its record, name and streams, here, in the store and on every
   * replica, and with them any screen alert on it. Not one whose stream is open: it would be back with its next
   * report. False when it is unknown or connected.
   */
  async remove(key: string): Promise<boolean> {
    if (!this.has(key) || this.streamOf(key, this.clock()).open) return false;
    const replicas = [...(this.streams.get(key)?.keys() ?? [])];
    await this.saved({ type: 'forget', key, replicas });
    this.drop(key);
    return true;
  }

  /**
   * Sends a reload down the open streams of the screens given, on whichever replica holds them; returns the keys
   * it was sent to: only screens with a stream open (held by a replica that said so within the last 30 s), since
   * a screen without one cannot receive it. Throws (503) when it could not be handed to the other replicas.
   */
  async reload(target: { key: string } | { board: string }): Promise<string[]> {
    const now = this.clock();
    const keys =
      'key' in target
        ? [target.key].filter((key) => this.streamOf(key, now).open)
        : this.list(now)
            // The board's screens, not the supervisors' pages on it (the Screens page the reload was sent from,
            // whose notice of it would be lost, among them): one of those is reloaded by its own key.
            .filter((screen) => screen.board === target.board && screen.streamOpen && !isAttendedPage(screen))
            .map((screen) => screen.key);
    if (keys.length === 0) return keys;
    try {
      await this.config.store.command({ type: 'command', keys, command: 'reload' });
    } catch (error) {
      this.config.logger.warn(
        { err: error, keys: keys.length },
        'reload not sent: the shared store refused it',
      );
      throw new UnavailableError(
        'The reload was not sent: Redis, through which the replicas hand each other commands, did not take it. ' +
          'Try again once it is back (GET /readyz shows it).',
        'reload_not_sent',
      );
    }
    return keys;
  }

  list(now = this.clock()): ScreenSummary[] {
    this.forget(now);
    return [...this.known()].flatMap((key) => this.summary(key, now) ?? []).sort(worstFirst);
  }

  /** How many screens are in each state. */
  counts(now = this.clock()): Record<ScreenState, number> {
    const counts = Object.fromEntries(SCREEN_STATES.map((state) => [state, 0])) as Record<
      ScreenState,
      number
    >;
    for (const screen of this.list(now)) counts[screen.state] += 1;
    return counts;
  }

  /**
   * For a screen alert rule: each screen it watches (those it names by token id or given name, else every named
   * screen) and how many seconds it has been disconnected, or stale (frozen or stale figures), as the rule says.
   */
  observe(
    rule: ScreenAlertRule,
    now = this.clock(),
    gapMs = this.options.intervalMs,
  ): { key: string; seconds: number }[] {
    const named = rule.screens ? new Set(rule.screens) : null;
    // A run of states the rule watches counts from its start: a screen frozen, then switched off, is bad from when
    // it froze, not again from the closing (which would clear its alert and raise it `minutes` later).
    // Runs are carried from the last step only if it was recent, by the steps' own pace (`gapMs`, as the alert
    // engine's holds; at least a report interval): across a longer pause (Connect failing, the lease away) the
    // screen may have come back meanwhile, and its state's own start is all that is known.
    const mark = `${rule.id}\n${rule.states.join(',')}`;
    const kept = this.badRuns.get(mark);
    const within = Math.max(this.options.intervalMs, gapMs);
    const before = kept && now - kept.steppedAt <= within ? kept.runs : undefined;
    const runs = new Map<string, number>();
    const observed = this.list(now)
      .filter((screen) =>
        named
          ? named.has(screen.id) || (screen.name !== null && named.has(screen.name))
          : screen.name !== null,
      )
      .map((screen) => {
        const bad =
          (screen.state === 'disconnected' && rule.states.includes('disconnected')) ||
          ((screen.state === 'frozen' || screen.state === 'stale') && rule.states.includes('stale'));
        if (!bad) return { key: screen.key, seconds: 0 };
        const since = Math.min(before?.get(screen.key) ?? Infinity, Date.parse(screen.since));
        runs.set(screen.key, since);
        return { key: screen.key, seconds: Math.max(0, (now - since) / 1000) };
      });
    this.badRuns.set(mark, { steppedAt: now, runs });
    // A rule removed or edited is stepped no more: let its runs go.
    for (const [other, entry] of this.badRuns)
      if (now - entry.steppedAt > within * 2) this.badRuns.delete(other);
    return observed;
  }

  /** A screen's name as a supervisor gave it, else its token id, else its browser id. */
  label(key: string): string {
    return this.names.get(key) ?? this.records.get(key)?.id ?? key.replace(/^[tb]:/, '');
  }

  /** The board screen `key` shows now (by its stream, else its last report); undefined for a screen not known. */
  boardOf(key: string): string | null | undefined {
    const now = this.clock();
    const record = this.records.get(key) ?? this.recordForStream(key, now);
    return record ? this.boardNow(key, record, now) : undefined;
  }

  /** The board a known screen shows at `now`: its stream's, if one opened since its last report, else its report's. */
  private boardNow(key: string, record: ScreenRecord, now: number): string | null {
    return screenBoard(
      record,
      boardStream(this.streams.get(key)?.values() ?? [], now, this.options.streamLeaseMs),
    );
  }

  /** The name a supervisor gave (or the token's id), null for an unnamed browser. */
  nameOf(key: string): string | null {
    return this.names.get(key) ?? (key.startsWith('t:') ? key.slice(2) : null);
  }

  private summary(key: string, now: number): ScreenSummary | undefined {
    const streams = this.streamOf(key, now);
    const record = this.records.get(key) ?? this.recordForStream(key, now);
    if (!record) return undefined;
    const board = this.boardNow(key, record, now);
    return summarise(record, this.nameOf(key), { ...streams, board }, now, this.options);
  }

  /** A screen known by its stream alone (its first report has not come yet). */
  private recordForStream(key: string, now: number): ScreenRecord | undefined {
    const streams = this.streams.get(key);
    if (!streams) return undefined;
    const firstSeenAt = Math.min(now, ...[...streams.values()].map((stream) => stream.openSince));
    return {
      key,
      kind: key.startsWith('t:') ? 'token' : 'browser',
      id: key.slice(2),
      firstSeenAt,
      report: null,
      reportedAt: null,
      errorsSince: null,
      lastUnhealthyAt: null,
      history: [],
    };
  }

  private streamOf(key: string, now: number) {
    return streamStatus(this.streams.get(key)?.values() ?? [], now, this.options.streamLeaseMs);
  }

  private setStream(
    key: string,
    board: string | null,
    now: number,
    closed: boolean,
    serverStopped = false,
  ): void {
    const replica = this.config.store.replicaId;
    const byReplica = this.streams.get(key) ?? new Map<string, StreamInfo>();
    const before = byReplica.get(replica);
    const info: StreamInfo = {
      board,
      openSince: !closed && before && before.closedAt === null ? before.openSince : now,
      closedAt: closed ? now : null,
      seenAt: now,
      ...(serverStopped ? { serverStopped: true } : {}),
    };
    if (closed && before) info.openSince = before.openSince;
    byReplica.set(replica, info);
    this.streams.set(key, byReplica);
    this.config.store.send({ type: 'stream', key, replica, value: JSON.stringify(info) });
  }

  /**
   * A stream this replica held before it restarted (the single-replica store keeps its own across a restart): none
   * is open now. One its screen had closed keeps when: that screen was dark before the restart, and its time so
   * counts on. One still open when the server stopped (or left open by a process that died) is closed from this
   * start: the server's own downtime is not the screen's, or every upgrade would raise screen-down for every wall.
   */
  private loadOwnStream(key: string, value: string): void {
    try {
      const info = JSON.parse(value) as StreamInfo;
      const byReplica = this.streams.get(key) ?? new Map<string, StreamInfo>();
      const openUntilStop = info.closedAt === null || info.serverStopped === true;
      if (!openUntilStop) {
        byReplica.set(this.config.store.replicaId, info);
        this.streams.set(key, byReplica);
        return;
      }
      // Closed at this start, and saved so: the next restart finds a screen dark since this one, not since itself.
      const closedAt = Math.max(this.options.serverStartedAt, info.seenAt);
      const { serverStopped: _stopped, ...rest } = info;
      const closed: StreamInfo = { ...rest, closedAt, seenAt: closedAt };
      byReplica.set(this.config.store.replicaId, closed);
      this.streams.set(key, byReplica);
      this.config.store.send({
        type: 'stream',
        key,
        replica: this.config.store.replicaId,
        value: JSON.stringify(closed),
      });
    } catch {
      this.config.logger.warn({ type: 'stream' }, 'unreadable screen entry; ignored');
    }
  }

  /** Tells the other replicas this one still holds its streams (a replica that dies stops saying it). */
  private refresh(): void {
    const now = this.clock();
    for (const [key, held] of this.local) this.setStream(key, newestBoard(held), now, false);
    for (const key of this.namesHeard.keys()) if (!this.has(key)) this.namesHeard.delete(key);
    this.pruneStreams(now);
  }

  /**
   * Lets go of other replicas' stream entries a screen no longer needs: ended (closed, or lost with their replica)
   * and neither the last of them to open nor the last to end, which are all a screen's state and board are read
   * from. A replica takes a new id at every start, so a screen that stays up through restarts kept one entry per
   * replica that ever served it: 60,000 in Redis after 300 restarts of a floor of 200, loaded at every start and
   * read at every listing.
   */
  private pruneStreams(now: number): void {
    const own = this.config.store.replicaId;
    const leaseMs = this.options.streamLeaseMs;
    for (const [key, byReplica] of this.streams) {
      if (byReplica.size <= 2) continue;
      let lastOpened: StreamInfo | undefined;
      let lastEnded: StreamInfo | undefined;
      const endOf = (stream: StreamInfo) => stream.closedAt ?? stream.seenAt;
      for (const stream of byReplica.values()) {
        if (isOpen(stream, now, leaseMs)) continue;
        if (!lastOpened || stream.openSince > lastOpened.openSince) lastOpened = stream;
        if (!lastEnded || endOf(stream) > endOf(lastEnded)) lastEnded = stream;
      }
      for (const [replica, stream] of byReplica) {
        if (replica === own || isOpen(stream, now, leaseMs) || stream === lastOpened || stream === lastEnded)
          continue;
        byReplica.delete(replica);
        this.config.store.send({ type: 'stream', key, replica, value: null });
      }
    }
  }

  /** Every screen known: by its reports, or by a stream alone (a page closed before its first report). */
  private known(): Set<string> {
    return new Set([...this.records.keys(), ...this.streams.keys()]);
  }

  /** Whether a new screen may be added: old ones are forgotten first when the registry is full. */
  private admits(now: number): boolean {
    if (this.known().size < this.maxScreens) return true;
    this.forget(now);
    return this.known().size < this.maxScreens;
  }

  /**
   * Forgets every screen unheard for long enough (a day, a week when named, ten minutes for a page that never
   * reported), whether it ever reported or is known by a stream alone: its record, its name and the stream entry of every replica that served it, here and in
   * the store, so nothing of it is loaded again at the next start.
   */
  private forget(now: number): void {
    for (const key of this.known()) {
      const record = this.records.get(key);
      const heard = Math.max(record ? (record.reportedAt ?? record.firstSeenAt) : 0, this.lastStreamAt(key));
      const named = this.nameOf(key) !== null;
      const keep = named ? FORGET_NAMED_MS : record ? FORGET_UNNAMED_MS : FORGET_PASSING_MS;
      if (now - heard <= keep || this.streamOf(key, now).open) continue;
      const replicas = [...(this.streams.get(key)?.keys() ?? [])];
      this.drop(key);
      this.config.store.send({ type: 'forget', key, replicas });
    }
  }

  private drop(key: string): void {
    this.records.delete(key);
    this.streams.delete(key);
    this.names.delete(key);
  }

  private lastStreamAt(key: string): number {
    let at = 0;
    for (const stream of this.streams.get(key)?.values() ?? [])
      at = Math.max(at, stream.closedAt ?? stream.seenAt);
    return at;
  }

  /**
   * Applies another replica's word (or, at `live` false, what the store held at start). An open stream's word
   * live is stamped with this replica's time as it came: its lease runs on this replica's clock, not on the
   * holder's, which may be behind or ahead of it (a holder 40 s behind would have every screen it serves taken
   * for gone here, its reloads sent to nobody).
   */
  private receive(message: ScreenMessage, live = true): void {
    try {
      if (message.type === 'command') {
        for (const key of message.keys)
          for (const held of this.local.get(key) ?? []) held.send('command', { command: message.command });
        return;
      }
      if (message.type === 'forget' || message.type === 'name')
        this.namesHeard.set(message.key, (this.namesHeard.get(message.key) ?? 0) + 1);
      if (message.type === 'forget') {
        this.drop(message.key);
        return;
      }
      if (message.type === 'name') {
        if (message.value === null) this.names.delete(message.key);
        else this.names.set(message.key, message.value);
        return;
      }
      if (message.type === 'record') {
        if (message.value === null) {
          this.records.delete(message.key);
          this.streams.delete(message.key);
        } else this.records.set(message.key, JSON.parse(message.value) as ScreenRecord);
        return;
      }
      // Another replica's word on a stream it holds; this replica's own streams it knows best.
      if (message.replica === this.config.store.replicaId) return;
      const byReplica = this.streams.get(message.key) ?? new Map<string, StreamInfo>();
      if (message.value === null) byReplica.delete(message.replica);
      else {
        const stream = JSON.parse(message.value) as StreamInfo;
        // Loaded at start, an open stream's word is taken no later than now: a holder whose clock is ahead does
        // not keep a stream it let go of (it died) open here for longer than the lease.
        const now = this.clock();
        byReplica.set(
          message.replica,
          stream.closedAt !== null
            ? stream
            : { ...stream, seenAt: live ? now : Math.min(stream.seenAt, now) },
        );
      }
      this.streams.set(message.key, byReplica);
    } catch {
      this.config.logger.warn({ type: message.type }, 'unreadable screen entry; ignored');
    }
  }
}

/** The board of the newest of a screen's streams here (the one its opening said), as the others were told. */
function newestBoard(held: Iterable<{ board: string | null }>): string | null {
  let board: string | null = null;
  for (const entry of held) board = entry.board;
  return board;
}
