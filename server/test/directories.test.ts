import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirectorySync } from '../src/files.js';

const scratch = mkdtempSync(join(tmpdir(), 'switchboard-directories-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('making the data directories', () => {
  it('makes the missing directories above one, private, and keeps those that exist', () => {
    const dir = join(scratch, 'a', 'b', 'c');
    makeDirectorySync(dir, 0o700);
    for (const made of [join(scratch, 'a'), join(scratch, 'a', 'b'), dir]) {
      expect(statSync(made).isDirectory()).toBe(true);
      expect(statSync(made).mode & 0o777).toBe(0o700);
    }
    writeFileSync(join(dir, 'kept'), '');
    makeDirectorySync(dir, 0o700);
    expect(readdirSync(dir)).toEqual(['kept']);
  });

  it('refuses a link to nothing (a volume not mounted) in the way, as no directory', () => {
    const link = join(scratch, 'unmounted');
    symlinkSync(join(scratch, 'no-such-volume'), link);
    expect(() => makeDirectorySync(join(link, 'data'), 0o700)).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
    expect(() => makeDirectorySync(link, 0o700)).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  it('refuses a file in the way as mkdir -p does', () => {
    writeFileSync(join(scratch, 'file'), '');
    expect(() => makeDirectorySync(join(scratch, 'file', 'below'), 0o700)).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
  });
});

// Node's own recursive mkdir spins for ever under /proc (ENOENT for a new entry in a directory that exists),
// deaf to signals: the built server given such a directory must stop at once with the setting named. Run as a
// child with a deadline, so that a regression fails here rather than holding the suite.
const server = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

describe.skipIf(!existsSync('/proc/self'))('the server given a directory the system will not hold', () => {
  it.each([
    ['DATA_DIR', { DATA_DIR: '/proc/switchboard-data' }],
    ['HISTORY_DIR', { DATA_DIR: join(scratch, 'data'), HISTORY_DIR: '/proc/switchboard-history' }],
    // Where the session secret is kept.
    ['DATA_DIR', { DATA_DIR: '/proc/switchboard-data', HISTORY_ENABLED: 'false', ACCESS_MODE: 'tokens' }],
  ])('stops and names %s', (variable, settings) => {
    const tokens = join(scratch, 'tokens.yaml');
    writeFileSync(tokens, 'tokens: []\n');
    expect(
      existsSync(server),
      'server/dist/main.js is missing: build first (npx -y pnpm@12.21.0 run build)',
    ).toBe(true);
    const run = spawnSync(process.execPath, [server], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DISPLAY_TOKENS_FILE: tokens,
        ...settings,
      },
      encoding: 'utf8',
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    expect(run.signal, 'killed at its deadline: the server hung making the directory').toBeNull();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${variable}=/proc/switchboard-`);
  });
});
