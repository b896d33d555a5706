import { expect, test } from '../support/test.js';
import type { Snapshot } from '@switchboard/shared';

test('every queue in the snapshot has a tile showing its CONTACTS_IN_QUEUE', async ({ page, request }) => {
  const served = new Map<number, Snapshot>();
  const reading: Promise<void>[] = [];
  page.on('response', (response) => {
    if (!response.url().endsWith('/api/v1/snapshot') || !response.ok()) return;
    reading.push(
      response.json().then((snapshot: Snapshot) => {
        served.set(snapshot.generation, snapshot);
      }),
    );
  });

  const apiSnapshot = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
  expect(apiSnapshot.queues.length).toBeGreaterThan(0);
  // Fresh: the server's poller is running and its figures are seconds old, not minutes.
  expect(apiSnapshot.stale).toBe(false);
  expect(Date.now() - Date.parse(apiSnapshot.generatedAt)).toBeLessThan(10_000);

  await page.goto('/');
  await expect(page.locator('[data-queue-id]').first()).toBeVisible();

  // Read the page once, atomically, then compare it with the very snapshot it rendered.
  const shown = await page.evaluate(() => {
    const generation = Number(document.querySelector('[data-generation]')?.getAttribute('data-generation'));
    const tiles = [...document.querySelectorAll('[data-queue-id]')].map((tile) => ({
      id: tile.getAttribute('data-queue-id'),
      inQueue: tile.querySelector('[data-metric="CONTACTS_IN_QUEUE"] dd')?.textContent,
    }));
    return { generation, tiles };
  });
  await Promise.all(reading);
  const rendered = served.get(shown.generation);
  expect(rendered, `the page shows generation ${shown.generation}, which the server sent`).toBeDefined();
  if (!rendered) return;
  expect(shown.tiles.map((t) => t.id).sort()).toEqual(rendered.queues.map((q) => q.id).sort());
  expect(rendered.queues.map((q) => q.id).sort()).toEqual(apiSnapshot.queues.map((q) => q.id).sort());
  for (const queue of rendered.queues) {
    const tile = shown.tiles.find((t) => t.id === queue.id);
    expect(tile?.inQueue, `queue ${queue.name}`).toBe(String(queue.realtime.CONTACTS_IN_QUEUE));
  }
  await expect(page.getByTestId('data-as-of')).not.toHaveText(/—/);

  // The wall keeps moving: a later generation reaches the page within a few poll intervals.
  await expect
    .poll(async () => Number(await page.locator('[data-generation]').getAttribute('data-generation')), {
      timeout: 15_000,
    })
    .toBeGreaterThan(shown.generation);
});
