import { closeSync, fsyncSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** A temporary name beside `file`, of this process and this write alone. */
export function temporaryBeside(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * Writes `text` to `path`, a new file (mode 0600 from the start: it is for the server's eyes only), and flushes
 * it to the disk, so that it can then be linked or renamed to its name whole. `beforeWrite` runs on the open file
 * first (to give it an owner). An error opening the file is thrown as it is; one after removes the file.
 */
export function writeNewFileSync(path: string, text: string, beforeWrite?: (fd: number) => void): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    try {
      beforeWrite?.(fd);
      // Every byte, or an error: one write may take only part of it (a disk filling up).
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    rmSync(path, { force: true });
    throw error;
  }
}
