import { randomUUID } from 'node:crypto';
import { readlinkSync, statSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { SECTION_NAMES, type AlertEvent, type Snapshot, type ViewPatch } from '@switchboard/shared';
import type { AlertEngine } from '../alerts/engine.js';
import type { Logger } from '../logger.js';
import type { DriverName } from './sqlite.js';
import { HistoryReader, damaged, openHistoryFile, removeSetAsideBefore, setAside } from './store.js';
import {
  HistoryWriter,
  type Batch,
  type ClaimHolder,
  type FrameRecord,
  type WriterClaim,
  type WriterOutcome,
} from './writer.js';

const DAY_MS = 24 * 3600 * 1000;
/** Alert events waiting for a history that failed to take them; a day has a few dozen. */
const MAX_QUEUED_EVENTS = 10_000;
/** A writer thread that died is started again at most this often. */
const WRITER_RESTART_MS = 60_000;
/** How often the file is checked to still be the one at its path. */
const FILE_CHECK_MS = 60_000;
/** How often the recorder says again that it holds the file (store.ts, CLAIM_SQL). */
const CLAIM_EVERY_MS = 5_000;
/** A holder not heard from for this long is taken to have stopped: its file is taken over. */
const CLAIM_STALE_MS = 30_000;
/** How far a generation's own time may be from the recorder's clock and still be recorded as its moment. */
const GENERATED_AT_TRUSTED_MS = 60_000;
/** How long old days are kept past their retention while the history looks as a clock set ahead makes it. */
const PRUNE_HOLD_MS = DAY_MS;

/** A file's device and inode, or null when there is none at `path` (or it cannot be reached). */
function fileIdOf(path: string): string | null {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return null;
  }
}

/** Why history was dropped, for the metric's label. */
export type DropReason = 'queue_full' | 'disk_slow' | 'write_failed' | 'in_use' | 'disk_low';

export interface HistoryOptions {
  dataDir: string;
  /** The variable that named `dataDir`, for the error when it cannot be written. */
  dirVariable?: string;
  /** Days kept; older records are removed every hour. */
  retentionDays: number;
  /** A whole view is written at least this often; patches between. */
  keyframeMs: number;
  /** Queued records are written this often, in one transaction. */
  flushMs?: number;
  /** Generations waiting to be written past which new ones are dropped. */
  maxQueued?: number;
  /** Batches the writer may have in hand; past that the disk is behind and a batch is dropped. */
  maxInFlight?: number;
  logger: Logger;
  clock?: () => number;
  /** Counts dropped generations (the Prometheus counter). */
  onDrop?: (reason: DropReason, generations: number) => void;
  /** Counts generations written. */
  onWritten?: (generations: number) => void;
  /** Slows every write by this much: tests and the benchmark stand in a slow disk with it. */
  writerDelayMs?: number;
  /** The SQLite driver; the first that loads unless told (tests run the store on each). */
  driver?: DriverName;
  /** Who this recorder is to another sharing its file: this host and process unless told (tests). */
  identity?: { host: string; pid: number };
  /**
   * Space left free on the file's disk: below it, generations are not recorded (alert events still are), so the
   * hourly removal of old days, which writes too, can still run, and the host's other work is not starved.
   * 0: none kept.
   */
  minFreeBytes?: number;
  /** The space free for this process on the disk of `dir`, or null where it cannot be told (tests stand in). */
  freeBytes?: (dir: string) => Promise<number | null>;
}

/** What a writer's refusal says: its code and message. */
const outcomeDetail = (outcome: WriterOutcome) => `${outcome.code ?? ''} ${outcome.message ?? ''}`.trim();

/** How often the free space on the file's disk is looked at. */
const DISK_CHECK_MS = 30_000;

/**
 * The host a recorder names in its claim on the file: the host name, and where the system says so, the process
 * namespace it runs in. A claim of this host whose process is not running was let go of (a crash), and is taken
 * at once; two containers given one host name have a namespace each, where neither sees the other's process, so
 * they are told apart and only wait out each other's claim.
 */
export function recorderHost(namespaceLink = '/proc/self/ns/pid'): string {
  let namespace: string | null = null;
  try {
    namespace = readlinkSync(namespaceLink);
  } catch {
    // Not Linux, or /proc not mounted: the host name alone.
  }
  return namespace ? `${hostname()} (${namespace})` : hostname();
}

