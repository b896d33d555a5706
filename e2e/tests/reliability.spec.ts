import type { Page } from '@playwright/test';
import { expect, test } from '../support/test.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * What a supervisor sees when things go wrong. Each case states it and asserts it in a real browser against the
 * real server: no blank wall, stale shown as stale, recovery by itself, and no reload needed.
 */

let server: TestServer;

test.beforeAll(async () => {
  server = await startTestServer({ STALE_AFTER_MS: '5000', SIMULATOR_QUEUES: '12', SIMULATOR_AGENTS: '60' });
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
  // The wall held on its first page, the queues' tiles, for the whole test: a turn to its agents or its chart
  // would take the tiles off the screen, restart or none.
  await page.goto(`${server.url}/?view=wall&rotate=3600`);
  const tiles = page.locator('[data-queue-id]');
  await expect(tiles).toHaveCount(12);
  // The page whole, its chart's code too: a chunk whose load the restart cuts short is kept failed by Chromium
  // for the page's life, and the page loads itself again for it once the server answers (lazyRetried.tsx), by
  // design. What this test holds is a page already loaded.
  await expect(page.locator('.wall-chart .recharts-wrapper')).toBeAttached({ timeout: 15_000 });
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
