import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '../support/test.js';
import type { Snapshot } from '@switchboard/shared';
import { pageWithSnapshot } from '../support/page.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Threshold states are evaluated on the server; the page shows exactly those, with a second cue besides colour.
 * Levels are chosen so every queue's state is known whatever the simulator does.
 */
const config = `
thresholds:
  defaults:
    CONTACTS_IN_QUEUE: { warn: 0, critical: 1000000 }
    # Staffed is worse when lower; read as higher-is-worse here, so every queue is critical at any figure.
    AGENTS_STAFFED: { warn: 0, critical: 0, direction: above }
    OLDEST_CONTACT_AGE: { warn: 1000000, critical: 2000000 }
boards:
  - id: all
    title: Every queue
    queues: all
    sections: [summary, queues]
  - id: strict
    title: Strict board of the north-west regional contact centre, every queue it serves
    queues: all
    sections: [queues]
    thresholds:
      CONTACTS_IN_QUEUE: { warn: 0, critical: 0 }
`;

let server: TestServer;
test.beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-'));
  const file = join(dir, 'wallboard.yaml');
  writeFileSync(file, config);
  server = await startTestServer({ WALLBOARD_CONFIG: file, SIMULATOR_QUEUES: '8', SIMULATOR_AGENTS: '40' });
});
test.afterAll(async () => {
  await server?.stop();
});

