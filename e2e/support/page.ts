import { expect, type Page } from '@playwright/test';
import type { Snapshot } from '@switchboard/shared';

/** Helpers that read the wallboard page the way a test needs: atomically, and against the snapshot it drew. */

export interface ShownTile {
  id: string;
  figures: Record<string, { text: string; state: string | null }>;
}

export async function readPage(page: Page): Promise<{ generation: number; tiles: ShownTile[] }> {
  return page.evaluate(() => {
    const generation = Number(document.querySelector('[data-generation]')?.getAttribute('data-generation'));
    const tiles = [...document.querySelectorAll<HTMLElement>('[data-queue-id]')].map((tile) => ({
      id: tile.dataset.queueId ?? '',
      figures: Object.fromEntries(
        [...tile.querySelectorAll<HTMLElement>('[data-metric]')].map((figure) => [
          figure.dataset.metric ?? '',
          {
            text: figure.querySelector('.figure-value')?.textContent ?? '',
            state: figure.getAttribute('data-state'),
          },
        ]),
      ),
    }));
    return { generation, tiles };
  });
}

/**
 * Reads the page and the API until both show the same generation, so the comparison is of one snapshot; the
 * page may take it from the stream or a poll.
 */
export async function pageWithSnapshot(
  page: Page,
  snapshotUrl: string,
): Promise<{ snapshot: Snapshot; shown: Awaited<ReturnType<typeof readPage>> }> {
  let result: { snapshot: Snapshot; shown: Awaited<ReturnType<typeof readPage>> } | undefined;
  await expect
    .poll(
      async () => {
        const snapshot = (await (await page.request.get(snapshotUrl)).json()) as Snapshot;
        const shown = await readPage(page);
        if (shown.generation === snapshot.generation) result = { snapshot, shown };
        return result !== undefined;
      },
      { timeout: 20_000, intervals: [100, 200, 300] },
    )
    .toBe(true);
  if (!result) throw new Error('unreachable');
  return result;
}

/**
 * Collects Content-Security-Policy violations and page errors: the app must run under the server's CSP. Call it
 * before the page loads. Besides what the console says, every `securitypolicyviolation` event counts: a blocked
 * eval that the code catches (a library probing for it) says nothing in the console, yet the browser still reports it.
 */
export async function watchForViolations(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(
        `Content Security Policy violation: ${event.violatedDirective} (${event.blockedURI || 'no address'})`,
      ),
    );
  });
  return problems;
}
