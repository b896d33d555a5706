import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AlertEvent, DisplaysResponse, ScreenReport, Snapshot } from '@switchboard/shared';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningWallboard } from '../src/main.js';
import { startRedis, type TestRedis } from './support/redis.js';
import {
  SECRET,
  displayToken,
  eventually,
  securitySuite,
  signIn,
  supervisorToken,
} from './support/securitySuite.js';
import { NewScreenAllowance } from '../src/displays/routes.js';
import { hashToken } from '../src/security/tokens.js';

const suite = securitySuite();
const { dir } = suite;
/** A wallboard with a data directory of its own (the one replica keeps its screens there), unless one is named. */
const start = (extra: Record<string, string>) =>
  suite.start({ DATA_DIR: mkdtempSync(join(dir, 'data-')), ...extra });

const BROWSER = 'c0ffee00-1111-4222-8333-444455556666';

function report(overrides: Partial<ScreenReport> = {}): ScreenReport {
  return {
    id: BROWSER,
    view: 'wall',
    board: null,
    build: null,
    dataAgeMs: 1500,
    renderAgeMs: 800,
    heapBytes: 12_000_000,
    errors: 0,
    viewport: { width: 1920, height: 1080 },
    uptimeMs: 60_000,
    ...overrides,
  };
}

