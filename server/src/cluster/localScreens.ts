import { randomUUID } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { makeDirectorySync } from '../files.js';
import type { Logger } from '../logger.js';
import {
  streamField,
  type ScreenChange,
  type ScreenCommand,
  type ScreenMessage,
  type ScreenStore,
} from './screens.js';

/** The screens file in DATA_DIR: what one replica keeps of its screens across a restart. */
export const SCREENS_FILE_NAME = 'screens.json';

/**
 * Changes are gathered this long before the file is written again: a floor of screens reports all the time, and
 * the file is about 2.5 KB a screen, rewritten whole (500 screens every 10 s wrote 11 GB a day). What a crash
 * loses, a minute of reports, comes back with the next ones.
 */
const SAVE_DELAY_MS = 60_000;

/** The file: the same three hashes the Redis store keeps (records, streams by `key|replica`, names). */
const screensFileSchema = z.object({
  version: z.literal(1),
  records: z.record(z.string(), z.string()),
  streams: z.record(z.string(), z.string()),
  names: z.record(z.string(), z.string()),
});

/**
 * One replica: nothing to share, but what it knows of the screens is kept in a file of the data directory
 * (without one, as in unit tests, in memory only), so a restart does not forget every screen, its name, or that
 * it went dark: a screen alert raised before the restart is still watching its screen after it. Written at most
 * every SAVE_DELAY_MS, at once for a name, and at a stop, through a temporary file renamed over the last one,
 * so a crash leaves the previous file whole; a missing or unreadable file starts empty.
 */
export class LocalScreenStore implements ScreenStore {
  readonly replicaId = 'local';
  private receive: ((message: ScreenMessage) => void) | null = null;
  private readonly saved = {
    records: new Map<string, string>(),
    streams: new Map<string, string>(),
    names: new Map<string, string>(),
  };
  private dirty = false;
  /** A write is asked for at the end of this turn (saveNow). */
  private savingNow = false;
  private timer: NodeJS.Timeout | undefined;
  /** The write under way, if any: writes follow one another, never overlap. */
  private writing: Promise<void> = Promise.resolve();
  /** The last write failed (logged once, until one succeeds). */
  private failing = false;

  constructor(private readonly options: { file?: string; logger?: Logger } = {}) {}

  async start(receive: (message: ScreenMessage) => void) {
    this.receive = receive;
    const loaded = await this.load();
    for (const hash of ['records', 'streams', 'names'] as const)
      for (const [field, value] of Object.entries(loaded[hash])) this.saved[hash].set(field, value);
    return loaded;
  }

  send(message: ScreenChange): void {
    if (message.type === 'forget') {
      this.saved.records.delete(message.key);
      this.saved.names.delete(message.key);
      for (const replica of message.replicas) this.saved.streams.delete(streamField(message.key, replica));
      this.changed();
      return;
    }
    const hash = { record: this.saved.records, stream: this.saved.streams, name: this.saved.names }[
      message.type
    ];
    const field = message.type === 'stream' ? streamField(message.key, message.replica) : message.key;
    if (message.value === null) hash.delete(field);
    else hash.set(field, message.value);
    this.changed();
  }

  /**
   * A name or a supervisor's Forget: a person's work, and rare, written at once rather than lost to a crash in the
   * next minute (a forgotten screen would come back). Screens forgotten by age go with the minute's changes.
   */
  sendNow(message: ScreenChange): Promise<void> {
    this.send(message);
    this.saveNow();
    return Promise.resolve();
  }

  /**
   * Writes the file now rather than with the changes gathered over the next minute: once, for every change made
   * in this turn of the event loop (a listing forgets many screens at once).
   */
  private saveNow(): void {
    if (!this.options.file || this.savingNow) return;
    this.savingNow = true;
    queueMicrotask(() => {
      this.savingNow = false;
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.save();
    });
  }

  command(command: ScreenCommand): Promise<void> {
    this.receive?.(command);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.receive = null;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) await this.save();
    await this.writing;
  }

  private changed(): void {
    if (!this.options.file) return;
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.save();
    }, SAVE_DELAY_MS);
    this.timer.unref();
  }

  private async load(): Promise<{
    records: Record<string, string>;
    streams: Record<string, string>;
    names: Record<string, string>;
  }> {
    const empty = { records: {}, streams: {}, names: {} };
    const file = this.options.file;
    if (!file) return empty;
    await this.removeLeftovers(file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.options.logger?.warn(
          { file, ...fileError(error) },
          'cannot read the screens file; starting with no screens',
        );
      return empty;
    }
    try {
      const { records, streams, names } = screensFileSchema.parse(JSON.parse(text));
      return { records, streams, names };
    } catch (error) {
      this.options.logger?.warn(
        { file, reason: error instanceof Error ? error.message : String(error) },
        'the screens file is not one this server wrote; starting with no screens (it is replaced at the next write)',
      );
      return empty;
    }
  }

  /**
   * Removes the temporary files of writes cut short (a crash, a kill or a power cut between writing one and
   * renaming it over the file): each is a whole copy of the registry, and nothing else would remove them.
   */
  private async removeLeftovers(file: string): Promise<void> {
    const prefix = `${basename(file)}.`;
    let names: string[];
    try {
      names = await readdir(dirname(file));
    } catch {
      return;
    }
    // `<file>.<pid>.<uuid>.tmp`: this process has written none yet; another's only while it runs (a second
    // server given this directory by mistake).
    const leftovers = names.filter((name) => {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) return false;
      const pid = Number(name.slice(prefix.length).split('.')[0]);
      return !Number.isInteger(pid) || pid === process.pid || !running(pid);
    });
    await Promise.all(
      leftovers.map((name) => rm(join(dirname(file), name), { force: true }).catch(() => undefined)),
    );
    if (leftovers.length > 0)
      this.options.logger?.info(
        { file, removed: leftovers.length },
        'removed the temporary files of screens-file writes cut short',
      );
  }

  /** Writes what is known now, after any write under way. */
  private save(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    const file = this.options.file;
    if (!file || !this.dirty) return;
    this.dirty = false;
    const text = JSON.stringify({
      version: 1,
      records: Object.fromEntries(this.saved.records),
      streams: Object.fromEntries(this.saved.streams),
      names: Object.fromEntries(this.saved.names),
    });
    // A name of its own for every write: two writes (a store's timer and its stop, or two servers in one process on
    // one data directory) never share a temporary file.
    const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
    try {
      makeDirectorySync(dirname(file), 0o700);
      // On an open wallboard a browser id is all a screen's report needs: the file is for the server's eyes only.
      const handle = await open(temporary, 'w', 0o600);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
      if (this.failing) this.options.logger?.info({ file }, 'the screens file is written again');
      this.failing = false;
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      // Kept in memory meanwhile, and written whole at the next change.
      this.dirty = true;
      if (!this.failing)
        this.options.logger?.error(
          { file, ...fileError(error) },
          'cannot write the screens file; a restart would forget the screens until it can',
        );
      this.failing = true;
    }
  }
}

/**
 * What a file operation's failure says, without its stack: an operator's problem (a permission, a full disk, a
 * directory in the file's place) named by its code and message, not the server's frames.
 */
function fileError(error: unknown): { code?: string; reason: string } {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? { code, reason } : { reason };
}

/** Whether a process of this id runs (one that is not ours to signal runs too). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
