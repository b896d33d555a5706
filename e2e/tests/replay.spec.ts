import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import type { Snapshot } from '@switchboard/shared';
import { readPage, watchForViolations } from '../support/page.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { expect, test } from '../support/test.js';

/**
 * Replay on the real server: the laptop's timeline marks the alerts raised, a moment picked on it shows the
 * figures the server recorded then under a banner, Live returns, the wall has no timeline, and what was
 * recorded before a restart is there after it.
 */
let server: TestServer;

test.beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-replay-'));
  const config = join(dir, 'wallboard.yaml');
  writeFileSync(
    config,
    ['alerts:', '  - { id: any-queue, metric: CONTACTS_IN_QUEUE, value: 0 }', ''].join('\n'),
  );
  server = await startTestServer({
    WALLBOARD_CONFIG: config,
    HISTORY_DIR: join(dir, 'history'),
    POLL_INTERVAL_MS: '1000',
    SIMULATOR_QUEUES: '6',
    SIMULATOR_AGENTS: '24',
    SIMULATOR_TIME_OF_DAY: '10:30',
  });
});

test.afterAll(async () => {
  await server.stop();
});

interface TimelineAnswer {
  buckets: { generations: number }[];
  alerts: { kind: string }[];
}

async function recordedGenerations(request: APIRequestContext): Promise<number> {
  const from = new Date(Date.now() - 3600_000).toISOString();
  const timeline = (await (
    await request.get(`${server.url}/api/v1/timeline?from=${from}`)
  ).json()) as TimelineAnswer;
  return timeline.buckets.reduce((sum, bucket) => sum + bucket.generations, 0);
}

test('a supervisor scrubs back on the laptop, sees that moment under a banner, and returns to live', async ({
  page,
  request,
}) => {
  await expect.poll(() => recordedGenerations(request), { timeout: 30_000 }).toBeGreaterThanOrEqual(8);
  const violations = await watchForViolations(page);
  await page.goto(`${server.url}/`);
  const timeline = page.getByTestId('replay-timeline');
  await expect(timeline).toBeVisible();
  await timeline.getByLabel('Timeline span').selectOption({ label: 'Last hour' });
  await expect(timeline.locator('.replay-bucket').first()).toBeVisible();
  await expect(timeline.locator('.replay-marker[data-kind="raised"]').first()).toBeAttached();
  await expect(page.getByTestId('replay-moment')).toHaveText('Live');
  await expect(page.locator('[data-queue-id]')).toHaveCount(6);

  // Six seconds back with the keyboard on the timeline's handle.
  const range = page.getByTestId('replay-range');
  await range.focus();
  const answer = page.waitForResponse((response) => /\/api\/v1\/snapshot\?at=/.test(response.url()));
  for (let i = 0; i < 6; i += 1) await page.keyboard.press('ArrowLeft');
  const replayed = (await (await answer).json()) as Snapshot;
  const banner = page.getByTestId('replay-banner');
  await expect(banner).toContainText('Replay, not live');
  // The header says so too: never "Live" above a past moment, and the moment where "Data as of" was.
  const status = page.locator('header .connection');
  await expect(status).toHaveText('◼Replay, not live');
  await expect(page.getByTestId('data-as-of')).toHaveText(/^Replaying \d\d:\d\d:\d\d, .+\d.+$/);
  // The page settles on the last moment asked for: the banner names its generation, the tiles show its figures.
  await expect
    .poll(async () => Number(await banner.getAttribute('data-generation')), { timeout: 10_000 })
    .toBeGreaterThan(0);
  const generation = Number(await banner.getAttribute('data-generation'));
  const at = await range.inputValue();
  const expected = (await (
    await request.get(`${server.url}/api/v1/snapshot?at=${new Date(Number(at)).toISOString()}`)
  ).json()) as Snapshot;
  expect(expected.generation).toBe(generation);
  expect(replayed.generation).toBeLessThanOrEqual(generation);
  const shown = await readPage(page);
  let compared = 0;
  for (const queue of expected.queues) {
    const tile = shown.tiles.find((candidate) => candidate.id === queue.id);
    expect(tile, queue.name).toBeTruthy();
    const inQueue = queue.realtime.CONTACTS_IN_QUEUE;
    if (inQueue === undefined || inQueue === null) continue;
    expect(tile?.figures.CONTACTS_IN_QUEUE?.text, queue.name).toBe(String(inQueue));
    expect(tile?.figures.CONTACTS_IN_QUEUE?.state, queue.name).toBe(queue.states.CONTACTS_IN_QUEUE ?? null);
    compared += 1;
  }
  expect(compared).toBeGreaterThan(0);
  // The alerts of that moment, listed, and none to acknowledge: they are history.
  await expect(page.locator('[data-alert-id]').first()).toBeVisible();
  await expect(page.locator('[data-alert-id] button')).toHaveCount(0);

  // Dragged right back to the start of the hour: nothing was recorded then, and the banner says so.
  const box = await range.boundingBox();
  if (!box) throw new Error('the timeline has no handle on screen');
  await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 2, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(banner).toContainText('Nothing was recorded at');

  await page.getByTestId('replay-live').click();
  await expect(banner).toHaveCount(0);
  await expect(status).toHaveText('●Live');
  await expect(page.getByTestId('replay-moment')).toHaveText('Live');
  expect(violations).toEqual([]);
});

test('plays forward at 60x', async ({ page }) => {
  await page.goto(`${server.url}/`);
  const range = page.getByTestId('replay-range');
  await range.focus();
  for (let i = 0; i < 5; i += 1) await page.keyboard.press('PageDown');
  await expect(page.getByTestId('replay-banner')).toBeVisible();
  await page.getByRole('button', { name: '60×' }).click();
  const before = Number(await range.inputValue());
  await page.getByTestId('replay-play').click();
  await expect
    .poll(async () => Number(await range.inputValue()) - before, { timeout: 5000 })
    .toBeGreaterThanOrEqual(60_000);
});

test('the wall never replays', async ({ page }) => {
  await page.goto(`${server.url}/?view=wall`);
  await expect(page.locator('[data-queue-id]').first()).toBeVisible();
  await expect(page.getByTestId('replay-timeline')).toHaveCount(0);
  await expect(page.getByTestId('replay-banner')).toHaveCount(0);
});

test('what was recorded before a restart replays after it', async ({ page, request }) => {
  const before = new Date(Date.now() - 2000).toISOString();
  const then = (await (await request.get(`${server.url}/api/v1/snapshot?at=${before}`)).json()) as Snapshot;
  await server.restart();
  const again = (await (await request.get(`${server.url}/api/v1/snapshot?at=${before}`)).json()) as Snapshot;
  expect(again.generation).toBe(then.generation);
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('replay-timeline').locator('.replay-bucket').first()).toBeVisible();
});