function post(wallboard: RunningWallboard, path: string, body: unknown, cookie = '', method = 'POST') {
  return fetch(`${wallboard.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function screens(wallboard: RunningWallboard, cookie = ''): Promise<DisplaysResponse> {
  const response = await fetch(`${wallboard.url}/api/v1/displays`, { headers: cookie ? { cookie } : {} });
  expect(response.status).toBe(200);
  return (await response.json()) as DisplaysResponse;
}

/** Opens a stream as a screen and collects its events; `close` ends it as a closed page would. */
function openStream(wallboard: RunningWallboard, query: string, cookie = '') {
  const abort = new AbortController();
  const events: string[] = [];
  const done = (async () => {
    const response = await fetch(`${wallboard.url}/api/v1/stream${query}`, {
      signal: abort.signal,
      headers: cookie ? { cookie } : {},
    });
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        events.push(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
      }
    }
  })().catch(() => undefined);
  return {
    events,
    commands: () => events.filter((event) => event.startsWith('event: command')),
    close: async () => {
      abort.abort();
      await done;
    },
  };
}

describe('screen reports', () => {
  it('lists a reporting screen with its stream, refuses bad, oversized and too frequent reports', async () => {
    const wallboard = await start({ SCREEN_REPORT_INTERVAL_MS: '8000' });
    const stream = openStream(wallboard, `?screen=${BROWSER}`);
    const accepted = await post(wallboard, '/api/v1/displays/report', report());
    // Taken after the answer: the server took the report no later than this.
    const acceptedAt = Date.now();
    expect(accepted.status).toBe(204);
    expect(accepted.headers.get('report-interval')).toBe('8000');
    // The answer does without the document headers: a screen sends one every interval.
    expect(accepted.headers.get('content-security-policy')).toBeNull();

    await eventually(
      async () => (await screens(wallboard)).screens[0]?.streamOpen === true,
      'the stream to count',
    );
    const [listed] = (await screens(wallboard)).screens;
    expect(listed).toMatchObject({
      key: `b:${BROWSER}`,
      kind: 'browser',
      state: 'healthy',
      heapBytes: 12_000_000,
    });

    // Half an interval (4 s here) after the first, a report is taken, and the next one at once is not.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, acceptedAt + 4100 - Date.now())));
    expect((await post(wallboard, '/api/v1/displays/report', report())).status).toBe(204);
    const soon = await post(wallboard, '/api/v1/displays/report', report());
    expect(soon.status).toBe(429);
    expect(await soon.json()).toMatchObject({ code: 'report_too_soon' });
    // A page loaded since the last report (reloaded, or another view) is heard at once, once a half interval; a
    // page that has run since the last report is not a new one.
    const newPage = () => report({ uptimeMs: 100, view: 'laptop' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reloaded = await post(wallboard, '/api/v1/displays/report', newPage());
    expect(reloaded.status).toBe(204);
    const reloadedAt = Date.now();
    expect((await screens(wallboard)).screens[0]).toMatchObject({ view: 'laptop', uptimeMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await post(wallboard, '/api/v1/displays/report', newPage())).status).toBe(429);
    expect((await post(wallboard, '/api/v1/displays/report', report({ uptimeMs: 5000 }))).status).toBe(429);
    // Half an interval on, it reports in its time.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, reloadedAt + 4100 - Date.now())));
    expect((await post(wallboard, '/api/v1/displays/report', report({ uptimeMs: 4500 }))).status).toBe(204);

    const bad = await post(wallboard, '/api/v1/displays/report', report({ view: 'kiosk' as 'wall' }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain(
      'view must be wall, laptop, embed or screens',
    );
    const unknownField = await post(wallboard, '/api/v1/displays/report', { ...report(), extra: 1 });
    expect(unknownField.status).toBe(400);
    const noId = await post(wallboard, '/api/v1/displays/report', { ...report(), id: undefined });
    expect(((await noId.json()) as { detail: string }).detail).toMatch(/^id is required/);

    // A board or build that would show reordered or hidden on the Screens page ("Reload every screen of …").
    for (const [field, value] of [
      ['board', '\u0000\u202e<script>'],
      ['build', 'v2\u2066'],
    ] as const) {
      const hidden = await post(wallboard, '/api/v1/displays/report', { ...report(), [field]: value });
      expect(hidden.status, field).toBe(400);
      expect(((await hidden.json()) as { detail: string }).detail, field).toContain(
        `${field} must be ${field === 'board' ? 'a board id' : 'the serverBuild of a snapshot'}`,
      );
    }
    const huge = await post(wallboard, '/api/v1/displays/report', { ...report(), board: 'x'.repeat(2000) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { detail: string }).detail).toBe(
      'The request body is larger than this endpoint takes, which is 1024 bytes.',
    );

    const badScreen = await fetch(`${wallboard.url}/api/v1/stream?screen=short`);
    expect(badScreen.status).toBe(400);

    // Closing the page closes its stream: disconnected at once, with no report after.
    await stream.close();
    await eventually(
      async () => (await screens(wallboard)).screens[0]?.state === 'disconnected',
      'the closed screen to show disconnected',
    );
    const metrics = await (await fetch(`${wallboard.url}/metrics`)).text();
    expect(metrics).toContain('switchboard_screens{state="disconnected"} 1');

    // A page on a board the configuration does not have: stale from its first report, and says why.
    const lost = 'lost0000-1111-4222-8333-444455556666';
    expect(
      (
        await post(
          wallboard,
          '/api/v1/displays/report',
          report({ id: lost, board: 'nosuchboard', dataAgeMs: null }),
        )
      ).status,
    ).toBe(204);
    expect((await screens(wallboard)).screens.find((screen) => screen.id === lost)).toMatchObject({
      state: 'stale',
      detail: 'shows board nosuchboard, which is not in the configuration',
    });

    // Forgetting a screen taken away for good: not while it reports (its report just now: still reporting, no
    // stream), nor while it is connected (it would be back with its next report).
    const reporting = await fetch(`${wallboard.url}/api/v1/displays/b:${lost}`, { method: 'DELETE' });
    expect(reporting.status).toBe(409);
    expect(((await reporting.json()) as { detail: string }).detail).toMatch(/is still reporting/);
    const forget = (key: string) => fetch(`${wallboard.url}/api/v1/displays/${key}`, { method: 'DELETE' });
    const lostStream = openStream(wallboard, `?screen=${lost}`);
    await eventually(
      async () =>
        (await screens(wallboard)).screens.find((screen) => screen.id === lost)?.streamOpen === true,
      'the lost screen to connect',
    );
    const connected = await forget(`b:${lost}`);
    expect(connected.status).toBe(409);
    expect(((await connected.json()) as { code: string }).code).toBe('screen_connected');
    await lostStream.close();
    await eventually(
      async () =>
        (await screens(wallboard)).screens.find((screen) => screen.id === lost)?.streamOpen === false,
      'the lost screen to disconnect',
    );
    // From another origin (a page elsewhere, with the supervisor's cookie): refused as every write is.
    const crossSite = await fetch(`${wallboard.url}/api/v1/displays/b:${lost}`, {
      method: 'DELETE',
      headers: { origin: 'http://elsewhere.example' },
    });
    expect(crossSite.status).toBe(403);
    expect((await forget(`b:${lost}`)).status).toBe(204);
    expect((await screens(wallboard)).screens.map((screen) => screen.id)).toEqual([BROWSER]);
    expect((await forget(`b:${lost}`)).status).toBe(404);
  });

  it("judges a screen holding its stream by the server's own figures between its reports", async () => {
    const wallboard = await start({});
    const stream = openStream(wallboard, `?screen=${BROWSER}`);
    // Its report says its figures are a minute old (Connect was away); the server has fetched since, and the
    // stream brought them: fresh, without waiting a whole interval for its next report.
    expect((await post(wallboard, '/api/v1/displays/report', report({ dataAgeMs: 60_000 }))).status).toBe(
      204,
    );
    await eventually(
      async () => (await screens(wallboard)).screens[0]?.state === 'healthy',
      "the screen to follow the server's figures",
    );
    await stream.close();
  });

  it('pushes a supervisor’s reload down the screen’s own stream, and renames it', async () => {
    const wallboard = await start({ SCREEN_REPORT_INTERVAL_MS: '2000' });
    const other = 'beefbeef-1111-4222-8333-444455556666';
    const mine = openStream(wallboard, `?screen=${BROWSER}`);
    const theirs = openStream(wallboard, `?screen=${other}`);
    await post(wallboard, '/api/v1/displays/report', report({ board: 'all' }));
    await post(wallboard, '/api/v1/displays/report', report({ id: other, board: 'lobby' }));
    await eventually(
      async () => (await screens(wallboard)).screens.every((s) => s.streamOpen),
      'both streams',
    );

    const sent = await post(wallboard, '/api/v1/displays/reload', { key: `b:${BROWSER}` });
    expect(await sent.json()).toEqual({ sent: [`b:${BROWSER}`] });
    await eventually(async () => Promise.resolve(mine.commands().length === 1), 'the command on the stream');
    expect(mine.commands()[0]).toBe('event: command\ndata: {"command":"reload"}');
    expect(theirs.commands()).toEqual([]);

    expect(await (await post(wallboard, '/api/v1/displays/reload', { board: 'lobby' })).json()).toEqual({
      sent: [`b:${other}`],
    });
    await eventually(async () => Promise.resolve(theirs.commands().length === 1), 'the board’s command');
    expect(mine.commands()).toHaveLength(1);
    const neither = await post(wallboard, '/api/v1/displays/reload', {});
    expect(neither.status).toBe(400);
    // A board the configuration does not have is said to be one, not a reload of no screens.
    const mistyped = await post(wallboard, '/api/v1/displays/reload', { board: 'loby' });
    expect(mistyped.status).toBe(404);
    expect(await mistyped.json()).toMatchObject({
      code: 'unknown_board',
      detail: 'board: "loby" is not a board of the configuration (all) nor one a screen shows (lobby).',
    });

    const renamed = await post(
      wallboard,
      `/api/v1/displays/b:${BROWSER}`,
      { name: 'Reception TV' },
      '',
      'PATCH',
    );
    expect(await renamed.json()).toMatchObject({ name: 'Reception TV' });
    expect((await screens(wallboard)).screens.find((s) => s.key === `b:${BROWSER}`)?.name).toBe(
      'Reception TV',
    );
    // A name goes into webhook messages: nothing that reorders or hides text, but emoji sequences are names.
    for (const name of ['Reception \u202etv', 'Lobby\u2066', 'Bell\u0007']) {
      const refused = await post(wallboard, `/api/v1/displays/b:${BROWSER}`, { name }, '', 'PATCH');
      expect(refused.status, JSON.stringify(name)).toBe(400);
      expect(await refused.json()).toMatchObject({
        detail: expect.stringMatching(/^name: name must not hold/),
      });
    }
    const emoji = await post(
      wallboard,
      `/api/v1/displays/b:${BROWSER}`,
      { name: 'Café 👩\u200d💻' },
      '',
      'PATCH',
    );
    expect(emoji.status).toBe(200);
    const unknown = await post(wallboard, '/api/v1/displays/b:nobody', { name: 'x' }, '', 'PATCH');
    expect(unknown.status).toBe(404);
    await mine.close();
    await theirs.close();

    // Its page closed: still listed, but with no stream to receive a reload, none is said to be sent.
    await eventually(
      async () => (await screens(wallboard)).screens.every((s) => !s.streamOpen),
      'both streams closed',
    );
    expect(await (await post(wallboard, '/api/v1/displays/reload', { key: `b:${BROWSER}` })).json()).toEqual({
      sent: [],
    });
    expect(await (await post(wallboard, '/api/v1/displays/reload', { board: 'lobby' })).json()).toEqual({
      sent: [],
    });
  });
});

describe('new screens', () => {
  it('are taken 200 at once from one client, then one each 30 s: one script cannot fill the registry', async () => {
    const wallboard = await start({ TRUSTED_PROXIES: '127.0.0.1' });
    const from = (client: string, id: string) =>
      fetch(`${wallboard.url}/api/v1/displays/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        body: JSON.stringify(report({ id })),
      });
    const id = (n: number) => `0badc0de-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const statuses = [];
    for (let n = 0; n < 201; n += 1) statuses.push((await from('198.51.100.7', id(n))).status);
    expect(statuses.filter((status) => status === 204)).toHaveLength(200);
    const refused = await from('198.51.100.7', id(201));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.json()).toMatchObject({ code: 'too_many_new_screens' });
    // Another client still adds its own.
    expect((await from('198.51.100.8', id(500))).status).toBe(204);
    expect((await screens(wallboard)).screens).toHaveLength(201);
  });

  it('come back to a client one each 30 s, up to 200', () => {
    let now = 0;
    const allowance = new NewScreenAllowance(() => now);
    const add = (client: string) => {
      if (!allowance.allows(client)) return false;
      allowance.take(client);
      return true;
    };
    for (let n = 0; n < 200; n += 1) expect(add('a')).toBe(true);
    expect(add('a')).toBe(false);
    now += 29_000;
    expect(add('a')).toBe(false);
    now += 1_000;
    expect([add('a'), add('a')]).toEqual([true, false]);
    now += 24 * 3600_000;
    for (let n = 0; n < 200; n += 1) expect(add('a')).toBe(true);
    expect(add('a')).toBe(false);
    expect(add('b')).toBe(true);
  });

  it('are counted by their streams too: a script opening streams with made-up ids cannot fill the registry', async () => {
    const wallboard = await start({ TRUSTED_PROXIES: '127.0.0.1' });
    const id = (n: number) => `5ca1ab1e-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const streamFrom = async (client: string, screen: string) => {
      const abort = new AbortController();
      const response = await fetch(`${wallboard.url}/api/v1/stream?screen=${screen}`, {
        signal: abort.signal,
        headers: { 'x-forwarded-for': client },
      });
      abort.abort();
      await response.body?.cancel().catch(() => undefined);
    };
    for (let n = 0; n < 205; n += 1) await streamFrom('198.51.100.9', id(n));
    // Each stream served, but only 200 screens followed; and then its reports are refused as new screens.
    await eventually(
      async () => (await screens(wallboard)).screens.length === 200,
      'the streams to be followed',
    );
    const refused = await fetch(`${wallboard.url}/api/v1/displays/report`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.9' },
      body: JSON.stringify(report({ id: id(300) })),
    });
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([
      429,
      'too_many_new_screens',
    ]);
  });
});

