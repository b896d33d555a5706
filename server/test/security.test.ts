import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../src/env.js';
import { problemPage } from '../src/http/errorHandler.js';
import { hashToken } from '../src/security/tokens.js';
import { rawRequest } from './support/rawRequest.js';
import {
  cookieOf,
  displayToken,
  eventually,
  securitySuite,
  signIn,
  supervisorToken,
  writeTokenFile,
} from './support/securitySuite.js';

const suite = securitySuite();
const { start, startWithTokens, dir } = suite;

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

  it('limits how often one address may call the API, reads and changes apart, with a clear message', async () => {
    const wallboard = await start({ API_READS_PER_MINUTE: '3', API_WRITES_PER_MINUTE: '2' });
    const acknowledge = () =>
      fetch(`${wallboard.url}/api/v1/alerts/no-such-alert/acknowledge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    const writes = [];
    for (let i = 0; i < 3; i += 1) writes.push(await acknowledge());
    // Refused for what they are (no such alert, no board), until the third is refused for the count.
    expect(writes.map((response) => response.status === 429)).toEqual([false, false, true]);
    expect(await writes[2]?.json()).toMatchObject({
      detail: 'Too many changes from you (API_WRITES_PER_MINUTE); slow down and retry shortly.',
    });
    // Changes spent, reads are not: each has its own count.
    const reads = [];
    for (let i = 0; i < 4; i += 1) reads.push(await fetch(`${wallboard.url}/api/v1/config`));
    expect(reads.map((response) => response.status)).toEqual([200, 200, 200, 429]);
    expect(await reads[3]?.json()).toMatchObject({
      detail: 'Too many requests from you (API_READS_PER_MINUTE); slow down and retry shortly.',
    });
  });

  it('limits reads of the recorded history apart, and lower, since each costs the server more', async () => {
    const wallboard = await start({ HISTORY_READS_PER_MINUTE: '2' });
    const timeline = () => {
      const to = Date.now();
      return fetch(
        `${wallboard.url}/api/v1/timeline?from=${new Date(to - 3600_000).toISOString()}&to=${new Date(to).toISOString()}`,
      );
    };
    const moment = () =>
      fetch(`${wallboard.url}/api/v1/snapshot?at=${new Date(Date.now() - 60_000).toISOString()}`);
    const answers = [await timeline(), await moment(), await timeline()];
    expect(answers.map((response) => response.status === 429)).toEqual([false, false, true]);
    expect(await answers[2]?.json()).toMatchObject({
      code: 'rate_limited',
      detail:
        'Too many reads of the recorded history from you (HISTORY_READS_PER_MINUTE); slow down and retry shortly.',
    });
    expect((await moment()).status).toBe(429);
    // The live snapshot and the rest are other reads, not held back.
    expect((await fetch(`${wallboard.url}/api/v1/snapshot`)).status).not.toBe(429);
    expect((await fetch(`${wallboard.url}/api/v1/config`)).status).toBe(200);
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
        `  - { id: lobby-tv, role: display, board: all, sha256: ${hashToken(display)}, revoked: ${revoked} }`,
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
    expect(exchange.headers.get('location')).toBe('/?view=wall&board=all');
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

describe('caching and source maps', () => {
  it('keeps pages and figures out of shared caches, and serves source maps only when asked to', async () => {
    const web = mkdtempSync(join(tmpdir(), 'switchboard-web-'));
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
    const serve = (extra: Record<string, string>) => start(extra, { webDist: web });
    const wallboard = await serve({});
    for (const path of ['/', '/index.html', '/some/view']) {
      const page = await fetch(`${wallboard.url}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('cache-control'), path).toBe('private, no-cache');
    }
    const asset = await fetch(`${wallboard.url}/assets/index-abc123.js`);
    expect(asset.headers.get('cache-control')).toMatch(/^private/);
    // A file this build does not have (an older build's chunk) is not found, not the page in its place.
    for (const path of ['/assets/index-old999.js', '/Assets/ServiceLevelChart-old.js']) {
      const missing = await fetch(`${wallboard.url}${path}`);
      expect([missing.status, missing.headers.get('content-type')], path).toEqual([
        404,
        'application/problem+json; charset=utf-8',
      ]);
    }
    expect((await fetch(`${wallboard.url}/assets/index-abc123.js.map`)).status).toBe(404);
    // The file server decodes escapes and so takes these for the same file.
    for (const path of [
      '/assets/index-abc123.js%2Emap',
      '/assets/index-abc123.js.%6Dap',
      '/assets/index-abc123.js.MAP',
    ])
      expect((await fetch(`${wallboard.url}${path}`)).status, path).toBe(404);

    await eventually(async () => (await fetch(`${wallboard.url}/api/v1/snapshot`)).ok, 'a snapshot');
    const snapshot = await fetch(`${wallboard.url}/api/v1/snapshot`);
    expect(snapshot.headers.get('cache-control')).toBe('private, no-cache');
    expect(snapshot.headers.get('vary')).toMatch(/Cookie/i);

    const withMaps = await serve({ SERVE_SOURCE_MAPS: 'true' });
    expect((await fetch(`${withMaps.url}/assets/index-abc123.js.map`)).status).toBe(200);
  });
});

