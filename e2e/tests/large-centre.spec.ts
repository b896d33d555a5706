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