describe('who may report and command', () => {
  const tokensFile = join(dir, 'display-tokens.yaml');

  it('lets a display token report only as itself, and only supervisors see or command screens', async () => {
    writeFileSync(
      tokensFile,
      [
        'tokens:',
        `  - { id: dana, role: supervisor, name: Dana Scully, sha256: ${hashToken(supervisorToken)} }`,
        `  - { id: lobby-tv, role: display, board: all, sha256: ${hashToken(displayToken)} }`,
        '',
      ].join('\n'),
    );
    const wallboard = await start({
      ACCESS_MODE: 'tokens',
      DISPLAY_TOKENS_FILE: tokensFile,
      SESSION_SECRET: SECRET,
      SCREEN_REPORT_INTERVAL_MS: '2000',
    });
    const display = await signIn(wallboard, displayToken);
    const supervisor = await signIn(wallboard, supervisorToken);
    expect((await post(wallboard, '/api/v1/displays/report', report())).status).toBe(401);

    // The supervisor's laptop reports as its browser.
    expect((await post(wallboard, '/api/v1/displays/report', report(), supervisor)).status).toBe(204);
    // The display token names that browser's id: it still reports as lobby-tv, and the laptop's entry is untouched.
    const claimed = await post(
      wallboard,
      '/api/v1/displays/report',
      report({ heapBytes: 1, view: 'embed' }),
      display,
    );
    expect(claimed.status).toBe(204);
    const listed = (await screens(wallboard, supervisor)).screens;
    expect(listed.map((s) => [s.key, s.view])).toEqual(
      expect.arrayContaining([
        ['t:lobby-tv', 'embed'],
        [`b:${BROWSER}`, 'wall'],
      ]),
    );
    expect(listed.find((s) => s.key === `b:${BROWSER}`)?.heapBytes).toBe(12_000_000);
    expect(listed.find((s) => s.key === 't:lobby-tv')?.name).toBe('lobby-tv');

    // A display token's stream is its own screen's, whatever ?screen= says.
    const stream = openStream(wallboard, `?board=all&screen=${BROWSER}`, display);
    await eventually(
      async () =>
        (await screens(wallboard, supervisor)).screens.find((s) => s.key === 't:lobby-tv')?.streamOpen ===
        true,
      'the display token’s stream',
    );
    expect(
      (await screens(wallboard, supervisor)).screens.find((s) => s.key === `b:${BROWSER}`)?.streamOpen,
    ).toBe(false);
    await stream.close();

    const seen = await fetch(`${wallboard.url}/api/v1/displays`, { headers: { cookie: display } });
    expect(seen.status).toBe(403);
    expect(await seen.json()).toMatchObject({ code: 'supervisor_required' });
    expect((await post(wallboard, '/api/v1/displays/reload', { board: 'all' }, display)).status).toBe(403);
    // Limited to board all, it cannot claim to show another.
    const elsewhere = await post(wallboard, '/api/v1/displays/report', report({ board: 'sales' }), display);
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toMatchObject({ code: 'board_not_allowed' });
    expect(
      (await post(wallboard, '/api/v1/displays/t:lobby-tv', { name: 'x' }, display, 'PATCH')).status,
    ).toBe(403);
    expect(
      (await post(wallboard, '/api/v1/displays/t:lobby-tv', { name: 'Lobby' }, supervisor, 'PATCH')).status,
    ).toBe(200);
  });
});

