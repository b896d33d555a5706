import { cpus, loadavg } from 'node:os';
import { test, type CDPSession } from '@playwright/test';
import { todayAndNew, withWarmedUpPage } from './pageSession.js';
import { setting } from './settings.js';

/**
 * Where an update's main-thread time goes, by the browser's own account: a Chrome trace of one window of updates
 * for today's build (bench/baseline.ts, on the whole stream) and this checkout's (on the patch stream), one after
 * the other, at 250 queues and 1,500 agents. Prints per update, in the main thread's CPU time: all its tasks, the
 * frames (style, layout, paint and what follows them), the page's JavaScript, and the texts the update changed
 * (the trace's layout invalidations). Tracing slows everything: read the figures as shares, and
 * wallboard.bench.ts for the figures themselves.
 *
 * `npx playwright test -c bench -g "update trace"` from e2e/, after `pnpm build`. Settings:
 * BENCH_TRACE_SECONDS (the window, default 20, or 10 with BENCH_TRACE_IDLE); BENCH_TRACE_IDLE=1 (the page's
 * upkeep: a window with no update, the wall among the views, figures per 2 s); BENCH_TRACE_NAMES=1 (also the
 * main thread's 40 busiest trace events per update).
 */
const QUEUES = 250;
const AGENTS = 1500;
/**
 * BENCH_TRACE_IDLE=1: trace the page's upkeep instead, a window with no update in it (one update just before it,
 * so nothing turns stale), figures per 2 s. On the wall the window starts just after a page turn and is shorter
 * than a page (8 s at most), so no turn falls in it; one that does is said.
 */
const IDLE = Boolean(process.env.BENCH_TRACE_IDLE);
const SECONDS = setting('BENCH_TRACE_SECONDS', IDLE ? 10 : 20);
const TURNING_SECONDS = 8;
const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'blink',
  'cc',
  'v8',
].join(',');
/** A second, shorter window counts the texts each update changes: tracking invalidations slows a page a lot. */
const INVALIDATIONS = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline.invalidationTracking',
].join(',');
const INVALIDATION_SECONDS = 6;

const BUILDS = todayAndNew();

const VIEWS = [
  // At 250 queues the wall turns five pages, each 11 s for any `rotate` of 11 or more (a turn under a minute).
  ...(IDLE ? [{ label: 'wall', query: '?view=wall&rotate=3600' }] : []),
  { label: 'laptop as opened', query: '?view=laptop' },
  { label: 'laptop scrolled to the agents', query: '?view=laptop', scrollTo: '.agent-scroller' },
  { label: 'embed', query: '?view=embed' },
];

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { reason?: string } };
}

async function trace(
  cdp: CDPSession,
  categories: string,
  during: () => Promise<void>,
): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  const collect = (chunk: { value: object[] }) => {
    events.push(...(chunk.value as TraceEvent[]));
  };
  cdp.on('Tracing.dataCollected', collect);
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories, transferMode: 'ReportEvents' });
  await during();
  await cdp.send('Tracing.end');
  await complete;
  cdp.off('Tracing.dataCollected', collect);
  return events;
}

