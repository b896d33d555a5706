import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test, type Browser, type CDPSession, type Page } from '@playwright/test';
import { heapParts } from '../support/heapSnapshot.js';
import { baselineCommit, baselineDist } from './baseline.js';
import { startBenchServer, webDist, type BenchServer, type StreamProtocol } from './benchServer.js';
import { metrics, openWarmedUp } from './pageSession.js';
import { setting } from './settings.js';

/**
 * 250 queue tiles and 1,500 agents, a new snapshot every 2 s, in Chromium on this machine: every queue figure
 * changes on every update, and a tenth of the agents (all of them in the stress case). Prints:
 * - for each view, today's build (the baseline commit, bench/baseline.ts) on today's stream (every snapshot
 *   whole) and this checkout's build on the new stream (the view whole once, then patches), both open in the
 *   same run and measured in turns, window by window: scripting and all main-thread time per update, in the
 *   main thread's CPU time (targets: the new build at most half of today's), in windows of 20 s and their
 *   median, and long tasks over 50 ms (target none); then a table of both,
 * - the JS heap after an accelerated day of updates against the heap after warm-up (target growth under 10%),
 * - first-load JavaScript, gzipped, of both builds (target under 250 KB).
 *
 * Settings, all optional: BASELINE_COMMIT (the build to compare against; default dd137de), BASELINE_PROTOCOL
 * (`patch` for a baseline that reads the patch stream: a later commit), BENCH_NEW_PROTOCOL (`whole` to run this
 * checkout's build on today's stream), BENCH_WINDOWS and BENCH_WINDOW_SECONDS (3 and 20).
 */
const QUEUES = 250;
const AGENTS = 1500;

/** The stream a build is served: BENCH_NEW_PROTOCOL for this checkout's, BASELINE_PROTOCOL for the baseline's. */
function protocolSetting(name: string, fallback: StreamProtocol): StreamProtocol {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  if (text === 'patch' || text === 'whole') return text;
  throw new Error(`${name} must be "patch" or "whole" (it is "${text}"); leave it unset for "${fallback}"`);
}

/** A build of the web app and the stream it is served. */
interface Build {
  name: 'today' | 'new';
  /** Words for the printout. */
  title: string;
  dist: () => string;
  protocol: StreamProtocol;
}
const TODAY: Build = {
  name: 'today',
  title: `today's build (${baselineCommit()})`,
  dist: () => baselineDist(),
  protocol: protocolSetting('BASELINE_PROTOCOL', 'whole'),
};
const NEW: Build = {
  name: 'new',
  title: 'the new build',
  dist: () => webDist,
  protocol: protocolSetting('BENCH_NEW_PROTOCOL', 'patch'),
};

async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return usedSize;
}

async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}

async function takeLongTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    const tasks = w.longTasks;
    w.longTasks = [];
    return tasks;
  });
}

/** How a build's stream carries each update, in words. */
const stream = (build: Build) =>
  build.protocol === 'patch' ? 'the view whole once, then patches' : 'every snapshot whole';
const ms = (n: number) => `${n.toFixed(1)} ms`;
const machine = (): string => `${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)}`;

/** Measured in windows (of 20 s, ten updates each, by default), three of them. */
const WINDOWS = setting('BENCH_WINDOWS', 3);
const WINDOW_MS = setting('BENCH_WINDOW_SECONDS', 20) * 1000;

interface View {
  /** Words for the printout. */
  label: string;
  /** The address's query string. */
  query: string;
  /** Scroll this element into view before measuring. */
  scrollTo?: string;
  /** The share of agents changing on each update (default a tenth). */
  agentChurn?: number;
}

interface Measured {
  /** Medians over the windows, ms per update. */
  script: number;
  task: number;
  process: number;
  style: number;
  layout: number;
  long: number[];
}

/** One build open on one view, its own bench server pushing to it while it is measured. */
interface Session {
  build: Build;
  view: View;
  bench: BenchServer;
  page: Page;
  cdp: CDPSession;
  windows: Record<string, number>[];
  long: number[];
  updates: number;
  load: number[];
}

async function openSession(browser: Browser, view: View, build: Build): Promise<Session> {
  const bench = await startBenchServer(
    { queues: QUEUES, agents: AGENTS, agentChurn: view.agentChurn },
    undefined,
    { dist: build.dist(), protocol: build.protocol },
  );
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const { page, cdp } = await openWarmedUp(context, bench, view, watchLongTasks);
  return { build, view, bench, page, cdp, windows: [], long: [], updates: 0, load: [] };
}

async function closeSession(session: Session): Promise<void> {
  await session.page.context().close();
  await session.bench.close();
}