describe('long ids', () => {
  it('lets a screen whose token and board have long ids report, and a supervisor reload it by either', async () => {
    // The configuration and the token file take ids of any length; a screen's key is its token's id.
    const id = `reception-${'x'.repeat(60)}`;
    const board = `ground-floor-${'y'.repeat(60)}`;
    const configFile = join(dir, 'long-ids.yaml');
    writeFileSync(
      configFile,
      `boards:\n  - { id: ${board}, title: Ground floor }\n  - { id: top-floor, title: Top floor }\n`,
    );
    // A supervisor limited to the ground floor and a board since removed from the configuration.
    const limitedToken = 'limited-supervisor-token-with-enough-entropy-0004';
    const tokensFile = join(dir, 'long-ids-tokens.yaml');
    writeFileSync(
      tokensFile,
      [
        'tokens:',
        `  - { id: dana, role: supervisor, name: Dana Scully, sha256: ${hashToken(supervisorToken)} }`,
        `  - { id: ${id}, role: display, board: ${board}, sha256: ${hashToken(displayToken)} }`,
        `  - { id: lee, role: supervisor, name: Lee, boards: [${board}, old-floor], sha256: ${hashToken(limitedToken)} }`,
        '',
      ].join('\n'),
    );
    const wallboard = await start({
      ACCESS_MODE: 'tokens',
      DISPLAY_TOKENS_FILE: tokensFile,
      WALLBOARD_CONFIG: configFile,
      SESSION_SECRET: SECRET,
      SCREEN_REPORT_INTERVAL_MS: '2000',
    });
    const display = await signIn(wallboard, displayToken);
    const supervisor = await signIn(wallboard, supervisorToken);
    const stream = openStream(wallboard, `?board=${board}`, display);
    const reported = await post(wallboard, '/api/v1/displays/report', report({ board }), display);
    expect(reported.status, await reported.text()).toBe(204);
    await eventually(
      async () =>
        (await screens(wallboard, supervisor)).screens.find((s) => s.key === `t:${id}`)?.streamOpen === true,
      'the screen and its stream',
    );
    for (const target of [{ key: `t:${id}` }, { board }]) {
      const reload = await post(wallboard, '/api/v1/displays/reload', target, supervisor);
      expect(reload.status, await reload.clone().text()).toBe(200);
      expect(await reload.json()).toEqual({ sent: [`t:${id}`] });
    }
    await eventually(async () => stream.commands().length === 2, 'both reloads down the stream');
    await stream.close();
    // A board that is no more is said to be unknown, naming only the boards the caller may command.
    const limited = await signIn(wallboard, limitedToken);
    const gone = await post(wallboard, '/api/v1/displays/reload', { board: 'old-floor' }, limited);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({
      code: 'unknown_board',
      detail: `board: "old-floor" is not a board of the configuration (${board}).`,
    });
  });
});