/** The renderer's main thread: of the threads named CrRendererMain, the one with the most events. */
function mainThread(events: readonly TraceEvent[]): string {
  const named = new Set(
    events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const counts = new Map<string, number>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (named.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

/**
 * The events' time (thread time where the trace has it), each counted once however deep: one nested in another
 * of them is already in its time.
 */
function onceEach(events: readonly TraceEvent[]): number {
  let total = 0;
  let end = -1;
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    if (e.ts < end) continue;
    total += e.tdur ?? e.dur ?? 0;
    end = e.ts + (e.dur ?? 0);
  }
  return total;
}

/** Per update, in ms of the main thread's CPU time (thread time where the trace has it). */
function breakdown(events: readonly TraceEvent[], updates: number): Record<string, number> {
  const main = mainThread(events);
  const mine = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X');
  const sum = (...names: string[]) => onceEach(mine.filter((e) => names.includes(e.name))) / 1000 / updates;
  return {
    tasks: sum('ThreadControllerImpl::RunTask', 'RunTask'),
    frames: sum('ProxyMain::BeginMainFrame'),
    layout: sum('Layout'),
    paint: sum('Paint'),
    rest: sum('UpdateLayoutTree', 'PrePaint', 'Layerize', 'Commit'),
    style: sum('UpdateLayoutTree'),
    prePaint: sum('PrePaint'),
    layerize: sum('Layerize'),
    commit: sum('Commit'),
    gc: sum('MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'BlinkGC.AtomicPhase'),
    script: sum('FunctionCall', 'EvaluateScript'),
  };
}

/** The main thread's busiest event names, each counted once however deep (BENCH_TRACE_NAMES=1 prints them). */
function busiest(events: readonly TraceEvent[], updates: number, count = 20): string {
  const main = mainThread(events);
  const byName = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (`${e.pid}:${e.tid}` !== main || e.ph !== 'X') continue;
    byName.set(e.name, [...(byName.get(e.name) ?? []), e]);
  }
  const totals = [...byName].map(([name, list]) => [name, onceEach(list) / 1000 / updates] as const);
  return totals
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => `    ${ms.toFixed(2).padStart(7)} ms  ${name}`)
    .join('\n');
}

const lines: string[] = [];

test.afterAll(() => {
  if (lines.length === 0) return;
  console.log(
    [
      `\nwhere an update goes, ${QUEUES} queues and ${AGENTS} agents, one traced window of ${SECONDS} s per build`,
      `per update, main thread's CPU time under tracing; machine: ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end`,
      ...lines,
    ].join('\n'),
  );
});

for (const view of VIEWS) {
  test(`update trace, ${view.label}: ${QUEUES} queues, ${AGENTS} agents`, async ({ browser }) => {
    for (const build of BUILDS) {
      await withWarmedUpPage(
        browser,
        { queues: QUEUES, agents: AGENTS },
        build,
        view,
        async ({ bench, page, cdp }) => {
          let turned = false;
          /** Traces `seconds` of updates (or of none); the events and the updates made meanwhile. */
          const window = async (categories: string, seconds: number) => {
            let updates = 0;
            const pageNumber = () =>
              page.evaluate(() => document.querySelector('[data-testid=page-indicator]')?.textContent ?? '');
            const startPage = await pageNumber();
            // Where pages turn, just after a turn and shorter than a page.
            const turning = IDLE && startPage !== '';
            const length = turning ? Math.min(seconds, TURNING_SECONDS) : seconds;
            if (IDLE) {
              if (turning) while ((await pageNumber()) === startPage) await page.waitForTimeout(20);
              const before = bench.updates();
              bench.run(100, 2000);
              while (bench.updates() === before) await page.waitForTimeout(20);
              bench.pause();
              await page.waitForTimeout(turning ? 500 : 1500);
            }
            const events = await trace(cdp, categories, async () => {
              const before = bench.updates();
              const shown = await pageNumber();
              if (!IDLE) bench.run(2000, 2000);
              await page.waitForTimeout(length * 1000);
              bench.pause();
              updates = bench.updates() - before;
              if (IDLE && (await pageNumber()) !== shown) turned = true;
            });
            // Idle, figures per 2 s: the time between two updates.
            return { events, updates: IDLE ? length / 2 : Math.max(1, updates), length };
          };
          const timed = await window(CATEGORIES, SECONDS);
          const b = breakdown(timed.events, timed.updates);
          if (process.env.BENCH_TRACE_NAMES)
            lines.push(
              `  ${view.label}, ${build.label}: busiest events per update\n${busiest(timed.events, timed.updates, 40)}`,
            );
          const counted = await window(INVALIDATIONS, INVALIDATION_SECONDS);
          const texts =
            counted.events.filter(
              (e) => e.name === 'LayoutInvalidationTracking' && e.args?.data?.reason === 'Text changed',
            ).length / counted.updates;
          const ms = (value: number | undefined) => `${(value ?? 0).toFixed(1)} ms`;
          lines.push(
            `  ${view.label}, ${build.label}: ${IDLE ? `${timed.length} s without an update, per 2 s` : `${timed.updates} updates`}${turned ? ' (a page turn fell in a window)' : ''}; all tasks ${ms(b.tasks)}, frames ${ms(b.frames)} (layout ${ms(b.layout)}, paint ${ms(b.paint)}, style, pre-paint, layerize and commit ${ms(b.rest)}: ${ms(b.style)}, ${ms(b.prePaint)}, ${ms(b.layerize)}, ${ms(b.commit)}), JavaScript ${ms(b.script)}, garbage collection ${ms(b.gc)}; ${texts.toFixed(0)} texts changed`,
          );
        },
      );
    }
  });
}