/** One window of updates on this session's page while the other's server is paused. */
async function measureWindow(session: Session): Promise<void> {
  const { bench, page, cdp } = session;
  // Anything from before (the last update of the window before, the warm-up) is not this window's.
  await page.waitForTimeout(1000);
  await takeLongTasks(page);
  const before = await metrics(cdp);
  const firstUpdate = bench.updates();
  bench.run(2000, 2000);
  await page.waitForTimeout(WINDOW_MS);
  bench.pause();
  // The last update's work is in the window.
  await page.waitForTimeout(1000);
  const after = await metrics(cdp);
  const count = bench.updates() - firstUpdate;
  session.updates += count;
  session.long.push(...(await takeLongTasks(page)));
  session.load.push(loadavg()[0] ?? 0);
  const per = (name: string) => (((after[name] ?? 0) - (before[name] ?? 0)) * 1000) / count;
  session.windows.push({
    script: per('ScriptDuration'),
    style: per('RecalcStyleDuration'),
    layout: per('LayoutDuration'),
    // All the main thread's tasks but the benchmark's own commands (reading the metrics, the long tasks).
    task: per('TaskDuration') - per('DevToolsCommandDuration'),
    // The whole renderer's CPU time: its other threads too (today's build checks and diffs each snapshot in a
    // worker, which the main thread's figures leave out).
    process: per('ProcessTime'),
  });
}

async function report(session: Session): Promise<Measured> {
  const { windows, long, view, build, bench, page } = session;
  const median = (name: string) => {
    const values = windows.map((window) => window[name] ?? 0).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)] ?? 0;
  };
  const each = (name: string) => windows.map((window) => (window[name] ?? 0).toFixed(1)).join(', ');
  const tiles = await page.evaluate(() => ({
    queues: document.querySelectorAll('[data-queue-id]').length,
    held: document.querySelectorAll('[data-queue-id][data-held]').length,
    agents: document.querySelectorAll('[data-agent-id]').length,
  }));
  console.log(
    [
      `\n${view.label}, ${build.title} on the ${bench.protocol} stream: ${QUEUES} queues and ${AGENTS} agents, ${session.updates} updates over ${(WINDOWS * WINDOW_MS) / 1000} s`,
      // Figures on a shared machine are inflated by other work: say how busy it was.
      `  machine: ${cpus().length} cores, load average ${session.load.map((l) => l.toFixed(1)).join(', ')} after each window`,
      `  tiles in the DOM: ${tiles.queues} queue (${tiles.held} of them off screen, without figures), ${tiles.agents} agent`,
      `  scripting per update: ${ms(median('script'))} (includes the 1 s clock ticks; windows: ${each('script')})`,
      `  style recalculation per update: ${ms(median('style'))}, layout: ${ms(median('layout'))}`,
      `  all main-thread tasks per update: ${ms(median('task'))} (windows: ${each('task')})`,
      `  the renderer's CPU time per update, all its threads: ${ms(median('process'))} (windows: ${each('process')})`,
      `  long tasks > 50 ms: ${long.length}${long.length ? ` (longest ${ms(Math.max(...long))})` : ''} (target 0)`,
    ].join('\n'),
  );
  return {
    script: median('script'),
    task: median('task'),
    process: median('process'),
    style: median('style'),
    layout: median('layout'),
    long,
  };
}

const VIEWS: View[] = [
  { label: 'wall view', query: '?view=wall' },
  { label: 'laptop view as opened', query: '?view=laptop' },
  { label: 'laptop view scrolled to the agents', query: '?view=laptop', scrollTo: '.agent-scroller' },
  { label: 'embed view (a board of queues)', query: '?view=embed' },
  // The stress case: every agent changes state, and every contact is new, on every update.
  {
    label: 'stress: every agent changing, laptop scrolled to the agents',
    query: '?view=laptop',
    scrollTo: '.agent-scroller',
    agentChurn: 1,
  },
];

const rows: { view: string; today: Measured; new: Measured }[] = [];