describe('screen alert rules', () => {
  let hook: Server | undefined;
  afterAll(() => hook?.close());

  it('raise an alert with the board’s webhook when a named screen stays disconnected', async () => {
    const received: string[] = [];
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(body);
        res.end('ok');
      });
    }).listen(0, '127.0.0.1');
    await once(hook, 'listening');
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const configFile = join(dir, 'screen-alerts.yaml');
    writeFileSync(
      configFile,
      [
        'boards:',
        '  - id: all',
        '    title: All',
        `    webhook: { url: "${hookUrl}" }`,
        'screenAlerts:',
        '  - id: screen-down',
        '    states: [disconnected]',
        '    minutes: 0.05',
        '',
      ].join('\n'),
    );
    const wallboard = await start({
      WALLBOARD_CONFIG: configFile,
      POLL_INTERVAL_MS: '1000',
      SCREEN_REPORT_INTERVAL_MS: '2000',
    });
    const stream = openStream(wallboard, `?screen=${BROWSER}`);
    await post(wallboard, '/api/v1/displays/report', report({ board: 'all' }));
    await post(wallboard, `/api/v1/displays/b:${BROWSER}`, { name: 'Reception TV' }, '', 'PATCH');
    await stream.close();
    await eventually(async () => Promise.resolve(received.length > 0), 'the webhook', 15_000);
    expect(received[0]).toMatch(
      /CRITICAL: Screen disconnected on screen Reception TV is 0:0\d \(limit 0:03\)/,
    );
    const alerts = (await (await fetch(`${wallboard.url}/api/v1/alerts`)).json()) as {
      alerts: { ruleId: string; subject?: string }[];
    };
    expect(alerts.alerts.map((a) => a.ruleId)).toContain('screen-down');
    // Named for the alert list as for the webhook, not by the screen's key.
    expect(alerts.alerts.find((a) => a.ruleId === 'screen-down')?.subject).toBe('screen Reception TV');
  });
});

