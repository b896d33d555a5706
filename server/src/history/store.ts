import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { brotliDecompressSync, inflateRawSync } from 'node:zlib';
import {
  applyPatch,
  type AlertEvent,
  type SectionName,
  type Snapshot,
  type ViewPatch,
} from '@switchboard/shared';
import type { AlertEngineState } from '../alerts/engine.js';
import { EnvError } from '../env.js';
import { makeDirectorySync } from '../files.js';
import { sqliteDriver, type DriverName, type SqlDatabase, type SqlStatement } from './sqlite.js';

/** The history file inside the data directory. */
export const HISTORY_FILE = 'history.sqlite';

/**
 * The history of what the screens were sent, one SQLite file (WAL mode) in the data directory. Per Connect
 * instance, each generation of the whole instance's view, in `frames`: a whole view (a keyframe, kind 1,
 * brotli) every so often, and the patches from each generation to the next, one row each (kind 0, deflate)
 * until the next keyframe closes them into one segment (kind 2, brotli: a JSON array of [at, patch]). Each
 * generation's time, staleness and failing sections in `generations`, for the timeline. And the alert events
 * and each alert engine's state. Writes go through a worker thread (history/writer.ts); this connection reads.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS frames (
  instance TEXT NOT NULL,
  at INTEGER NOT NULL,
  generation INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS frames_at ON frames (instance, at);
CREATE INDEX IF NOT EXISTS frames_kind ON frames (instance, kind, at);
CREATE TABLE IF NOT EXISTS generations (
  instance TEXT NOT NULL,
  at INTEGER NOT NULL,
  generation INTEGER NOT NULL,
  stale INTEGER NOT NULL,
  errors TEXT
);
CREATE INDEX IF NOT EXISTS generations_at ON generations (instance, at);
CREATE TABLE IF NOT EXISTS alert_events (
  instance TEXT NOT NULL,
  at INTEGER NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_events_at ON alert_events (instance, at);
CREATE TABLE IF NOT EXISTS alert_state (
  instance TEXT PRIMARY KEY,
  saved_at INTEGER NOT NULL,
  state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS writer (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  token TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  seen INTEGER NOT NULL
);
`;

/**
 * The one wallboard that records into a file holds its row in `writer`, and says so again every few seconds
 * (`seen`). Another takes the row over only when it is its own already, when it was last seen longer ago than
 * the bound given (the holder stopped without letting go: killed, or its host lost), or when it was left by this
 * process's host and process id (the same container started again). A replica pointed at the same directory as
 * another running one (a shared volume) finds the row held and records nothing until it is let go.
 * A claim seen further ahead of now than that (written while its host's clock was set ahead) is stale too.
 * Parameters: token, host, pid, now, the time before which a claim is stale, and the one after which it is.
 */
export const CLAIM_SQL = `INSERT INTO writer (id, token, host, pid, seen) VALUES (1, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET token = excluded.token, host = excluded.host, pid = excluded.pid, seen = excluded.seen
WHERE writer.token = excluded.token OR writer.seen < ? OR writer.seen > ?
  OR (writer.host = excluded.host AND writer.pid = excluded.pid)`;

/** The file's settings for both connections: WAL, so a reader never waits for the writer and a crash loses no commit. */
export const PRAGMAS = 'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;';

/** Whether SQLite said the file is no database, or a damaged one (SQLITE_NOTADB, SQLITE_CORRUPT). */
export function damaged(error: unknown): boolean {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return true;
  // node:sqlite: the (extended) result code as a number.
  return typeof errcode === 'number' && [11, 26].includes(errcode & 0xff);
}

