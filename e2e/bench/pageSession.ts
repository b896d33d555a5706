import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import { baselineCommit, baselineDist } from './baseline.js';
import { webDist, type BenchServer, type StreamProtocol } from './benchServer.js';

/** A web build the benchmarks open, and the stream its server sends it. */
export interface BenchBuild {
  label: string;
  dist: () => string;
  protocol: StreamProtocol;
}

/** Today's build (bench/baseline.ts) on the whole stream, and this checkout's on the patch stream. */
export function todayAndNew(): BenchBuild[] {
  return [
    { label: `today (${baselineCommit()})`, dist: () => baselineDist(), protocol: 'whole' },
    { label: 'new', dist: () => webDist, protocol: 'patch' },
  ];
}

/** The renderer's performance counters now (CDP `Performance.getMetrics`), by name. */
export async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/**
 * Opens the bench server's app at `query` in a new page of `context` (`prepare` runs first, on the page), scrolls
 * `scrollTo` into view and warms the page up (the JIT, the first renders, the first patches) with 8 s of updates,
 * left paused. Its counters run in the main thread's CPU time rather than wall-clock time: other work on a shared
 * machine stretches wall-clock figures, far less these.
 */
export async function openWarmedUp(
  context: BrowserContext,
  bench: BenchServer,
  view: { query: string; scrollTo?: string },
  prepare?: (page: Page) => Promise<void>,
): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await context.newPage();
  await prepare?.(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.goto(`${bench.url}/${view.query}`);
  await page.locator('[data-queue-id]').first().waitFor();
  if (view.scrollTo) await page.locator(view.scrollTo).scrollIntoViewIfNeeded();
  bench.run(2000, 2000);
  await page.waitForTimeout(8000);
  bench.pause();
  return { page, cdp };
}