/** What the disk itself must have free for the file's own free pages to count as room: the log's growth. */
const WAL_HEADROOM_BYTES = 64 * 1024 * 1024;

async function statfsFree(dir: string): Promise<number | null> {
  try {
    const stats = await statfs(dir);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return null;
  }
}

interface QueuedFrame {
  instance: string;
  at: number;
  view: Snapshot;
  patch: ViewPatch | null;
  /** The patch's JSON when the stream already made it. */
  patchJson: string | null;
  /** Recorded whole: generations before it were dropped, so its patch applies to one that was never written. */
  whole: boolean;
}

/**
 * Records what the screens were sent: each generation of each instance's whole view, as the stream works it out
 * (ViewStream's `observe`), queued in memory and written in one transaction a second by a worker thread. The
 * stream's path only appends to the queue. A full queue or a disk that is behind drops history (a warning, and
 * switchboard_history_dropped_total), never figures; the next generation recorded is then a whole view.
 */
export class History {
  private currentReader: HistoryReader;
  private writer: HistoryWriter;
  /** The file as opened (device and inode): one removed or replaced while the server runs is seen against it. */
  private fileId: string;
  private lastCheck = 0;
  /** When a damaged file was last set aside, or tried to be (replaceDamaged). */
  private lastReplace = -Infinity;
  /** Why recording is paused for want of disk space, or null (checkDisk). */
  private diskLow: string | null = null;
  private lastDiskCheck = -Infinity;
  private checkingDisk = false;
  /** Why the file in use is not the one at `path` (removed with its directory, say), or null. */
  private fileError: string | null = null;
  /** Why the last write failed (a full disk, one remounted read-only), until one succeeds; or null. */
  private writeError: string | null = null;
  /** Another wallboard holding the file, which this one then does not write; or null. */
  private holder: ClaimHolder | null = null;
  /** Why the last claim of the file failed, until one succeeds; or null. */
  private claimError: string | null = null;
  /** Who this recorder is to another sharing its file; each writer claims with a token of its own. */
  private readonly identity: Omit<WriterClaim, 'token'>;
  private lastClaim = Number.NEGATIVE_INFINITY;
  private readonly engines = new Map<string, AlertEngine>();
  private frames: QueuedFrame[] = [];
  private events: Batch['events'] = [];
  /** Alert events of batches that failed, in the order they were made, written ahead of `events` (requeue). */
  private retryEvents: Batch['events'] = [];
  private states = new Map<string, Batch['states'][number]>();
  private readonly lastKeyframe = new Map<string, number>();
  /** Per instance, when the last generation encoded was recorded: a clock stepped back is seen against it. */
  private readonly lastAt = new Map<string, number>();
  /** Instances whose next generation recorded goes whole: the ones before it were dropped. */
  private readonly needKeyframe = new Set<string>();
  private readonly flushTimer: NodeJS.Timeout;
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly clock: () => number;
  private readonly maxQueued: number;
  private readonly maxInFlight: number;
  private lastWarning = 0;
  /** When the writer thread was last started again after it died (restartWriter). */
  private writerStartedAt = Number.NEGATIVE_INFINITY;
  /** Batches handed to the writer and not yet written. */
  private writing = 0;
  private readonly unsubscribers: (() => void)[] = [];
  private closing: Promise<void> | null = null;

