import type { Browser, BrowserContext, CDPSession, Page } from '@playwright/test';
import { baselineCommit, baselineDist } from './baseline.js';
import { startBenchServer, webDist, type BenchServer, type StreamProtocol } from './benchServer.js';

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

/**
 * A bench server of `queues` and `agents` serving `build`, and its app at `view` warmed up (openWarmedUp) in a
 * 1080p context of its own, for `run`; both closed after it, whatever happens.
 */
export async function withWarmedUpPage<T>(
  browser: Browser,
  size: { queues: number; agents: number },
  build: BenchBuild,
  view: { query: string; scrollTo?: string },
  run: (session: { bench: BenchServer; page: Page; cdp: CDPSession }) => Promise<T>,
): Promise<T> {
  const bench = await startBenchServer(size, undefined, { dist: build.dist(), protocol: build.protocol });
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  try {
    const { page, cdp } = await openWarmedUp(context, bench, view);
    return await run({ bench, page, cdp });
  } finally {
    await context.close();
    await bench.close();
  }
}