describe('a restart of the one replica', () => {
  it('keeps the screens, their names and a raised screen alert while the screen stays dark', async () => {
    const configFile = join(dir, 'restart-alerts.yaml');
    writeFileSync(
      configFile,
      ['screenAlerts:', '  - id: screen-down', '    states: [disconnected]', '    minutes: 0.05', ''].join(
        '\n',
      ),
    );
    // The same data and history directories for both processes, as a restart on one host has.
    const env = {
      WALLBOARD_CONFIG: configFile,
      POLL_INTERVAL_MS: '1000',
      SCREEN_REPORT_INTERVAL_MS: '2000',
      DATA_DIR: mkdtempSync(join(dir, 'data-')),
      HISTORY_DIR: mkdtempSync(join(dir, 'history-')),
    };
    const before = await start(env);
    const stream = openStream(before, `?screen=${BROWSER}`);
    await post(before, '/api/v1/displays/report', report({ board: 'all' }));
    await post(before, `/api/v1/displays/b:${BROWSER}`, { name: 'Reception TV' }, '', 'PATCH');
    await stream.close();
    const alertsOf = async (wallboard: RunningWallboard) =>
      (
        (await (await fetch(`${wallboard.url}/api/v1/alerts`)).json()) as {
          alerts: { id: string; ruleId: string }[];
        }
      ).alerts;
    let raised = '';
    await eventually(async () => {
      raised = (await alertsOf(before)).find((alert) => alert.ruleId === 'screen-down')?.id ?? '';
      return raised !== '';
    }, 'the screen alert');
    await before.stop();
    suite.running.splice(suite.running.indexOf(before), 1);

    const restartedAt = Date.now();
    const after = await start(env);
    const [screen] = (await screens(after)).screens;
    expect(screen).toMatchObject({
      key: `b:${BROWSER}`,
      name: 'Reception TV',
      state: 'disconnected',
      board: 'all',
    });
    // Once the rules have stepped on figures fetched by this process, the alert raised before is still raised.
    await eventually(async () => {
      // 503 until the first snapshot.
      const answer = await fetch(`${after.url}/api/v1/snapshot`);
      if (!answer.ok) return false;
      const snapshot = (await answer.json()) as Snapshot;
      return Date.parse(snapshot.sections.queues.fetchedAt ?? '') > restartedAt;
    }, 'a poll of the restarted process');
    expect((await alertsOf(after)).map((alert) => alert.id)).toContain(raised);
    const { events } = (await (await fetch(`${after.url}/api/v1/alerts/history`)).json()) as {
      events: AlertEvent[];
    };
    expect(events.filter((event) => event.alertId === raised).map((event) => event.kind)).toEqual(['raised']);
  });
});

