import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DisplaysResponse, ScreenSummary } from '@switchboard/shared';
import type { Page } from '@playwright/test';
import { expect, test } from '../support/test.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Two walls in one browser profile (one PC driving two TVs, two kiosk windows): they share the profile's
 * localStorage, where a screen's id is kept, yet each is a screen of its own on the Screens page, showing its own
 * board, and each keeps its id through a reload (docs/screens.md).
 */

let server: TestServer;
test.beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'switchboard-tabs-')), 'wallboard.yaml');
  writeFileSync(
    file,
    [
      'boards:',
      '  - { id: sales, title: Sales floor, queues: [Sales] }',
      '  - { id: support, title: Support desk, queues: [Support] }',
      '',
    ].join('\n'),
  );
  server = await startTestServer({
    WALLBOARD_CONFIG: file,
    SIMULATOR_QUEUES: '6',
    SIMULATOR_AGENTS: '20',
    POLL_INTERVAL_MS: '1000',
    SCREEN_REPORT_INTERVAL_MS: '2000',
  });
});
test.afterAll(async () => {
  await server?.stop();
});

async function openWall(page: Page, board: string): Promise<string> {
  await page.goto(`${server.url}/?view=wall&board=${board}`);
  await expect(page.locator('[data-generation]')).toHaveAttribute('data-generation', /\d+/);
  // The id the tab settled on (it keeps it in its sessionStorage for a reload).
  await expect
    .poll(() => page.evaluate(() => window.sessionStorage.getItem('switchboard.screen.tab')))
    .toMatch(/^[A-Za-z0-9-]{20,40}$/);
  return (await page.evaluate(() => window.sessionStorage.getItem('switchboard.screen.tab'))) ?? '';
}

async function browserScreens(): Promise<ScreenSummary[]> {
  const response = await fetch(`${server.url}/api/v1/displays`);
  expect(response.status).toBe(200);
  const { screens } = (await response.json()) as DisplaysResponse;
  return screens.filter((screen) => screen.kind === 'browser');
}

/** The browser screens by id, each with its board and whether its stream is open. */
async function shown(): Promise<Record<string, string>> {
  const entries = (await browserScreens()).map((screen) => [
    screen.id,
    `${screen.board ?? 'none'}${screen.streamOpen ? '' : ' (stream closed)'}`,
  ]);
  return Object.fromEntries(entries);
}

test('two walls in one browser are two screens, each on its own board, and each keeps its id through a reload', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const sales = await context.newPage();
  const support = await context.newPage();
  const salesId = await openWall(sales, 'sales');
  const supportId = await openWall(support, 'support');
  expect(supportId).not.toBe(salesId);
  // The first tab holds the browser's own id, as a single wall always has.
  expect(await sales.evaluate(() => window.localStorage.getItem('switchboard.screen'))).toBe(salesId);

  const expected = { [salesId]: 'sales', [supportId]: 'support' };
  await expect.poll(shown, { timeout: 20_000 }).toEqual(expected);
  // Several reports later, neither has flipped to the other's board.
  await support.waitForTimeout(5000);
  expect(await shown()).toEqual(expected);

  // A reload keeps each tab's id: still two screens, not a third.
  expect(await openWall(support, 'support')).toBe(supportId);
  expect(await openWall(sales, 'sales')).toBe(salesId);
  await expect.poll(shown, { timeout: 20_000 }).toEqual(expected);

  // A third wall in the same browser is a third screen.
  const third = await context.newPage();
  const thirdId = await openWall(third, 'sales');
  expect([salesId, supportId]).not.toContain(thirdId);
  await expect.poll(shown, { timeout: 20_000 }).toEqual({ ...expected, [thirdId]: 'sales' });
  await context.close();
});
