import type { Snapshot } from '@switchboard/shared';
import { heapParts, type HeapParts } from '../support/heapSnapshot.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { expect, test } from '../support/test.js';

/**
 * Soak: a whole contact-centre day, fast-forwarded (the simulator at SOAK_SPEED times real time), with a wall
 * and a laptop attached throughout, across midnight. Prints the server's and each browser's memory at the start
 * (after warming up) and at the end, a day apart so at the same time of day (a browser's, the least of a few
 * samples): the heap after a full garbage collection, which is what a leak grows (the server's process holds the
 * embedded simulator's model too), and the server's resident size. The target is under 10% growth; the test fails beyond LEAK_LIMIT, which no
 * healthy run comes near, so a leak is caught without the noise of a shared machine failing the suite.
 * A browser's heap after GC counts the JIT's compiled code, which grows over the first simulated days and then
 * levels (docs/wallboard.md, "Memory over weeks"), so each browser's objects are printed apart from its code.
 */

const SOAK_SPEED = Number(process.env.SOAK_SPEED ?? 1440);
const SIMULATED_HOURS = Number(process.env.SOAK_HOURS ?? 24);
/**
 * The server's process holds the embedded simulator, whose history (SIMULATOR_HISTORY_DAYS of intervals) and
 * call log (SIMULATOR_CALL_LOG calls) fill up and then stay that size. Warming up for a simulated day with
 * both at their least, the soak measures from when they are full, so what grows is the wallboard's.
 */
const WARM_UP_MS = Math.max(20_000, (26 * 3_600_000) / SOAK_SPEED);
const LEAK_LIMIT = 0.5;
/** Each measurement of a browser's heap is the least of this many samples, taken one after the other. */
const HEAP_SAMPLES = 3;

let server: TestServer;
test.beforeAll(async () => {
  server = await startTestServer(
    {
      SIMULATOR_SPEED: String(SOAK_SPEED),
      SIMULATOR_QUEUES: '40',
      SIMULATOR_AGENTS: '300',
      SIMULATOR_HISTORY_DAYS: '1',
      SIMULATOR_CALL_LOG: '100',
      LOG_LEVEL: 'warn',
    },
    { measureMemory: true },
  );
});
test.afterAll(async () => {
  await server?.stop();
});

async function serverMemory(): Promise<{ rssMb: number; heapMb: number }> {
  const { rss, heapUsed } = await server.memoryAfterGc();
  return { rssMb: rss / 1024 / 1024, heapMb: heapUsed / 1024 / 1024 };
}

