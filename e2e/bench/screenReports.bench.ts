import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { test, type CDPSession, type Page } from '@playwright/test';
import { startTestServer, type TestServer } from '../support/server.js';
import { setting } from './settings.js';

/**
 * What the screens' own reports cost a wall (docs/screens.md): against the real server on its embedded
 * simulator at its default size (40 queues, 300 agents, a cycle every 2 s) at 10:30, a wall in Chromium. Prints:
 * - the bytes of one report on the wire (request line, headers and body out; status line and headers back) and
 *   the stream's bytes a second, counted by Chromium's network layer, and the share reports add at the default
 *   interval (target at most 1%), and at the interval the run used;
 * - scripting time per update of the wall without reports (BENCH_BASELINE_DIST, the web app built from the
 *   commit before them, its assets served in place of this build's) and with them, both open and measured over
 *   the same windows, and the ratio.
 *
 * Settings, all optional: BENCH_SECONDS (each window, default 30), BENCH_WINDOWS (default 5),
 * BENCH_BASELINE_DIST (a web dist without reports; without it, the scripting comparison is skipped).
 */
const DEFAULT_INTERVAL_MS = 60_000;
const MEASURED_INTERVAL_MS = 5000;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/** Serves another build's web app to the page in place of the server's, the API still the server's. */
async function serveDist(page: Page, dist: string): Promise<void> {
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.startsWith('/api/')) return route.fallback();
    const file = normalize(join(dist, url.pathname === '/' ? 'index.html' : url.pathname));
    if (!file.startsWith(dist) || !existsSync(file)) return route.fallback();
    return route.fulfill({
      status: 200,
      contentType: TYPES[extname(file)] ?? 'application/octet-stream',
      body: readFileSync(file),
    });
  });
}

interface Traffic {
  streamBytes: number;
  /** Each report answered so far: bytes out (request line, headers, body) and back (status line, headers). */
  reports(): { sent: number; received: number }[];
}

/**
 * Counts the stream's bytes and each report's bytes both ways, as Chromium's network layer saw them. A report is
 * a keepalive fetch, which Chromium does not close with loadingFinished: its answer is its headers (a 204).
 * The extra-info events may come before the request's own event, so everything is kept by request id.
 */
async function watchTraffic(cdp: CDPSession): Promise<Traffic> {
  const reportIds: string[] = [];
  const streamIds = new Set<string>();
  const body = new Map<string, number>();
  const requestHeaders = new Map<string, number>();
  const responseHeaders = new Map<string, number>();
  let streamBytes = 0;
  await cdp.send('Network.enable');
  cdp.on(
    'Network.requestWillBeSent',
    (event: { requestId: string; request: { url: string; postData?: string } }) => {
      const path = new URL(event.request.url).pathname;
      if (path === '/api/v1/stream') streamIds.add(event.requestId);
      if (path === '/api/v1/displays/report') {
        reportIds.push(event.requestId);
        body.set(event.requestId, Buffer.byteLength(event.request.postData ?? ''));
      }
    },
  );
  cdp.on(
    'Network.requestWillBeSentExtraInfo',
    (event: { requestId: string; headers: Record<string, string> }) => {
      // The request line, each header line, and the blank line.
      let bytes = 'POST /api/v1/displays/report HTTP/1.1\r\n\r\n'.length;
      for (const [name, value] of Object.entries(event.headers))
        if (!name.startsWith(':')) bytes += `${name}: ${value}\r\n`.length;
      requestHeaders.set(event.requestId, bytes);
    },
  );
  cdp.on('Network.responseReceivedExtraInfo', (event: { requestId: string; headersText?: string }) => {
    if (event.headersText) responseHeaders.set(event.requestId, Buffer.byteLength(event.headersText));
  });
  cdp.on('Network.dataReceived', (event: { requestId: string; encodedDataLength: number }) => {
    if (streamIds.has(event.requestId)) streamBytes += event.encodedDataLength;
  });
  return {
    get streamBytes() {
      return streamBytes;
    },
    reports: () =>
      reportIds
        .filter((id) => responseHeaders.has(id))
        .map((id) => ({
          sent: (requestHeaders.get(id) ?? 0) + (body.get(id) ?? 0),
          received: responseHeaders.get(id) ?? 0,
        })),
  };
}

async function generation(page: Page): Promise<number> {
  return Number(await page.locator('[data-generation]').getAttribute('data-generation'));
}

async function scriptSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

