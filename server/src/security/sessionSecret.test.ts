import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError } from '../env.js';
import { createLogger } from '../logger.js';
import { loadSessionSecret, SECRET_FILE_NAME } from './sessions.js';

const logger = createLogger('silent');

describe('the session secret in DATA_DIR', () => {
  it('is made at first start and kept across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-secret-'));
    const first = await loadSessionSecret({ secret: undefined, redisUrl: undefined, dataDir }, logger);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dataDir, SECRET_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(await loadSessionSecret({ secret: undefined, redisUrl: undefined, dataDir }, logger)).toEqual(
      first,
    );
    // Nothing but the secret is left in the directory.
    expect(readdirSync(dataDir)).toEqual([SECRET_FILE_NAME]);
  });

  it('is made again, rather than stopping the start, when a crash left its file empty or cut short', async () => {
    for (const left of ['', 'AbC']) {
      const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-secret-'));
      const file = join(dataDir, SECRET_FILE_NAME);
      // Power lost after the file was created and before its bytes reached the disk.
      writeFileSync(file, left, { mode: 0o600 });
      const secret = await loadSessionSecret({ secret: undefined, redisUrl: undefined, dataDir }, logger);
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(readFileSync(file, 'utf8')).toBe(secret.toString());
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(await loadSessionSecret({ secret: undefined, redisUrl: undefined, dataDir }, logger)).toEqual(
        secret,
      );
      expect(readdirSync(dataDir)).toEqual([SECRET_FILE_NAME]);
    }
  });

  it('names DATA_DIR and what to do when the directory cannot be made or written', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'switchboard-secret-')), 'a-file');
    writeFileSync(blocker, 'not a directory');
    const dataDir = join(blocker, 'data');
    const failure = loadSessionSecret({ secret: undefined, redisUrl: undefined, dataDir }, logger);
    await expect(failure).rejects.toBeInstanceOf(EnvError);
    await expect(failure).rejects.toThrow(
      new RegExp(
        `^DATA_DIR=${dataDir}: the session secret cannot be kept there \\(ENOTDIR.*\\)\\. Set DATA_DIR to a ` +
          'directory the server may create and write, or give every replica the same SESSION_SECRET\\.$',
      ),
    );
  });
});
