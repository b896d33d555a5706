import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Alert, AlertEvent, DisplaysResponse, PublicConfig, Snapshot } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import type { RunningWallboard } from '../src/main.js';
import { wallboardConfigSchema } from '../src/config/schema.js';
import { SESSION_COOKIE } from '../src/security/access.js';
import { userBoards } from '../src/security/boardScope.js';
import { SessionSigner } from '../src/security/sessions.js';
import { hashToken, parseTokenFile, tokenEntrySchema } from '../src/security/tokens.js';
import { eventually, securitySuite, signIn } from './support/securitySuite.js';
import { waitFor } from './support/wallboard.js';

/**
 * The board as an access scope, against the real server and the simulator: a display token made for one board,
 * a supervisor limited to two, an unlimited supervisor, users behind a proxy limited by the configuration, and
 * an edit of the token file applied to a screen already signed in.
 */
const suite = securitySuite();
const { start, dir } = suite;

const lobbyTv = 'board-scope-display-token-with-entropy-0000000001';
const sam = 'board-scope-supervisor-token-with-entropy-00000002';
const dana = 'board-scope-supervisor-token-with-entropy-00000003';
const editTv = 'board-scope-display-token-with-entropy-0000000004';

const configYaml = (others: string) =>
  [
    'boards:',
    '  - { id: all, title: Everything }',
    '  - { id: lobby, title: Lobby, queues: [Sales] }',
    '  - { id: support, title: Support desk, queues: [Support] }',
    // Fires at once on every queue: every queue has an alert.
    'alerts:',
    '  - { id: anything, metric: CONTACTS_IN_QUEUE, value: 0 }',
    'access:',
    '  users:',
    '    alice@example.com: [support]',
    '    Bob@Example.com: all',
    `  others: ${others}`,
    '',
  ].join('\n');

const configFile = join(dir, 'scope-wallboard.yaml');
const tokensFile = join(dir, 'scope-tokens.yaml');

function writeTokens(editTvScope: string): void {
  writeFileSync(
    tokensFile,
    [
      'tokens:',
      `  - { id: lobby-tv, role: display, board: lobby, sha256: ${hashToken(lobbyTv)} }`,
      `  - { id: sam, role: supervisor, name: Sam, boards: [lobby, support], sha256: ${hashToken(sam)} }`,
      `  - { id: dana, role: supervisor, name: Dana, sha256: ${hashToken(dana)} }`,
      `  - { id: edit-tv, role: display, ${editTvScope}, sha256: ${hashToken(editTv)} }`,
      '',
    ].join('\n'),
  );
}

interface Problem {
  status: number;
  code: string;
  detail: string;
}

/** A GET with the given headers; streams are cancelled once their headers are in. */
async function get(wallboard: RunningWallboard, path: string, headers: Record<string, string>) {
  const response = await fetch(`${wallboard.url}${path}`, { headers, redirect: 'manual' });
  if (path.startsWith('/api/v1/stream')) {
    if (response.status !== 200) {
      const problem = (await response.json()) as Problem;
      return { status: response.status, problem, body: problem as unknown };
    }
    await response.body?.cancel();
    return { status: response.status, problem: null, body: null as unknown };
  }
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : null;
  return { status: response.status, problem: body as Problem, body };
}

/** A stream held open, read as it comes, until the server ends it. */
async function openStream(wallboard: RunningWallboard, path: string, headers: Record<string, string>) {
  const response = await fetch(`${wallboard.url}${path}`, { headers });
  expect(response.status, path).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  })()
    .catch(() => undefined)
    .finally(() => {
      ended = true;
    });
  await eventually(async () => text.includes('event: snapshot'), `the first view of ${path}`);
  return { ended: () => ended, close: () => reader.cancel().catch(() => undefined) };
}

async function expectRefused(
  wallboard: RunningWallboard,
  path: string,
  headers: Record<string, string>,
  detail: RegExp,
  code = 'board_not_allowed',
): Promise<void> {
  const { status, problem } = await get(wallboard, path, headers);
  expect(status, path).toBe(403);
  expect(problem?.code, path).toBe(code);
  expect(problem?.detail, path).toMatch(detail);
}

async function startScoped(extra: Record<string, string> = {}) {
  const wallboard = await start({
    WALLBOARD_CONFIG: configFile,
    POLL_INTERVAL_MS: '1000',
    ...extra,
  });
  return wallboard;
}

/** The queue ids of the simulator's Sales and Support queues, once the first poll has listed them. */
async function queueIds(wallboard: RunningWallboard, headers: Record<string, string>) {
  const snapshot = await waitFor(async () => {
    const { status, body } = await get(wallboard, '/api/v1/snapshot?board=all', headers);
    return status === 200 ? (body as Snapshot) : undefined;
  }, 'the first snapshot');
  const idOf = (name: string) => {
    const queue = snapshot.queues.find((q) => q.name === name);
    if (!queue) throw new Error(`the simulator has no ${name} queue`);
    return queue.id;
  };
  return { sales: idOf('Sales'), support: idOf('Support'), all: snapshot.queues.map((q) => q.id) };
}

