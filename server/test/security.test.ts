import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../src/main.js';
import { parseEnv } from '../src/env.js';
import { SessionSigner } from '../src/security/sessions.js';
import { hashToken, type TokenEntry } from '../src/security/tokens.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { rawBytes, rawRequest } from './support/rawRequest.js';
import { startRedis } from './support/redis.js';
import { simulatorEnv, TEST_CREDENTIALS } from './support/wallboard.js';

let simulator: RunningSimulator;
const running: RunningWallboard[] = [];
const dir = mkdtempSync(join(tmpdir(), 'switchboard-security-'));
const credentials = TEST_CREDENTIALS;

beforeAll(async () => {
  simulator = await startSimulator({ queues: 5, agents: 10, seed: 2 });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
});
afterAll(async () => {
  await simulator?.close();
});

async function start(extra: Record<string, string>): Promise<RunningWallboard> {
  const wallboard = await startWebServer(simulatorEnv(simulator, { DATA_DIR: join(dir, 'data'), ...extra }), {
    credentials,
    webDist: dir,
  });
  running.push(wallboard);
  return wallboard;
}

async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('security headers and request validation', () => {
  it('sends a CSP with the configured frame ancestors, no inline scripts, a strict referrer policy, and no CORS', async () => {
    const wallboard = await start({ FRAME_ANCESTORS: 'https://intranet.example.com' });
    const response = await fetch(`${wallboard.url}/healthz`, {
      headers: { origin: 'https://evil.example.com' },
    });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'self' https://intranet.example.com");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an unknown query parameter with 400 and a message naming it', async () => {
    const wallboard = await start({});
    const response = await fetch(`${wallboard.url}/api/v1/config?board=x`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'unknown_query_parameter',
      detail: 'Unknown query parameter "board" for /api/v1/config: it takes none.',
    });
  });

  it('limits how often one address may call the API, with a clear message', async () => {
    const wallboard = await start({ API_READS_PER_MINUTE: '3' });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await fetch(`${wallboard.url}/api/v1/config`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('refuses an oversized acknowledgement body', async () => {
    const wallboard = await start({});
    const response = await fetch(`${wallboard.url}/api/v1/alerts/x/acknowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'x'.repeat(10_000) }),
    });
    expect(response.status).toBe(413);
  });
});

describe('display tokens', () => {
  const display = 'display-token-with-enough-entropy-000000000001';
  const supervisor = 'supervisor-token-with-enough-entropy-00000000002';
  const tokensFile = join(dir, 'tokens.yaml');
  const writeTokens = (revoked: boolean) =>
    writeFileSync(
      tokensFile,
      [
        'tokens:',
        `  - { id: lobby-tv, role: display, board: sales, sha256: ${hashToken(display)}, revoked: ${revoked} }`,
        `  - { id: dana, role: supervisor, name: Dana Scully, sha256: ${hashToken(supervisor)} }`,
        '',
      ].join('\n'),
    );

  it('exchanges a token once for an HttpOnly cookie, takes it out of the URL, and stops working when revoked', async () => {
    writeTokens(false);
    const wallboard = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    expect((await fetch(`${wallboard.url}/api/v1/config`)).status).toBe(401);
    expect((await fetch(`${wallboard.url}/?view=wall&token=wrong`, { redirect: 'manual' })).status).toBe(401);

    const exchange = await fetch(`${wallboard.url}/?view=wall&token=${display}`, { redirect: 'manual' });
    expect(exchange.status).toBe(302);
    expect(exchange.headers.get('location')).toBe('/?view=wall&board=sales');
    const setCookie = exchange.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).not.toContain(display);
    const cookie = setCookie.split(';')[0] ?? '';

    expect((await fetch(`${wallboard.url}/api/v1/config`, { headers: { cookie } })).status).toBe(200);
    const ack = await fetch(`${wallboard.url}/api/v1/alerts/any/acknowledge`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'someone' }),
    });
    expect(ack.status).toBe(403);

    writeTokens(true);
    await eventually(
      async () => (await fetch(`${wallboard.url}/api/v1/config`, { headers: { cookie } })).status === 401,
      'the revoked token to stop working',
    );
  });

  it('lets a supervisor token acknowledge, under the supervisor name rather than one from the request', async () => {
    writeTokens(false);
    const wallboard = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const exchange = await fetch(`${wallboard.url}/?token=${supervisor}`, { redirect: 'manual' });
    const cookie = (exchange.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const ack = await fetch(`${wallboard.url}/api/v1/alerts/no-such-alert/acknowledge`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    // Past the access check: the alert simply does not exist.
    expect(ack.status).toBe(404);
  });
});

describe('trusted proxy identity', () => {
  it('accepts the user header only from a configured proxy address', async () => {
    const trusted = await start({ ACCESS_MODE: 'proxy', TRUSTED_PROXIES: '127.0.0.1' });
    expect(
      (await fetch(`${trusted.url}/api/v1/config`, { headers: { 'x-forwarded-user': 'dana' } })).status,
    ).toBe(200);
    expect((await fetch(`${trusted.url}/api/v1/config`)).status).toBe(401);

    const elsewhere = await start({ ACCESS_MODE: 'proxy', TRUSTED_PROXIES: '10.9.9.9' });
    expect(
      (await fetch(`${elsewhere.url}/api/v1/config`, { headers: { 'x-forwarded-user': 'dana' } })).status,
    ).toBe(403);
    expect((await fetch(`${elsewhere.url}/healthz`)).status).toBe(200);
  });
});

const SECRET = 'a-session-secret-for-tests-0000000000000000';
const supervisorToken = 'supervisor-token-with-enough-entropy-00000000003';
const displayToken = 'display-token-with-enough-entropy-000000000004';
const dana: TokenEntry = {
  id: 'dana',
  role: 'supervisor',
  name: 'Dana Scully',
  sha256: hashToken(supervisorToken),
  revoked: false,
};

function writeTokenFile(file: string): void {
  writeFileSync(
    file,
    [
      'tokens:',
      `  - { id: dana, role: supervisor, name: Dana Scully, sha256: ${dana.sha256} }`,
      `  - { id: lobby-tv, role: display, sha256: ${hashToken(displayToken)} }`,
      '',
    ].join('\n'),
  );
}

const cookieOf = (setCookie: string | null) => (setCookie ?? '').split(';')[0] ?? '';

async function signIn(wallboard: RunningWallboard, token: string): Promise<string> {
  const exchange = await fetch(`${wallboard.url}/?token=${token}`, { redirect: 'manual' });
  expect(exchange.status).toBe(302);
  return cookieOf(exchange.headers.get('set-cookie'));
}

describe('writes come only from the wallboard itself (CSRF)', () => {
  const acknowledge = (url: string, headers: Record<string, string>, body = '{"by":"Mallory"}') =>
    fetch(`${url}/api/v1/alerts/no-such-alert/acknowledge`, { method: 'POST', headers, body });

  it('refuses an acknowledgement from another origin, another site, or sent as a form or plain text', async () => {
    const wallboard = await start({});
    const otherPort = `http://127.0.0.1:${wallboard.port + 1}`;
    const json = { 'content-type': 'application/json' };

    const crossOrigin = await acknowledge(wallboard.url, { ...json, origin: otherPort });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await crossOrigin.json()).toMatchObject({ status: 403, code: 'cross_origin_write' });

    const sameSite = await acknowledge(wallboard.url, { ...json, 'sec-fetch-site': 'same-site' });
    expect(sameSite.status).toBe(403);

    // A self-submitting form and a no-cors fetch can only send these content types.
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const simple = await acknowledge(wallboard.url, { 'content-type': type, origin: wallboard.url });
      expect(simple.status).toBe(415);
      expect(await simple.json()).toMatchObject({ code: 'json_required' });
    }

    // The wallboard's own page passes the checks: the alert simply does not exist.
    const own = await acknowledge(wallboard.url, {
      ...json,
      origin: wallboard.url,
      'sec-fetch-site': 'same-origin',
    });
    expect(own.status).toBe(404);
    expect(await own.json()).toMatchObject({ code: 'unknown_alert' });
  });
});

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

  it('token create leaves the token file readable by its owner alone, even when it was wider', async () => {
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

describe('Host header (DNS rebinding)', () => {
  const get = (url: string, path: string, host: string) => rawRequest(url, { path, headers: { host } });

  it('answers only loopback names and addresses by default, and the configured PUBLIC_HOSTS', async () => {
    const wallboard = await start({ PUBLIC_HOSTS: 'wallboard.example.com' });
    const port = wallboard.port;
    const rebound = await get(wallboard.url, '/api/v1/snapshot', `attacker.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body)).toMatchObject({ code: 'unknown_host' });
    expect((await get(wallboard.url, '/readyz', `attacker.example:${port}`)).status).toBe(421);
    expect((await get(wallboard.url, '/api/v1/config', `127.attacker.example:${port}`)).status).toBe(421);

    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'wallboard.example.com']) {
      expect((await get(wallboard.url, '/api/v1/config', host)).status, host).toBe(200);
    }
    // Liveness probes carry no data and may use any name.
    expect((await get(wallboard.url, '/healthz', 'attacker.example')).status).toBe(200);
  });
});

describe('error answers', () => {
  it('answers bad input with problem details and a stable code, never a stack or a 500', async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>wall</title>');
    const tokensFile = join(dir, 'errors-tokens.yaml');
    writeTokenFile(tokensFile);
    const stderr: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void stderr.push(args);
    try {
      const open = await start({});
      const tokens = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
      const post = (body: string) =>
        rawRequest(open.url, {
          method: 'POST',
          path: '/api/v1/alerts/x/acknowledge',
          headers: { 'content-type': 'application/json' },
          body,
        });
      const answers = {
        cookie: await rawRequest(tokens.url, {
          path: '/api/v1/config',
          headers: { cookie: 'switchboard_session=%E0%A4%A' },
        }),
        json: await post('{"by": '),
        large: await post(JSON.stringify({ by: 'x'.repeat(10_000) })),
        path: await rawRequest(open.url, { path: '/%E0%A4%A' }),
        apiPath: await rawRequest(open.url, { path: '/api/v1/intraday/%E0%A4%A' }),
      };
      expect(Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, a.status]))).toEqual({
        cookie: 401,
        json: 400,
        large: 413,
        path: 400,
        apiPath: 400,
      });
      expect(JSON.parse(answers.json.body)).toMatchObject({ code: 'malformed_json' });
      expect(JSON.parse(answers.large.body)).toMatchObject({ code: 'body_too_large' });
      for (const [what, answer] of Object.entries(answers)) {
        expect(answer.headers['content-type'], what).toMatch(/^application\/problem\+json/);
        const body = JSON.parse(answer.body) as Record<string, unknown>;
        expect(Object.keys(body).sort(), what).toEqual(['code', 'detail', 'status', 'title', 'type']);
        expect(answer.body, what).not.toMatch(/ at |node_modules|\/work\/|\.ts:/);
      }
    } finally {
      console.error = original;
    }
    expect(stderr).toEqual([]);
  });

  it('logs a failure nobody handled and shuts down gracefully, rather than running on broken', async () => {
    const { spawn } = await import('node:child_process');
    const serverDir = fileURLToPath(new URL('..', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--conditions=development',
        '--import',
        'tsx',
        '--import',
        './test/support/failOnSignal.mjs',
        'src/main.ts',
      ],
      {
        cwd: serverDir,
        env: {
          PATH: process.env.PATH,
          PORT: '0',
          CONNECT_INSTANCE_ID: simulator.instanceId,
          AWS_REGION: simulator.region,
          CONNECT_ENDPOINT: simulator.endpoint,
          AWS_ACCESS_KEY_ID: 'TESTKEY',
          AWS_SECRET_ACCESS_KEY: 'test-secret',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await eventually(async () => output.includes('wallboard listening'), 'the server to start', 20_000);
      child.kill('SIGUSR2');
      expect(await exited).toBe(1);
    } finally {
      child.kill('SIGKILL');
    }
    expect(output).toMatch(
      /"level":60.*a failure nobody handled.*unhandled promise rejection; shutting down/,
    );
  }, 30_000);

  it('runs `pnpm start` in production mode', () => {
    const manifest = JSON.parse(
      readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    ) as { scripts: Record<string, string> };
    expect(manifest.scripts.start).toMatch(/NODE_ENV=production /);
  });
});

describe('behind a trusted proxy', () => {
  it('gives each proxied user their own rate budget', async () => {
    const wallboard = await start({
      ACCESS_MODE: 'proxy',
      TRUSTED_PROXIES: '127.0.0.1',
      API_READS_PER_MINUTE: '3',
    });
    const as = (user: string) =>
      fetch(`${wallboard.url}/api/v1/config`, { headers: { 'x-forwarded-user': user } });
    const alice = [];
    for (let i = 0; i < 4; i += 1) alice.push((await as('alice')).status);
    expect(alice).toEqual([200, 200, 200, 429]);
    expect((await as('bob')).status).toBe(200);
  });

  it('gives each forwarded client address its own budget, believing X-Forwarded-For only from the proxy', async () => {
    const proxied = await start({ TRUSTED_PROXIES: '127.0.0.1', API_READS_PER_MINUTE: '2' });
    const from = (url: string, client: string) =>
      fetch(`${url}/api/v1/config`, { headers: { 'x-forwarded-for': client } });
    expect([
      (await from(proxied.url, '198.51.100.1')).status,
      (await from(proxied.url, '198.51.100.1')).status,
    ]).toEqual([200, 200]);
    expect((await from(proxied.url, '198.51.100.1')).status).toBe(429);
    expect((await from(proxied.url, '198.51.100.2')).status).toBe(200);

    // Not from a trusted proxy: the header is ignored, the socket's address is the budget.
    const direct = await start({ API_READS_PER_MINUTE: '2' });
    await from(direct.url, '198.51.100.1');
    await from(direct.url, '198.51.100.2');
    expect((await from(direct.url, '198.51.100.3')).status).toBe(429);
  });

  it('marks the session cookie Secure behind TLS, and sends HSTS when asked to', async () => {
    const tokensFile = join(dir, 'tls-tokens.yaml');
    writeTokenFile(tokensFile);
    const wallboard = await start({
      ACCESS_MODE: 'tokens',
      DISPLAY_TOKENS_FILE: tokensFile,
      TRUSTED_PROXIES: '127.0.0.1',
      HSTS_MAX_AGE: '31536000',
    });
    const overTls = await fetch(`${wallboard.url}/?token=${displayToken}`, {
      redirect: 'manual',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(overTls.headers.get('set-cookie')).toMatch(/; Secure/);
    expect(overTls.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');

    const plain = await fetch(`${wallboard.url}/?token=${displayToken}`, { redirect: 'manual' });
    expect(plain.headers.get('set-cookie')).not.toMatch(/; Secure/);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });

  it('refuses a user header given twice, and reads the name as UTF-8', async () => {
    const configFile = join(dir, 'always-alert.yaml');
    writeFileSync(configFile, 'alerts:\n  - id: anything\n    metric: CONTACTS_IN_QUEUE\n    value: 0\n');
    const wallboard = await start({
      ACCESS_MODE: 'proxy',
      TRUSTED_PROXIES: '127.0.0.1',
      WALLBOARD_CONFIG: configFile,
    });
    const twice = await rawRequest(wallboard.url, {
      path: '/api/v1/config',
      headers: { 'x-forwarded-user': ['alice', 'bob'] },
    });
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.body)).toMatchObject({ code: 'duplicate_user_header' });

    let alertId: string | undefined;
    await eventually(async () => {
      const response = await fetch(`${wallboard.url}/api/v1/alerts`, {
        headers: { 'x-forwarded-user': 'dana' },
      });
      alertId = ((await response.json()) as { alerts: { id: string }[] }).alerts[0]?.id;
      return alertId !== undefined;
    }, 'an alert to acknowledge');
    // The proxy sends the name's UTF-8 bytes, as they are.
    const ack = await rawBytes(
      wallboard.url,
      [
        `POST /api/v1/alerts/${encodeURIComponent(alertId ?? '')}/acknowledge HTTP/1.1`,
        'X-Forwarded-User: Jürgen',
        'Content-Type: application/json',
      ].join('\r\n'),
      '{}',
    );
    expect(ack.status, ack.text).toBe(200);
    expect(ack.text).toContain('"acknowledgedBy":"Jürgen"');

    // Latin-1 "ü" is one byte, 0xFC, which is not UTF-8.
    const notUtf8 = await rawBytes(
      wallboard.url,
      'GET /api/v1/config HTTP/1.1\r\nX-Forwarded-User: J\u00fcrgen',
      '',
      'latin1',
    );
    expect(notUtf8.status).toBe(400);
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

describe('streams', () => {
  it('caps the streams one address may hold, and the streams in all, with a clear 429', async () => {
    const wallboard = await start({
      STREAMS_PER_ADDRESS: '2',
      STREAMS_TOTAL: '3',
      TRUSTED_PROXIES: '127.0.0.1',
    });
    const controllers: AbortController[] = [];
    const open = async (client: string) => {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${wallboard.url}/api/v1/stream`, {
        signal: controller.signal,
        headers: { 'x-forwarded-for': client },
      });
      return response;
    };
    try {
      expect((await open('198.51.100.1')).status).toBe(200);
      expect((await open('198.51.100.1')).status).toBe(200);
      const third = await open('198.51.100.1');
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).not.toBeNull();
      expect((await third.json()) as unknown).toMatchObject({ code: 'too_many_streams' });

      expect((await open('198.51.100.2')).status).toBe(200);
      const overall = await open('198.51.100.3');
      expect(overall.status).toBe(429);
      expect(((await overall.json()) as { detail: string }).detail).toMatch(/STREAMS_TOTAL/);

      controllers[0]?.abort();
      await eventually(async () => {
        const retry = await open('198.51.100.1');
        if (retry.status !== 200) await retry.body?.cancel();
        return retry.status === 200;
      }, 'a closed stream to free its place');
    } finally {
      for (const controller of controllers) controller.abort();
    }
  });
});

describe('probes', () => {
  it("shows /readyz's details only to loopback clients and supervisors", async () => {
    const configFile = join(dir, 'probe-config.yaml');
    writeFileSync(configFile, 'boards:\n  - id: sales\n    title: Sales\n');
    const wallboard = await start({
      ACCESS_MODE: 'proxy',
      TRUSTED_PROXIES: '127.0.0.1',
      WALLBOARD_CONFIG: configFile,
    });
    writeFileSync(configFile, 'boards:\n  - id: sales\n    title: 7\n    secretKey: x\n');
    await wallboard.configStore.reload();
    const readyz = async (headers: Record<string, string>) =>
      (await (await fetch(`${wallboard.url}/readyz`, { headers })).json()) as Record<string, unknown>;

    expect((await readyz({})).configError).toMatch(/probe-config.yaml/);
    const remote = { 'x-forwarded-for': '203.0.113.9' };
    expect(Object.keys(await readyz(remote))).toEqual(['ready']);
    expect((await readyz({ ...remote, 'x-forwarded-user': 'dana' })).configError).toMatch(
      /probe-config.yaml/,
    );
  });

  it('serves /metrics to loopback and to holders of the scrape token only, when asked to', async () => {
    const wallboard = await start({
      TRUSTED_PROXIES: '127.0.0.1',
      METRICS_ACCESS: 'token',
      METRICS_TOKEN: 'scrape-token-0123456789',
    });
    const remote = { 'x-forwarded-for': '203.0.113.9' };
    expect((await fetch(`${wallboard.url}/metrics`)).status).toBe(200);
    const refused = await fetch(`${wallboard.url}/metrics`, { headers: remote });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const scraped = await fetch(`${wallboard.url}/metrics`, {
      headers: { ...remote, authorization: 'Bearer scrape-token-0123456789' },
    });
    expect(scraped.status).toBe(200);
  });
});

describe('caching and source maps', () => {
  it('keeps pages and figures out of shared caches, and serves source maps only when asked to', async () => {
    const web = mkdtempSync(join(tmpdir(), 'switchboard-web-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>wall</title>');
    writeFileSync(
      join(web, 'assets', 'index-abc123.js'),
      'console.log(1);\n//# sourceMappingURL=index-abc123.js.map',
    );
    writeFileSync(
      join(web, 'assets', 'index-abc123.js.map'),
      '{"version":3,"sourcesContent":["secret source"]}',
    );
    const serve = async (extra: Record<string, string>) => {
      const wallboard = await startWebServer(
        simulatorEnv(simulator, { DATA_DIR: join(dir, 'data'), ...extra }),
        {
          credentials,
          webDist: web,
        },
      );
      running.push(wallboard);
      return wallboard;
    };
    const wallboard = await serve({});
    for (const path of ['/', '/index.html', '/some/view']) {
      const page = await fetch(`${wallboard.url}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('cache-control'), path).toBe('private, no-cache');
    }
    const asset = await fetch(`${wallboard.url}/assets/index-abc123.js`);
    expect(asset.headers.get('cache-control')).toMatch(/^private/);
    expect((await fetch(`${wallboard.url}/assets/index-abc123.js.map`)).status).toBe(404);

    await eventually(async () => (await fetch(`${wallboard.url}/api/v1/snapshot`)).ok, 'a snapshot');
    const snapshot = await fetch(`${wallboard.url}/api/v1/snapshot`);
    expect(snapshot.headers.get('cache-control')).toBe('private, no-cache');
    expect(snapshot.headers.get('vary')).toMatch(/Cookie/i);

    const withMaps = await serve({ SERVE_SOURCE_MAPS: 'true' });
    expect((await fetch(`${withMaps.url}/assets/index-abc123.js.map`)).status).toBe(200);
  });
});

describe('configuration checks', () => {
  it('takes only a parsed loopback address as loopback, not a name that starts like one', () => {
    const base = { PORT: '0', LOG_LEVEL: 'silent' };
    expect(() => parseEnv({ ...base, HOST: '127.attacker.example' })).toThrow(
      /Refusing to start: HOST=127.attacker.example/,
    );
    expect(() => parseEnv({ ...base, HOST: '127.0.0.1.nip.io' })).toThrow(/Refusing to start/);
    expect(parseEnv({ ...base, HOST: '127.0.0.2' }).HOST).toBe('127.0.0.2');
    expect(parseEnv({ ...base, HOST: '::1' }).HOST).toBe('::1');
  });
});

describe('token exchange', () => {
  it("redirects to the path's normalised form, never to another host", async () => {
    const tokensFile = join(dir, 'redirect-tokens.yaml');
    writeTokenFile(tokensFile);
    const wallboard = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    for (const [path, location] of [
      [`/x/..//evil.example/?token=${displayToken}`, '/evil.example/'],
      [`//evil.example/?token=${displayToken}&view=wall`, '/evil.example/?view=wall'],
      [`/a/./b/../?view=wall&token=${displayToken}`, '/a/?view=wall'],
      [`/\\evil.example/?token=${displayToken}`, '/evil.example/'],
      [`/x/..\\/\\evil.example?token=${displayToken}`, '/evil.example'],
    ] as const) {
      const answer = await rawRequest(wallboard.url, { path });
      expect(answer.status, path).toBe(302);
      expect(answer.headers.location, path).toBe(location);
    }
  });
});
