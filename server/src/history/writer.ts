import { Worker } from 'node:worker_threads';
import { CLAIM_SQL, PRAGMAS } from './store.js';

/** A generation as it is handed to the writer: JSON, compressed and written off the main thread. */
export interface FrameRecord {
  instance: string;
  at: number;
  generation: number;
  keyframe: boolean;
  /** A patch's: the generation it applies to. Null for a keyframe. */
  base: number | null;
  stale: boolean;
  /** Sections with an error, comma-separated, or null. */
  errors: string | null;
  json: string;
}

export interface EventRecord {
  instance: string;
  at: number;
  json: string;
}

export interface Batch {
  frames: FrameRecord[];
  events: EventRecord[];
  /** The alert engines' state, per instance: the latest replaces what was saved. */
  states: EventRecord[];
}

/**
 * The writer's code, run in a worker thread so that compressing and writing (and a slow or full disk) never
 * hold up the poller or the stream. Plain JavaScript, so the same code runs from the sources and the build.
 */
const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { brotliCompressSync, constants, deflateRawSync, inflateRawSync } = require('node:zlib');
// better-sqlite3 (its resolved path) or node:sqlite: the statements below are the same on both.
// Without Node 22's ExperimentalWarning for node:sqlite, as on the main thread (sqlite.ts).
function nodeSqlite() {
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    if (!String(warning).startsWith('SQLite is an experimental feature')) emitWarning.call(process, warning, ...rest);
  };
  try { return require('node:sqlite'); } finally { process.emitWarning = emitWarning; }
}
const db = workerData.driver === 'node:sqlite'
  ? new (nodeSqlite().DatabaseSync)(workerData.path)
  : new (require(workerData.driver))(workerData.path);