async function alertsOf(wallboard: RunningWallboard, query: string, headers: Record<string, string>) {
  const { status, body } = await get(wallboard, `/api/v1/alerts${query}`, headers);
  expect(status, query).toBe(200);
  return (body as { alerts: Alert[] }).alerts;
}

describe('a board-scoped display token', () => {
  it('reads its board on every endpoint, and is refused every other board, a whole instance and no board', async () => {
    writeFileSync(configFile, configYaml('all'));
    writeTokens('board: lobby');
    const wallboard = await startScoped({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const unlimited = { cookie: await signIn(wallboard, dana) };
    const ids = await queueIds(wallboard, unlimited);

    // Opened with its token, the screen lands on its board.
    const exchange = await fetch(`${wallboard.url}/?view=wall&token=${lobbyTv}`, { redirect: 'manual' });
    expect(exchange.headers.get('location')).toBe('/?view=wall&board=lobby');
    const tv = { cookie: (exchange.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };

    const lobby = await get(wallboard, '/api/v1/snapshot?board=lobby', tv);
    expect(lobby.status).toBe(200);
    // The board's view: its one queue, and no figure of another queue anywhere in it.
    const view = lobby.body as Snapshot;
    expect(view.board).toBe('lobby');
    expect(view.queues.map((queue) => queue.id)).toEqual([ids.sales]);
    expect(Object.keys(view.intraday.queues).every((id) => id === ids.sales)).toBe(true);
    expect(view.alerts.every((alert) => alert.queueId === ids.sales || alert.queueId === null)).toBe(true);
    expect(view).not.toHaveProperty('boardStates');
    expect((await get(wallboard, '/api/v1/stream?board=lobby', tv)).status).toBe(200);
    expect((await get(wallboard, `/api/v1/intraday/${ids.sales}?board=lobby`, tv)).status).toBe(200);
    await eventually(
      async () => (await alertsOf(wallboard, '?board=lobby', tv)).length > 0,
      "the lobby's alerts",
    );
    const lobbyAlerts = await alertsOf(wallboard, '?board=lobby', tv);
    expect(lobbyAlerts.every((alert) => alert.queueId === ids.sales || alert.queueId === null)).toBe(true);
    const history = await get(wallboard, '/api/v1/alerts/history?board=lobby', tv);
    expect(history.status).toBe(200);
    const events = (history.body as { events: AlertEvent[] }).events;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.queueId === ids.sales || event.queueId === null)).toBe(true);
    // The same alerts, unfiltered, cover other queues: the filter is doing the work.
    const everyAlert = await alertsOf(wallboard, '?board=all', unlimited);
    expect(new Set(everyAlert.map((alert) => alert.queueId)).size).toBeGreaterThan(1);

    const config = (await get(wallboard, '/api/v1/config', tv)).body as PublicConfig;
    expect(config.boards.map((board) => board.id)).toEqual(['lobby']);
    expect(config.defaultBoardId).toBe('lobby');

    const onlyLobby = /^this screen's token reads board lobby only.*: open \?board=lobby\.$/;
    for (const path of [
      '/api/v1/snapshot?board=support',
      '/api/v1/snapshot?instance=default',
      '/api/v1/snapshot?board=lobby&instance=default',
      '/api/v1/snapshot',
      '/api/v1/stream?board=support',
      '/api/v1/stream?instance=default',
      '/api/v1/stream',
      `/api/v1/intraday/${ids.sales}?board=support`,
      `/api/v1/intraday/${ids.sales}`,
      '/api/v1/alerts?board=all',
      '/api/v1/alerts',
      '/api/v1/alerts/history?board=support',
    ])
      await expectRefused(wallboard, path, tv, onlyLobby);
    await expectRefused(wallboard, '/api/v1/snapshot?board=support', tv, /not support/);
    await expectRefused(wallboard, '/api/v1/snapshot?instance=default', tv, /not a whole instance/);
    // Another board's queue, through its own board.
    await expectRefused(
      wallboard,
      `/api/v1/intraday/${ids.support}?board=lobby`,
      tv,
      /is not on board lobby/,
      'queue_not_on_board',
    );
    // A board it may not read, whether or not it exists, gets the same answer: no board ids are given away.
    await expectRefused(wallboard, '/api/v1/snapshot?board=no-such-board', tv, onlyLobby);

    // A page opened without a board opens on the screen's own.
    const page = await fetch(`${wallboard.url}/?view=wall`, { headers: tv, redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/?view=wall&board=lobby');
  });
});

describe('a supervisor token limited to two boards', () => {
  it('reads and acknowledges on its boards only', async () => {
    writeFileSync(configFile, configYaml('all'));
    writeTokens('board: lobby');
    const wallboard = await startScoped({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const ids = await queueIds(wallboard, { cookie: await signIn(wallboard, dana) });

    // With no board in the address, the token exchange opens the first of its boards.
    const exchange = await fetch(`${wallboard.url}/?token=${sam}`, { redirect: 'manual' });
    expect(exchange.headers.get('location')).toBe('/?board=lobby');
    const headers = { cookie: (exchange.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };

    for (const board of ['lobby', 'support']) {
      expect((await get(wallboard, `/api/v1/snapshot?board=${board}`, headers)).status).toBe(200);
      expect((await get(wallboard, `/api/v1/stream?board=${board}`, headers)).status).toBe(200);
    }
    expect((await get(wallboard, `/api/v1/intraday/${ids.support}?board=support`, headers)).status).toBe(200);
    const twoBoards =
      /^this token reads boards lobby, support only.*: open one of \?board=lobby, \?board=support\.$/;
    for (const path of [
      '/api/v1/snapshot?board=all',
      '/api/v1/snapshot?instance=default',
      '/api/v1/snapshot',
      '/api/v1/stream?board=all',
      '/api/v1/stream',
      `/api/v1/intraday/${ids.sales}?board=all`,
      '/api/v1/alerts?board=all',
      '/api/v1/alerts',
    ])
      await expectRefused(wallboard, path, headers, twoBoards);
    await expectRefused(
      wallboard,
      `/api/v1/intraday/${ids.sales}?board=support`,
      headers,
      /not on board support/,
      'queue_not_on_board',
    );

    const config = (await get(wallboard, '/api/v1/config', headers)).body as PublicConfig;
    expect(config.boards.map((board) => board.id)).toEqual(['lobby', 'support']);
    // The configuration's default (all) is not one of them: the first of them is.
    expect(config.defaultBoardId).toBe('lobby');

    await eventually(
      async () =>
        (await alertsOf(wallboard, '?board=support', headers)).some((a) => a.queueId === ids.support),
      "the support queue's alert",
    );
    const supportAlerts = await alertsOf(wallboard, '?board=support', headers);
    expect(supportAlerts.every((a) => a.queueId === ids.support || a.queueId === null)).toBe(true);
    const target = supportAlerts.find((a) => a.queueId === ids.support && a.acknowledgedAt === null);
    if (!target) throw new Error('no open alert on the support queue');
    const acknowledge = (board: string) =>
      fetch(`${wallboard.url}/api/v1/alerts/${encodeURIComponent(target.id)}/acknowledge?board=${board}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{}',
      });
    // Through a board of its own that does not show the alert's queue: refused, saying where it is shown.
    const elsewhere = await acknowledge('lobby');
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as Problem).code).toBe('alert_not_on_board');
    const outside = await acknowledge('all');
    expect(outside.status).toBe(403);
    expect(((await outside.json()) as Problem).code).toBe('board_not_allowed');
    // Through its own board: acknowledged, under the supervisor's name.
    const done = await acknowledge('support');
    expect(done.status).toBe(200);
    expect(((await done.json()) as Alert).acknowledgedBy).toBe('Sam');
  });

  it('an unlimited supervisor still reads every board, whole instances and the default', async () => {
    writeFileSync(configFile, configYaml('all'));
    writeTokens('board: lobby');
    const wallboard = await startScoped({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const headers = { cookie: await signIn(wallboard, dana) };
    const ids = await queueIds(wallboard, headers);
    for (const path of [
      '/api/v1/snapshot',
      '/api/v1/snapshot?instance=default',
      '/api/v1/snapshot?board=support',
      '/api/v1/stream',
      '/api/v1/stream?board=lobby',
      `/api/v1/intraday/${ids.support}`,
      `/api/v1/intraday/${ids.support}?board=support`,
      '/api/v1/alerts',
      '/api/v1/alerts/history?instance=default',
    ])
      expect((await get(wallboard, path, headers)).status, path).toBe(200);
    // A board's series are its queues' whoever asks: not a refusal of the supervisor, an answer of the board.
    const notOnBoard = await get(wallboard, `/api/v1/intraday/${ids.support}?board=lobby`, headers);
    expect(notOnBoard.status).toBe(404);
    expect(notOnBoard.problem?.code).toBe('queue_not_on_board');
    await eventually(
      async () =>
        new Set((await alertsOf(wallboard, '', headers)).map((a) => a.queueId)).size === ids.all.length,
      'an alert on every queue',
    );
    // Asked for a board, the answer is the board's: its queues' alerts (and the centre's), whoever asks.
    const onLobby = await alertsOf(wallboard, '?board=lobby', headers);
    expect(onLobby.length).toBeGreaterThan(0);
    expect(onLobby.every((alert) => alert.queueId === ids.sales || alert.queueId === null)).toBe(true);
    const config = (await get(wallboard, '/api/v1/config', headers)).body as PublicConfig;
    expect(config.boards.map((board) => board.id)).toEqual(['all', 'lobby', 'support']);
    expect(config.defaultBoardId).toBe('all');
  });
});

describe("another board's screens", () => {
  /** A write as the page sends it, with the identity's cookie. */
  const send = (wallboard: RunningWallboard, path: string, cookie: string, body: unknown, method = 'POST') =>
    fetch(`${wallboard.url}${path}`, {
      method,
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const report = (id: string | undefined, board: string) => ({
    ...(id === undefined ? {} : { id }),
    view: 'laptop',
    board,
    build: null,
    dataAgeMs: 1000,
    renderAgeMs: 500,
    heapBytes: null,
    errors: 0,
    viewport: { width: 1920, height: 1080 },
    uptimeMs: 60_000,
  });
  const screensOf = async (wallboard: RunningWallboard, cookie: string) => {
    const { status, body } = await get(wallboard, '/api/v1/displays', { cookie });
    expect(status).toBe(200);
    return (body as DisplaysResponse).screens;
  };

  it('cannot be claimed by their browser id, and their alerts go with their own board only', async () => {
    // Any named screen disconnected for a moment raises an alert.
    writeFileSync(
      configFile,
      `${configYaml('all')}screenAlerts:\n  - { id: screen-down, minutes: 0.02, states: [disconnected] }\n`,
    );
    writeTokens('board: lobby');
    const wallboard = await startScoped({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const danaCookie = await signIn(wallboard, dana);
    const samCookie = await signIn(wallboard, sam);

    // Dana's laptop shows board all, which Sam (lobby and support) may not see.
    const danaLaptop = 'dana-laptop-browser-id-000001';
    expect(
      (await send(wallboard, '/api/v1/displays/report', danaCookie, report(danaLaptop, 'all'))).status,
    ).toBe(204);
    expect((await screensOf(wallboard, samCookie)).map((screen) => screen.id)).not.toContain(danaLaptop);

    // Sam naming its id in a report is refused, and says why; the screen is still Dana's, on board all.
    const claimed = await send(wallboard, '/api/v1/displays/report', samCookie, report(danaLaptop, 'lobby'));
    expect(claimed.status).toBe(403);
    expect(((await claimed.json()) as Problem).code).toBe('screen_not_yours');
    // Nor by naming it on a stream: served, but not counted as that screen.
    const stream = await openStream(wallboard, `/api/v1/stream?board=lobby&screen=${danaLaptop}`, {
      cookie: samCookie,
    });
    const held = (await screensOf(wallboard, danaCookie)).find((screen) => screen.id === danaLaptop);
    expect(held).toMatchObject({ board: 'all', streamOpen: false });
    expect((await screensOf(wallboard, samCookie)).map((screen) => screen.id)).not.toContain(danaLaptop);
    await stream.close();
    // A browser id of Sam's own is taken, and listed.
    const samLaptop = 'sam-laptop-browser-id-0000001';
    expect(
      (await send(wallboard, '/api/v1/displays/report', samCookie, report(samLaptop, 'lobby'))).status,
    ).toBe(204);
    expect((await screensOf(wallboard, samCookie)).map((screen) => screen.id)).toContain(samLaptop);

    // The lobby's TV goes dark: its alert goes with the lobby's view and alerts, not the other boards'.
    const tv = await signIn(wallboard, lobbyTv);
    const tvStream = await openStream(wallboard, '/api/v1/stream?board=lobby', { cookie: tv });
    await tvStream.close();
    const screenAlert = (alerts: Alert[]) => alerts.find((alert) => alert.queueId === 'screen:t:lobby-tv');
    await eventually(
      async () => screenAlert(await alertsOf(wallboard, '?board=lobby', { cookie: samCookie })) !== undefined,
      "the lobby TV's screen alert",
    );
    const raised = screenAlert(await alertsOf(wallboard, '?board=lobby', { cookie: samCookie }));
    expect(raised).toMatchObject({ subject: 'screen lobby-tv', board: 'lobby' });
    expect(screenAlert(await alertsOf(wallboard, '?board=support', { cookie: samCookie }))).toBeUndefined();
    // A board of every queue is still another board: its viewers do not see the lobby's screens.
    expect(screenAlert(await alertsOf(wallboard, '?board=all', { cookie: danaCookie }))).toBeUndefined();
    // The whole instance, for whoever may read it, has every alert.
    expect(screenAlert(await alertsOf(wallboard, '', { cookie: danaCookie }))).toBeDefined();
    const viewAlerts = async (board: string) =>
      screenAlert(
        ((await get(wallboard, `/api/v1/snapshot?board=${board}`, { cookie: danaCookie })).body as Snapshot)
          .alerts,
      );
    await eventually(async () => (await viewAlerts('lobby')) !== undefined, "the lobby view's screen alert");
    expect(await viewAlerts('support')).toBeUndefined();
    expect(await viewAlerts('all')).toBeUndefined();
    const history = async (board: string) =>
      (
        (await get(wallboard, `/api/v1/alerts/history?board=${board}`, { cookie: samCookie })).body as {
          events: AlertEvent[];
        }
      ).events.filter((event) => event.queueId === 'screen:t:lobby-tv');
    expect((await history('lobby')).map((event) => [event.kind, event.board])).toEqual([['raised', 'lobby']]);
    expect(await history('support')).toEqual([]);
    // The timeline's markers alike, once the event is recorded.
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const timeline = async (board: string, cookie: string) =>
      (
        (await get(wallboard, `/api/v1/timeline?from=${from}&board=${board}`, { cookie })).body as {
          alerts: AlertEvent[];
        }
      ).alerts.filter((event) => event.queueId === 'screen:t:lobby-tv');
    await eventually(
      async () => (await timeline('lobby', samCookie)).length > 0,
      "the lobby timeline's marker",
    );
    expect(await timeline('support', samCookie)).toEqual([]);
    expect(await timeline('all', danaCookie)).toEqual([]);

    // Acknowledged through another board: refused, whoever asks; through its own: done.
    const acknowledge = (board: string, cookie: string) =>
      send(
        wallboard,
        `/api/v1/alerts/${encodeURIComponent(raised?.id ?? '')}/acknowledge?board=${board}`,
        cookie,
        {},
      );
    for (const [board, cookie] of [
      ['support', samCookie],
      ['all', danaCookie],
    ] as const) {
      const refused = await acknowledge(board, cookie);
      expect(refused.status, board).toBe(403);
      expect(((await refused.json()) as Problem).detail).toMatch(
        /about a screen that was not on board (support|all) when it was raised: acknowledge it from the board/,
      );
    }
    const done = await acknowledge('lobby', samCookie);
    expect(done.status).toBe(200);
    expect(((await done.json()) as Alert).acknowledgedBy).toBe('Sam');
  });
});

describe('a board without charts', () => {
  it('serves no intraday series, as its view carries none, whoever asks', async () => {
    writeFileSync(
      configFile,
      configYaml('all').replace(
        'alerts:',
        '  - { id: numbers, title: Numbers only, queues: [Sales], sections: [queues] }\nalerts:',
      ),
    );
    writeTokens('board: lobby');
    const wallboard = await startScoped({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
    const headers = { cookie: await signIn(wallboard, dana) };
    const ids = await queueIds(wallboard, headers);
    const view = (await get(wallboard, '/api/v1/snapshot?board=numbers', headers)).body as Snapshot;
    expect(view.intraday.queues).toEqual({});
    const refused = await get(wallboard, `/api/v1/intraday/${ids.sales}?board=numbers`, headers);
    expect(refused.status).toBe(404);
    expect(refused.problem?.code).toBe('charts_not_on_board');
    expect(refused.problem?.detail).toMatch(
      /^Board numbers does not show charts.*add charts to this board's sections\.$/,
    );
    // Through a board that shows charts, the same queue's series are served.
    expect((await get(wallboard, `/api/v1/intraday/${ids.sales}?board=lobby`, headers)).status).toBe(200);
  });
});

describe('users behind the proxy', () => {
  it('read the boards the configuration gives them, and an edit of it applies at once', async () => {
    writeFileSync(configFile, configYaml('[lobby]'));
    const wallboard = await startScoped({ ACCESS_MODE: 'proxy', TRUSTED_PROXIES: '127.0.0.1' });
    const as = (user: string) => ({ 'x-forwarded-user': user });
    const boardsOf = async (user: string) =>
      ((await get(wallboard, '/api/v1/config', as(user))).body as PublicConfig).boards.map((b) => b.id);

    // Names are compared without regard to case.
    expect(await boardsOf('ALICE@example.com')).toEqual(['support']);
    expect(await boardsOf('bob@example.com')).toEqual(['all', 'lobby', 'support']);
    expect(await boardsOf('carol@example.com')).toEqual(['lobby']);

    await waitFor(async () => {
      const { status } = await get(wallboard, '/api/v1/snapshot?board=support', as('alice@example.com'));
      return status === 200 ? true : undefined;
    }, "alice's snapshot");
    await expectRefused(
      wallboard,
      '/api/v1/snapshot?board=lobby',
      as('alice@example.com'),
      /^alice@example\.com reads board support only, not lobby: open \?board=support\.$/,
    );
    await expectRefused(wallboard, '/api/v1/stream', as('carol@example.com'), /reads board lobby only/);
    expect((await get(wallboard, '/api/v1/snapshot', as('bob@example.com'))).status).toBe(200);

    // Everyone not listed loses every board: refused at the door, with the fix, and a stream open meanwhile ends.
    const carols = await openStream(wallboard, '/api/v1/stream?board=lobby', as('carol@example.com'));
    const bobs = await openStream(wallboard, '/api/v1/stream?board=lobby', as('bob@example.com'));
    writeFileSync(configFile, configYaml('none'));
    await eventually(
      async () => (await get(wallboard, '/api/v1/config', as('carol@example.com'))).status === 403,
      'the edit of access.others to apply',
    );
    const refused = await get(wallboard, '/api/v1/config', as('carol@example.com'));
    expect(refused.problem?.code).toBe('no_board_allowed');
    expect(refused.problem?.detail).toMatch(/carol@example\.com may read no board.*access\.users/);
    expect(await boardsOf('alice@example.com')).toEqual(['support']);
    await eventually(async () => carols.ended(), "carol's open stream to end");
    expect(bobs.ended()).toBe(false);
    await bobs.close();
  });

  it('by default, without an access section, read every board as before', async () => {
    writeFileSync(
      configFile,
      'boards:\n  - { id: all, title: All }\n  - { id: lobby, title: Lobby, queues: [Sales] }\n',
    );
    const wallboard = await startScoped({ ACCESS_MODE: 'proxy', TRUSTED_PROXIES: '127.0.0.1' });
    const headers = { 'x-forwarded-user': 'anyone' };
    const config = (await get(wallboard, '/api/v1/config', headers)).body as PublicConfig;
    expect(config.boards.map((b) => b.id)).toEqual(['all', 'lobby']);
    await waitFor(async () => {
      const { status } = await get(wallboard, '/api/v1/snapshot', headers);
      return status === 200 ? true : undefined;
    }, 'the snapshot without a board');
  });
});

/** The server with the edit-tv token limited to the lobby, that screen signed in and its first view served. */
async function editTvOnLobby() {
  writeFileSync(configFile, configYaml('all'));
  writeTokens('board: lobby');
  const wallboard = await startScoped({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
  const headers = { cookie: await signIn(wallboard, editTv) };
  await waitFor(async () => {
    const { status } = await get(wallboard, '/api/v1/snapshot?board=lobby', headers);
    return status === 200 ? true : undefined;
  }, 'the lobby snapshot');
  return { wallboard, headers };
}

describe('a token whose boards are edited in the file', () => {
  it('reads what the file says now, on its next request, without signing in again or a restart', async () => {
    const { wallboard, headers } = await editTvOnLobby();
    await expectRefused(wallboard, '/api/v1/snapshot?board=support', headers, /reads board lobby only/);

    writeTokens('boards: [support]');
    await eventually(
      async () => (await get(wallboard, '/api/v1/snapshot?board=support', headers)).status === 200,
      'the widened token to read support',
    );
    await expectRefused(wallboard, '/api/v1/snapshot?board=lobby', headers, /reads board support only/);
    const config = (await get(wallboard, '/api/v1/config', headers)).body as PublicConfig;
    expect(config.boards.map((b) => b.id)).toEqual(['support']);

    // Every board again once the limit is taken out.
    writeTokens('name: Edit');
    await eventually(
      async () => (await get(wallboard, '/api/v1/snapshot', headers)).status === 200,
      'the unlimited token to read the whole instance',
    );
  });
});

describe('a stream already open', () => {
  it('ends once its token no longer reads its board, or is revoked, without waiting for the screen to ask again', async () => {
    const { wallboard, headers } = await editTvOnLobby();
    const lobby = await openStream(wallboard, '/api/v1/stream?board=lobby', headers);
    const others = await openStream(wallboard, '/api/v1/stream?board=lobby', {
      cookie: await signIn(wallboard, lobbyTv),
    });

    // Moved to another board: the lobby's stream ends, and the screen may open the one it reads now.
    writeTokens('boards: [support]');
    await eventually(async () => lobby.ended(), 'the stream of a board the token no longer reads to end');
    const support = await openStream(wallboard, '/api/v1/stream?board=support', headers);
    await expectRefused(wallboard, '/api/v1/stream?board=lobby', headers, /reads board support only/);

    // Revoked: cut off, stream and all.
    writeTokens('boards: [support], revoked: true');
    await eventually(async () => support.ended(), "the revoked token's stream to end");
    expect((await get(wallboard, '/api/v1/stream?board=support', headers)).status).toBe(401);
    // Another screen's stream goes on.
    expect(others.ended()).toBe(false);
    await others.close();
  });
});

describe('a stream whose session expires while it is open', () => {
  it('ends when the session does, not at the next periodic check', async () => {
    const secret = 'board-scope-session-secret-with-entropy-000000000005';
    writeFileSync(configFile, configYaml('all'));
    writeTokens('board: lobby');
    const wallboard = await startScoped({
      ACCESS_MODE: 'tokens',
      DISPLAY_TOKENS_FILE: tokensFile,
      SESSION_SECRET: secret,
      SESSION_TTL_DAYS: '1',
    });
    // A session issued a day less six seconds ago, as the server itself signs them.
    const day = 24 * 3600 * 1000;
    const signer = new SessionSigner(Buffer.from(secret), { ttlMs: day, renewAfterMs: day / 2 });
    const entry = tokenEntrySchema.parse({
      id: 'lobby-tv',
      role: 'display',
      board: 'lobby',
      sha256: hashToken(lobbyTv),
    });
    const headers = { cookie: `${SESSION_COOKIE}=${signer.mint(entry, Date.now() - day + 6000)}` };
    const stream = await openStream(wallboard, '/api/v1/stream?board=lobby', headers);
    expect(stream.ended()).toBe(false);
    await eventually(async () => stream.ended(), 'the stream of the expired session to end', 12_000);
    expect((await get(wallboard, '/api/v1/snapshot?board=lobby', headers)).status).toBe(401);
  });
});

describe("the configuration's refused edit", () => {
  it('is told to supervisors of every board and this machine, only that it was to others, none to a display token', async () => {
    writeFileSync(configFile, configYaml('all'));
    writeTokens('board: lobby');
    const wallboard = await startScoped({
      ACCESS_MODE: 'tokens',
      DISPLAY_TOKENS_FILE: tokensFile,
      TRUSTED_PROXIES: '127.0.0.1',
    });
    // A broken edit, whose error names the file, its keys and its boards: refused, the last good file kept.
    writeFileSync(configFile, `${configYaml('all')}  - { id: private-board, title: 7 }\n`);
    await wallboard.configStore.reload();
    const errorOf = async (headers: Record<string, string>) =>
      ((await get(wallboard, '/api/v1/config', headers)).body as PublicConfig).configError;
    const remote = { 'x-forwarded-for': '203.0.113.9' };
    expect(await errorOf({ ...remote, cookie: await signIn(wallboard, lobbyTv) })).toBeNull();
    expect(await errorOf({ ...remote, cookie: await signIn(wallboard, dana) })).toMatch(
      /scope-wallboard\.yaml/,
    );
    // A supervisor limited to some boards is told of it, not why: why names every board and the file.
    const limited = await errorOf({ ...remote, cookie: await signIn(wallboard, sam) });
    expect(limited).toMatch(/^why is not given here, as it names other boards.*a supervisor of every board/);
    expect(limited).not.toMatch(/scope-wallboard|yaml|lobby|support/);
    expect(await errorOf({ cookie: await signIn(wallboard, lobbyTv) })).toMatch(/scope-wallboard\.yaml/);
    // Nor do /readyz's details reach it (the instances, the same error).
    const ready = async (cookie: string) =>
      (await fetch(`${wallboard.url}/readyz`, { headers: { ...remote, cookie } })).json() as Promise<
        Record<string, unknown>
      >;
    expect(Object.keys(await ready(await signIn(wallboard, sam)))).toEqual(['ready']);
    expect(await ready(await signIn(wallboard, dana))).toHaveProperty('configError');
  });
});

describe('the scope in the files', () => {
  it("refuses a token whose home board is not among its boards, and an access entry naming no board of the file's", () => {
    const sha256 = hashToken('x');
    const token = tokenEntrySchema.safeParse({ id: 'tv', sha256, board: 'lobby', boards: ['support'] });
    expect(token.success).toBe(false);
    expect(token.error?.issues[0]?.message).toMatch(/board lobby is not among boards \(support\)/);
    expect(tokenEntrySchema.safeParse({ id: 'tv', sha256, boards: [] }).error?.issues[0]?.message).toMatch(
      /at least one board id/,
    );

    const config = wallboardConfigSchema.safeParse({
      boards: [{ id: 'lobby', title: 'Lobby' }],
      access: { users: { 'alice@example.com': ['lobbby'] } },
    });
    expect(config.success).toBe(false);
    expect(config.error?.issues[0]).toMatchObject({
      path: ['access', 'users', 'alice@example.com', 0],
      message: 'unknown board "lobbby": it must be one of lobby',
    });
    const twice = wallboardConfigSchema.safeParse({
      access: { users: { 'alice@example.com': 'all', 'Alice@Example.com': 'all' } },
    });
    expect(twice.error?.issues[0]?.message).toMatch(/listed twice/);
    expect(userBoards(wallboardConfigSchema.parse({}), 'anyone')).toBeNull();
  });
});

describe('the token command', () => {
  const file = join(dir, 'cli-scope-tokens.yaml');
  /** Runs the command; `--config-env <file>` (the test's own) runs it with WALLBOARD_CONFIG set to that file. */
  const tokens = (...given: string[]) => {
    const at = given.indexOf('--config-env');
    const config = at >= 0 ? given[at + 1] : undefined;
    const args = at >= 0 ? given.filter((_, i) => i !== at && i !== at + 1) : given;
    const env = { ...process.env };
    delete env.WALLBOARD_CONFIG;
    if (config) env.WALLBOARD_CONFIG = config;
    return spawnSync(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', 'src/security/tokenCli.ts', ...args, '--file', file],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', env },
    );
  };

  it('answers --help with its usage, says a token revoked twice was revoked already, and warns of a board the configuration lacks', () => {
    writeFileSync(file, 'tokens: []\n');
    const help = tokens('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tokens create --id <id>/);
    expect(tokens('create', '--help').status).toBe(0);

    // With the server's WALLBOARD_CONFIG set, a token for a board it lacks is made, and said; without it (the
    // command run without the server's environment), nothing is said.
    const config = join(dir, 'cli-boards.yaml');
    writeFileSync(config, 'boards:\n  - id: lobby\n    title: Lobby\n    queues: [sales]\n');
    const ghost = tokens('create', '--id', 'ghost-tv', '--board', 'ghost', '--config-env', config);
    expect(ghost.status, ghost.stderr).toBe(0);
    expect(ghost.stdout).toMatch(/^Token for ghost-tv \(display, reads ghost only\)/);
    expect(ghost.stderr).toBe(
      `Warning: ghost is not a board of ${config}, whose boards are lobby: a screen on this token is ` +
        'refused until it is added there. The token is made.\n',
    );
    expect(tokens('create', '--id', 'lobby-tv2', '--board', 'lobby', '--config-env', config).stderr).toBe('');
    expect(tokens('create', '--id', 'ghost-tv2', '--board', 'ghost').stderr).toBe('');

    expect(tokens('revoke', '--id', 'ghost-tv').stdout).toMatch(/^Revoked ghost-tv/);
    const twice = tokens('revoke', '--id', 'ghost-tv');
    expect(twice.status).toBe(0);
    expect(twice.stdout).toBe('ghost-tv was revoked already; nothing changed.\n');
  });

  it('creates tokens limited to boards, and refuses unknown flags and empty ids with a clear message', () => {
    writeFileSync(file, 'tokens: []\n');
    const refusals: [string[], RegExp][] = [
      [['create', '--id', 'tv', '--bord', 'lobby'], /Unknown option '--bord'[\s\S]*Usage: tokens create/],
      [
        ['create', '--id', 'tv', '--boards', 'lobby,,sales'],
        /--boards must be board ids separated by commas, none empty/,
      ],
      [['create', '--id', 'tv', '--boards', ''], /--boards must be board ids separated by commas/],
      [['create', '--id', 'tv', '--board', ''], /--board must not be empty/],
      [['create', '--id', ''], /--id must not be empty/],
      [['create', '--id', 'tv', '--boards', 'Lobby'], /--boards "Lobby": a board id is lower-case letters/],
      [['create', '--id', 'tv', '--board', 'Sales_Floor'], /--board: a board id is lower-case letters/],
      [
        ['create', '--id', 'tv', '--board', 'lobby', '--boards', 'sales'],
        /--board: board lobby is not among boards \(sales\)/,
      ],
    ];
    for (const [args, message] of refusals) {
      const result = tokens(...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      // No stack trace: the message is the whole answer.
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
    expect(parseTokenFile(readFileSync(file, 'utf8'), file)).toEqual([]);

    const display = tokens('create', '--id', 'lobby-tv', '--board', 'lobby');
    expect(display.status, display.stderr).toBe(0);
    expect(display.stdout).toMatch(/reads lobby only/);
    const lead = tokens('create', '--id', 'lead', '--role', 'supervisor', '--boards', 'lobby, sales');
    expect(lead.status, lead.stderr).toBe(0);
    expect(parseTokenFile(readFileSync(file, 'utf8'), file)).toEqual([
      expect.objectContaining({ id: 'lobby-tv', role: 'display', board: 'lobby' }),
      expect.objectContaining({ id: 'lead', role: 'supervisor', boards: ['lobby', 'sales'] }),
    ]);
    expect(tokens('list').stdout).toBe(
      'lobby-tv\tdisplay\tlobby\tactive\nlead\tsupervisor\tlobby,sales\tactive\n',
    );

    // An id in use: revoking it does not free it, so the message does not suggest so once it is revoked.
    expect(tokens('create', '--id', 'lead').stderr).toMatch(
      /^A token with id lead exists: pick another id, or revoke it and delete its entry/,
    );
    expect(tokens('revoke', '--id', 'lead').status).toBe(0);
    const again = tokens('create', '--id', 'lead');
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(
      /^A token with id lead exists, revoked: pick another id, or delete its entry/,
    );
  }, 60_000);
});
