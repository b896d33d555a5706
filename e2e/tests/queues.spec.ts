import { expect, test } from '../support/test.js';
import type { Snapshot } from '@switchboard/shared';
import { pageWithSnapshot, readPage, watchForViolations } from '../support/page.js';

test('every queue in the snapshot has a tile showing its CONTACTS_IN_QUEUE', async ({ page, request }) => {
  const apiSnapshot = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
  expect(apiSnapshot.queues.length).toBeGreaterThan(0);
  // Fresh: the server's poller is running and its figures are seconds old, not minutes.
  expect(apiSnapshot.stale).toBe(false);
  expect(Date.now() - Date.parse(apiSnapshot.generatedAt)).toBeLessThan(10_000);
  const violations = await watchForViolations(page);

  // A screen tall enough for every tile: tiles well off screen stand in without figures
  // (large-centre.spec.ts shows them drawn when scrolled to).
  await page.setViewportSize({ width: 1280, height: 4000 });
  await page.goto('/');
  await expect(page.locator('[data-queue-id]').first()).toBeVisible();
  await expect(page.locator('[data-queue-id][data-held]')).toHaveCount(0);

  // Compare the page with the very snapshot it rendered.
  const { snapshot, shown } = await pageWithSnapshot(page, '/api/v1/snapshot');
  expect(shown.tiles.map((t) => t.id).sort()).toEqual(snapshot.queues.map((q) => q.id).sort());
  for (const queue of snapshot.queues) {
    const tile = shown.tiles.find((t) => t.id === queue.id);
    expect(tile?.figures.CONTACTS_IN_QUEUE?.text, `queue ${queue.name}`).toBe(
      String(queue.realtime.CONTACTS_IN_QUEUE),
    );
  }
  await expect(page.getByTestId('data-as-of')).not.toHaveText(/—/);
  // Pushed over the stream, not polled.
  await expect(page.locator('.connection')).toHaveAttribute('data-connection', 'live');

  // The wall keeps moving: a later generation reaches the page within a few poll intervals.
  await expect
    .poll(async () => (await readPage(page)).generation, { timeout: 15_000 })
    .toBeGreaterThan(shown.generation);
  expect(violations).toEqual([]);
});
