import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SessionSigner } from '../src/security/sessions.js';
import { startRedis } from './support/redis.js';
import {
  cookieOf,
  dana,
  displayToken,
  eventually,
  SECRET,
  securitySuite,
  signIn,
  supervisorToken,
  writeTokenFile,
} from './support/securitySuite.js';

const suite = securitySuite();
const { start, running, dir } = suite;

describe('sessions', () => {
  it('keys sessions with a server secret: the token file alone cannot mint one', async () => {
    const tokensFile = join(dir, 'sessions-tokens.yaml');
    writeTokenFile(tokensFile);
    const wallboard = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const cookie = await signIn(wallboard, supervisorToken);
    expect((await fetch(`${wallboard.url}/api/v1/config`, { headers: { cookie } })).status).toBe(200);

    // What one could build from tokens.yaml alone: the old scheme, an HMAC keyed by the stored hash.
    const { createHmac } = await import('node:crypto');
    const forged = `dana.${createHmac('sha256', dana.sha256).update('switchboard-session:dana').digest('base64url')}`;
    const refused = await fetch(`${wallboard.url}/api/v1/config`, {
      headers: { cookie: `switchboard_session=${forged}` },
    });
    expect(refused.status).toBe(401);
    // Nor a cookie of this form signed with the token's hash instead of the secret.
    const withHash = new SessionSigner(Buffer.from(dana.sha256), {
      ttlMs: 86_400_000,
      renewAfterMs: 3_600_000,
    });
    const alsoRefused = await fetch(`${wallboard.url}/api/v1/config`, {
      headers: { cookie: `switchboard_session=${withHash.mint(dana)}` },
    });
    expect(alsoRefused.status).toBe(401);

    // The secret was made at first start, readable by this user alone, and kept: a restart keeps sessions.
    const secretFile = join(dir, 'data', 'session-secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(secretFile, 'utf8')).not.toContain(dana.sha256);
    await Promise.all(running.splice(0).map((w) => w.stop()));
    const again = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    expect((await fetch(`${again.url}/api/v1/config`, { headers: { cookie } })).status).toBe(200);
  });

  it('expires a session, renews one in use with a new cookie, and takes SESSION_SECRET from the environment', async () => {
    const tokensFile = join(dir, 'renew-tokens.yaml');
    writeTokenFile(tokensFile);
    const wallboard = await start({
      ACCESS_MODE: 'tokens',
      DISPLAY_TOKENS_FILE: tokensFile,
      SESSION_SECRET: SECRET,
      SESSION_TTL_DAYS: '30',
    });
    const day = 24 * 3600 * 1000;
    const signer = new SessionSigner(Buffer.from(SECRET), { ttlMs: 30 * day, renewAfterMs: day });
    const config = (cookie: string) =>
      fetch(`${wallboard.url}/api/v1/config`, { headers: { cookie: `switchboard_session=${cookie}` } });

    const fresh = await signIn(wallboard, displayToken);
    expect(fresh).toMatch(/^switchboard_session=lobby-tv\./);
    const exchange = await fetch(`${wallboard.url}/?token=${displayToken}`, { redirect: 'manual' });
    expect(exchange.headers.get('set-cookie')).toMatch(/Max-Age=2592000/);

    expect((await config(signer.mint(dana, Date.now() - 31 * day))).status).toBe(401);

    const old = signer.mint(dana, Date.now() - 2 * day);
    const renewed = await config(old);
    expect(renewed.status).toBe(200);
    const rotated = cookieOf(renewed.headers.get('set-cookie'));
    expect(rotated).toMatch(/^switchboard_session=dana\./);
    expect(rotated).not.toBe(`switchboard_session=${old}`);
    const recent = await fetch(`${wallboard.url}/api/v1/config`, { headers: { cookie: rotated } });
    expect(recent.status).toBe(200);
    // A cookie younger than a day is not renewed on every request.
    expect(recent.headers.get('set-cookie')).toBeNull();
  });

  it('shares one session secret between replicas through Redis', async () => {
    const tokensFile = join(dir, 'redis-tokens.yaml');
    writeTokenFile(tokensFile);
    const redis = await startRedis();
    try {
      const replica = (n: number) =>
        start({
          ACCESS_MODE: 'tokens',
          DISPLAY_TOKENS_FILE: tokensFile,
          REDIS_URL: redis.url,
          DATA_DIR: join(dir, `replica-${n}`),
        });
      const first = await replica(1);
      const second = await replica(2);
      const cookie = await signIn(first, displayToken);
      expect((await fetch(`${second.url}/api/v1/config`, { headers: { cookie } })).status).toBe(200);
      await Promise.all(running.splice(0).map((w) => w.stop()));
    } finally {
      await redis.stop();
    }
  });

  it('tokens create leaves the token file readable by its owner alone, even when it was wider', async () => {
    const file = join(dir, 'cli-tokens.yaml');
    writeFileSync(file, 'tokens: []\n');
    chmodSync(file, 0o644);
    const { spawnSync } = await import('node:child_process');
    const serverDir = fileURLToPath(new URL('..', import.meta.url));
    const result = spawnSync(
      process.execPath,
      [
        '--conditions=development',
        '--import',
        'tsx',
        'src/security/tokenCli.ts',
        'create',
        '--id',
        'lobby',
        '--file',
        file,
      ],
      { cwd: serverDir, encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('the token file', () => {
  it('cuts every screen off when the file is deleted, and keeps the last good list on a broken edit, saying so', async () => {
    const tokensFile = join(dir, 'deleted-tokens.yaml');
    writeTokenFile(tokensFile);
    const wallboard = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const cookie = await signIn(wallboard, supervisorToken);
    const config = async () =>
      (await fetch(`${wallboard.url}/api/v1/config`, { headers: { cookie } })).status;

    writeFileSync(tokensFile, 'tokens:\n  - { id: dana, role: boss }\n');
    await eventually(async () => {
      const ready = (await (await fetch(`${wallboard.url}/readyz`)).json()) as { tokensError?: string };
      return /deleted-tokens.yaml/.test(ready.tokensError ?? '');
    }, 'the refused edit on /readyz');
    expect(await config()).toBe(200);

    writeTokenFile(tokensFile);
    await eventually(async () => {
      const ready = (await (await fetch(`${wallboard.url}/readyz`)).json()) as { tokensError?: string };
      return ready.tokensError === undefined;
    }, 'the fixed file');
    rmSync(tokensFile);
    await eventually(async () => (await config()) === 401, 'the deleted file to cut the screen off');
  });
});
