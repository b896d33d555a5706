import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page, Route } from '@playwright/test';
import {
  applyPatch,
  checkPatch,
  STREAM_EVENT_ID_HEADER,
  streamEventId,
  type Snapshot,
} from '@switchboard/shared';
import { pageWithSnapshot, readPage } from '../support/page.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { expect, test } from '../support/test.js';

/**
 * The stream sends a screen its board's view whole once, then patches. In a real browser against the real
 * server: a wall that runs for hours of simulated time on patches alone and shows exactly what the server has;
 * a screen that drops off and comes back with the patches it missed; a patch for a generation the screen does
 * not hold, and one it cannot apply, each met by asking for the view whole, never by showing a mix.
 */

/** Two simulated hours a minute: a 2 s cycle moves the simulated clock four minutes. */
const SPEED = 120;

let server: TestServer;
test.beforeAll(async () => {
  // A board of every queue beside the whole instance: a board's stream names its configuration's revision.
  const config = join(mkdtempSync(join(tmpdir(), 'switchboard-patches-')), 'wallboard.yaml');
  writeFileSync(config, 'boards:\n  - id: floor\n    title: Floor\n    queues: all\n');
  server = await startTestServer({
    WALLBOARD_CONFIG: config,
    SIMULATOR_QUEUES: '12',
    SIMULATOR_AGENTS: '60',
    SIMULATOR_SPEED: String(SPEED),
    SIMULATOR_TIME_OF_DAY: '08:00',
    LOG_LEVEL: 'warn',
  });
});
test.afterAll(async () => {
  await server?.stop();
});

interface StreamEvent {
  event: string;
  id: string;
  data: string;
}

/** Every stream event the page receives, from Chromium's own record (CDP), in order. */
async function recordStream(page: Page): Promise<{ events: StreamEvent[]; cdp: CDPSession }> {
  const cdp = await page.context().newCDPSession(page);
  const events: StreamEvent[] = [];
  cdp.on('Network.eventSourceMessageReceived', (message) => {
    events.push({ event: message.eventName, id: message.eventId, data: message.data });
  });
  await cdp.send('Network.enable');
  return { events, cdp };
}

/** The views the events build, by generation: the whole view, then each patch applied to the one before. */
function rebuild(events: readonly StreamEvent[]): Map<number, Snapshot> {
  const views = new Map<number, Snapshot>();
  let view: Snapshot | null = null;
  for (const { event, data } of events) {
    if (event === 'snapshot') view = JSON.parse(data) as Snapshot;
    else if (event === 'patch') {
      if (!view) throw new Error('a patch before any view');
      view = applyPatch(view, checkPatch(JSON.parse(data)));
    } else continue;
    views.set(view.generation, view);
  }
  return views;
}

