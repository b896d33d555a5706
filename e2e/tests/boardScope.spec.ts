import type { PublicConfig } from '@switchboard/shared';
import { startTokensServer, type TestServer } from '../support/server.js';
import { expect, test } from '../support/test.js';

/**
 * A screen whose token was made for one board: it opens that board, and a URL asking for another board gets a
 * clear refusal on the screen (and 403 from the server), not a blank wall.
 */

const lobbyToken = 'e2e-lobby-display-token-with-enough-entropy-00001';
let server: TestServer;
test.beforeAll(async () => {
  server = await startTokensServer(
    'scope',
    [
      'boards:',
      '  - { id: all, title: Contact centre }',
      '  - { id: lobby, title: Lobby, queues: [Sales] }',
      '  - { id: support, title: Support desk, queues: [Support] }',
      '',
    ].join('\n'),
    [{ token: lobbyToken, entry: 'id: lobby-tv, role: display, board: lobby' }],
  );
});
test.afterAll(async () => {
  await server?.stop();
});

test('a board-scoped token opens its board, and is refused, visibly, another board', async ({ page }) => {
  await page.goto(`${server.url}/?token=${lobbyToken}&view=wall`);
  await expect(page).toHaveURL(/[?&]board=lobby(&|$)/);
  await expect(page.locator('.app[data-board="lobby"]')).toBeVisible();
  await expect(page.locator('[data-queue-id]').first()).toBeVisible();
  await expect(page.getByTestId('unknown-board')).toHaveCount(0);
  // The screen learns of its own board only.
  const config = (await (await page.request.get(`${server.url}/api/v1/config`)).json()) as PublicConfig;
  expect(config.boards.map((board) => board.id)).toEqual(['lobby']);

  await page.goto(`${server.url}/?view=wall&board=support`);
  const refusal = page.getByTestId('unknown-board');
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText('cannot show board “support”');
  await expect(refusal).toContainText('?board=lobby');
  // Nothing of the other board is drawn, and no "connecting" spinner hides the reason.
  await expect(page.locator('[data-queue-id]')).toHaveCount(0);
  await expect(page.getByTestId('first-load')).toHaveCount(0);

  const snapshot = await page.request.get(`${server.url}/api/v1/snapshot?board=support`);
  expect(snapshot.status()).toBe(403);
  expect(((await snapshot.json()) as { detail: string }).detail).toBe(
    "this screen's token reads board lobby only, not support: open ?board=lobby.",
  );
});
