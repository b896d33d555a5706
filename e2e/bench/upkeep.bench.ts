import { cpus, loadavg } from 'node:os';
import { test, type Browser, type CDPSession, type Page } from '@playwright/test';
import { startBenchServer, webDist, type BenchServer } from './benchServer.js';
import { metrics, openWarmedUp, todayAndNew, type BenchBuild } from './pageSession.js';
import { setting } from './settings.js';

/**
 * The page's own upkeep between updates: the main thread's CPU time a page spends with no new figures at all
 * (the once-a-second clock and elapsed times, pulsing critical figures, and the frames they make), at 250 queues
 * and 1,500 agents. Today's build (bench/baseline.ts) and this checkout's, and this checkout's with critical
 * figures pulsing as before (one pulse to each iteration of the animation), all open at once and measured in
 * turns, window by window. Each window comes 1.5 s after an update and lasts 10 s (on the wall, 0.5 s and 8 s,
 * between two turns of its pages), so the figures never turn stale. Prints per 2 s (the time between two updates, as the per-update figures of wallboard.bench.ts): all
 * main-thread tasks, scripting, and the style recalculations and layouts made.
 *
 * `npx playwright test -c bench -g upkeep` from e2e/, after `pnpm build`. Settings: BENCH_UPKEEP_WINDOWS (per
 * session, default 4).
 */
const QUEUES = 250;
const AGENTS = 1500;
const WINDOWS = setting('BENCH_UPKEEP_WINDOWS', 4);
const WINDOW_MS = 10_000;
/** Where pages turn: shorter than a page. */
const TURNING_WINDOW_MS = 8_000;

/** The pulse before it ran ten pulses to an iteration: one pulse each 1.6 s iteration. */
const ONE_PULSE_PER_ITERATION = `
@media (prefers-reduced-motion: no-preference) {
  .figure[data-state='critical'] .figure-value { animation-duration: 1.6s; }
}
@keyframes pulse { 50% { opacity: 0.45; } }
`;

interface Variant extends BenchBuild {
  css?: string;
}
const VARIANTS: Variant[] = [
  ...todayAndNew(),
  {
    label: 'new, one pulse per iteration',
    dist: () => webDist,
    protocol: 'patch',
    css: ONE_PULSE_PER_ITERATION,
  },
];

const VIEWS = [
  // Each window between two turns of the pages (measure()).
  { label: 'wall', query: '?view=wall&rotate=3600' },
  { label: 'laptop scrolled to the agents', query: '?view=laptop', scrollTo: '.agent-scroller' },
];

interface Session {
  variant: Variant;
  bench: BenchServer;
  page: Page;
  cdp: CDPSession;
  windows: Record<string, number>[];
  critical: number[];
  /** Windows left out: a page turn fell in them. */
  turned: number;
}

async function open(browser: Browser, view: (typeof VIEWS)[number], variant: Variant): Promise<Session> {
  const bench = await startBenchServer({ queues: QUEUES, agents: AGENTS }, undefined, {
    dist: variant.dist(),
    protocol: variant.protocol,
  });
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const css = variant.css;
  const { page, cdp } = await openWarmedUp(context, bench, view, async (page) => {
    if (!css) return;
    await page.addInitScript((text) => {
      document.addEventListener('DOMContentLoaded', () => {
        const style = document.createElement('style');
        style.textContent = text;
        document.head.append(style);
      });
    }, css);
  });
  return { variant, bench, page, cdp, windows: [], critical: [], turned: 0 };
}

/** The page number a wall shows ('' where pages do not turn). */
const pageNumber = (page: Page) =>
  page.evaluate(() => document.querySelector('[data-testid=page-indicator]')?.textContent ?? '');

/**
 * One update, then a window of none. Where pages turn (the wall: five pages of 11 s at 250 queues, for any
 * `rotate` of 11 s or more), the update comes just after a turn and the window is shorter than a page, so no turn is in it.
 */
async function measure(session: Session): Promise<void> {
  const { bench, page, cdp } = session;
  const shown = await pageNumber(page);
  if (shown !== '') while ((await pageNumber(page)) === shown) await page.waitForTimeout(20);
  const windowMs = shown === '' ? WINDOW_MS : TURNING_WINDOW_MS;
  const before = bench.updates();
  bench.run(100, 2000);
  while (bench.updates() === before) await page.waitForTimeout(20);
  bench.pause();
  await page.waitForTimeout(shown === '' ? 1500 : 500);
  const start = await metrics(cdp);
  const startPage = await pageNumber(page);
  await page.waitForTimeout(windowMs);
  const end = await metrics(cdp);
  // A window a turn fell in after all (a slow machine) is left out, and counted.
  if ((await pageNumber(page)) !== startPage) {
    session.turned += 1;
    return;
  }
  const per2s = (name: string) => (((end[name] ?? 0) - (start[name] ?? 0)) * 2000) / windowMs;
  session.windows.push({
    task: (per2s('TaskDuration') - per2s('DevToolsCommandDuration')) * 1000,
    script: per2s('ScriptDuration') * 1000,
    styles: per2s('RecalcStyleCount'),
    layouts: per2s('LayoutCount'),
  });
  session.critical.push(
    await page.evaluate(
      () => document.querySelectorAll('.figure[data-state="critical"] .figure-value').length,
    ),
  );
}

const lines: string[] = [];

test.afterAll(() => {
  if (lines.length === 0) return;
  console.log(
    [
      `\nthe page's upkeep with no updates, per 2 s, ${QUEUES} queues and ${AGENTS} agents; medians of ${WINDOWS} windows of ${WINDOW_MS / 1000} s (the wall's ${TURNING_WINDOW_MS / 1000} s, between turns)`,
      `main thread's CPU time; machine: ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end`,
      ...lines,
    ].join('\n'),
  );
});

for (const view of VIEWS) {
  test(`upkeep, ${view.label}: ${QUEUES} queues, ${AGENTS} agents, no updates`, async ({ browser }) => {
    const sessions: Session[] = [];
    try {
      for (const variant of VARIANTS) sessions.push(await open(browser, view, variant));
      for (let w = 0; w < WINDOWS; w += 1)
        for (const session of w % 2 === 0 ? sessions : [...sessions].reverse()) await measure(session);
      for (const session of sessions) {
        const median = (name: string) => {
          const values = session.windows.map((window) => window[name] ?? 0).sort((a, b) => a - b);
          return values[Math.floor(values.length / 2)] ?? 0;
        };
        const each = session.windows.map((window) => (window.task ?? 0).toFixed(1)).join(', ');
        if (session.windows.length === 0) {
          lines.push(`  ${view.label}, ${session.variant.label}: no window (a page turn in each of them)`);
          continue;
        }
        lines.push(
          `  ${view.label}, ${session.variant.label}: main-thread ${median('task').toFixed(1)} ms (windows: ${each}), scripting ${median('script').toFixed(1)} ms, ${median('styles').toFixed(1)} style recalculations and ${median('layouts').toFixed(1)} layouts; critical figures pulsing: ${session.critical.join(', ')}${session.turned > 0 ? `; ${session.turned} window(s) left out, a page turn in them` : ''}`,
        );
      }
    } finally {
      for (const session of sessions) {
        await session.page.context().close();
        await session.bench.close();
      }
    }
  });
}
