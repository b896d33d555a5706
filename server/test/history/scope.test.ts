import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertEvent, Snapshot } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import type { RunningWallboard } from '../../src/main.js';
import { hashToken } from '../../src/security/tokens.js';
import { eventually, securitySuite, signIn } from '../support/securitySuite.js';

/** The history endpoints under the board scope, as the live ones: a display token made for one board reads it only. */
const suite = securitySuite();
const { start, dir } = suite;

const lobbyTv = 'history-scope-display-token-with-entropy-00000001';
const dana = 'history-scope-supervisor-token-with-entropy-000002';
const configFile = join(dir, 'history-wallboard.yaml');
const tokensFile = join(dir, 'history-tokens.yaml');
writeFileSync(
  configFile,
  [
    'boards:',
    '  - { id: all, title: Everything }',
    '  - { id: lobby, title: Lobby, queues: [Sales] }',
    'alerts:',
    '  - { id: anything, metric: CONTACTS_IN_QUEUE, value: 0 }',
    '',
  ].join('\n'),
);
writeFileSync(
  tokensFile,
  [
    'tokens:',
    `  - { id: lobby-tv, role: display, board: lobby, sha256: ${hashToken(lobbyTv)} }`,
    `  - { id: dana, role: supervisor, name: Dana, sha256: ${hashToken(dana)} }`,
    '',
  ].join('\n'),
);

async function get(wallboard: RunningWallboard, path: string, cookie: string) {
  const response = await fetch(`${wallboard.url}${path}`, { headers: { cookie } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('history under the board scope', () => {
  it('answers a board-scoped token for its board only, with its queues and its alerts', async () => {
    const wallboard = await start({
      WALLBOARD_CONFIG: configFile,
      POLL_INTERVAL_MS: '1000',
      ACCESS_MODE: 'tokens',
      DISPLAY_TOKENS_FILE: tokensFile,
      HISTORY_DIR: join(dir, 'history'),
    });
    const tv = await signIn(wallboard, lobbyTv);
    const supervisor = await signIn(wallboard, dana);
    const from = new Date(Date.now() - 1000).toISOString();
    let at = '';
    await eventually(async () => {
      await wallboard.history?.flush();
      at = new Date().toISOString();
      return (await get(wallboard, `/api/v1/snapshot?at=${at}&board=all`, supervisor)).status === 200;
    }, 'a recorded moment');

    const lobby = await get(wallboard, `/api/v1/snapshot?at=${at}&board=lobby`, tv);
    expect(lobby.status).toBe(200);
    expect((lobby.body as unknown as Snapshot).queues.map((queue) => queue.name)).toEqual(['Sales']);
    const all = await get(wallboard, `/api/v1/snapshot?at=${at}&board=all`, supervisor);
    expect((all.body as unknown as Snapshot).queues.length).toBeGreaterThan(1);

    const onlyLobby = /^this screen's token reads board lobby only/;
    for (const path of [
      `/api/v1/snapshot?at=${at}`,
      `/api/v1/snapshot?at=${at}&board=all`,
      `/api/v1/snapshot?at=${at}&instance=default`,
      `/api/v1/timeline?from=${from}`,
      `/api/v1/timeline?from=${from}&board=all`,
    ]) {
      const refused = await get(wallboard, path, tv);
      expect(refused.status, path).toBe(403);
      expect(refused.body.code, path).toBe('board_not_allowed');
      expect(refused.body.detail, path).toMatch(onlyLobby);
    }
    // Without a session, nothing.
    expect((await get(wallboard, `/api/v1/timeline?board=lobby`, '')).status).toBe(401);

    const timeline = await get(wallboard, `/api/v1/timeline?from=${from}&board=lobby`, tv);
    expect(timeline.status).toBe(200);
    const sales = (lobby.body as unknown as Snapshot).queues[0]?.id;
    const events = timeline.body.alerts as AlertEvent[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.queueId === sales || event.queueId === null)).toBe(true);
    const everything = await get(wallboard, `/api/v1/timeline?from=${from}&board=all`, supervisor);
    expect(
      new Set((everything.body.alerts as AlertEvent[]).map((event) => event.queueId)).size,
    ).toBeGreaterThan(1);
  });
});
