import { expect, test } from '../support/test.js';
import type { Page } from '@playwright/test';
import type { Snapshot } from '@switchboard/shared';
import { startHostPage } from '../support/hostPage.js';
import { freePort, startTestServer, type TestServer } from '../support/server.js';
import { watchForViolations } from '../support/page.js';

/**
 * The embed view inside an iframe on another origin, under the server's real Content-Security-Policy: allowed
 * through FRAME_ANCESTORS, refused for any other origin.
 */
let server: TestServer;
let hostPort: number;

test.beforeAll(async () => {
  hostPort = await freePort();
  server = await startTestServer({
    FRAME_ANCESTORS: `http://localhost:${hostPort}`,
    SIMULATOR_QUEUES: '6',
    SIMULATOR_AGENTS: '30',
  });
});
test.afterAll(async () => {
  await server?.stop();
});

test('one queue, in an iframe on an allowed origin: compact, no header, live figures', async ({ page }) => {
  const snapshot = (await (await page.request.get(`${server.url}/api/v1/snapshot`)).json()) as Snapshot;
  const queue = snapshot.queues[2];
  if (!queue) throw new Error('the simulator serves too few queues');
  // Served on the origin FRAME_ANCESTORS names.
  const host = await startHostPage(`${server.url}/?view=embed&queue=${queue.id}&bg=transparent`, hostPort);
  try {
    const violations = await watchForViolations(page);
    await page.goto(`${host.origin}/`);
    const frame = page.frameLocator('iframe');
    const tile = frame.locator(`[data-queue-id="${queue.id}"]`);
    await expect(tile).toBeVisible({ timeout: 15_000 });
    await expect(frame.locator('[data-queue-id]')).toHaveCount(1);
    await expect(frame.locator('header')).toHaveCount(0);
    await expect(frame.getByTestId('embed-status')).toContainText(/As of/);
    // Transparent: the host page's colour shows through.
    const background = await frame.locator('html').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgba(0, 0, 0, 0)');
    // Adapts to its frame: the tile fills the frame's width.
    const box = await tile.boundingBox();
    expect(box?.width).toBeGreaterThan(380);
    expect(box?.width).toBeLessThanOrEqual(420);
    expect(violations).toEqual([]);
  } finally {
    await host.close();
  }
});

/** The colour of the pixel at the middle of a screenshot, read in a page of its own (no image library needed). */
async function middlePixel(page: Page, png: Buffer): Promise<string> {
  const reader = await page.context().newPage();
  try {
    return await reader.evaluate(async (data) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d canvas');
      context.drawImage(image, 0, 0);
      const [r, g, b] = context.getImageData(image.width >> 1, image.height >> 1, 1, 1).data;
      return `rgb(${r}, ${g}, ${b})`;
    }, png.toString('base64'));
  } finally {
    await reader.close();
  }
}

test('transparent in either theme: the host page shows through the frame', async ({ page }) => {
  const snapshot = (await (await page.request.get(`${server.url}/api/v1/snapshot`)).json()) as Snapshot;
  const queue = snapshot.queues[2];
  if (!queue) throw new Error('the simulator serves too few queues');
  for (const theme of ['light', 'dark'] as const) {
    const host = await startHostPage(
      `${server.url}/?view=embed&queue=${queue.id}&bg=transparent&theme=${theme}`,
      hostPort,
    );
    try {
      await page.goto(`${host.origin}/`);
      const frame = page.frameLocator('iframe');
      await expect(frame.locator(`[data-queue-id="${queue.id}"]`)).toBeVisible({ timeout: 15_000 });
      // The tile drawn in the theme's colours (its text light on dark, or dark on light)...
      const text = await frame
        .locator('.tile')
        .first()
        .evaluate((el) => getComputedStyle(el).color);
      expect(text).toBe(theme === 'dark' ? 'rgb(232, 237, 242)' : 'rgb(17, 24, 39)');
      // ...and with the tiles out of sight, the frame shows the host page's own colour (#c0ffee), not a backdrop.
      await frame.locator('.app').evaluate((el) => {
        (el as HTMLElement).style.visibility = 'hidden';
      });
      const png = await page.locator('iframe').screenshot();
      expect(await middlePixel(page, png), theme).toBe('rgb(192, 255, 238)');
    } finally {
      await host.close();
    }
  }
});

