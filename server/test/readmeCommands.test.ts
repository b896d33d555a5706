import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTokenFile } from '../src/security/tokens.js';

// The README's commands are run as written, from the repository's root: a documented command that does not
// work (pnpm's built-in `token` once shadowed the script of that name) fails here.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'switchboard-readme-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The README's command that starts with `prefix`, as written between backticks. */
function documented(prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new RegExp(`\`(${escaped}[^\`]*)\``).exec(readme)?.[1];
  if (!found) throw new Error(`README.md documents no command starting with "${prefix}"`);
  return found.replace(/\s+/g, ' ');
}

function run(command: string) {
  // The documented file lives in /etc; the same command writes into a scratch directory here.
  const local = command.replace('/etc/switchboard/tokens.yaml', join(scratch, 'tokens.yaml'));
  return spawnSync('bash', ['-c', local], { cwd: root, encoding: 'utf8', timeout: 120_000 });
}

describe("the README's token commands, exactly as documented", () => {
  it('creates a display token for a board, printed once, into a file only its owner can read', () => {
    const command = documented('npx -y pnpm@12.21.0 tokens create');
    const result = run(command);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\?token=[A-Za-z0-9_-]{20,}/);
    const file = join(scratch, 'tokens.yaml');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const entries = parseTokenFile(readFileSync(file, 'utf8'), file);
    expect(entries).toEqual([
      expect.objectContaining({ id: 'lobby-tv', board: 'sales-floor', role: 'display' }),
    ]);
  }, 120_000);

  it('revokes it with the documented revoke command', () => {
    const revoke = documented('tokens revoke');
    const result = run(`npx -y pnpm@12.21.0 ${revoke} --file /etc/switchboard/tokens.yaml`);
    expect(result.status, result.stderr).toBe(0);
    const file = join(scratch, 'tokens.yaml');
    expect(parseTokenFile(readFileSync(file, 'utf8'), file)).toEqual([
      expect.objectContaining({ id: 'lobby-tv', revoked: true }),
    ]);
  }, 120_000);
});
