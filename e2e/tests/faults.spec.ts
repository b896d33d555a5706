import type { Page } from '@playwright/test';
import type { Snapshot } from '@switchboard/shared';
import { startTestServer, type TestServer } from '../support/server.js';
import { expect, test } from '../support/test.js';

/**
 * Connect misbehaving, as a supervisor at a laptop sees it. For each of the simulator's faults: while it lasts
 * the screen never goes blank, and whenever the server's figures are stale the page says so; once it ends the
 * page is fresh again by itself, without a reload. Over the whole run the server's memory stays bounded.
 */

interface FaultCase {
  name: string;
  /** What the simulator does (POST /_sim/faults). */
  faults: Record<string, unknown>;
  /** What the supervisor sees while it lasts. */
  shows: 'stale' | 'fresh-or-stale';
}

const CASES: FaultCase[] = [
  { name: 'a throttling storm', faults: { throttleRate: 0.9 }, shows: 'fresh-or-stale' },
  { name: 'bursts of 500s', faults: { errorRate: 0.6 }, shows: 'fresh-or-stale' },
  // Connections reset under half the requests, with no answer (a far end closing kept-alive connections).
  { name: 'connection resets', faults: { resetRate: 0.5 }, shows: 'fresh-or-stale' },
  { name: 'latency spikes', faults: { latencyMs: 4000 }, shows: 'fresh-or-stale' },
  { name: 'expired page tokens', faults: { expireTokens: true }, shows: 'fresh-or-stale' },
  {
    name: 'malformed and truncated responses',
    faults: { malformedRate: 0.3, truncateRate: 0.3 },
    shows: 'fresh-or-stale',
  },
  { name: 'a Connect outage', faults: { outageSeconds: 3600 }, shows: 'stale' },
];

const STALE_AFTER_MS = 6000;
const FAULT_MS = 14_000;

let server: TestServer;
let page: Page;
let memoryAtStart = { heapMb: 0, rssMb: 0 };

/** The server's memory after a full garbage collection: what is still held, not what is yet to be collected. */
async function serverMemory(): Promise<{ heapMb: number; rssMb: number }> {
  const { heapUsed, rss } = await server.memoryAfterGc();
  return { heapMb: heapUsed / 1024 / 1024, rssMb: rss / 1024 / 1024 };
}

async function snapshot(): Promise<Snapshot> {
  return (await (await fetch(`${server.url}/api/v1/snapshot`)).json()) as Snapshot;
}

async function setFaults(faults: Record<string, unknown> | null): Promise<void> {
  const response = await fetch(`${server.simulatorUrl}/_sim/faults`, {
    method: faults ? 'POST' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    ...(faults ? { body: JSON.stringify(faults) } : {}),
  });
  expect(response.ok, `simulator faults ${JSON.stringify(faults)}: ${response.status}`).toBe(true);
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  // 150 queues and 400 agents: the queue figures take two chunks and the agents several pages, so page tokens
  // and partial cycles are really exercised.
  server = await startTestServer(
    {
      SIMULATOR_QUEUES: '150',
      SIMULATOR_AGENTS: '400',
      SIMULATOR_TIME_OF_DAY: '10:30',
      STALE_AFTER_MS: String(STALE_AFTER_MS),
      LOG_LEVEL: 'warn',
    },
    { measureMemory: true },
  );
  page = await browser.newPage();
  await page.goto(server.url);
  await expect(page.locator('[data-queue-id]').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('stale-banner')).toHaveCount(0, { timeout: 30_000 });
  await page.evaluate(() => {
    (window as unknown as { reloadMarker: string }).reloadMarker = 'same page';
  });
  memoryAtStart = await serverMemory();
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
});

