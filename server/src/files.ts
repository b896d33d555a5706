import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates a directory and the missing ones above it, one at a time, from the nearest that exists. Node's own
 * `recursive: true` never returns where the file system refuses a new entry with ENOENT under a directory that
 * exists (`/proc`, `/sys`): it tries the parent and the child again for ever, one core at full use and the
 * process deaf to its signals. Here that refusal is an error like any other, for the caller to name the setting.
 */
export function makeDirectorySync(dir: string, mode: number): void {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    let directory: boolean;
    try {
      directory = statSync(at).isDirectory();
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
      missing.push(at);
      if (dirname(at) === at) break;
      continue;
    }
    if (!directory)
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${resolve(dir)}'`), {
        code: 'ENOTDIR',
      });
    break;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path, { mode });
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
      // Made meanwhile by another process: as good. A link to nothing (a volume not mounted) is no directory.
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory() !== true)
        throw Object.assign(new Error(`ENOTDIR: not a directory (a link to nothing?), mkdir '${path}'`), {
          code: 'ENOTDIR',
        });
    }
  }
}

function code(error: unknown): unknown {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
