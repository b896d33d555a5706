import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawBytes, rawRequest } from './support/rawRequest.js';
import { displayToken, eventually, securitySuite, signIn, writeTokenFile } from './support/securitySuite.js';

const suite = securitySuite();
const { start, startWithTokens, dir } = suite;

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

describe('streams', () => {
  it('caps the streams one address may hold, and the streams in all, with a clear 429', async () => {
    const wallboard = await start({
      STREAMS_PER_ADDRESS: '2',
      STREAMS_TOTAL: '3',
      TRUSTED_PROXIES: '127.0.0.1',
    });
    const controllers: AbortController[] = [];
    const open = async (client: string, path = '/api/v1/stream') => {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${wallboard.url}${path}`, {
        signal: controller.signal,
        headers: { 'x-forwarded-for': client },
      });
      return response;
    };
    try {
      expect((await open('198.51.100.1')).status).toBe(200);
      expect((await open('198.51.100.1')).status).toBe(200);
      // The route takes other spellings of its path (Express ignores case and a trailing slash): so does the cap.
      for (const path of ['/api/v1/stream/', '/API/V1/STREAM', '/Api/v1/Stream/']) {
        const another = await open('198.51.100.1', path);
        expect(another.status, path).toBe(429);
        await another.body?.cancel();
      }
      // HEAD holds no stream: it is answered at once, with the stream's headers and no body, at the cap or not.
      const head = await fetch(`${wallboard.url}/api/v1/stream`, {
        method: 'HEAD',
        headers: { 'x-forwarded-for': '198.51.100.1' },
        signal: AbortSignal.timeout(5000),
      });
      expect([head.status, head.headers.get('content-type')]).toEqual([
        200,
        'text/event-stream; charset=utf-8',
      ]);
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

describe('streams of one sign-in', () => {
  it('caps the streams one token or proxy user holds from any number of addresses (STREAMS_PER_TOKEN)', async () => {
    const tokens = await startWithTokens({ TRUSTED_PROXIES: '127.0.0.1', STREAMS_PER_TOKEN: '2' });
    const cookie = await signIn(tokens, displayToken);
    const proxy = await start({ ACCESS_MODE: 'proxy', TRUSTED_PROXIES: '127.0.0.1', STREAMS_PER_TOKEN: '2' });
    const controllers: AbortController[] = [];
    const open = async (url: string, client: string, headers: Record<string, string>) => {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${url}/api/v1/stream`, {
        signal: controller.signal,
        headers: { 'x-forwarded-for': client, ...headers },
      });
      if (response.status !== 200) await response.body?.cancel();
      return response.status;
    };
    try {
      // One display token from three addresses: the third is refused, each address far below its own cap.
      const fromThree = [];
      for (const client of ['198.51.100.1', '198.51.100.2', '198.51.100.3'])
        fromThree.push(await open(tokens.url, client, { cookie }));
      expect(fromThree).toEqual([200, 200, 429]);
      // The same for a user behind the proxy; another user has streams of their own.
      const alice = { 'x-forwarded-user': 'alice' };
      expect([
        await open(proxy.url, '198.51.100.4', alice),
        await open(proxy.url, '198.51.100.5', alice),
        await open(proxy.url, '198.51.100.6', alice),
        await open(proxy.url, '198.51.100.6', { 'x-forwarded-user': 'bob' }),
      ]).toEqual([200, 200, 429, 200]);
      const refused = await fetch(`${tokens.url}/api/v1/stream`, {
        headers: { 'x-forwarded-for': '198.51.100.9', cookie },
      });
      expect(((await refused.json()) as { detail: string }).detail).toMatch(/STREAMS_PER_TOKEN/);
      // One closed makes room again.
      controllers[0]?.abort();
      await eventually(
        async () => (await open(tokens.url, '198.51.100.7', { cookie })) === 200,
        "a closed stream to free its token's place",
      );
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

  it('gives no loopback privileges to clients a proxy on this host forwards, though TRUSTED_PROXIES does not list it', async () => {
    const configFile = join(dir, 'untrusted-proxy-config.yaml');
    writeFileSync(configFile, 'boards:\n  - id: sales\n    title: Sales\n');
    // A TLS terminator on this host, not listed: every request comes from 127.0.0.1, saying whom it is for.
    const wallboard = await start({ WALLBOARD_CONFIG: configFile, METRICS_ACCESS: 'loopback' });
    writeFileSync(configFile, 'boards:\n  - id: sales\n    title: 7\n');
    await wallboard.configStore.reload();
    const forwarded: Record<string, string>[] = [
      { 'x-forwarded-for': '203.0.113.9' },
      { forwarded: 'for=203.0.113.9' },
      { 'x-real-ip': '203.0.113.9' },
    ];
    for (const headers of forwarded) {
      const readyz = (await (await fetch(`${wallboard.url}/readyz`, { headers })).json()) as Record<
        string,
        unknown
      >;
      expect(Object.keys(readyz)).toEqual(['ready']);
      expect((await fetch(`${wallboard.url}/metrics`, { headers })).status).toBe(401);
    }
    // The server's own host, asking itself: as before.
    expect(
      ((await (await fetch(`${wallboard.url}/readyz`)).json()) as { configError?: string }).configError,
    ).toMatch(/untrusted-proxy-config.yaml/);
    expect((await fetch(`${wallboard.url}/metrics`)).status).toBe(200);
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