test("a long board title is cut short on the wall, and the header's clock and Live stay on its one line", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${server.url}/?view=wall&board=strict`);
  const title = page.getByRole('heading', { level: 1 });
  await expect(title).toHaveText(
    'Strict board of the north-west regional contact centre, every queue it serves',
  );
  const line = await page.evaluate(() => {
    const top = (selector: string) => document.querySelector(selector)?.getBoundingClientRect().top ?? -1;
    const heading = document.querySelector('h1');
    return {
      title: top('header h1'),
      live: top('header .connection'),
      cut: heading ? heading.scrollWidth > heading.clientWidth : false,
      whole: heading?.getAttribute('title'),
    };
  });
  // The same line (baselines aligned: tops within the type's difference), the title cut with its whole in a tooltip.
  expect(Math.abs(line.live - line.title)).toBeLessThan(16);
  expect(line.cut).toBe(true);
  expect(line.whole).toBe('Strict board of the north-west regional contact centre, every queue it serves');
});

test('every figure with a threshold shows the state the server evaluated', async ({ page }) => {
  await page.goto(`${server.url}/`);
  await expect(page.locator('[data-queue-id]')).toHaveCount(8);
  const { snapshot, shown } = await pageWithSnapshot(page, `${server.url}/api/v1/snapshot`);
  for (const queue of snapshot.queues) {
    const tile = shown.tiles.find((t) => t.id === queue.id);
    expect(queue.states.CONTACTS_IN_QUEUE).toBe('warn');
    expect(queue.states.AGENTS_STAFFED).toBe('critical');
    expect(queue.states.OLDEST_CONTACT_AGE).toBe('ok');
    for (const [metric, state] of Object.entries(queue.states)) {
      expect(tile?.figures[metric]?.state, `${queue.name} ${metric}`).toBe(state);
    }
    // A figure without a threshold has no state.
    expect(tile?.figures.AGENTS_ON_CONTACT?.state).toBeNull();
  }
  // The second cue: a badge that is not colour ("!" warning, "!!" critical) and words for screen readers.
  const first = page.locator('[data-queue-id]').first();
  await expect(first.locator('[data-metric="CONTACTS_IN_QUEUE"] .state-badge')).toHaveText('!');
  await expect(first.locator('[data-metric="AGENTS_STAFFED"] .state-badge')).toHaveText('!!');
  await expect(first.locator('[data-metric="AGENTS_STAFFED"]')).toContainText('critical');
  await expect(first.locator('[data-metric="OLDEST_CONTACT_AGE"] .state-badge')).toHaveCount(0);
  const colours = await first.evaluate((tile) => {
    const colour = (metric: string) =>
      getComputedStyle(tile.querySelector(`[data-metric="${metric}"] .figure-value`) as Element).color;
    return {
      warn: colour('CONTACTS_IN_QUEUE'),
      critical: colour('AGENTS_STAFFED'),
      ok: colour('OLDEST_CONTACT_AGE'),
    };
  });
  expect(new Set(Object.values(colours)).size).toBe(3);
});

test("a board's own thresholds decide its states", async ({ page }) => {
  await page.goto(`${server.url}/?board=strict`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Strict board of the north-west regional contact centre, every queue it serves',
  );
  const snapshot = (await (
    await page.request.get(`${server.url}/api/v1/snapshot?board=strict`)
  ).json()) as Snapshot;
  // The board's view carries its own states on its queues (and no other board's).
  expect(snapshot.board).toBe('strict');
  expect(snapshot.boardStates).toBeUndefined();
  for (const queue of snapshot.queues) expect(queue.states.CONTACTS_IN_QUEUE).toBe('critical');
  const states = page.locator('[data-queue-id] [data-metric="CONTACTS_IN_QUEUE"]');
  await expect(states).toHaveCount(8);
  for (const state of await states.evaluateAll((els) => els.map((el) => el.getAttribute('data-state')))) {
    expect(state).toBe('critical');
  }
});

test('a board without charts opens a queue without a chart, as it is served no series', async ({ page }) => {
  const snapshot = (await (
    await page.request.get(`${server.url}/api/v1/snapshot?board=all`)
  ).json()) as Snapshot;
  const queue = snapshot.queues[0];
  if (!queue) throw new Error('the simulator serves no queue');
  const served = await page.request.get(`${server.url}/api/v1/intraday/${queue.id}?board=all`);
  expect(served.status()).toBe(404);
  expect(((await served.json()) as { code: string }).code).toBe('charts_not_on_board');
  await page.goto(`${server.url}/?board=all&queue=${queue.id}`);
  const drill = page.getByTestId('drill-down');
  await expect(drill.locator(`[data-queue-id="${queue.id}"]`)).toBeVisible();
  await expect(drill.getByTestId('chart-panel')).toHaveCount(0);
  await expect(page.getByText(/could not/i)).toHaveCount(0);
});

test('critical figures pulse, except for viewers who ask for reduced motion', async ({ page }) => {
  const animation = () =>
    page
      .locator('[data-queue-id] [data-metric="AGENTS_STAFFED"] .figure-value')
      .first()
      .evaluate((el) => getComputedStyle(el).animationName);
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await page.goto(`${server.url}/`);
  await expect(page.locator('[data-queue-id]').first()).toBeVisible();
  expect(await animation()).toBe('pulse');
  // A pulse every 1.6 s, several to each iteration of the animation (the browser draws frames on the main
  // thread at each iteration's end, to send its event).
  const pulse = await page
    .locator('[data-queue-id] [data-metric="AGENTS_STAFFED"] .figure-value')
    .first()
    .evaluate((el) => {
      const running = el.getAnimations()[0];
      const effect = running?.effect as KeyframeEffect | null | undefined;
      const duration = Number(effect?.getTiming().duration);
      const frames = effect?.getKeyframes() ?? [];
      const dim = frames.filter((frame) => Number(frame.opacity) < 1).length;
      const dimmest = Math.min(...frames.map((frame) => Number(frame.opacity)));
      // The figure's colour at its dimmest over its tile, as WCAG counts contrast.
      const rgb = (value: string) => (value.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const tile = el.closest('.queue-tile');
      const [fr = 0, fg = 0, fb = 0] = rgb(getComputedStyle(el).color);
      const [br = 0, bg = 0, bb = 0] = rgb(
        tile ? getComputedStyle(tile).backgroundColor : 'rgb(255, 255, 255)',
      );
      const shown = [
        fr * dimmest + br * (1 - dimmest),
        fg * dimmest + bg * (1 - dimmest),
        fb * dimmest + bb * (1 - dimmest),
      ];
      const luminance = ([r, g, b]: number[]) => {
        const linear = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * linear(r ?? 0) + 0.7152 * linear(g ?? 0) + 0.0722 * linear(b ?? 0);
      };
      const [light, dark] = [luminance(shown), luminance([br, bg, bb])].sort((a, b) => b - a);
      return { duration, dim, contrast: ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05) };
    });
  expect(pulse.dim).toBeGreaterThanOrEqual(5);
  expect(pulse.duration / pulse.dim).toBe(1600);
  // Read at its dimmest too: AA contrast for text (it dimmed to 45%, under 2.5:1).
  expect(pulse.contrast).toBeGreaterThanOrEqual(4.5);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await animation()).toBe('none');
});
