import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseTokenFile } from '../src/security/tokens.js';

describe('the token command on a full disk', () => {
  it('leaves the token file as it was when it cannot write it whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-tokencli-'));
    const file = join(dir, 'tokens.yaml');
    const entries = Array.from({ length: 30 }, (_, i) => ({
      id: `screen-${i}`,
      role: 'display',
      sha256: (i % 10).toString().repeat(64),
      revoked: false,
    }));
    const before = stringify({ tokens: entries });
    writeFileSync(file, before, { mode: 0o600 });
    expect(before.length).toBeGreaterThan(2048);
    // Files may grow to 1 KiB only: a write past that fails, as it would on a disk that filled up.
    const result = spawnSync(
      'sh',
      [
        '-c',
        'ulimit -f 1; exec "$0" "$@"',
        process.execPath,
        '--conditions=development',
        '--import',
        'tsx',
        'src/security/tokenCli.ts',
        'revoke',
        '--id',
        'screen-3',
        '--file',
        file,
      ],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/EFBIG/);
    // Every screen keeps its token: the file is the one before the command, and nothing else is left beside it.
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(parseTokenFile(readFileSync(file, 'utf8'), file)).toHaveLength(30);
    expect(readdirSync(dir)).toEqual(['tokens.yaml']);
  });
});