test('a fast-forwarded day with a wall and a laptop attached: no blank screen, no memory growth', async ({
  browser,
}) => {
  const realMs = (SIMULATED_HOURS * 3_600_000) / SOAK_SPEED;
  // The day, the warm-up, and room for the samples of both screens before and after (each waits for the wall's
  // first page): 3.3 minutes in all on a quiet machine, over 4 on a busy one.
  test.setTimeout(realMs + WARM_UP_MS + 180_000);

  const screens = await Promise.all(
    ['/?view=wall&rotate=3', '/'].map(async (path) => {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      const page = await context.newPage();
      await page.goto(`${server.url}${path}`);
      await expect(page.locator('[data-queue-id]').first()).toBeVisible({ timeout: 30_000 });
      const cdp = await context.newCDPSession(page);
      const sample = async (): Promise<{ heapMb: number; parts: HeapParts }> => {
        // Like with like: the wall is measured on its first page (it turns every 3 s here, through every page).
        if (path.includes('view=wall')) {
          await expect(page.getByTestId('page-indicator')).toHaveText(/^1\//, { timeout: 60_000 });
        }
        await cdp.send('HeapProfiler.collectGarbage');
        await cdp.send('HeapProfiler.collectGarbage');
        const { usedSize } = await cdp.send('Runtime.getHeapUsage');
        return { heapMb: usedSize / 1024 / 1024, parts: await heapParts(cdp) };
      };
      // The least of a few samples: a page that turns, or a view that arrives, while one is taken holds what it
      // draws then for a moment, and one sample of a wall of 3 MB of objects once read 1.9 MB more. What a leak
      // grows is in every sample.
      const heapMb = async (): Promise<{ heapMb: number; parts: HeapParts }> => {
        const samples: { heapMb: number; parts: HeapParts }[] = [];
        for (let i = 0; i < HEAP_SAMPLES; i += 1) samples.push(await sample());
        return {
          heapMb: Math.min(...samples.map((one) => one.heapMb)),
          parts: {
            objectsMb: Math.min(...samples.map((one) => one.parts.objectsMb)),
            codeMb: Math.min(...samples.map((one) => one.parts.codeMb)),
          },
        };
      };
      return { path, page, context, heapMb };
    }),
  );

  const first = (await (await fetch(`${server.url}/api/v1/snapshot`)).json()) as Snapshot;
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  const start = {
    server: await serverMemory(),
    browsers: await Promise.all(screens.map((screen) => screen.heapMb())),
  };

  // The day goes by; every half minute each screen must still show its tiles.
  const deadline = Date.now() + realMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, Math.max(0, deadline - Date.now()))));
    // Never blank: the header and a page of figures (the wall turns its pages: queues, agents, charts).
    for (const screen of screens) {
      await expect(screen.page.getByRole('banner')).toBeVisible();
      await expect(screen.page.locator('main')).not.toBeEmpty();
    }
  }

  const last = (await (await fetch(`${server.url}/api/v1/snapshot`)).json()) as Snapshot;
  const end = {
    server: await serverMemory(),
    browsers: await Promise.all(screens.map((screen) => screen.heapMb())),
  };

  const simulatedHours =
    (Date.parse(last.dataSnapshotTime ?? '') - Date.parse(first.dataSnapshotTime ?? '')) / 3_600_000;
  const growth = (from: number, to: number) => (to - from) / from;
  const lines = [
    `soak: ${simulatedHours.toFixed(1)} simulated hours in ${(realMs / 1000).toFixed(0)} s (speed ${SOAK_SPEED})`,
    `server RSS after GC  ${start.server.rssMb.toFixed(1)} MB -> ${end.server.rssMb.toFixed(1)} MB (${(100 * growth(start.server.rssMb, end.server.rssMb)).toFixed(1)}%)`,
    `server heap after GC ${start.server.heapMb.toFixed(1)} MB -> ${end.server.heapMb.toFixed(1)} MB (${(100 * growth(start.server.heapMb, end.server.heapMb)).toFixed(1)}%)`,
    ...screens.flatMap((screen, index) => {
      const from = start.browsers[index];
      const to = end.browsers[index];
      if (!from || !to) return [];
      return [
        `browser ${screen.path.padEnd(12)} ${from.heapMb.toFixed(1)} MB -> ${to.heapMb.toFixed(1)} MB (${(100 * growth(from.heapMb, to.heapMb)).toFixed(1)}%) heap after GC`,
        `  of which objects   ${from.parts.objectsMb.toFixed(1)} MB -> ${to.parts.objectsMb.toFixed(1)} MB (${(100 * growth(from.parts.objectsMb, to.parts.objectsMb)).toFixed(1)}%), compiled code ${from.parts.codeMb.toFixed(1)} MB -> ${to.parts.codeMb.toFixed(1)} MB`,
      ];
    }),
  ];
  const errors = Object.entries(last.sections)
    .filter(([, section]) => section.error)
    .map(([name, section]) => `${name}: ${section.error?.message}`);
  lines.push(`section errors at the end: ${errors.length === 0 ? 'none' : errors.join('; ')}`);
  console.log(lines.join('\n'));
  test.info().annotations.push({ type: 'soak', description: lines.join('; ') });

  // A day went by, across midnight, and the figures are fresh at the end.
  expect(simulatedHours).toBeGreaterThan(SIMULATED_HOURS * 0.8);
  expect(last.stale).toBe(false);
  expect(growth(start.server.heapMb, end.server.heapMb)).toBeLessThan(LEAK_LIMIT);
  expect(growth(start.server.rssMb, end.server.rssMb)).toBeLessThan(LEAK_LIMIT);
  for (const [index] of screens.entries()) {
    const from = start.browsers[index];
    const to = end.browsers[index];
    expect(growth(from?.heapMb ?? 0, to?.heapMb ?? 0)).toBeLessThan(LEAK_LIMIT);
    expect(growth(from?.parts.objectsMb ?? 0, to?.parts.objectsMb ?? 0)).toBeLessThan(LEAK_LIMIT);
  }
  for (const screen of screens) await screen.context.close();
});