function table(): string {
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '-');
  const longs = (m: Measured) =>
    `${m.long.length}${m.long.length ? ` (max ${Math.max(...m.long).toFixed(0)})` : ''}`;
  const head = [
    'view',
    'today scripting',
    'new scripting',
    'ratio',
    'today main-thread',
    'new main-thread',
    'ratio',
    'long tasks today / new',
    'renderer CPU today / new',
  ];
  const body = rows.map((row) => [
    row.view,
    ms(row.today.script),
    ms(row.new.script),
    ratio(row.new.script, row.today.script),
    ms(row.today.task),
    ms(row.new.task),
    ratio(row.new.task, row.today.task),
    `${longs(row.today)} / ${longs(row.new)}`,
    `${ms(row.today.process)} / ${ms(row.new.process)}`,
  ]);
  const widths = head.map((cell, i) => Math.max(cell.length, ...body.map((line) => (line[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

test.afterAll(() => {
  if (rows.length === 0) return;
  console.log(
    [
      `\nper update, ${QUEUES} queues and ${AGENTS} agents, a snapshot every 2 s; medians of ${WINDOWS} windows of ${WINDOW_MS / 1000} s`,
      `today: ${baselineCommit()}'s build, ${stream(TODAY)}; new: this checkout's build, ${stream(NEW)}`,
      `targets: new/today at most 0.50 for scripting and for main-thread time, no long task over 50 ms (longest in ms)`,
      `main-thread figures in the main thread's CPU time; renderer CPU: all the page's threads (today's worker too)`,
      `machine: ${machine()} at the end`,
      table(),
    ].join('\n'),
  );
});

// Both builds are open at once, each on its own server, and measured in turns, window by window (today, new;
// then new, today; ...): whatever else the machine is doing weighs on both alike. Only the page being measured
// is sent updates.
for (const view of VIEWS) {
  test(`today vs new, ${view.label}: ${QUEUES} queues, ${AGENTS} agents, an update every 2 s`, async ({
    browser,
  }) => {
    const sessions: Session[] = [];
    try {
      for (const build of [TODAY, NEW]) sessions.push(await openSession(browser, view, build));
      for (let w = 0; w < WINDOWS; w++)
        for (const session of w % 2 === 0 ? sessions : [...sessions].reverse()) await measureWindow(session);
      const [today, fresh] = sessions;
      if (today && fresh)
        rows.push({ view: view.label, today: await report(today), new: await report(fresh) });
    } finally {
      for (const session of sessions) await closeSession(session);
    }
  });
}

test(`heap after an accelerated day, the new build: ${QUEUES} queues, ${AGENTS} agents`, async ({ page }) => {
  const server = await startBenchServer({ queues: QUEUES, agents: AGENTS }, undefined, {
    dist: NEW.dist(),
    protocol: NEW.protocol,
  });
  try {
    await page.setViewportSize({ width: 1920, height: 1080 });
    const cdp = await page.context().newCDPSession(page);
    await page.goto(`${server.url}/?view=wall&rotate=2`);
    await page.locator('[data-queue-id]').first().waitFor();
    // An accelerated day: a snapshot every 150 ms, the simulated clock moving 3 minutes each time, so 480
    // updates cover 24 hours (the intraday series fills up and starts again at midnight).
    server.run(150, 180_000);
    // Warm up until the wall has turned through every page (3 of queue lines, the chart, the agents) at least
    // once: the chart's first draw and the JIT's first optimisations of each page are not growth.
    await page.waitForTimeout(60_000);
    const warm = await heapAfterGc(cdp);
    const warmParts = await heapParts(cdp);
    const start = server.updates();
    const target = start + 480;
    while (server.updates() < target) await page.waitForTimeout(1000);
    server.pause();
    await page.waitForTimeout(2000);
    const end = await heapAfterGc(cdp);
    const endParts = await heapParts(cdp);
    const growth = ((end - warm) / warm) * 100;
    const objectsGrowth = ((endParts.objectsMb - warmParts.objectsMb) / warmParts.objectsMb) * 100;
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      [
        `\naccelerated day, the new build on the ${server.protocol} stream: ${server.updates() - start} updates after warm-up`,
        `  JS heap after GC: ${mb(warm)} warm, ${mb(end)} after the day: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)}% (target < 10%)`,
        `  of which objects ${warmParts.objectsMb.toFixed(2)} MB -> ${endParts.objectsMb.toFixed(2)} MB (${objectsGrowth >= 0 ? '+' : ''}${objectsGrowth.toFixed(1)}%), compiled code ${warmParts.codeMb.toFixed(2)} MB -> ${endParts.codeMb.toFixed(2)} MB`,
      ].join('\n'),
    );
  } finally {
    await server.close();
  }
});

function firstLoad(build: Build): string[] {
  const dist = build.dist();
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  const assets = readdirSync(join(dist, 'assets'));
  // A snapshot checker's worker starts with the page (today's build has one); the chart chunk loads only when a
  // chart is shown.
  const worker = assets.filter((name) => name.startsWith('snapshot.worker') && name.endsWith('.js'));
  const files = [...new Set([...entry, ...worker.map((name) => `assets/${name}`)])];
  let total = 0;
  const lines = files.map((file) => {
    const size = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
    total += size;
    return `  ${file}: ${(size / 1024).toFixed(1)} KB`;
  });
  const lazy = assets
    .filter((name) => name.endsWith('.js') && !files.includes(`assets/${name}`))
    .map(
      (name) =>
        `  ${name} (lazy): ${(gzipSync(readFileSync(join(dist, 'assets', name))).length / 1024).toFixed(1)} KB`,
    );
  return [
    `\nfirst-load JavaScript of ${build.title}, gzipped: ${(total / 1024).toFixed(1)} KB (target < 250 KB)`,
    ...lines,
    ...lazy,
  ];
}

test('first-load JavaScript, gzipped', () => {
  console.log([...firstLoad(TODAY), ...firstLoad(NEW)].join('\n'));
});
