import { expect, test } from '../support/test.js';
import type { Snapshot } from '@switchboard/shared';
import { watchForViolations } from '../support/page.js';

for (const viewport of [
  { width: 1920, height: 1080, name: '1080p' },
  { width: 3840, height: 2160, name: '4K' },
]) {
  test(`wall view at ${viewport.name}: fits the screen without scrolling, no cursor, pages turn`, async ({
    page,
    request,
  }) => {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    const snapshot = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
    const violations = watchForViolations(page);
    await page.goto('/?view=wall&rotate=2');
    await expect(page.locator('[data-queue-id]').first()).toBeVisible();

    const layout = await page.evaluate(() => {
      const tiles = [...document.querySelectorAll('[data-queue-id]')].map((t) => t.getBoundingClientRect());
      const value = document.querySelector('[data-queue-id] [data-metric="CONTACTS_IN_QUEUE"] .figure-value');
      return {
        scrollHeight: document.documentElement.scrollHeight,
        scrollWidth: document.documentElement.scrollWidth,
        lowestTile: Math.max(...tiles.map((t) => t.bottom)),
        cursor: getComputedStyle(document.body).cursor,
        bigFigurePx: value ? parseFloat(getComputedStyle(value).fontSize) : 0,
      };
    });
    expect(layout.scrollHeight).toBeLessThanOrEqual(viewport.height);
    expect(layout.scrollWidth).toBeLessThanOrEqual(viewport.width);
    expect(layout.lowestTile).toBeLessThanOrEqual(viewport.height);
    expect(layout.cursor).toBe('none');
    // Read from several metres: the main figures are at least 2.5% of the screen's height.
    expect(layout.bigFigurePx).toBeGreaterThanOrEqual(viewport.height * 0.025);

    // More than fits: the pages turn by themselves, and every queue is shown on one of them. Each reading takes
    // the page number and its tiles at once, so a page turning mid-read cannot mix two pages.
    const pages = new Map<string, { queues: string[]; agents: string[] }>();
    await expect
      .poll(
        async () => {
          const reading = await page.evaluate(() => ({
            label: document.querySelector('[data-testid="page-indicator"]')?.textContent ?? '1/1',
            queues: [...document.querySelectorAll('[data-queue-id]')].map(
              (t) => t.getAttribute('data-queue-id') ?? '',
            ),
            agents: [...document.querySelectorAll('[data-agent-id]')].map(
              (t) => t.getAttribute('data-agent-id') ?? '',
            ),
          }));
          pages.set(reading.label, reading);
          const total = Number(reading.label.split('/')[1]);
          const seen = new Set([...pages.keys()].filter((label) => label.endsWith(`/${total}`)));
          return seen.size >= total;
        },
        { timeout: 60_000, intervals: [400] },
      )
      .toBe(true);
    const queuesSeen = new Set([...pages.values()].flatMap((p) => p.queues));
    expect([...queuesSeen].sort()).toEqual(snapshot.queues.map((q) => q.id).sort());
    // Agents who are signed in get pages of their own.
    if (snapshot.agents.some((a) => a.statusType !== 'OFFLINE')) {
      expect([...pages.values()].some((p) => p.agents.length > 0)).toBe(true);
    }
    expect(violations).toEqual([]);
  });
}