describe('several replicas', () => {
  let redis: TestRedis | undefined;
  afterAll(async () => redis?.stop());

  it('show a screen on any replica on every replica, and carry a reload to the replica holding its stream', async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, SCREEN_REPORT_INTERVAL_MS: '2000', LEASE_MS: '1500' };
    const a = await start(env);
    const b = await start(env);
    const stream = openStream(b, `?screen=${BROWSER}`);
    // The report goes to the other replica, as a load balancer may send it.
    expect((await post(a, '/api/v1/displays/report', report({ board: 'all' }))).status).toBe(204);
    for (const replica of [a, b])
      await eventually(
        async () =>
          (await screens(replica)).screens.find((s) => s.key === `b:${BROWSER}`)?.streamOpen === true,
        'the screen with its stream on both replicas',
      );
    expect(await (await post(a, '/api/v1/displays/reload', { key: `b:${BROWSER}` })).json()).toEqual({
      sent: [`b:${BROWSER}`],
    });
    await eventually(
      async () => Promise.resolve(stream.commands().length === 1),
      'the reload on replica b’s stream',
    );
    await stream.close();
    await eventually(
      async () => (await screens(a)).screens.find((s) => s.key === `b:${BROWSER}`)?.state === 'disconnected',
      'the closed stream to show on replica a',
    );
  });
});