function openFile(driver: ReturnType<typeof sqliteDriver>, path: string): SqlDatabase {
  keepPrivate(path);
  const db = driver.open(path);
  try {
    db.exec(PRAGMAS);
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * The history holds agents' names and what they did: readable by the server's user alone, whatever the umask or
 * the mode of a directory an operator made. The file is made 0600 before SQLite opens it (SQLite gives its
 * write-ahead log and shared memory the file's own mode), and a file or log of a wider mode is narrowed.
 */
function keepPrivate(path: string): void {
  // Made (or opened) without following a link, and narrowed through the open file itself. A file this user may
  // write but not change the mode of (another user's, on a shared volume), a link, or a log another replica
  // removes meanwhile is left as it is: SQLite opens it as before, and refuses what it cannot use.
  let fd: number | undefined;
  try {
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW,
      0o600,
    );
    if ((fstatSync(fd).mode & 0o077) !== 0) fchmodSync(fd, 0o600);
  } catch {
    // As above.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  for (const file of [`${path}-wal`, `${path}-shm`]) {
    try {
      const stat = lstatSync(file);
      if (stat.isFile() && (stat.mode & 0o077) !== 0) chmodSync(file, 0o600);
    } catch {
      // Not there, or not this user's to change.
    }
  }
}

/**
 * Moves a damaged history file aside, with its write-ahead log, as `history.sqlite.damaged-<time>`, where it is
 * kept for whoever wants to look into it; returns the name it was given.
 */
export function setAside(path: string, at = Date.now()): string {
  const aside = `${path}.damaged-${new Date(at).toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, aside);
  for (const suffix of ['-wal', '-shm'])
    if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  return aside;
}

/** A damaged file's name, and when it was set aside: `history.sqlite.damaged-2026-12-06T21-13-00-000Z`. */
const ASIDE_NAME = /^(.+)\.damaged-(\d{4}-\d\d-\d\dT)(\d\d)-(\d\d)-(\d\d)-(\d{3})Z(-wal|-shm)?$/;

/**
 * Removes the damaged files set aside beside `path` (setAside) before `cutoff`, with their logs, by the time in
 * their names, but for the latest: a host back from a power cut may set a file aside before its clock is put
 * right, and name it days early. Returns the names removed. A file that cannot be removed is left, and named in
 * `failed`.
 */
export function removeSetAsideBefore(path: string, cutoff: number): { removed: string[]; failed: string[] } {
  const dir = dirname(path);
  const file = basename(path);
  const removed: string[] = [];
  const failed: string[] = [];
  const aside = readdirSync(dir).flatMap((name) => {
    const match = ASIDE_NAME.exec(name);
    if (!match || match[1] !== file) return [];
    const at = Date.parse(`${match[2]}${match[3]}:${match[4]}:${match[5]}.${match[6]}Z`);
    return Number.isFinite(at) ? [{ name, at }] : [];
  });
  const latest = Math.max(...aside.map(({ at }) => at));
  for (const { name, at } of aside) {
    if (at >= cutoff || at === latest) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      failed.push(name);
    }
  }
  return { removed, failed };
}

/**
 * Opens (and creates) the data directory and the history file in it, or says which variable to fix. A file
 * SQLite cannot read (damaged by a disk that lost sectors or lied about a flush at a power cut) is moved aside,
 * with its write-ahead log, as `history.sqlite.damaged-<time>`, and a new one started: `damaged` names it.
 */
export function openHistoryFile(
  dataDir: string,
  variable = 'DATA_DIR',
  driverName?: DriverName,
  now = Date.now(),
): { path: string; db: SqlDatabase; driver: DriverName; driverModule: string; damaged?: string } {
  const driver = sqliteDriver(driverName);
  const dir = resolve(dataDir);
  const path = join(dir, HISTORY_FILE);
  try {
    makeDirectorySync(dir, 0o700);
    accessSync(dir, constants.W_OK);
    let aside: string | undefined;
    let db: SqlDatabase;
    try {
      db = openFile(driver, path);
    } catch (error) {
      if (!damaged(error)) throw error;
      aside = setAside(path, now);
      db = openFile(driver, path);
    }
    return {
      path,
      db,
      driver: driver.name,
      driverModule: driver.module,
      ...(aside ? { damaged: aside } : {}),
    };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new EnvError(
      `${variable}=${dataDir}: the history store cannot be written there (${why}). Set ${variable} to a directory ` +
        'the server may create and write, or HISTORY_ENABLED=false to run without history.',
    );
  }
}

/** One recorded generation as the timeline counts it. */
export interface TimelineBucket {
  /** The bucket's start (ISO). */
  at: string;
  /** Generations recorded in it. */
  generations: number;
  /** Generations whose view was stale (a section's figures past their limit). */
  stale: number;
  /** The sections that reported an error in it. */
  errors: SectionName[];
}

export interface Timeline {
  from: string;
  to: string;
  bucketMs: number;
  buckets: TimelineBucket[];
  alerts: AlertEvent[];
  /** The first and last moments recorded for the instance, or null when nothing is. */
  recorded: { first: string; last: string } | null;
}

/** A moment with nothing recorded: the answer says what is. */
export interface Gap {
  /** The last generation recorded before the moment, if any. */
  before: number | null;
  /** The first generation recorded after the moment, if any. */
  after: number | null;
}

/** The views a seek leaves for the next one are let go after this long without a seek. */
const RELEASE_AFTER_MS = 120_000;

/** Past this long after the last recorded generation, a moment is "not recorded" rather than that generation's view. */
export const MAX_GAP_MS = 60_000;

interface FrameRow {
  at: number;
  generation: number;
  kind: number;
  /** A Buffer from better-sqlite3, a Uint8Array from node:sqlite. */
  body: Uint8Array;
}

const PATCH = 0;

/** The patches a row holds, each with when it was recorded. */
function patchesOf(row: FrameRow): [number, ViewPatch][] {
  if (row.kind === PATCH) return [[row.at, recorded<ViewPatch>(inflateRawSync(row.body).toString('utf8'))]];
  return recorded<[number, ViewPatch][]>(brotliDecompressSync(row.body).toString('utf8'));
}

/**
 * A recorded view or patch, read. Views recorded by earlier releases gave each queue its ARN, which names the
 * AWS account and no screen receives any more: it is left out as they are read (only where the text has one, so
 * what is recorded now is parsed as it is).
 */
function recorded<T>(text: string): T {
  return (text.includes('"arn":') ? JSON.parse(text, withoutArn) : JSON.parse(text)) as T;
}

function withoutArn(key: string, value: unknown): unknown {
  return key === 'arn' ? undefined : value;
}

/** Reads of the history file. */
export class HistoryReader {
  private readonly keyframeBefore: SqlStatement<{ rowid: number; at: number; generation: number }>;
  private readonly keyframeBody: SqlStatement<{ body: Uint8Array }>;
  /**
   * Per instance, the keyframe last decoded and the last view worked out from it. Views are never changed once
   * made (a patch makes new objects), so a seek that lands after the last one in the same minute (replay playing
   * at 10×) carries on from it, and one before it from the keyframe, without decoding it again.
   */
  private readonly recent = new Map<
    string,
    { keyRow: number; keyAt: number; key: Snapshot; view: Snapshot; viewAt: number }
  >();
  /** Lets go of those views once nobody has sought for a while (a few MB at 250 queues). */
  private release: NodeJS.Timeout | null = null;
  private readonly framesAfter: SqlStatement<FrameRow>;
  private readonly lastBefore: SqlStatement<{ at: number }>;
  private readonly firstAfter: SqlStatement<{ at: number }>;
  private readonly range: SqlStatement<{ first: number | null; last: number | null }>;
  private readonly buckets: SqlStatement<{
    b: number;
    generations: number;
    stale: number;
    errors: string | null;
  }>;
  private readonly alertEvents: SqlStatement<{ event: string }>;
  private readonly alertState: SqlStatement<{ state: string }>;
  private readonly freePages: SqlStatement<{ freelist_count: number }>;
  private readonly pageSize: SqlStatement<{ page_size: number }>;

  constructor(private readonly db: SqlDatabase) {
    this.keyframeBefore = db.prepare(
      'SELECT rowid, at, generation FROM frames WHERE instance = ? AND kind = 1 AND at <= ? ORDER BY at DESC, generation DESC LIMIT 1',
    );
    this.keyframeBody = db.prepare('SELECT body FROM frames WHERE rowid = ?');
    // Several generations may be recorded in one millisecond: those after the keyframe's are in.
    this.framesAfter = db.prepare(
      'SELECT at, generation, kind, body FROM frames WHERE instance = ? AND kind != 1 AND at >= ? AND at <= ? ' +
        'AND NOT (at = ? AND generation <= ?) ORDER BY at, generation',
    );
    this.lastBefore = db.prepare(
      'SELECT at FROM generations WHERE instance = ? AND at <= ? ORDER BY at DESC LIMIT 1',
    );
    this.firstAfter = db.prepare(
      'SELECT at FROM generations WHERE instance = ? AND at > ? ORDER BY at LIMIT 1',
    );
    // Each a query of its own: SQLite finds a lone min() or max() at one end of the index, but both in one query
    // scan every generation of the instance (tens of ms for a fortnight, on every timeline asked for).
    this.range = db.prepare(
      'SELECT (SELECT min(at) FROM generations WHERE instance = @instance) AS first, ' +
        '(SELECT max(at) FROM generations WHERE instance = @instance) AS last',
    );
    this.buckets = db.prepare(
      `SELECT CAST((at - @from) / @bucket AS INTEGER) AS b, count(*) AS generations, sum(stale) AS stale,
              group_concat(DISTINCT errors) AS errors
         FROM generations WHERE instance = @instance AND at >= @from AND at < @to GROUP BY b ORDER BY b`,
    );
    this.alertEvents = db.prepare(
      'SELECT event FROM alert_events WHERE instance = ? AND at >= ? AND at < ? ORDER BY at, rowid',
    );
    this.alertState = db.prepare('SELECT state FROM alert_state WHERE instance = ?');
    this.freePages = db.prepare('PRAGMA freelist_count');
    this.pageSize = db.prepare('PRAGMA page_size');
  }

  /**
   * The bytes of the file's free pages: what the removal of old days freed inside it. SQLite does not give them
   * back to the disk (the file does not shrink), but writes them again before the file grows.
   */
  reusableBytes(): number {
    return Number(this.freePages.get()?.freelist_count ?? 0) * Number(this.pageSize.get()?.page_size ?? 0);
  }

  /**
   * The whole instance's view as it was at `at` (ms): the last keyframe at or before it, and the patches after it
   * up to `at`. Null, with what was recorded either side, when nothing was recorded then.
   */
  viewAt(instance: string, at: number): { view: Snapshot; at: number } | { gap: Gap } {
    const key = this.keyframeBefore.get(instance, at);
    const last = this.lastBefore.get(instance, at);
    if (!key || !last || at - last.at > MAX_GAP_MS) {
      return {
        gap: { before: last?.at ?? null, after: this.firstAfter.get(instance, at)?.at ?? null },
      };
    }
    const recent = this.recent.get(instance);
    let keyView: Snapshot;
    let view: Snapshot;
    let viewAt: number;
    if (recent?.keyRow === key.rowid && recent.keyAt === key.at && recent.key.generation === key.generation) {
      keyView = recent.key;
      [view, viewAt] = recent.viewAt <= at ? [recent.view, recent.viewAt] : [keyView, key.at];
    } else {
      const body = this.keyframeBody.get(key.rowid)?.body;
      // Pruned between the two reads: as if nothing had been recorded.
      if (!body) return { gap: { before: null, after: this.firstAfter.get(instance, at)?.at ?? null } };
      keyView = recorded<Snapshot>(brotliDecompressSync(body).toString('utf8'));
      [view, viewAt] = [keyView, key.at];
    }
    for (const row of this.framesAfter.iterate(instance, key.at, at, key.at, key.generation)) {
      for (const [patchAt, patch] of patchesOf(row)) {
        // Past the moment in this segment; a later one may still start before it where the clock stepped back
        // and moments were recorded twice.
        if (patchAt > at) break;
        if (patch.generation <= view.generation) continue;
        // Only the patch on the view's own generation applies: one on another (a generation not recorded, as
        // history dropped under load, or of the moments recorded again after the clock stepped back) is passed.
        if (patch.base !== view.generation) continue;
        view = applyPatch(view, patch);
        viewAt = patchAt;
      }
    }
    this.recent.set(instance, { keyRow: key.rowid, keyAt: key.at, key: keyView, view, viewAt });
    if (this.release) clearTimeout(this.release);
    this.release = setTimeout(() => this.recent.clear(), RELEASE_AFTER_MS);
    this.release.unref();
    if (at - viewAt > MAX_GAP_MS)
      return { gap: { before: viewAt, after: this.firstAfter.get(instance, at)?.at ?? null } };
    return { view, at: viewAt };
  }

  /** Generations, stale ones and section errors per bucket from `from` to `to` (ms), and the alert events. */
  timeline(instance: string, from: number, to: number, bucketMs: number): Timeline {
    const rows = this.buckets.all({ instance, from, to, bucket: bucketMs });
    const range = this.range.get({ instance });
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      bucketMs,
      buckets: rows.map((row) => ({
        at: new Date(from + row.b * bucketMs).toISOString(),
        generations: row.generations,
        stale: row.stale,
        errors: [...new Set((row.errors ?? '').split(',').filter(Boolean))].sort() as SectionName[],
      })),
      alerts: this.alertEvents.all(instance, from, to).map((row) => JSON.parse(row.event) as AlertEvent),
      recorded:
        range?.first != null && range.last != null
          ? { first: new Date(range.first).toISOString(), last: new Date(range.last).toISOString() }
          : null,
    };
  }

  /** The alert engine's state as last saved, to carry on after a restart. */
  alertStateOf(instance: string): AlertEngineState | null {
    const row = this.alertState.get(instance);
    return row ? (JSON.parse(row.state) as AlertEngineState) : null;
  }

  close(): void {
    if (this.release) clearTimeout(this.release);
    this.recent.clear();
    this.db.close();
  }
}