  private constructor(
    readonly path: string,
    /** The SQLite driver the file is read and written with. */
    readonly driver: DriverName,
    private readonly driverModule: string,
    reader: HistoryReader,
    private readonly options: HistoryOptions,
  ) {
    this.currentReader = reader;
    this.clock = options.clock ?? Date.now;
    this.maxQueued = options.maxQueued ?? 600;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.fileId = fileIdOf(path) ?? '';
    this.identity = {
      host: options.identity?.host ?? recorderHost(),
      pid: options.identity?.pid ?? process.pid,
      staleMs: CLAIM_STALE_MS,
    };
    this.writer = this.newWriter();
    this.flushTimer = setInterval(() => this.flush(), options.flushMs ?? 1000);
    this.flushTimer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), 3600_000);
    this.pruneTimer.unref();
    void this.prune();
  }

  /** Opens the store in `dataDir` (created if missing); an EnvError names DATA_DIR when it cannot be written. */
  static open(options: HistoryOptions): History {
    const { path, db, driver, driverModule, damaged } = openHistoryFile(
      options.dataDir,
      options.dirVariable,
      options.driver,
      (options.clock ?? Date.now)(),
    );
    if (damaged)
      options.logger.error(
        { path, aside: damaged },
        `history file damaged (SQLite cannot read it): kept as ${damaged}, recording into a new one`,
      );
    options.logger.info({ path, driver }, `history recorded in ${path} (SQLite through ${driver})`);
    return new History(path, driver, driverModule, new HistoryReader(db), options);
  }

  /** A writer on the file, claiming it at once (before anything it is sent). */
  private newWriter(): HistoryWriter {
    const writer = new HistoryWriter(
      this.path,
      this.driverModule,
      { ...this.identity, token: randomUUID() },
      { delayMs: this.options.writerDelayMs ?? 0 },
    );
    this.writer = writer;
    void this.claimFile();
    return writer;
  }

  /**
   * Starts the writer thread again after it died (an out-of-memory, say), at most once a minute: a dead one
   * answers every write with its death until the process restarts. The next generation of each instance goes
   * whole, and the alert engines' state is written again.
   */
  private restartWriter(detail: string): void {
    const now = this.clock();
    // Apart either way: a clock set back since does not hold the restart off for as long.
    if (this.closing || Math.abs(now - this.writerStartedAt) < WRITER_RESTART_MS) return;
    this.writerStartedAt = now;
    this.options.logger.error(
      { path: this.path, detail },
      'history writer thread stopped: starting it again',
    );
    const dead = this.writer;
    this.writer = this.newWriter();
    void dead.close();
    this.lastKeyframe.clear();
    for (const [instance, engine] of this.engines)
      if (!this.states.has(instance))
        this.states.set(instance, { instance, at: now, json: JSON.stringify(engine.exportState()) });
  }

  /** Reads of the file in use. */
  get reader(): HistoryReader {
    return this.currentReader;
  }

  /** Why history is not going to the file at its path, or null: for /readyz. */
  get error(): string | null {
    return this.fileError ?? this.inUseError() ?? this.diskLow ?? this.writeError;
  }

  /**
   * Looks at the free space on the file's disk (every DISK_CHECK_MS, not waited for): below `minFreeBytes`,
   * recording pauses, says why on /readyz and in the log, and resumes once there is room again. The file's own
   * free pages count as room: the removal of old days frees them, and the file fills them before it grows, so
   * keeping fewer days ends a pause without the file shrinking.
   */
  private checkDisk(): void {
    const floor = this.options.minFreeBytes ?? 0;
    const now = this.clock();
    if (floor <= 0 || this.checkingDisk || Math.abs(now - this.lastDiskCheck) < DISK_CHECK_MS) return;
    this.lastDiskCheck = now;
    this.checkingDisk = true;
    void (this.options.freeBytes ?? statfsFree)(dirname(this.path))
      .then((disk) => {
        // Room the file has inside it (pages the removal of old days freed) is written before the disk's; the
        // log (WAL) grows on the disk itself between checkpoints, so that room counts only with some left there.
        const free = disk === null ? null : disk >= WAL_HEADROOM_BYTES ? disk + this.reusableBytes() : disk;
        const { logger } = this.options;
        const mb = (bytes: number) => `${Math.floor(bytes / 1_000_000)} MB`;
        if (free !== null && free < floor) {
          if (this.diskLow === null)
            logger.error(
              { path: this.path, freeBytes: free, minFreeBytes: floor },
              'history paused: the disk is nearly full',
            );
          this.diskLow =
            `history is not being recorded in ${this.path}: its disk has ${mb(free)} free, under the ` +
            `${mb(floor)} kept free (HISTORY_MIN_FREE_MB). It resumes once there is room: free some, or keep fewer ` +
            'days (HISTORY_RETENTION_DAYS); the replay of these moments is lost';
        } else if (this.diskLow !== null) {
          this.diskLow = null;
          logger.info({ path: this.path }, 'history recorded again: the disk has room');
        }
      })
      .finally(() => {
        this.checkingDisk = false;
      });
  }

  private reusableBytes(): number {
    try {
      return this.currentReader.reusableBytes();
    } catch {
      return 0;
    }
  }

  private inUseError(): string | null {
    if (this.holder === null) return null;
    const { host, pid } = this.holder;
    return (
      `${this.path} is recorded into by another wallboard (host ${host}, process ${pid}): this one records ` +
      `nothing while it does. Give each replica a ${this.options.dirVariable ?? 'DATA_DIR'} of its own.`
    );
  }

  /**
   * Takes the file, or says again that it holds it. While another wallboard holds it (two replicas given one
   * directory), this one records nothing, says so on /readyz and in the log, and takes it over once the other
   * lets go or stops saying it holds it.
   */
  private async claimFile(): Promise<void> {
    const now = this.clock();
    this.lastClaim = now;
    const claimed = this.writer;
    const outcome = await claimed.claim(now);
    // The answer of a writer replaced meanwhile (a new file) says nothing of the file in use.
    if (claimed !== this.writer) return;
    const { logger } = this.options;
    if (!outcome.ok && damaged(outcome)) {
      this.replaceDamaged(outcomeDetail(outcome));
      return;
    }
    if (!outcome.ok) {
      // A busy, full or read-only file: writes are refused until a claim succeeds (tried every 5 s), and say why.
      const detail = outcomeDetail(outcome);
      if (this.claimError === null)
        logger.error(
          { path: this.path, detail },
          'history: the file cannot be claimed; tried again every 5 s',
        );
      this.claimError = detail;
      return;
    }
    if (this.claimError !== null) {
      this.claimError = null;
      // The prune at start (or at a new file) was skipped while the claim failed.
      void this.prune();
    }
    const before = this.holder;
    this.holder = outcome.holder ?? null;
    if (this.holder !== null && before === null)
      logger.error(
        { path: this.path, holderHost: this.holder.host, holderPid: this.holder.pid },
        `history: ${this.inUseError() ?? ''} Recording here resumes once it stops.`,
      );
    else if (this.holder === null && before !== null)
      logger.info({ path: this.path }, 'history: the other wallboard let go of the file; recording here');
  }

  /**
   * The file removed (its directory deleted, a clean-up) or replaced while the server runs: SQLite would carry on
   * writing to the removed file, which holds its disk space and is gone at the next restart. A new file is made
   * at the path (the history before is lost), or, when it cannot be, the error stays on /readyz and it is tried
   * again a minute later.
   */
  private checkFile(): void {
    const now = this.clock();
    if (Math.abs(now - this.lastCheck) < FILE_CHECK_MS) return;
    this.lastCheck = now;
    const id = fileIdOf(this.path);
    if (id === this.fileId) return;
    const { logger } = this.options;
    let opened: ReturnType<typeof openHistoryFile>;
    try {
      opened = openHistoryFile(dirname(this.path), this.options.dirVariable, this.driver);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (this.fileError === null)
        logger.error(
          { path: this.path, detail: why },
          'history file removed while running, and a new one cannot be made: recording into the removed file, ' +
            'which is lost at the next restart; tried again every minute',
        );
      this.fileError = `${this.path} was removed while the server ran and cannot be made again: ${why}`;
      return;
    }
    logger.error(
      { path: this.path },
      'history file removed or replaced while running: recording into a new one (the history before is gone)',
    );
    this.useFile(opened, now);
  }

  /**
   * The file found damaged while running: a write or claim answered SQLITE_CORRUPT or SQLITE_NOTADB (a disk that
   * lost sectors, or lied about a flush at a power cut). Opening it succeeds where only its tables are damaged, so
   * every write would fail, at every start too. It is moved aside, as one that cannot be opened is at a start,
   * and a new one begun; when that cannot be, the error stays on /readyz.
   */
  private replaceDamaged(detail: string): void {
    const now = this.clock();
    // Tried once a minute at most (a new file that cannot be made, a disk gone read-only, fails every write), and
    // only on the file this recorder opened: another one at the path (made by checkFile's turn, or by another
    // process given this directory) is not its to set aside.
    if (this.closing || Math.abs(now - this.lastReplace) < FILE_CHECK_MS) return;
    this.lastReplace = now;
    if (fileIdOf(this.path) !== this.fileId) return;
    const { logger } = this.options;
    let aside: string;
    let opened: ReturnType<typeof openHistoryFile>;
    try {
      aside = setAside(this.path, now);
      opened = openHistoryFile(dirname(this.path), this.options.dirVariable, this.driver, now);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (this.fileError === null)
        logger.error({ path: this.path, detail, why }, 'history file damaged, and it cannot be replaced');
      this.fileError = `${this.path} is damaged (${detail}) and cannot be replaced: ${why}`;
      return;
    }
    logger.error(
      { path: this.path, aside, detail },
      `history file damaged while running (SQLite cannot read it): kept as ${aside}, recording into a new one`,
    );
    this.useFile(opened, this.clock());
  }

  /** Records into the file just opened at the path from now on, a whole view of each instance first. */
  private useFile(opened: ReturnType<typeof openHistoryFile>, now: number): void {
    this.fileError = null;
    this.fileId = fileIdOf(this.path) ?? '';
    const [writer, reader] = [this.writer, this.currentReader];
    this.writer = this.newWriter();
    this.currentReader = new HistoryReader(opened.db);
    void writer.close().then(() => reader.close());
    // The new file starts with a whole view of each instance, and the alert engines' state as it is now.
    this.lastKeyframe.clear();
    this.lastAt.clear();
    for (const [instance, engine] of this.engines)
      this.states.set(instance, { instance, at: now, json: JSON.stringify(engine.exportState()) });
  }

  /** What ViewStream calls with each generation of each board it serves; only the whole instance's view is kept. */
  observer(
    instance: string,
  ): (board: string | null, view: Snapshot, patch: ViewPatch | null, patchJson: string | null) => void {
    return (board, view, patch, patchJson) => {
      if (board !== null) return;
      this.record(instance, view, patch, patchJson);
    };
  }

  record(instance: string, view: Snapshot, patch: ViewPatch | null, patchJson: string | null = null): void {
    if (this.closing) return;
    if (this.frames.length >= this.maxQueued) {
      this.needKeyframe.add(instance);
      this.dropped('queue_full', 1);
      return;
    }
    // Decided here, not when the batch is encoded: the frames already queued come before the ones dropped, and
    // the first of them going whole would leave this one a patch on a generation never written.
    const whole = this.needKeyframe.delete(instance);
    this.frames.push({ instance, at: this.momentOf(view), view, patch, patchJson, whole });
  }

  /**
   * When a generation is recorded as being: the moment the poller made it (its `generatedAt`), not the moment it
   * reached the recorder, after the alerts were stepped on it and its boards projected. `?at=` a generation's own
   * time, or an alert event's (stamped while that generation was being served), then finds that generation, not
   * the one before it. A `generatedAt` far from this clock (unreadable, or another host's clock set wrong) is not
   * trusted: the frame is recorded at this clock's time, as a stepped clock is handled in encode.
   */
  private momentOf(view: Snapshot): number {
    const now = this.clock();
    const generated = Date.parse(view.generatedAt);
    return Number.isFinite(generated) && Math.abs(now - generated) <= GENERATED_AT_TRUSTED_MS
      ? generated
      : now;
  }

  /** The engine carries on from its saved state, and every alert event (and acknowledgement) is recorded. */
  attachAlerts(instance: string, engine: AlertEngine): void {
    const saved = this.reader.alertStateOf(instance);
    if (saved) engine.importState(saved);
    this.engines.set(instance, engine);
    this.unsubscribers.push(
      engine.onEvent((event: AlertEvent) => {
        const at = Date.parse(event.at);
        this.events.push({
          instance,
          at: Number.isFinite(at) ? at : this.clock(),
          json: JSON.stringify(event),
        });
        this.states.set(instance, {
          instance,
          at: this.clock(),
          json: JSON.stringify(engine.exportState()),
        });
      }),
    );
  }

  /** Queued generations not yet handed to the writer. */
  get queued(): number {
    return this.frames.length;
  }

  /** Writes what is queued. Resolves once the writer has answered. */
  async flush(): Promise<void> {
    if (!this.closing) {
      this.checkFile();
      this.checkDisk();
      if (Math.abs(this.clock() - this.lastClaim) >= CLAIM_EVERY_MS) {
        const claimed = this.claimFile();
        // Held by another: whether this batch may be written is the claim's answer. Held by this one, the batch
        // goes at once, after the claim (the writer answers in order, and refuses it if the file was taken).
        if (this.holder !== null) await claimed;
      }
    }
    const noEvents = () => this.events.length === 0 && this.retryEvents.length === 0;
    if (this.frames.length === 0 && noEvents() && this.states.size === 0) return;
    const queued = this.frames;
    this.frames = [];
    if (this.holder !== null) {
      // Another wallboard records into the file: nothing is encoded or sent; the first generation recorded once
      // it lets go goes whole.
      for (const frame of queued) this.needKeyframe.add(frame.instance);
      this.events = [];
      this.retryEvents = [];
      this.states = new Map();
      if (queued.length > 0) this.dropped('in_use', queued.length, this.inUseError() ?? undefined);
      return;
    }
    if (this.diskLow !== null && queued.length > 0) {
      // The disk nearly full: the generations go; the alert events (a few a day) and states are still written.
      for (const frame of queued) this.needKeyframe.add(frame.instance);
      this.dropped('disk_low', queued.length, this.diskLow);
      queued.length = 0;
      if (noEvents() && this.states.size === 0) return;
    }
    if (this.writing >= this.maxInFlight) {
      // The disk is behind: the generations go, the alert events (a few a day) wait for the next batch.
      for (const frame of queued) this.needKeyframe.add(frame.instance);
      this.dropped('disk_slow', queued.length);
      return;
    }
    const frames = queued.map((frame) => this.encode(frame));
    const batch: Batch = {
      frames,
      events: [...this.retryEvents, ...this.events],
      states: [...this.states.values()],
    };
    this.retryEvents = [];
    this.events = [];
    this.states = new Map();
    this.writing += 1;
    const writer = this.writer;
    return writer.write(batch, this.clock()).then((outcome) => {
      this.writing -= 1;
      // Not written, and not another wallboard's to write: the alert events and states go with the next batch.
      if (!outcome.ok && outcome.code !== 'HISTORY_IN_USE') this.requeue(batch);
      if (outcome.ok) {
        if (this.writeError !== null)
          this.options.logger.info({ path: this.path }, 'history is written again');
        this.writeError = null;
        const skipped = outcome.skipped ?? 0;
        this.options.onWritten?.(frames.length - skipped);
        // Patches sent after a batch that failed, on its generations: the writer left them out (writer.ts).
        if (skipped > 0) this.dropped('write_failed', skipped, 'patches on generations a failed write lost');
        return;
      }
      // Batches sent after this one carry on from it; the writer leaves out their patches up to a whole view.
      // The generations queued since come after all of them: the first of each instance's goes whole.
      for (const instance of new Set(frames.map((frame) => frame.instance))) {
        const next = this.frames.find((frame) => frame.instance === instance);
        if (next) next.whole = true;
        else this.needKeyframe.add(instance);
      }
      const detail = outcomeDetail(outcome);
      if (outcome.code === 'HISTORY_UNCLAIMED' && this.claimError !== null) {
        // Said by the claim's own error: the writes wait for a claim that succeeds.
        this.writeError = `history is not being written to ${this.path} (it cannot be claimed: ${this.claimError}): the replay of these moments is lost`;
        this.dropped('write_failed', frames.length, this.claimError);
        return;
      }
      if (outcome.code === 'HISTORY_IN_USE') {
        // Said on /readyz by the claim; not a failure of the disk.
        this.dropped('in_use', frames.length, detail);
        return;
      }
      this.dropped('write_failed', frames.length, detail);
      // A batch in flight to a file replaced meanwhile says nothing of the one in use, nor may it set that aside.
      if (writer !== this.writer) return;
      if (outcome.code === 'worker') this.restartWriter(detail);
      this.writeError = `history is not being written to ${this.path} (${detail}): the replay of these moments is lost`;
      if (damaged(outcome)) {
        this.replaceDamaged(detail);
        if (this.writer !== writer) this.writeError = null;
      }
    });
  }

  /**
   * Puts a failed batch's alert events back ahead of those queued since, and its states where none newer is
   * queued: the generations of a failed write are lost, but an alert's raised, cleared or acknowledged mark and
   * the engine's saved state (what a restart carries on from) are written once the file takes writes again. At
   * most MAX_QUEUED_EVENTS wait, the oldest going first.
   */
  private requeue(batch: Batch): void {
    // Batches fail in the order they were sent: each one's events after those of the failed batches before it,
    // all of them before the events queued since.
    const retried = [...this.retryEvents, ...batch.events];
    const over = retried.length - MAX_QUEUED_EVENTS;
    if (over > 0)
      this.options.logger.warn(
        { events: over, path: this.path },
        'alert events left out of the history: too many waited for it to take writes again',
      );
    this.retryEvents = over > 0 ? retried.slice(over) : retried;
    // The state as it is now, not the failed batch's (a later batch, failed or written, may hold a newer one).
    const now = this.clock();
    for (const state of batch.states) {
      const engine = this.engines.get(state.instance);
      if (engine)
        this.states.set(state.instance, {
          instance: state.instance,
          at: now,
          json: JSON.stringify(engine.exportState()),
        });
      else if (!this.states.has(state.instance)) this.states.set(state.instance, state);
    }
  }

  private encode(frame: QueuedFrame): FrameRecord {
    const { instance, at, view, patch, patchJson } = frame;
    const last = this.lastKeyframe.get(instance);
    // A clock stepped back (NTP, a corrected time) records a moment before the last one: read in time order, a
    // patch there would come before the generation it applies to, so it goes whole, and replay starts from it.
    const stepped = at < (this.lastAt.get(instance) ?? at);
    const keyframe =
      patch === null || frame.whole || stepped || last === undefined || at - last >= this.options.keyframeMs;
    if (keyframe) this.lastKeyframe.set(instance, at);
    this.lastAt.set(instance, at);
    const errors = SECTION_NAMES.filter((name) => view.sections[name]?.error);
    return {
      instance,
      at,
      generation: view.generation,
      keyframe,
      base: keyframe || patch === null ? null : patch.base,
      stale: view.stale,
      errors: errors.length > 0 ? errors.join(',') : null,
      json: keyframe ? JSON.stringify(view) : (patchJson ?? JSON.stringify(patch)),
    };
  }

  /** Counts and logs history dropped; the caller has already seen to the next generation going whole. */
  private dropped(reason: DropReason, generations: number, detail?: string): void {
    this.options.onDrop?.(reason, generations);
    const now = this.clock();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.options.logger.warn(
      { reason, generations, ...(detail ? { detail } : {}) },
      'history dropped: the figures on the screens are not affected, the replay of these moments is',
    );
  }

  /**
   * Removes what is older than the retention, in the writer's thread, while the file is this recorder's. A clock
   * set far ahead (by hand, or a host whose battery-backed clock is wrong until NTP puts it right) makes every
   * record look older than the retention: when nothing was recorded between the cutoff and the last day (half the
   * retention, for a retention of one day) while older records are there, nothing is removed, and the log says
   * so, for up to a day from the first prune that found it so. A clock put right in that day loses nothing; a
   * server stopped for longer than the retention keeps its old days up to a day longer. Damaged files set aside
   * (replaceDamaged) go with the days they held, once set aside longer ago than the retention, but for the latest:
   * kept for whoever wants to rescue them, and never filling a disk that keeps losing sectors.
   */
  async prune(): Promise<void> {
    const now = this.clock();
    const retentionMs = this.options.retentionDays * DAY_MS;
    const cutoff = now - retentionMs;
    const outcome = await this.writer.prune(
      cutoff,
      now - Math.min(DAY_MS, retentionMs / 2),
      now,
      PRUNE_HOLD_MS,
    );
    if (!outcome.ok)
      this.options.logger.warn(
        { detail: outcome.message },
        'history: removing old days failed; retried in an hour',
      );
    else if (outcome.held)
      this.options.logger.warn(
        { cutoff: new Date(cutoff).toISOString() },
        'history: nothing recorded for the whole retention before the last hours, yet older records are there: ' +
          'the clock may be set ahead. Old days are kept for up to a day from the first time this was seen; ' +
          'looked at again in an hour',
      );
    else if (!outcome.notOurs) this.removeSetAside(cutoff);
  }

  /** Removes the damaged files set aside before `cutoff` (see prune), and says so. */
  private removeSetAside(cutoff: number): void {
    const { logger } = this.options;
    let outcome: ReturnType<typeof removeSetAsideBefore>;
    try {
      outcome = removeSetAsideBefore(this.path, cutoff);
    } catch (error) {
      logger.warn(
        { detail: error instanceof Error ? error.message : String(error) },
        'history: could not look for damaged files set aside; looked at again in an hour',
      );
      return;
    }
    if (outcome.removed.length > 0)
      logger.info(
        { removed: outcome.removed },
        `history: removed ${outcome.removed.length} damaged file(s) set aside longer ago than the retention`,
      );
    if (outcome.failed.length > 0)
      logger.warn(
        { failed: outcome.failed },
        'history: damaged files set aside longer ago than the retention could not be removed; ' +
          'tried again in an hour',
      );
  }

  /** Writes what is queued, then closes the file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.flushTimer);
      clearInterval(this.pruneTimer);
      for (const unsubscribe of this.unsubscribers) unsubscribe();
      await this.flush();
      await this.writer.close();
      this.reader.close();
    })();
    return this.closing;
  }
}