test('one queue fills a large frame: every figure sized from the frame, its lines down the whole tile', async ({
  page,
}) => {
  const snapshot = (await (await page.request.get(`${server.url}/api/v1/snapshot`)).json()) as Snapshot;
  const queue = snapshot.queues[2];
  if (!queue) throw new Error('the simulator serves too few queues');
  const sizes = [];
  for (const [width, height] of [
    [400, 300],
    [800, 600],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/?view=embed&queue=${queue.id}`);
    const tile = page.locator(`[data-queue-id="${queue.id}"]`);
    await expect(tile.locator('[data-metric="AGENTS_STAFFED"] dd')).toBeVisible();
    sizes.push(
      await tile.evaluate((el) => {
        const px = (selector: string) =>
          Number.parseFloat(getComputedStyle(el.querySelector(selector) ?? el).fontSize);
        const tileBox = el.getBoundingClientRect();
        const lowest = Math.max(
          ...[...el.querySelectorAll('dd')].map((dd) => dd.getBoundingClientRect().bottom),
        );
        return {
          label: px('[data-metric="AGENTS_STAFFED"] dt'),
          figure: px('[data-metric="AGENTS_STAFFED"] dd'),
          // How far down the tile its last figure reaches.
          reach: (lowest - tileBox.top) / tileBox.height,
          cut: [...el.querySelectorAll('dt, dd')].filter((e) => e.scrollWidth > e.clientWidth).length,
        };
      }),
    );
  }
  const [small, large] = sizes;
  // Twice the frame, twice the type: the lines' labels and figures too, not only the main figures.
  expect((large?.label ?? 0) / (small?.label ?? 1)).toBeGreaterThan(1.8);
  expect((large?.figure ?? 0) / (small?.figure ?? 1)).toBeGreaterThan(1.8);
  // The lines share the tile's height: the last figure is in its lower part, not its upper half.
  expect(large?.reach).toBeGreaterThan(0.7);
  expect([small?.cut, large?.cut]).toEqual([0, 0]);
});

test('one queue in a small frame: each figure it shows whole and above the status line, none cut off', async ({
  page,
}) => {
  const snapshot = (await (await page.request.get(`${server.url}/api/v1/snapshot`)).json()) as Snapshot;
  const queue = snapshot.queues[2];
  if (!queue) throw new Error('the simulator serves too few queues');
  // Each size, and whether the agents' line has room there (13rem high; 22rem in a frame under 11rem wide).
  for (const [width, height, agents] of [
    [600, 150, false],
    [300, 100, false],
    [200, 150, false],
    [150, 300, false],
    [150, 400, true],
    [240, 300, true],
    [400, 300, true],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/?view=embed&queue=${queue.id}`);
    const tile = page.locator(`[data-queue-id="${queue.id}"]`);
    await expect(tile.locator('[data-metric="CONTACTS_IN_QUEUE"] dd')).toBeVisible();
    await expect(page.getByTestId('embed-status')).toContainText('As of');
    const seen = await page.evaluate(() => {
      const status = document.querySelector('[data-testid="embed-status"]')?.getBoundingClientRect();
      if (!status) throw new Error('no status line');
      const shown = [...document.querySelectorAll('.queue-tile :is(dt, dd)')].filter(
        (el) => el.getClientRects().length > 0,
      );
      return {
        metrics: shown.filter((el) => el.tagName === 'DD').map((el) => el.parentElement?.dataset.metric),
        below: shown
          .filter((el) => el.getBoundingClientRect().bottom > status.top + 1)
          .map((el) => el.textContent),
        cut: shown
          .filter((el) => el.tagName === 'DD' && el.scrollWidth > el.clientWidth + 1)
          .map((el) => el.textContent),
        scrolls: document.querySelector('.view-embed main')?.scrollHeight ?? 0,
        room: document.querySelector('.view-embed main')?.clientHeight ?? 0,
      };
    });
    const size = `${width} x ${height}`;
    // The queue's own figures and the day's always; the agents' where there is the height.
    expect(seen.metrics, size).toEqual(
      expect.arrayContaining(['CONTACTS_IN_QUEUE', 'OLDEST_CONTACT_AGE', 'QUEUE_ANSWER_TIME']),
    );
    expect(seen.metrics.includes('AGENTS_STAFFED'), size).toBe(agents);
    expect(seen.below, size).toEqual([]);
    expect(seen.cut, size).toEqual([]);
    expect(seen.scrolls, size).toBeLessThanOrEqual(seen.room + 1);
  }
});

test('a board of queues in the embed view', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 500 });
  const snapshot = (await (await page.request.get(`${server.url}/api/v1/snapshot`)).json()) as Snapshot;
  await page.goto(`${server.url}/?view=embed`);
  await expect(page.locator('[data-queue-id]')).toHaveCount(snapshot.queues.length);
  await expect(page.locator('header')).toHaveCount(0);
});

test('an origin that FRAME_ANCESTORS does not name cannot frame the wallboard', async ({ page }) => {
  const host = await startHostPage(`${server.url}/?view=embed`);
  try {
    await page.goto(`${host.origin}/`);
    await expect(page.getByRole('heading', { name: 'Intranet home' })).toBeVisible();
    const frame = page.frames().find((f) => f !== page.mainFrame());
    await expect.poll(() => frame?.url()).toMatch(/^chrome-error:|^about:blank$/);
    await expect(page.frameLocator('iframe').locator('[data-queue-id]')).toHaveCount(0);
  } finally {
    await host.close();
  }
});
