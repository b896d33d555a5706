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

    // More queues than fit: the pages turn by themselves, and every queue is shown on one of them.
    const indicator = page.getByTestId('page-indicator');
    if (await indicator.isVisible()) {
      const seen = new Set<string>();
      const agentsSeen = new Set<string>();
      const first = await indicator.textContent();
      const pages = Number(first?.split('/')[1]);
      for (let i = 0; i < pages; i++) {
        for (const id of await page
          .locator('[data-queue-id]')
          .evaluateAll((t) => t.map((e) => e.getAttribute('data-queue-id')))) {
          if (id) seen.add(id);
        }
        for (const id of await page
          .locator('[data-agent-id]')
          .evaluateAll((t) => t.map((e) => e.getAttribute('data-agent-id')))) {
          if (id) agentsSeen.add(id);
        }
        const before = await indicator.textContent();
        await expect(indicator).not.toHaveText(before ?? '', { timeout: 5000 });
      }
      expect([...seen].sort()).toEqual(snapshot.queues.map((q) => q.id).sort());
      // Agents who are signed in get pages of their own (who is signed in changes as the pages turn).
      if (snapshot.agents.some((a) => a.statusType !== 'OFFLINE')) expect(agentsSeen.size).toBeGreaterThan(0);
    } else {
      await expect(page.locator('[data-queue-id]')).toHaveCount(snapshot.queues.length);
    }
    expect(violations).toEqual([]);
  });
}
