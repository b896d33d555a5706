import type { Snapshot } from '@switchboard/shared';
import { startTestServer, type TestServer } from '../support/server.js';
import { expect, test } from '../support/test.js';

/**
 * A centre of more than 100 queues: the snapshot leaves per-queue intraday series out to stay lean, and the
 * laptop's drill-down fetches the chosen queue's series on demand.
 */

let server: TestServer;
test.beforeAll(async () => {
  server = await startTestServer({
    SIMULATOR_QUEUES: '120',
    SIMULATOR_AGENTS: '200',
    SIMULATOR_TIME_OF_DAY: '14:00',
    LOG_LEVEL: 'warn',
  });
});
test.afterAll(async () => {
  await server?.stop();
});

test("a queue's chart in the drill-down, fetched on demand when the snapshot leaves it out", async ({
  page,
}) => {
  let snapshot: Snapshot | undefined;
  await expect
    .poll(
      async () => {
        snapshot = (await (await fetch(`${server.url}/api/v1/snapshot`)).json()) as Snapshot;
        return snapshot.intraday.instance.length;
      },
      { timeout: 60_000 },
    )
    .toBeGreaterThan(0);
  const queue = snapshot?.queues[0];
  if (!snapshot || !queue) throw new Error('no queue');
  expect(snapshot.intraday.queues[queue.id]).toBeUndefined();

  await page.goto(`${server.url}/?queue=${queue.id}`);
  const chart = page.getByTestId('drill-down').getByTestId('chart-panel');
  await expect(chart).toHaveAttribute('data-queue', queue.id);
  await expect(chart.locator('tbody tr').first()).toBeAttached({ timeout: 60_000 });
});

test('a laptop page of 120 queues draws the figures of the tiles on screen, and of the others when scrolled to', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(server.url);
  const tiles = page.locator('[data-queue-id]');
  await expect(tiles).toHaveCount(120);
  const first = tiles.first();
  const last = tiles.last();
  await expect(first.locator('[data-metric="CONTACTS_IN_QUEUE"]')).toBeVisible();
  // Far below the screen: the tile stands in with its name, and no figure that could go out of date.
  await expect(last).toHaveAttribute('data-held', '');
  await expect(last.locator('[data-metric]')).toHaveCount(0);
  await expect(last).toHaveAccessibleName(/^Queue /);
  // The agent list is further down still: no agent tile is drawn for nobody.
  await expect(page.locator('[data-agent-id]')).toHaveCount(0);

  await last.scrollIntoViewIfNeeded();
  await expect(last).not.toHaveAttribute('data-held');
  await expect(first).toHaveAttribute('data-held', '');
  // Back on screen, the tile shows the server's current figure, not one from before it went away.
  const id = (await last.getAttribute('data-queue-id')) ?? '';
  await expect
    .poll(async () => {
      const snapshot = (await (await fetch(`${server.url}/api/v1/snapshot`)).json()) as Snapshot;
      const queue = snapshot.queues.find((q) => q.id === id);
      const shown = await last.locator('[data-metric="CONTACTS_IN_QUEUE"] .figure-value').textContent();
      return shown === String(queue?.realtime.CONTACTS_IN_QUEUE ?? 0);
    })
    .toBe(true);

  await page.locator('.agent-scroller').scrollIntoViewIfNeeded();
  await expect(page.locator('[data-agent-id]').first()).toBeVisible();
});

test('the wall shows 120 queues as lines on few pages, and one turn takes under a minute', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${server.url}/?view=wall`);
  await expect(page.locator('.queue-row').first()).toBeVisible({ timeout: 60_000 });
  const indicator = page.getByTestId('page-indicator');
  const pages = Number((await indicator.textContent())?.split('/')[1]);
  const seconds = Number(await indicator.getAttribute('data-page-seconds'));
  expect(seconds).toBeGreaterThanOrEqual(8);
  expect(pages * seconds).toBeLessThan(60);
  const layout = await page.evaluate(() => ({
    scrollHeight: document.documentElement.scrollHeight,
    lowestRow: Math.max(
      ...[...document.querySelectorAll('.queue-row')].map((r) => r.getBoundingClientRect().bottom),
    ),
  }));
  expect(layout.scrollHeight).toBeLessThanOrEqual(1080);
  expect(layout.lowestRow).toBeLessThanOrEqual(1080);
});
