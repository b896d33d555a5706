import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../src/main.js';
import { hashToken } from '../src/security/tokens.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
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
  const wallboard = await startWebServer(simulatorEnv(simulator, extra), { credentials, webDist: dir });
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
    expect(await response.json()).toEqual({
      error: 'Unknown query parameter "board" for /api/v1/config: it takes none.',
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