/** Records whether any of `markers` ever appears on the page, however briefly. */
async function watchForText(page: Page, markers: string[]): Promise<void> {
  await page.addInitScript((watched: string[]) => {
    const w = window as unknown as { seenMarkers: string[] };
    w.seenMarkers = [];
    new MutationObserver(() => {
      const text = document.body?.textContent ?? '';
      for (const marker of watched) if (text.includes(marker)) w.seenMarkers.push(marker);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  }, markers);
}

const seenMarkers = (page: Page) =>
  page.evaluate(() => (window as unknown as { seenMarkers: string[] }).seenMarkers);

/**
 * The first stream request answered with these events (then the connection ends); later ones go to the server.
 * `body` is given the view of `board` (none: the whole instance) and its stream event id as the server names it.
 */
async function firstStreamIs(
  page: Page,
  body: (view: Snapshot, id: string) => string,
  board: string | null = null,
): Promise<{ requests: { lastEventId: string | null; since: string | null }[]; view: () => Snapshot }> {
  const requests: { lastEventId: string | null; since: string | null }[] = [];
  let served: Snapshot | undefined;
  await page.route('**/api/v1/stream**', async (route: Route) => {
    const headers = await route.request().allHeaders();
    requests.push({
      lastEventId: headers['last-event-id'] ?? null,
      since: new URL(route.request().url()).searchParams.get('since'),
    });
    if (requests.length > 1) {
      await route.continue();
      return;
    }
    const answer = await fetch(`${server.url}/api/v1/snapshot${board ? `?board=${board}` : ''}`);
    const view = (await answer.json()) as Snapshot;
    served = view;
    await route.fulfill({
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
      body: body(view, answer.headers.get(STREAM_EVENT_ID_HEADER) ?? streamEventId(view)),
    });
  });
  return {
    requests,
    view: () => {
      if (!served) throw new Error('the stream was never asked for');
      return served;
    },
  };
}

/** An event as the server writes it, its id the generation and instance (shared/src/streamEventId.ts). */
const sse = (
  event: string,
  view: { generation: number; instanceId: string },
  data: unknown,
  retryMs?: number,
) =>
  `${retryMs === undefined ? '' : `retry: ${retryMs}\n`}id: ${streamEventId(view)}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

test('a wall that runs for hours of simulated time gets its view whole once, then patches only, and shows what the server has', async ({
  page,
}) => {
  test.setTimeout(210_000);
  const { events } = await recordStream(page);
  await page.goto(`${server.url}/?view=wall`);
  await expect(page.locator('[data-queue-id]').first()).toBeVisible({ timeout: 30_000 });
  // Three hours of the simulated day: intervals close, figures move, agents come and go.
  await page.waitForTimeout((180 * 60_000) / SPEED);

  const { snapshot, shown } = await pageWithSnapshot(page, `${server.url}/api/v1/snapshot`);
  expect(events.filter((e) => e.event === 'snapshot')).toHaveLength(1);
  expect(events.filter((e) => e.event === 'patch').length).toBeGreaterThan(30);
  // The time now first, then the view whole.
  expect(events.slice(0, 2).map((e) => e.event)).toEqual(['heartbeat', 'snapshot']);

  // What the patches built is what the server has at that generation, section by section.
  const built = rebuild(events).get(snapshot.generation);
  expect(built, `the page's events reach generation ${snapshot.generation}`).toBeDefined();
  expect(built?.queues).toEqual(snapshot.queues);
  expect(built?.agents).toEqual(snapshot.agents);
  expect(built?.summary).toEqual(snapshot.summary);
  expect(built?.intraday).toEqual(snapshot.intraday);
  expect(built?.alerts).toEqual(snapshot.alerts);
  // Intervals closed on the way, and their series came by patches. (Counted on the patches, not on the series'
  // length: the simulated day runs on from the real time of the run, and may pass midnight and start afresh.)
  const seriesPatches = events.filter(
    (e) => e.event === 'patch' && (JSON.parse(e.data) as { intraday?: unknown }).intraday !== undefined,
  );
  expect(seriesPatches.length, 'patches that carried an intraday series').toBeGreaterThan(0);
  // And the page draws it: every tile on screen shows its queue of that generation.
  expect(shown.tiles.length).toBeGreaterThan(0);
  for (const tile of shown.tiles) {
    const queue = snapshot.queues.find((q) => q.id === tile.id);
    expect(queue, tile.id).toBeDefined();
    const waiting = tile.figures.CONTACTS_IN_QUEUE;
    if (waiting) expect(waiting.text).toBe(String(queue?.realtime.CONTACTS_IN_QUEUE ?? '—'));
  }
});