db.exec(workerData.pragmas);
const brotli = (text) => brotliCompressSync(text, { params: {
  [constants.BROTLI_PARAM_QUALITY]: 5,
  [constants.BROTLI_PARAM_LGWIN]: 22,
  [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(text),
} });
const insertFrame = db.prepare('INSERT INTO frames (instance, at, generation, kind, body) VALUES (?, ?, ?, ?, ?)');
const insertGeneration = db.prepare('INSERT INTO generations (instance, at, generation, stale, errors) VALUES (?, ?, ?, ?, ?)');
const openPatches = db.prepare('SELECT rowid, at, generation, body FROM frames WHERE instance = ? AND kind = 0 AND at <= ? ORDER BY at, generation');
const removeRow = db.prepare('DELETE FROM frames WHERE rowid = ?');
const insertEvent = db.prepare('INSERT INTO alert_events (instance, at, event) VALUES (?, ?, ?)');
const saveState = db.prepare('INSERT INTO alert_state (instance, saved_at, state) VALUES (?, ?, ?) ON CONFLICT (instance) DO UPDATE SET saved_at = excluded.saved_at, state = excluded.state');
// Who records into this file (store.ts, CLAIM_SQL): this thread only writes while the row is its own.
const claimRow = db.prepare(workerData.claimSql);
const readClaim = db.prepare('SELECT host, pid, seen FROM writer WHERE id = 1');
const releaseClaim = db.prepare('DELETE FROM writer WHERE token = ?');
// 'unknown' until a claim has been answered (nothing is written before), 'ours', or the other wallboard's row.
let holder = 'unknown';
function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (error) { return error.code === 'EPERM'; }
}
// The row read and taken in one transaction: no other wallboard's claim comes between. A claim that fails (a
// busy or unreadable file) leaves what was known as it was.
function claim(now) {
  const { token, host, pid, staleMs } = workerData.claim;
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = readClaim.get();
    // A process of this host that is no longer running let go of the file, whenever it was last seen.
    const gone = row !== undefined && row.host === host && row.pid !== pid && !alive(row.pid);
    const taken = Number(claimRow.run(token, host, pid, now, gone ? Number.MAX_SAFE_INTEGER : now - staleMs, now + staleMs).changes) > 0;
    const other = taken ? 'ours' : readClaim.get();
    db.exec('COMMIT');
    holder = other ?? 'ours';
  } catch (error) {
    try { db.exec('ROLLBACK'); } catch {}
    throw error;
  }
  return holder === 'ours' ? null : holder;
}
function notOurs(now) {
  if (holder === 'unknown')
    return Object.assign(new Error('who records into this file is not known yet: its claim has not succeeded'), { code: 'HISTORY_UNCLAIMED' });
  const ago = Math.max(0, Math.round((now - holder.seen) / 1000));
  return Object.assign(
    new Error('another wallboard records into this file (host ' + holder.host + ', process ' + holder.pid + ', seen ' + ago + ' s ago)'),
    { code: 'HISTORY_IN_USE' },
  );
}
// The prune held (below) since this time, kept in the file so that restarts do not start it again.
const heldSince = db.prepare("SELECT value FROM meta WHERE key = 'prune_held_since'");
const holdFrom = db.prepare("INSERT INTO meta (key, value) VALUES ('prune_held_since', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
const endHold = db.prepare("DELETE FROM meta WHERE key = 'prune_held_since'");
const recordedBetween = db.prepare('SELECT 1 FROM generations WHERE at >= ? AND at < ? LIMIT 1');
const recordedBefore = db.prepare('SELECT 1 FROM generations WHERE at < ? LIMIT 1');
// The first moment kept replays from the last keyframe at or before it: per instance, frames and generations go
// only up to that keyframe, which stays with the patches after it (at most a keyframe interval more).
const instancesBefore = db.prepare('SELECT instance FROM generations WHERE at < ? UNION SELECT instance FROM frames WHERE at < ?');
const firstFrom = db.prepare('SELECT min(at) AS at FROM generations WHERE instance = ? AND at >= ?');
const keyframeAtOrBefore = db.prepare('SELECT max(at) AS at FROM frames WHERE instance = ? AND kind = 1 AND at <= ?');
const pruneOf = ['frames', 'generations'].map((table) =>
  db.prepare('DELETE FROM ' + table + ' WHERE rowid IN (SELECT rowid FROM ' + table + ' WHERE instance = ? AND at < ? LIMIT 2000)'));
const pruneEvents = db.prepare('DELETE FROM alert_events WHERE rowid IN (SELECT rowid FROM alert_events WHERE at < ? LIMIT 2000)');
// The patches since the last keyframe, one row each while the minute is open, become one segment (kind 2)
// when the next keyframe comes: compressed together they take a fraction of their size apart.
function closeSegment(instance, before) {
  const rows = openPatches.all(instance, before);
  if (rows.length === 0) return;
  const text = '[' + rows.map((row) => '[' + row.at + ',' + inflateRawSync(row.body).toString('utf8') + ']').join(',') + ']';
  const first = rows[0];
  insertFrame.run(instance, first.at, first.generation, 2, brotli(text));
  for (const row of rows) removeRow.run(row.rowid);
}
// Per instance, the generation last written. A batch sent before the one ahead of it failed carries patches
// on generations that failed with it: replay would stop at the first, and the timeline count as recorded
// moments that cannot be replayed. Those patches are left out, up to the next keyframe (the recorder makes
// the first generation it encodes after the failure one); the answer says how many.
let written = new Map();
function write(batch, now) {
  if (holder !== 'ours') throw notOurs(now);
  const chain = new Map(written);
  let skipped = 0;
  db.exec('BEGIN');
  try {
    for (const f of batch.frames) {
      if (!f.keyframe && chain.get(f.instance) !== f.base) { skipped += 1; continue; }
      if (f.keyframe) closeSegment(f.instance, f.at);
      insertFrame.run(f.instance, f.at, f.generation, f.keyframe ? 1 : 0, f.keyframe ? brotli(f.json) : deflateRawSync(f.json));
      insertGeneration.run(f.instance, f.at, f.generation, f.stale ? 1 : 0, f.errors);
      chain.set(f.instance, f.generation);
    }
    for (const e of batch.events) insertEvent.run(e.instance, e.at, e.json);
    for (const s of batch.states) saveState.run(s.instance, s.at, s.json);
    db.exec('COMMIT');
  } catch (error) {
    // A failed statement leaves the transaction open; a failed COMMIT may have ended it already.
    try { db.exec('ROLLBACK'); } catch {}
    throw error;
  }
  written = chain;
  return skipped;
}
parentPort.on('message', (message) => {
  try {
    if (message.type === 'write') {
      if (workerData.delayMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.delayMs);
      parentPort.postMessage({ type: 'done', id: message.id, skipped: write(message.batch, message.now) });
      return;
    } else if (message.type === 'claim') {
      parentPort.postMessage({ type: 'done', id: message.id, holder: claim(message.now) });
      return;
    } else if (message.type === 'prune') {
      // Only the wallboard recording into the file removes from it.
      if (holder !== 'ours') {
        parentPort.postMessage({ type: 'done', id: message.id, notOurs: true });
        return;
      }
      // Records before the cutoff and none from it to \`recentBefore\`: the history has a hole as long as the
      // retention just before the last hours, which a clock set far ahead makes (every record then looks older
      // than the retention), and so does a server stopped for longer than the retention. Nothing is removed
      // while the hole lasts, for up to \`holdMs\` from the first prune that found it (by this clock, kept in the
      // file across restarts): a clock put right in that time loses nothing.
      if (!recordedBetween.get(message.before, message.recentBefore) && recordedBefore.get(message.before)) {
        const since = heldSince.get()?.value;
        if (since === undefined || since > message.now) holdFrom.run(message.now);
        if (since === undefined || since > message.now || message.now - since < message.holdMs) {
          parentPort.postMessage({ type: 'done', id: message.id, held: true });
          return;
        }
      }
      endHold.run();
      // In small steps, each its own transaction, so a reader never waits long.
      let removed = 0;
      for (const { instance } of instancesBefore.all(message.before, message.before)) {
        const first = firstFrom.get(instance, message.before)?.at;
        const key = first == null ? null : keyframeAtOrBefore.get(instance, first)?.at;
        const cutoff = key == null ? message.before : Math.min(key, message.before);
        for (const statement of pruneOf)
          for (let n = 1; n > 0; ) { n = Number(statement.run(instance, cutoff).changes); removed += n; }
      }
      for (let n = 1; n > 0; ) { n = Number(pruneEvents.run(message.before).changes); removed += n; }
      if (removed > 0) db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } else if (message.type === 'close') {
      // Let go of the file, so a replica started in this one's place records at once.
      try { releaseClaim.run(workerData.claim.token); } catch {}
      db.close();
      parentPort.postMessage({ type: 'closed' });
      parentPort.close();
      return;
    }
    parentPort.postMessage({ type: 'done', id: message.id });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', id: message.id, code: error && error.code, errcode: error && error.errcode, message: String(error && error.message || error) });
  }
});
`;

/** Who this writer records as: the recorder's host and process, and a token of this writer's own. */
export interface WriterClaim {
  token: string;
  host: string;
  pid: number;
  /** A claim last seen longer ago than this is taken over. */
  staleMs: number;
}

/** Another wallboard holding the file. */
export interface ClaimHolder {
  host: string;
  pid: number;
  seen: number;
}

export interface WriterOutcome {
  ok: boolean;
  /** A write's: frames left out, patches on generations a failed write lost. */
  skipped?: number;
  /** A claim's: the wallboard holding the file when it is another, else null. */
  holder?: ClaimHolder | null;
  /** A prune's: nothing removed, the history looking as a clock set far ahead makes it. */
  held?: boolean;
  /** A prune's: nothing removed, the file being another wallboard's to record into. */
  notOurs?: boolean;
  code?: string;
  /** node:sqlite's (extended) SQLite result code. */
  errcode?: number;
  message?: string;
}

/** The worker that writes the history file; each request is answered in order. */
export class HistoryWriter {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, (outcome: WriterOutcome) => void>();
  private closed: Promise<void> | null = null;
  /** Why the thread died, or null while it runs: each request is then answered at once with it. */
  private dead: string | null = null;
  private exited = false;

  /** `driver`: the module the worker loads, better-sqlite3's resolved path or `node:sqlite` (sqlite.ts). */
  constructor(path: string, driver: string, claim: WriterClaim, options: { delayMs?: number } = {}) {
    this.worker = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: {
        path,
        driver,
        pragmas: PRAGMAS,
        claimSql: CLAIM_SQL,
        claim,
        delayMs: options.delayMs ?? 0,
      },
    });
    this.worker.unref();
    this.worker.on(
      'message',
      (message: {
        type: string;
        id?: number;
        skipped?: number;
        holder?: ClaimHolder | null;
        held?: boolean;
        notOurs?: boolean;
        code?: string;
        errcode?: number;
        message?: string;
      }) => {
        if (message.id === undefined) return;
        const resolve = this.pending.get(message.id);
        this.pending.delete(message.id);
        resolve?.(
          message.type === 'done'
            ? {
                ok: true,
                skipped: message.skipped ?? 0,
                ...(message.holder !== undefined ? { holder: message.holder } : {}),
                ...(message.held ? { held: true } : {}),
                ...(message.notOurs ? { notOurs: true } : {}),
              }
            : {
                ok: false,
                code: message.code ?? 'unknown',
                ...(typeof message.errcode === 'number' ? { errcode: message.errcode } : {}),
                message: message.message ?? '',
              },
        );
      },
    );
    this.worker.on('error', (error) => {
      this.dead = error.message;
      for (const resolve of this.pending.values())
        resolve({ ok: false, code: 'worker', message: error.message });
      this.pending.clear();
    });
    this.worker.once('exit', () => {
      this.dead ??= 'the writer thread exited';
      this.exited = true;
      for (const resolve of this.pending.values()) resolve({ ok: false, code: 'worker', message: this.dead });
      this.pending.clear();
    });
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Writes `batch`, unless another wallboard holds the file (code HISTORY_IN_USE) or no claim has succeeded yet
   * (HISTORY_UNCLAIMED).
   */
  write(batch: Batch, now: number): Promise<WriterOutcome> {
    return this.send({ type: 'write', batch, now });
  }

  /** Takes the file, or says it again (at `now`); answers with the wallboard holding it when it is another. */
  claim(now: number): Promise<WriterOutcome> {
    return this.send({ type: 'claim', now });
  }

  /**
   * Removes what was recorded before `before` (ms), unless nothing was recorded from then to `recentBefore` while
   * older records are there, for up to `holdMs` from the first prune that found so (answered `held`). Only while
   * the file is this writer's.
   */
  prune(before: number, recentBefore: number, now: number, holdMs: number): Promise<WriterOutcome> {
    return this.send({ type: 'prune', before, recentBefore, now, holdMs });
  }

  private send(message: Record<string, unknown>): Promise<WriterOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, code: 'closed', message: 'the writer is closed' });
    if (this.dead !== null) return Promise.resolve({ ok: false, code: 'worker', message: this.dead });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...message, id });
    });
  }

  /** Waits for every write sent, then closes the file. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      if (this.exited) {
        resolve();
        return;
      }
      this.worker.once('exit', () => resolve());
      const onClosed = (message: { type: string }) => {
        if (message.type !== 'closed') return;
        this.worker.off('message', onClosed);
        void this.worker.terminate();
      };
      this.worker.on('message', onClosed);
      this.worker.postMessage({ type: 'close' });
    });
    return this.closed;
  }
}
