import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../support/test.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * What a supervisor sees when things go wrong. Each case states it and asserts it in a real browser against the
 * real server: no blank wall, stale shown as stale, recovery by itself, and no reload needed.
 */

/**
 * A wall of one page, its queues' tiles: nothing turns them off the screen (a wall of several pages turns at
 * least every 19 s here, whatever its `rotate`), and no chart's code loads while the server restarts (a chunk
 * whose load a restart cuts short loads the page again, by design: lazyRetried.tsx).
 */
const config = `
boards:
  - id: lobby
    title: Lobby
    queues: all
    sections: [summary, queues]
`;

let server: TestServer;

test.beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'switchboard-e2e-')), 'wallboard.yaml');
  writeFileSync(file, config);
  server = await startTestServer({
    STALE_AFTER_MS: '5000',
    SIMULATOR_QUEUES: '12',
    SIMULATOR_AGENTS: '60',
    WALLBOARD_CONFIG: file,
  });
});

test.afterAll(async () => {
  await server?.stop();
});

async function dataAsOf(page: Page): Promise<string> {
  return (await page.getByTestId('data-as-of').textContent()) ?? '';
}

test('a server restart with the wall open: the figures stay up, and it catches up without a reload', async ({
  page,
}) => {
  await page.goto(`${server.url}/?view=wall&board=lobby`);
  const tiles = page.locator('[data-queue-id]');
  await expect(tiles).toHaveCount(12);
  await expect(page.getByTestId('page-indicator')).toHaveCount(0);
  await page.evaluate(() => {
    (window as unknown as { reloadMarker: string }).reloadMarker = 'still the same page';
  });
  const before = await dataAsOf(page);

  await server.restart();
  // The server was away: the wall kept every tile while it reconnected.
  await expect(tiles).toHaveCount(12);

  // It catches up with the new process by itself: newer data, and the very same page (no reload).
  await expect.poll(() => dataAsOf(page), { timeout: 20_000 }).not.toBe(before);
  expect(await page.evaluate(() => (window as unknown as { reloadMarker?: string }).reloadMarker)).toBe(
    'still the same page',
  );
  await expect(tiles).toHaveCount(12);
});