describe('refusals a browser opens as a page', () => {
  it('reads as a page, not JSON, to a browser opening the wallboard; the API and scripts keep problem JSON', async () => {
    const wallboard = await startWithTokens();
    const page = await rawRequest(wallboard.url, {
      path: '/?view=wall',
      headers: { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'none' },
    });
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain(
      '<h1 style="font-size: 2.25rem; line-height: 1.2">This screen is not signed in</h1>',
    );
    // The detail, its first letter a capital, every character of it escaped.
    expect(page.body).toContain(
      'This screen needs a display token: open the wallboard address with ?token=&#60;token&#62;.',
    );
    expect(page.body).toContain('401 Unauthorized (no_session)');
    // Nothing waiting would mend: it does not load itself again.
    expect(page.body).not.toContain('http-equiv="refresh"');
    // A browser that sends no Fetch Metadata, by what it accepts.
    const accepted = await rawRequest(wallboard.url, {
      path: `/?token=not-a-token`,
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect([accepted.status, accepted.headers['content-type']]).toEqual([401, 'text/html; charset=utf-8']);
    expect(accepted.body).toContain('This token is not valid, or it was revoked. Ask for a new one.');
    expect(accepted.body).not.toContain('not-a-token');
    // The API, a script, curl: problem details as ever.
    for (const [path, headers] of [
      ['/api/v1/snapshot', { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' }],
      ['/?view=wall', {}],
      ['/?view=wall', { accept: '*/*' }],
      ['/?view=wall', { 'sec-fetch-dest': 'empty', accept: 'text/html' }],
    ] as const) {
      const answer = await rawRequest(wallboard.url, { path, headers });
      expect(answer.headers['content-type'], `${path} ${JSON.stringify(headers)}`).toBe(
        'application/problem+json; charset=utf-8',
      );
    }
  });

  it('loads itself again where waiting can help, as a wall on its own needs', () => {
    expect(problemPage(429, 'too_many_requests', 'slow down.')).toContain(
      '<meta http-equiv="refresh" content="30">',
    );
    expect(problemPage(503, 'not_ready', 'starting.')).toContain('<meta http-equiv="refresh" content="30">');
    expect(problemPage(403, 'no_board_allowed', 'ask for access.')).toContain(
      '<meta http-equiv="refresh" content="60">',
    );
    expect(problemPage(401, 'no_session', 'sign in.')).not.toContain('refresh');
    expect(problemPage(400, 'x', '<script>alert(1)</script>')).not.toContain('<script>');
  });
});

describe('what screens receive', () => {
  it('names no AWS account: no ARN in the snapshot, the stream, the intraday series, the alerts or the configuration', async () => {
    const wallboard = await start({});
    await eventually(async () => (await fetch(`${wallboard.url}/readyz`)).ok, 'a ready wallboard');
    const snapshot = (await (await fetch(`${wallboard.url}/api/v1/snapshot`)).json()) as {
      queues: { id: string }[];
    };
    const queue = snapshot.queues[0]?.id ?? '';
    expect(queue).not.toBe('');
    let seen = JSON.stringify(snapshot);
    for (const path of [`/api/v1/intraday/${queue}`, '/api/v1/alerts', '/api/v1/config'])
      seen += await (await fetch(`${wallboard.url}${path}`)).text();
    const stream = await fetch(`${wallboard.url}/api/v1/stream`);
    const reader = stream.body?.getReader();
    const decoder = new TextDecoder();
    let events = '';
    while (reader && !events.includes('event: snapshot')) {
      const { value, done } = await reader.read();
      if (done) break;
      events += decoder.decode(value, { stream: true });
    }
    await reader?.cancel();
    expect(events).toContain(`"id":"${queue}"`);
    seen += events;
    // The simulator's instance is in account 123456789012, as a real one is in its own.
    expect(seen).not.toMatch(/arn:aws|123456789012/);
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

  it('says a token in an API address is exchanged only by opening a page, not that the screen needs one', async () => {
    const tokensFile = join(dir, 'api-token-tokens.yaml');
    writeTokenFile(tokensFile);
    const wallboard = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const cookie = await signIn(wallboard, displayToken);
    for (const headers of [{}, { cookie }] as Record<string, string>[]) {
      const answer = await rawRequest(wallboard.url, {
        path: `/api/v1/config?token=${displayToken}`,
        headers,
      });
      expect(answer.status).toBe(400);
      const problem = JSON.parse(answer.body) as { code: string; detail: string };
      expect(problem.code).toBe('token_not_exchanged_here');
      expect(problem.detail).toMatch(/^\?token= is exchanged only when a page of the wallboard is opened/);
      expect(answer.body).not.toContain(displayToken);
    }
  });

  it('exchanges a token only for a page opened in a window or a frame, never for an image or a fetch', async () => {
    const tokensFile = join(dir, 'fetch-metadata-tokens.yaml');
    writeTokenFile(tokensFile);
    const wallboard = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const path = `/?view=wall&token=${displayToken}`;
    for (const [mode, dest] of [
      ['no-cors', 'image'],
      ['cors', 'empty'],
      ['no-cors', 'script'],
      ['navigate', 'object'],
    ] as const) {
      const answer = await rawRequest(wallboard.url, {
        path,
        headers: { 'sec-fetch-mode': mode, 'sec-fetch-dest': dest, 'sec-fetch-site': 'cross-site' },
      });
      expect(answer.status, `${mode} ${dest}`).toBe(400);
      expect(answer.headers['set-cookie'], `${mode} ${dest}`).toBeUndefined();
      const problem = JSON.parse(answer.body) as { code: string; detail: string };
      expect(problem.code).toBe('token_not_exchanged_here');
      expect(problem.detail).toMatch(/opened as a page \(the address bar, a link, or an iframe\)/);
      expect(answer.body).not.toContain(displayToken);
    }
    for (const dest of ['document', 'iframe']) {
      const answer = await rawRequest(wallboard.url, {
        path,
        headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': dest, 'sec-fetch-site': 'cross-site' },
      });
      expect(answer.status, dest).toBe(302);
      expect(String(answer.headers['set-cookie'])).toMatch(/^switchboard_session=/);
    }
  });

  it('keeps the session a browser holds when another site frames the wallboard with a token of its own', async () => {
    const tokensFile = join(dir, 'framed-tokens.yaml');
    writeTokenFile(tokensFile);
    const wallboard = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const mine = await signIn(wallboard, supervisorToken);
    const framed = (cookie: string | null, dest: string) =>
      rawRequest(wallboard.url, {
        path: `/?view=embed&token=${displayToken}`,
        headers: {
          'sec-fetch-mode': 'navigate',
          'sec-fetch-dest': dest,
          'sec-fetch-site': 'cross-site',
          ...(cookie ? { cookie } : {}),
        },
      });
    // Framed elsewhere: the token leaves the address, the session stays the supervisor's.
    const kept = await framed(mine, 'iframe');
    expect(kept.status).toBe(302);
    expect(kept.headers['set-cookie']).toBeUndefined();
    // A browser without one gets the frame's token's session.
    expect(String((await framed(null, 'iframe')).headers['set-cookie'])).toMatch(/^switchboard_session=/);
  });

  it("keeps the session a browser holds when another site's link or script opens the wallboard with a token", async () => {
    const wallboard = await startWithTokens();
    const mine = await signIn(wallboard, supervisorToken);
    const opened = (site: string, cookie: string | null) =>
      rawRequest(wallboard.url, {
        path: `/?token=${displayToken}`,
        headers: {
          'sec-fetch-mode': 'navigate',
          'sec-fetch-dest': 'document',
          'sec-fetch-site': site,
          ...(cookie ? { cookie } : {}),
        },
      });
    for (const site of ['cross-site', 'same-site']) {
      const kept = await opened(site, mine);
      expect(kept.status, site).toBe(302);
      expect(kept.headers['set-cookie'], site).toBeUndefined();
      expect(kept.headers.location, site).not.toContain(displayToken);
      // A browser holding no session takes the link's token.
      expect(String((await opened(site, null)).headers['set-cookie']), site).toMatch(
        /^switchboard_session=lobby-tv\./,
      );
    }
    // Typed in the address bar, or followed from the wallboard's own pages: the token is taken.
    for (const site of ['none', 'same-origin'])
      expect(String((await opened(site, mine)).headers['set-cookie']), site).toMatch(
        /^switchboard_session=lobby-tv\./,
      );
  });

  it("opens a kept session on a board it may read, not the link's token's board it would be refused", async () => {
    const tokensFile = join(dir, 'kept-board-tokens.yaml');
    const lobbyTv = 'lobby-display-token-with-enough-entropy-0000000005';
    const salesTv = 'sales-display-token-with-enough-entropy-0000000006';
    writeFileSync(
      tokensFile,
      [
        'tokens:',
        `  - { id: lobby-tv, role: display, board: lobby, sha256: ${hashToken(lobbyTv)} }`,
        `  - { id: sales-tv, role: display, board: sales, sha256: ${hashToken(salesTv)} }`,
        `  - { id: dana, role: supervisor, name: Dana, sha256: ${hashToken(supervisorToken)} }`,
        '',
      ].join('\n'),
    );
    const wallboard = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const linked = (cookie: string) =>
      rawRequest(wallboard.url, {
        path: `/?view=wall&token=${salesTv}`,
        headers: {
          'sec-fetch-mode': 'navigate',
          'sec-fetch-dest': 'document',
          'sec-fetch-site': 'cross-site',
          cookie,
        },
      });
    // A lobby screen's session, kept: it opens on the lobby, which it may read.
    const lobby = await linked(await signIn(wallboard, lobbyTv));
    expect([lobby.status, lobby.headers['set-cookie'], lobby.headers.location]).toEqual([
      302,
      undefined,
      '/?view=wall&board=lobby',
    ]);
    // A supervisor of every board, kept: the link's board, which it may read.
    expect((await linked(await signIn(wallboard, supervisorToken))).headers.location).toBe(
      '/?view=wall&board=sales',
    );
  });

  it('reads the session from whichever cookie of its name verifies, so a planted one locks no screen out', async () => {
    const wallboard = await startWithTokens();
    const mine = await signIn(wallboard, supervisorToken);
    // A page on another port of this host can set switchboard_session=garbage under /api/: the browser sends it
    // first, before the session's own.
    for (const cookie of [`switchboard_session=garbage; ${mine}`, `${mine}; switchboard_session=%E0%A4%A`]) {
      const answer = await rawRequest(wallboard.url, { path: '/api/v1/config', headers: { cookie } });
      expect(answer.status, cookie).toBe(200);
    }
    expect(
      (
        await rawRequest(wallboard.url, {
          path: '/api/v1/config',
          headers: { cookie: 'switchboard_session=garbage' },
        })
      ).status,
    ).toBe(401);
  });

  it('names the session __Host- over HTTPS, gives a plain one that name, and reads no plain one beside it', async () => {
    const wallboard = await startWithTokens({ TRUSTED_PROXIES: '127.0.0.1' });
    const https = { 'x-forwarded-proto': 'https' };
    const exchange = await rawRequest(wallboard.url, { path: `/?token=${supervisorToken}`, headers: https });
    expect(exchange.status).toBe(302);
    const [setCookie = '', alsoPlain = ''] = ([] as string[]).concat(exchange.headers['set-cookie'] ?? []);
    expect(setCookie).toMatch(/^__Host-switchboard_session=dana\.[^;]+; Max-Age=\d+; Path=\/;/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).not.toMatch(/Domain=/i);
    // The plain name as well, with the same session: a replica of an earlier build (a rolling upgrade, a
    // rollback) reads only that one.
    expect(cookieOf(alsoPlain)).toBe(cookieOf(setCookie).replace(/^__Host-/, ''));
    const secure = cookieOf(setCookie);
    expect(
      (await rawRequest(wallboard.url, { path: '/api/v1/config', headers: { ...https, cookie: secure } }))
        .status,
    ).toBe(200);

    // A session from before (or from plain HTTP) is kept, given the secure name as it is, the plain one kept.
    const plain = await signIn(wallboard, supervisorToken);
    const moved = await rawRequest(wallboard.url, {
      path: '/api/v1/config',
      headers: { ...https, cookie: plain },
    });
    expect(moved.status).toBe(200);
    const cookies = ([] as string[]).concat(moved.headers['set-cookie'] ?? []);
    expect(cookies).toEqual([
      expect.stringMatching(
        new RegExp(`^__Host-${plain.replace('.', '\\.')}; Max-Age=\\d+; Path=/;.*Secure`),
      ),
      expect.stringMatching(new RegExp(`^${plain.replace('.', '\\.')}; Max-Age=\\d+; Path=/;.*Secure`)),
    ]);
    // Once a browser holds both, nothing more is set.
    const both = await rawRequest(wallboard.url, {
      path: '/api/v1/config',
      headers: { ...https, cookie: `__Host-${plain}; ${plain}` },
    });
    expect([both.status, both.headers['set-cookie']]).toEqual([200, undefined]);

    // Beside a secure cookie, a plain one (planted: any port or subdomain can set it) is not read, valid or not.
    const visitor = await signIn(wallboard, displayToken);
    const beside = await rawRequest(wallboard.url, {
      path: '/api/v1/config',
      headers: { ...https, cookie: `${visitor}; __Host-switchboard_session=garbage` },
    });
    expect(beside.status).toBe(401);
  });

  it('says a token given twice is given twice, not that the screen needs one', async () => {
    const tokensFile = join(dir, 'twice-tokens.yaml');
    writeTokenFile(tokensFile);
    const wallboard = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    for (const path of [
      `/?token=${displayToken}&token=${displayToken}`,
      `/api/v1/snapshot?token=a&token=b`,
    ]) {
      const answer = await rawRequest(wallboard.url, { path });
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.body), path).toMatchObject({
        code: 'bad_token_parameter',
        detail: expect.stringMatching(/token must be given once/),
      });
    }
  });
});
