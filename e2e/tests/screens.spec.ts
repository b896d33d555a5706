import { utimesSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from '../support/test.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The screens themselves: three real browser screens, one frozen (its page stops running while its stream stays
 * open), one left on an old build, one closed. The supervisor's Screens page shows each in its state within
 * 30 s, and a reload sent from there brings the old build up to date.
 */
const versionModule = fileURLToPath(new URL('../../server/dist/version.js', import.meta.url));

let server: TestServer;

test.beforeAll(async () => {
  server = await startTestServer({
    SIMULATOR_QUEUES: '6',
    SIMULATOR_AGENTS: '20',
    POLL_INTERVAL_MS: '1000',
    // Fast reports, so silence shows within seconds.
    SCREEN_REPORT_INTERVAL_MS: '2000',
  });
});
test.afterAll(async () => {
  await server?.stop();
});

async function openScreen(browser: Browser, query: string): Promise<{ page: Page; key: string }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  // The laptop loads its chart's code once the figures are in: wait for it, so the restart below does not land
  // in the middle of that load (the chart would then fail to draw until a reload: an error state, rightly).
  const chart = query.includes('laptop')
    ? page.waitForResponse((response) => /ServiceLevelChart-[^/]*\.js$/.test(response.url()))
    : null;
  await page.goto(`${server.url}/${query}`);
  await chart;
  await expect(page.locator('[data-generation]')).toHaveAttribute('data-generation', /\d+/);
  const id = await page.evaluate(() => window.localStorage.getItem('switchboard.screen'));
  expect(id).toMatch(/^[A-Za-z0-9-]{20,40}$/);
  return { page, key: `b:${id ?? ''}` };
}

const row = (page: Page, key: string) => page.locator(`[data-testid="screen-row"][data-key="${key}"]`);

test('the Screens page shows a frozen, an old-build and a closed screen as such, and a reload upgrades the old one', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  // A laptop left open across an upgrade keeps the build it loaded (a wall would reload itself).
  const old = await openScreen(browser, '?view=laptop');
  // It has reported once on the build it loaded.
  await old.page.waitForResponse((response) => response.url().endsWith('/api/v1/displays/report'));
  // What its error boundaries catch, if anything, is named in a failure.
  const drawErrors: string[] = [];
  old.page.on('console', (message) => {
    if (message.type() === 'error' && message.text().startsWith('Could not draw'))
      drawErrors.push(message.text().split('\n')[0] ?? '');
  });
  const before = (await (await fetch(`${server.url}/api/v1/snapshot`)).json()) as { serverBuild: string };
  utimesSync(versionModule, new Date(), new Date());
  await server.restart();
  const after = (await (await fetch(`${server.url}/api/v1/snapshot`)).json()) as { serverBuild: string };
  expect(after.serverBuild).not.toBe(before.serverBuild);

  const frozen = await openScreen(browser, '?view=wall');
  const closed = await openScreen(browser, '?view=wall');
  const supervisor = await openScreen(browser, '?view=screens');
  // Each has reported: the two walls as healthy, the laptop as healthy or already on an old build.
  for (const screen of [old, frozen, closed])
    await expect(row(supervisor.page, screen.key))
      .toHaveAttribute('data-state', screen === old ? /^(healthy|old-build)$/ : 'healthy', {
        timeout: 30_000,
      })
      .catch((error: unknown) => {
        console.log(`the laptop's error boundaries caught: ${drawErrors.join('; ') || 'nothing'}`);
        throw error;
      });

  // Freeze one: its page stops running (paused in the debugger); its stream socket stays open.
  const cdp = await frozen.page.context().newCDPSession(frozen.page);
  await cdp.send('Debugger.enable');
  await cdp.send('Debugger.pause');
  // Close another.
  await closed.page.context().close();
  const changedAt = Date.now();

  await expect(row(supervisor.page, old.key))
    .toHaveAttribute('data-state', 'old-build', { timeout: 30_000 })
    .catch((error: unknown) => {
      console.log(`the laptop's error boundaries caught: ${drawErrors.join('; ') || 'nothing'}`);
      throw error;
    });
  await expect(row(supervisor.page, old.key).getByTestId('screen-build')).toHaveText(before.serverBuild);
  await expect(row(supervisor.page, closed.key)).toHaveAttribute('data-state', 'disconnected', {
    timeout: 30_000 - (Date.now() - changedAt),
  });
  await expect(row(supervisor.page, frozen.key)).toHaveAttribute('data-state', 'frozen', {
    timeout: Math.max(1000, 30_000 - (Date.now() - changedAt)),
  });
  console.log(`frozen, old build and closed all shown within ${Date.now() - changedAt} ms`);
  // Worst first: the closed screen, then the frozen one, then the old build.
  const order = await supervisor.page
    .locator('[data-testid="screen-row"]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
  expect(order.indexOf(closed.key)).toBeLessThan(order.indexOf(frozen.key));
  expect(order.indexOf(frozen.key)).toBeLessThan(order.indexOf(old.key));

  // A remote reload: pushed over the old screen's stream, it loads the current build.
  await old.page.evaluate(() => {
    (window as unknown as { beforeReload: boolean }).beforeReload = true;
  });
  const reloaded = old.page.waitForEvent('load', { timeout: 15_000 });
  await row(supervisor.page, old.key).getByRole('button', { name: 'Reload' }).click();
  await expect(supervisor.page.getByTestId('screens-notice')).toHaveText('Reload sent to 1 screen.');
  await reloaded;
  expect(await old.page.evaluate(() => (window as unknown as { beforeReload?: boolean }).beforeReload)).toBe(
    undefined,
  );
  await expect(row(supervisor.page, old.key)).toHaveAttribute('data-state', 'healthy', { timeout: 30_000 });
  await expect(row(supervisor.page, old.key).getByTestId('screen-build')).toHaveText(after.serverBuild);

  // A supervisor names a screen.
  await row(supervisor.page, old.key).getByRole('button', { name: 'Rename' }).click();
  await supervisor.page.getByLabel(/Name of screen/).fill('Reception laptop');
  await supervisor.page.getByRole('button', { name: 'Save' }).click();
  await expect(row(supervisor.page, old.key).locator('.screens-name')).toHaveText('Reception laptop');

  await cdp.send('Debugger.resume').catch(() => undefined);
  for (const screen of [old, frozen, supervisor]) await screen.page.context().close();
});
