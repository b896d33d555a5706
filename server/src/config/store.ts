import { isDeepStrictEqual } from 'node:util';
import { unwatchFile, watchFile } from 'node:fs';
import type { Logger } from '../logger.js';
import { boardInstance, instanceIds, sameInstances } from './instances.js';
import { ConfigFileError, defaultConfig, loadConfigFile } from './load.js';
import type { WallboardConfig } from './schema.js';

/** Applies a reloaded configuration; returns what of it waits for a restart, if anything, in a sentence. */
type Listener = (config: WallboardConfig) => string | null | undefined;

/**
 * Holds the configuration in force. At start a broken file stops the server; edited while the server runs,
 * the file is reloaded, and a broken edit keeps the last good configuration and reports its error.
 */
export class ConfigStore {
  private config: WallboardConfig;
  private lastError: string | null = null;
  private readonly listeners = new Set<Listener>();
  /** What the listeners said waits for a restart of the configuration in force (not the instances' notice). */
  private listenerWaits: string[] = [];
  /** A change seen, read once the file has stopped changing. */
  private settling: NodeJS.Timeout | undefined;

  private constructor(
    private readonly file: string | undefined,
    initial: WallboardConfig,
    private readonly logger: Logger,
  ) {
    this.config = initial;
  }

  /** Throws ConfigFileError when the file is missing or broken: a server must not start on a bad configuration. */
  static async open(file: string | undefined, logger: Logger): Promise<ConfigStore> {
    const initial = file ? await loadConfigFile(file) : defaultConfig();
    return new ConfigStore(file, initial, logger);
  }

  get current(): WallboardConfig {
    return this.config;
  }

  /** The error of the last refused edit, or null when the file in force is the file on disk. */
  get error(): string | null {
    return this.lastError;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the file; a broken edit keeps the configuration in force. */
  async reload(): Promise<void> {
    if (!this.file) return;
    try {
      const loaded = await loadConfigFile(this.file);
      // The pollers of the instances run from the start: a change of `instances` waits for a restart, and
      // the rest of the file applies now, as long as its boards still name instances that run.
      let notice: string | null = null;
      if (!sameInstances(loaded, this.config)) {
        const kept = { ...loaded, instances: this.config.instances };
        const running = instanceIds(kept);
        const stranded = loaded.boards.filter((board) => !running.includes(boardInstance(kept, board)));
        if (stranded.length > 0)
          throw new ConfigFileError(
            `Invalid configuration file:\n  ${this.file} instances: changing the instances needs a restart, and ` +
              `board ${stranded.map((b) => `"${b.id}"`).join(', ')} names an instance that is not running; ` +
              'restart the server to apply the file',
          );
        notice =
          `${this.file} instances: changing the instances needs a restart; the instances in force are kept ` +
          'and the rest of the file is applied';
      }
      const next = notice ? { ...loaded, instances: this.config.instances } : loaded;
      // A file saved unchanged (touched, or an edit undone) changes nothing: the configuration stays the same
      // object, so no view is worked out again and no screen is sent its view whole. With an edit of the instances
      // waiting for a restart, the rest of the file is what is compared. What is said of it is said again: the
      // listeners' waits, which are of the same configuration, and the instances' notice as the file has it now.
      if (isDeepStrictEqual(next, this.config)) {
        const waits = [...new Set([...(notice ? [notice] : []), ...this.listenerWaits])];
        const said = waits.length > 0 ? waits.join('; ') : null;
        if (said !== this.lastError) {
          if (said) this.logger.warn({ file: this.file, error: said }, 'configuration reloaded in part');
          else this.logger.info({ file: this.file }, 'configuration error resolved');
        }
        this.lastError = said;
        return;
      }
      this.config = next;
      // Each listener applies what it can now and says what waits for a restart (one sentence each, once).
      const listenerWaits = new Set<string>();
      for (const listener of this.listeners) {
        const waits = listener(this.config);
        if (waits) listenerWaits.add(waits);
      }
      this.listenerWaits = [...listenerWaits];
      const waiting = new Set([...(notice ? [notice] : []), ...listenerWaits]);
      const waits = waiting.size > 0 ? [...waiting].join('; ') : null;
      if (this.lastError && !waits) this.logger.info({ file: this.file }, 'configuration error resolved');
      this.lastError = waits;
      if (waits) this.logger.warn({ file: this.file, error: waits }, 'configuration reloaded in part');
      else this.logger.info({ file: this.file }, 'configuration reloaded');
    } catch (error) {
      this.lastError = error instanceof ConfigFileError ? error.message : String(error);
      this.logger.error(
        { file: this.file, error: this.lastError },
        'configuration edit refused; keeping the last good one',
      );
    }
  }

  /**
   * Polls the file's modification time: robust to editors that save by renaming over the file. Read once it has
   * stopped changing for `settleMs`: an editor that saves in place (nano, `cat >`) empties the file before
   * writing it, and an empty file is a valid configuration (the defaults: every board gone, every alert rule).
   */
  watch(intervalMs = 1000, settleMs = intervalMs): void {
    if (!this.file) return;
    watchFile(this.file, { interval: intervalMs }, (current, previous) => {
      if (current.mtimeMs === previous.mtimeMs && current.size === previous.size) return;
      clearTimeout(this.settling);
      this.settling = setTimeout(() => void this.reload(), settleMs);
      this.settling.unref();
    });
  }

  close(): void {
    clearTimeout(this.settling);
    if (this.file) unwatchFile(this.file);
  }
}