for (const fault of CASES) {
  test(`${fault.name}: the figures stay on screen, stale is shown as stale, and it recovers by itself`, async () => {
    test.setTimeout(120_000);
    await setFaults(fault.faults);
    const until = Date.now() + FAULT_MS;
    let sawStale = false;
    while (Date.now() < until) {
      // Never blank: the tiles are there whatever Connect does.
      await expect(page.locator('[data-queue-id]').first()).toBeVisible();
      const served = await snapshot();
      expect(served.queues.length).toBe(150);
      if (served.stale) {
        sawStale = true;
        // Stale on the server is stale on the screen (allowing the page one refresh to hear of it).
        await expect(page.getByTestId('stale-banner')).toBeVisible({ timeout: 5000 });
        await expect(page.locator('main')).toHaveClass(/dimmed/);
      }
      await page.waitForTimeout(1000);
    }
    if (fault.shows === 'stale')
      expect(sawStale, 'an outage longer than the stale limit shows as stale').toBe(true);

    // The fault ends: fresh queue figures again, by themselves, in the same page; then every section (today's
    // figures refresh on their own, slower cadence).
    await setFaults(null);
    const ended = Date.now();
    await expect
      .poll(
        async () => {
          const served = await snapshot();
          return !served.stale && served.sections.queues.error === null;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await expect(page.locator('main')).not.toHaveClass(/dimmed/, { timeout: 5000 });
    const freshMs = Date.now() - ended;
    await expect
      .poll(
        async () => Object.values((await snapshot()).sections).every((section) => section.error === null),
        { timeout: 90_000 },
      )
      .toBe(true);
    await expect(page.getByTestId('stale-banner')).toHaveCount(0, { timeout: 10_000 });
    const completeMs = Date.now() - ended;
    const cycleMs = (await snapshot()).cycleMs;
    // Within one cycle of the fault ending (plus the cycle under way and this machine's slack), throttling too:
    // the backed-off budget keeps sending a request a second, so it sees the storm end at once.
    const bound = 2 * cycleMs + 3000;
    expect(freshMs, `${fault.name}: fresh again within ${bound} ms`).toBeLessThan(bound);
    const report = `${fault.name}: queues fresh ${freshMs} ms and every section ${completeMs} ms after the fault ended (cycle ${cycleMs} ms)`;
    test.info().annotations.push({ type: 'recovery', description: report });
    console.log(report);
    expect(await page.evaluate(() => (window as unknown as { reloadMarker?: string }).reloadMarker)).toBe(
      'same page',
    );
  });
}

test('an agents poll that stops answering: the queues stay fresh and the banner names the agents; past the call timeout, as failing', async () => {
  test.setTimeout(150_000);
  const banner = page.getByTestId('stale-banner');
  // Every page of agents 5 s late: a round of them takes longer than the agents' limit (the stale limit past
  // their interval), while the queues, on other calls, keep coming.
  await setFaults({ latencyMs: 5000, operations: ['GetCurrentUserData'] });
  try {
    await expect(banner).toContainText(/No new figures from Connect for agents for \d+:\d\d/, {
      timeout: 45_000,
    });
    expect((await snapshot()).stale).toBe(false);
    await expect(page.locator('main')).not.toHaveClass(/dimmed/);
    // The agents' own part of the page is dimmed while they are behind.
    await expect(page.locator('section.agents-section')).toHaveAttribute('data-stale', 'true', {
      timeout: 30_000,
    });
    // Slower than the server's limit on a call to Connect (10 s): each call fails, and says why.
    await setFaults({ latencyMs: 12_000, operations: ['GetCurrentUserData'] });
    await expect
      .poll(async () => (await snapshot()).sections.agents.error?.code ?? null, { timeout: 45_000 })
      .toBe('TimeoutError');
    // With the age of the figures it still shows, as their times count on from old states.
    await expect(banner).toContainText(/Connect is not answering for agents \(its figures \d+:\d\d old\)/, {
      timeout: 5000,
    });
    // Failing, its last figures ever older: still dimmed.
    await expect(page.locator('section.agents-section')).toHaveAttribute('data-stale', 'true', {
      timeout: 30_000,
    });
  } finally {
    await setFaults(null);
  }
  await expect(banner).toHaveCount(0, { timeout: 45_000 });
  await expect(page.locator('section.agents-section')).not.toHaveAttribute('data-stale', /.*/);
});

test('after every fault the server has not grown without bound', async () => {
  const end = await serverMemory();
  console.log(
    `server after GC across the faults: heap ${memoryAtStart.heapMb.toFixed(1)} MB -> ${end.heapMb.toFixed(1)} MB, ` +
      `RSS ${memoryAtStart.rssMb.toFixed(1)} MB -> ${end.rssMb.toFixed(1)} MB`,
  );
  expect(end.heapMb).toBeLessThan(memoryAtStart.heapMb * 1.5);
  expect(end.rssMb).toBeLessThan(memoryAtStart.rssMb * 1.5);
});