let server: TestServer;
test.beforeAll(async () => {
  // A busy late morning whatever the hour of the run, as the browser tests use.
  server = await startTestServer({
    SCREEN_REPORT_INTERVAL_MS: String(MEASURED_INTERVAL_MS),
    SIMULATOR_TIME_OF_DAY: '10:30',
  });
});
test.afterAll(async () => server?.stop());

test('what reports add to a wall: bytes on the wire and scripting per update', async ({ browser }) => {
  const seconds = setting('BENCH_SECONDS', 30);
  const windows = setting('BENCH_WINDOWS', 5);
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const traffic = await watchTraffic(cdp);
  await page.goto(`${server.url}/?view=wall`);
  await page.locator('[data-generation]').waitFor();
  // Past the view sent whole on connecting: the stream's steady state is its patches and heartbeats.
  await page.waitForTimeout(5000);
  const streamFrom = traffic.streamBytes;
  const reportsFrom = traffic.reports().length;
  const started = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const elapsed = (Date.now() - started) / 1000;
  const streamPerSecond = (traffic.streamBytes - streamFrom) / elapsed;
  const reports = traffic.reports().slice(reportsFrom);
  const perReport = reports.length
    ? reports.reduce((n, r) => n + r.sent + r.received, 0) / reports.length
    : NaN;
  const share = (intervalMs: number) => (perReport / (intervalMs / 1000) / streamPerSecond) * 100;
  const first = reports[0];
  console.log(
    [
      `stream: ${streamPerSecond.toFixed(0)} bytes/s on the wire over ${elapsed.toFixed(0)} s (gzip, patches and heartbeats)`,
      `one report: ${perReport.toFixed(0)} bytes (${first?.sent ?? 0} out, ${first?.received ?? 0} back), ${reports.length} reports in the window`,
      `reports add ${share(DEFAULT_INTERVAL_MS).toFixed(2)}% at the default interval (${DEFAULT_INTERVAL_MS / 1000} s; target 1%)`,
      `            ${share(MEASURED_INTERVAL_MS).toFixed(2)}% at the ${MEASURED_INTERVAL_MS / 1000} s this run used`,
    ].join('\n'),
  );
  await context.close();

  const baseline = process.env.BENCH_BASELINE_DIST;
  if (!baseline) {
    console.log('BENCH_BASELINE_DIST unset: no scripting comparison against a build without reports');
    return;
  }
  const open = async (dist: string | null) => {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const p = await ctx.newPage();
    if (dist) await serveDist(p, normalize(dist));
    const session = await ctx.newCDPSession(p);
    await session.send('Performance.enable');
    await p.goto(`${server.url}/?view=wall`);
    await p.locator('[data-generation]').waitFor();
    return { ctx, page: p, cdp: session };
  };
  const builds = { without: await open(baseline), with: await open(null) };
  await builds.with.page.waitForTimeout(5000);
  // Both pages are measured over the same windows, side by side, so the machine's load weighs on both alike.
  const perUpdate: Record<'without' | 'with', number[]> = { without: [], with: [] };
  const ratios: number[] = [];
  for (let window = 0; window < windows; window += 1) {
    const names = ['without', 'with'] as const;
    const before = await Promise.all(
      names.map(async (name) => ({
        generation: await generation(builds[name].page),
        script: await scriptSeconds(builds[name].cdp),
      })),
    );
    await builds.with.page.waitForTimeout(seconds * 1000);
    const ms = await Promise.all(
      names.map(async (name, index) => {
        const build = builds[name];
        const updates = (await generation(build.page)) - (before[index]?.generation ?? 0);
        const script = (await scriptSeconds(build.cdp)) - (before[index]?.script ?? 0);
        return (script * 1000) / Math.max(1, updates);
      }),
    );
    const [without = NaN, withReports = NaN] = ms;
    perUpdate.without.push(without);
    perUpdate.with.push(withReports);
    ratios.push(withReports / without);
    console.log(
      `window ${window + 1}: ${without.toFixed(2)} ms scripting per update without reports, ${withReports.toFixed(2)} ms with (${(withReports / without).toFixed(2)}×)`,
    );
  }
  console.log(
    `scripting per update, median of ${windows} windows: without reports ${median(perUpdate.without).toFixed(2)} ms, ` +
      `with ${median(perUpdate.with).toFixed(2)} ms; median ratio ${median(ratios).toFixed(2)}× ` +
      `(range ${Math.min(...ratios).toFixed(2)}× to ${Math.max(...ratios).toFixed(2)}×)`,
  );
  for (const build of Object.values(builds)) await build.ctx.close();
});
