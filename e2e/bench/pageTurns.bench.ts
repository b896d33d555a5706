import { cpus, loadavg } from 'node:os';
import { test } from '@playwright/test';
import { baselineDist } from './baseline.js';
import { webDist } from './benchServer.js';
import { withWarmedUpPage, type BenchBuild } from './pageSession.js';
import { setting } from './settings.js';

/**
 * The wall's page turns: the longest task (over 50 ms, `PerformanceObserver` `longtask`, wall-clock, as a viewer
 * sees it) that each turn to each kind of page makes, and the long tasks between turns, at 250 queues and 1,500
 * agents with a snapshot every 1.9 s, pages turning every 8 s. Two builds side by side: this checkout's, and the one
 * of `BENCH_TURNS_BASELINE` (a commit, built as bench/baseline.ts builds one) when set, both on the patch stream,
 * one after the other, `BENCH_TURNS` turns each (default 2, after a first turn to warm up).
 *
 * `npx playwright test -c bench -g "page turns"` from e2e/, after `pnpm build`.
 */
const QUEUES = 250;
const AGENTS = 1500;
const TURNS = setting('BENCH_TURNS', 2);
const PAGE_SECONDS = 8;
/** A long task starting this soon after the page changed is the turn's; after an update was sent, the update's. */
const TURN_MS = 300;

const baseline = process.env.BENCH_TURNS_BASELINE?.trim();
const BUILDS: BenchBuild[] = [
  ...(baseline
    ? [{ label: `before (${baseline})`, dist: () => baselineDist(baseline), protocol: 'patch' as const }]
    : []),
  { label: 'new', dist: () => webDist, protocol: 'patch' },
];

interface Observed {
  turns: { kind: string; at: number }[];
  tasks: { start: number; duration: number }[];
}

const lines: string[] = [];

test.afterAll(() => {
  if (lines.length === 0) return;
  console.log(
    [
      `\nthe wall's page turns, ${QUEUES} queues and ${AGENTS} agents, a page every ${PAGE_SECONDS} s, ${TURNS} turns of the pages per build`,
      `long tasks over 50 ms, wall-clock; machine: ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end`,
      ...lines,
    ].join('\n'),
  );
});

test(`page turns, wall: ${QUEUES} queues, ${AGENTS} agents`, async ({ browser }) => {
  for (const build of BUILDS) {
    const view = { query: `?view=wall&rotate=${PAGE_SECONDS}` };
    await withWarmedUpPage(
      browser,
      { queues: QUEUES, agents: AGENTS },
      build,
      view,
      async ({ bench, page }) => {
        const pages = Number(
          (await page.getByTestId('page-indicator').textContent())?.split('/')[1] ?? Number.NaN,
        );
        if (!Number.isInteger(pages) || pages < 2)
          throw new Error(`the wall shows ${pages} pages: expected several`);
        // Not a divisor of the page's 8 s, so updates land at every point of a page over the turns.
        bench.run(1900, 2000);
        // A first turn of every page warms up each kind's first draw.
        await page.waitForTimeout(pages * PAGE_SECONDS * 1000);
        await page.evaluate(() => {
          const seen: Observed = { turns: [], tasks: [] };
          (window as unknown as { __turns: Observed }).__turns = seen;
          const indicator = document.querySelector('[data-testid=page-indicator]');
          // A turn is a new page number (the count alone changing is not one); times in epoch ms.
          let shown = indicator?.textContent?.split('/')[0];
          new MutationObserver(() => {
            const number = indicator?.textContent?.split('/')[0];
            if (number === shown) return;
            shown = number;
            const kind = document.querySelector('.wall-page')?.getAttribute('data-page-kind') ?? '';
            seen.turns.push({ kind, at: performance.timeOrigin + performance.now() });
          }).observe(indicator ?? document.body, { subtree: true, characterData: true, childList: true });
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries())
              seen.tasks.push({ start: performance.timeOrigin + entry.startTime, duration: entry.duration });
          }).observe({ type: 'longtask' });
        });
        await page.waitForTimeout(TURNS * pages * PAGE_SECONDS * 1000);
        bench.pause();
        const seen = await page.evaluate(() => (window as unknown as { __turns: Observed }).__turns);
        const sent = bench.sentAt();
        const byKind = new Map<string, number[]>();
        const between: number[] = [];
        const withUpdate: number[] = [];
        for (const task of seen.tasks) {
          const end = task.start + task.duration;
          // The turn the task drew (its change made inside the task) or came just after.
          const turn = seen.turns.find(
            (t) =>
              (t.at >= task.start - 1 && t.at <= end + 1) ||
              (task.start >= t.at && task.start - t.at < TURN_MS),
          );
          // An update sent just before the task or during it: its work may be in the task too.
          const update = sent.some((at) => at <= end && task.start - at < TURN_MS);
          if (turn && update) withUpdate.push(task.duration);
          else if (turn) byKind.set(turn.kind, [...(byKind.get(turn.kind) ?? []), task.duration]);
          else between.push(task.duration);
        }
        const kinds = [...new Set(seen.turns.map((t) => t.kind))];
        const ms = (values: number[]) =>
          values.length === 0 ? 'none' : `${values.length}, longest ${Math.max(...values).toFixed(0)} ms`;
        lines.push(
          `  ${build.label}: ${seen.turns.length} turns over ${pages} pages; long tasks at turns to ${kinds
            .map((kind) => `${kind}: ${ms(byKind.get(kind) ?? [])}`)
            .join('; ')}; at a turn with an update: ${ms(withUpdate)}; between turns: ${ms(between)}`,
        );
      },
    );
  }
});