// The page reads its board's view, events naming the board's revision: the board the address names, or the
// server's default (here the only one) where it names none.
for (const { shows, named } of [
  { shows: 'the default board, the address naming none', named: null },
  { shows: 'a board the address names', named: 'floor' },
]) {
  const board = 'floor';
  test(`a screen that drops off comes back with the patches it missed, not the whole view again: ${shows}`, async ({
    page,
  }) => {
    const query = `?board=${board}`;
    // Another screen keeps the board's stream, and its kept patches, going on the server.
    const keeper = new AbortController();
    const keeping = fetch(`${server.url}/api/v1/stream${query}`, { signal: keeper.signal }).then(
      (response) => response.body?.getReader().read(),
      () => undefined,
    );
    try {
      const { events } = await recordStream(page);
      // The generations the page's polls brought, as their stream event ids name them.
      const polled: number[] = [];
      page.on('response', (response) => {
        const id = response.headers()['x-stream-event-id'];
        if (response.url().includes('/api/v1/snapshot') && id) polled.push(Number(id.split('@')[0]));
      });
      // The first connection ends at once and asks for the next in 6 s: the screen misses a few generations,
      // and polls meanwhile.
      const { requests, view } = await firstStreamIs(
        page,
        (whole, id) => `retry: 6000\nid: ${id}\nevent: snapshot\ndata: ${JSON.stringify(whole)}\n\n`,
        board,
      );
      await page.goto(`${server.url}/?view=wall${named ? `&board=${named}` : ''}`);
      await expect.poll(() => requests.length, { timeout: 20_000 }).toBe(2);
      const held = view().generation;
      // Before it reconnected, a poll brought a later generation: the view it resumes from is a polled one.
      expect(polled.some((generation) => generation > held)).toBe(true);
      // It named the generation it holds (EventSource's own Last-Event-ID, which the browser adds below what
      // the page's requests show, or ?since= on a connection of its own): the server answered with patches.
      await expect
        .poll(() => events.filter((e) => e.event === 'patch').length, { timeout: 15_000 })
        .toBeGreaterThan(1);
      // Resumed: the patches from the generation it held on, never the whole view a second time.
      expect(events.filter((e) => e.event === 'snapshot')).toHaveLength(1);
      const firstPatch = JSON.parse(events.find((e) => e.event === 'patch')?.data ?? '{}') as {
        base?: number;
      };
      expect(firstPatch.base).toBe(held);
      const { shown, snapshot } = await pageWithSnapshot(page, `${server.url}/api/v1/snapshot${query}`);
      expect(shown.generation).toBe(snapshot.generation);
      expect(snapshot.generation).toBeGreaterThan(held + 1);
    } finally {
      keeper.abort();
      await keeping;
    }
  });
}

/**
 * Opens the wall (its first stream being a bad one) and checks it recovered as it must: a fresh connection
 * naming no generation, answered with the view whole, the page at the server's generation, and no marker of
 * the bad patch ever on screen.
 */
async function opensAndTakesTheViewWholeAgain(
  page: Page,
  requests: readonly { lastEventId: string | null; since: string | null }[],
  events: readonly StreamEvent[],
): Promise<void> {
  await page.goto(`${server.url}/?view=wall`);
  await expect.poll(() => requests.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  expect(requests[1]).toEqual({ lastEventId: null, since: null });
  await expect.poll(() => events.filter((e) => e.event === 'snapshot').length).toBe(2);
  const { shown, snapshot } = await pageWithSnapshot(page, `${server.url}/api/v1/snapshot`);
  expect(shown.generation).toBe(snapshot.generation);
  expect(await seenMarkers(page)).toEqual([]);
}

test('a patch for a generation the screen does not hold: it asks for the view whole and never shows the patch', async ({
  page,
}) => {
  await watchForText(page, ['GAP-MARKER']);
  const { events } = await recordStream(page);
  const { requests } = await firstStreamIs(page, (whole) => {
    const [first] = whole.queues;
    // Applies to a generation three ahead of the one just sent: the screen missed some.
    const patch = {
      base: whole.generation + 3,
      generation: whole.generation + 4,
      queues: { upsert: first ? [{ ...first, name: 'GAP-MARKER' }] : [] },
    };
    return (
      sse('snapshot', whole, whole) +
      sse('patch', { instanceId: whole.instanceId, generation: whole.generation + 4 }, patch)
    );
  });
  await opensAndTakesTheViewWholeAgain(page, requests, events);
});

test('a patch the screen cannot apply: it asks for the view whole and shows none of it', async ({ page }) => {
  await watchForText(page, ['BAD-MARKER']);
  const { events } = await recordStream(page);
  const { requests } = await firstStreamIs(page, (whole) => {
    const [first, second] = whole.queues;
    // Renames one queue, and adds one without saying where it goes: not a patch for this view, so none of
    // it may be shown, the rename included.
    const patch = {
      base: whole.generation,
      generation: whole.generation + 1,
      queues: {
        upsert: [
          ...(first ? [{ ...first, name: 'BAD-MARKER' }] : []),
          ...(second ? [{ ...second, id: 'a-queue-nobody-placed' }] : []),
        ],
      },
    };
    return (
      sse('snapshot', whole, whole) +
      sse('patch', { instanceId: whole.instanceId, generation: whole.generation + 1 }, patch)
    );
  });
  await opensAndTakesTheViewWholeAgain(page, requests, events);
  expect((await readPage(page)).tiles.map((tile) => tile.id)).not.toContain('a-queue-nobody-placed');
});
