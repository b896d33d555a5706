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
    title: Strict board
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
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Strict board');
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
      const dim = (effect?.getKeyframes() ?? []).filter((frame) => Number(frame.opacity) < 1).length;
      return { duration, dim };
    });
  expect(pulse.dim).toBeGreaterThanOrEqual(5);
  expect(pulse.duration / pulse.dim).toBe(1600);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await animation()).toBe('none');
});
