import type { ScreenReport, ScreenState, ScreenSummary } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { LocalScreenStore } from '../cluster/localScreens.js';
import type { ScreenChange, ScreenMessage, ScreenStore } from '../cluster/screens.js';
import { createLogger } from '../logger.js';
import { DisplayRegistry } from './registry.js';
import {
  memoryGrowth,
  screenState,
  boardStream,
  screenBoard,
  streamStatus,
  worstFirst,
  type ScreenRecord,
  type StateOptions,
} from './state.js';
import { screenReport } from '../../test/support/screenReport.js';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const OPTIONS: StateOptions = {
  intervalMs: 10_000,
  staleAfterMs: 15_000,
  serverBuild: 'v2',
  serverStartedAt: T0 - 3600_000,
  streamLeaseMs: 30_000,
};

const report = screenReport;

function record(overrides: Partial<ScreenRecord> = {}): ScreenRecord {
  return {
    key: 'b:abcdefghijklmnopqrstuv',
    kind: 'browser',
    id: 'abcdefghijklmnopqrstuv',
    firstSeenAt: T0 - 600_000,
    report: report(),
    reportedAt: T0,
    errorsSince: null,
    lastUnhealthyAt: null,
    history: [],
    ...overrides,
  };
}

const OPEN = { open: true, openSince: T0 - 600_000, closedAt: null };
const CLOSED_AT = (at: number) => ({ open: false, openSince: null, closedAt: at });

describe('a screen’s state', () => {
  it('is healthy while it reports fresh figures on the current build with its stream open', () => {
    expect(screenState(record(), OPEN, T0 + 1000, OPTIONS)).toMatchObject({ state: 'healthy' });
  });

  it('is frozen when its stream stays open but its reports stop, since its last report', () => {
    const now = T0 + 26_000; // two intervals and the grace have passed
    expect(screenState(record(), OPEN, now, OPTIONS)).toEqual({
      state: 'frozen',
      since: T0,
      detail: 'stream open, no report for 26 s',
    });
    // Not yet, one interval late.
    expect(screenState(record(), OPEN, T0 + 15_000, OPTIONS).state).toBe('healthy');
  });

  it('is frozen when it reports but has drawn nothing new for a minute', () => {
    const stuck = record({ report: report({ renderAgeMs: 70_000 }) });
    expect(screenState(stuck, OPEN, T0 + 1000, OPTIONS)).toMatchObject({
      state: 'frozen',
      since: T0 - 70_000,
    });
  });

  it('is not frozen for the time between its reports while it draws, at any interval', () => {
    for (const intervalMs of [10_000, 60_000, 120_000]) {
      const options = { ...OPTIONS, intervalMs };
      const drawing = record({ report: report({ renderAgeMs: 1800 }) });
      // Up to the moment its next report is due, and the grace after it.
      for (const since of [1000, intervalMs / 2, intervalMs - 100, intervalMs + 4000])
        expect(screenState(drawing, OPEN, T0 + since, options).state).toBe('healthy');
    }
    // A report overdue counts toward "drew nothing new": one that said 50 s, 15 s past its due time and grace.
    const slowing = record({ report: report({ renderAgeMs: 50_000 }) });
    const minute = { ...OPTIONS, intervalMs: 60_000 };
    expect(screenState(slowing, OPEN, T0 + 60_000 + 5000 + 11_000, minute)).toMatchObject({
      state: 'frozen',
      since: T0 - 50_000,
      detail: 'drew nothing new for 1:01',
    });
  });

  it('is disconnected the moment its stream closes with no report after, and since then', () => {
    const closedAt = T0 + 3000;
    expect(screenState(record(), CLOSED_AT(closedAt), T0 + 4000, OPTIONS)).toEqual({
      state: 'disconnected',
      since: closedAt,
      detail: 'its stream closed',
    });
  });

  it('is not disconnected while it keeps reporting after its stream closed (it polls), until its reports stop', () => {
    const closedAt = T0 - 2000;
    expect(screenState(record(), CLOSED_AT(closedAt), T0 + 1000, OPTIONS).state).toBe('healthy');
    expect(screenState(record(), CLOSED_AT(closedAt), T0 + 30_000, OPTIONS)).toMatchObject({
      state: 'disconnected',
      since: T0,
    });
  });

  it('is disconnected when its reports stop and it has no stream at all', () => {
    const none = { open: false, openSince: null, closedAt: null };
    expect(screenState(record(), none, T0 + 30_000, OPTIONS).state).toBe('disconnected');
  });

  it('shows stale figures, since they went stale', () => {
    const stale = record({ report: report({ dataAgeMs: 40_000 }) });
    expect(screenState(stale, OPEN, T0 + 1000, OPTIONS)).toEqual({
      state: 'stale',
      since: T0 - 40_000 + 15_000,
      detail: 'figures 40 s old',
    });
  });

  it('shows a screen that never had a figure since it loaded as stale, once a page would have had them', () => {
    // A laptop on a board the server does not know: it reports, with no figures, for as long as it is open.
    const empty = (uptimeMs: number) =>
      record({ report: report({ dataAgeMs: null, renderAgeMs: null, uptimeMs }) });
    expect(screenState(empty(10_000), OPEN, T0 + 1000, OPTIONS)).toMatchObject({
      state: 'healthy',
      detail: 'no figures yet',
    });
    expect(screenState(empty(90_000), OPEN, T0 + 1000, OPTIONS)).toEqual({
      state: 'stale',
      since: T0 - 90_000 + 30_000,
      detail: 'no figures 1:30 after it loaded',
    });
    // Its first report came early, before its figures: the time since is no proof it still has none.
    const minute = { ...OPTIONS, intervalMs: 60_000 };
    expect(screenState(empty(3000), OPEN, T0 + 50_000, minute).state).toBe('healthy');
    // The Screens page draws no figures at all.
    const screens = record({
      report: report({ view: 'screens', dataAgeMs: null, renderAgeMs: null, uptimeMs: 90_000 }),
    });
    expect(screenState(screens, OPEN, T0 + 1000, OPTIONS).state).toBe('healthy');
    // Nor is it stale or frozen while Connect's figures pause: the stream it holds says nothing of it.
    const paused = record({
      report: report({ view: 'screens', dataAgeMs: 120_000, renderAgeMs: 120_000, uptimeMs: 600_000 }),
    });
    expect(screenState(paused, OPEN, T0 + 1000, OPTIONS).state).toBe('healthy');
  });

  it("lists the screens worst first, and supervisors' own pages after them", () => {
    const summary = (
      key: string,
      kind: 'token' | 'browser',
      view: ScreenReport['view'],
      state: ScreenState,
    ) => ({ key, kind, id: key, name: key, view, state, since: new Date(T0).toISOString() }) as ScreenSummary;
    const list = [
      summary('laptop-closed', 'browser', 'laptop', 'disconnected'),
      summary('wall-ok', 'browser', 'wall', 'healthy'),
      summary('screens-closed', 'browser', 'screens', 'disconnected'),
      summary('lobby-stale', 'token', 'wall', 'stale'),
      // A display token's laptop view is a screen someone set up, not a supervisor's page.
      summary('kiosk-laptop', 'token', 'laptop', 'frozen'),
      summary('laptop-ok', 'browser', 'laptop', 'healthy'),
    ];
    expect(list.sort(worstFirst).map((screen) => screen.key)).toEqual([
      'kiosk-laptop',
      'lobby-stale',
      'wall-ok',
      'laptop-closed',
      'screens-closed',
      'laptop-ok',
    ]);
  });

  it("follows the server's own figures between reports while its stream is open", () => {
    let fetchedAt = T0 - 1000;
    const options = { ...OPTIONS, figuresFetchedAt: () => ({ at: fetchedAt, intervalMs: 2000 }) };
    const fresh = record({ report: report({ dataAgeMs: 1500 }) });
    // Connect stops answering just after the report: 20 s on, the figures on screen are 21.5 s old (limit 15 s and
    // a 2 s refresh, as the wall's banner counts them), though the report said 1.5 s.
    expect(screenState(fresh, OPEN, T0 + 15_000, options).state).toBe('healthy');
    expect(screenState(fresh, OPEN, T0 + 20_000, options)).toEqual({
      state: 'stale',
      since: T0 - 1500 + 15_000 + 2000,
      detail: 'figures 22 s old',
    });
    // Its report said stale, and the server has fetched since: the stream has brought it the new figures.
    const stale = record({ report: report({ dataAgeMs: 40_000 }) });
    fetchedAt = T0 + 5000;
    expect(screenState(stale, OPEN, T0 + 6000, options).state).toBe('healthy');
    // No stream (it polls): the report's word stands until the next.
    const polling = { open: false, openSince: null, closedAt: null };
    expect(screenState(stale, polling, T0 + 6000, options).state).toBe('stale');
    const behind = { ...options, figuresFetchedAt: () => ({ at: T0 - 60_000, intervalMs: 2000 }) };
    expect(screenState(fresh, polling, T0 + 6000, behind).state).toBe('healthy');
  });

  it('is stale from its first report when it shows a board the configuration does not have', () => {
    const options = { ...OPTIONS, knownBoard: (board: string) => board === 'sales' };
    const lost = record({
      report: report({ board: 'slaes', dataAgeMs: null, renderAgeMs: null, uptimeMs: 4000 }),
    });
    expect(screenState(lost, OPEN, T0 + 1000, options)).toEqual({
      state: 'stale',
      since: T0 - 4000,
      detail: 'shows board slaes, which is not in the configuration',
    });
    // The default board (none named), and a board the configuration has, are judged as ever.
    for (const board of [null, 'sales'])
      expect(screenState(record({ report: report({ board }) }), OPEN, T0 + 1000, options).state).toBe(
        'healthy',
      );
  });

  it('shows errors caught by its error boundaries, since the first', () => {
    const failing = record({ report: report({ errors: 2 }), errorsSince: T0 - 5000 });
    expect(screenState(failing, OPEN, T0 + 1000, OPTIONS)).toMatchObject({
      state: 'errors',
      since: T0 - 5000,
      detail: '2 errors caught since it loaded',
    });
  });

  it('shows an old build, from its load or the server’s upgrade, whichever is later', () => {
    const old = record({ report: report({ build: 'v1', uptimeMs: 2 * 3600_000 }) });
    expect(screenState(old, OPEN, T0 + 1000, OPTIONS)).toMatchObject({
      state: 'old-build',
      since: OPTIONS.serverStartedAt,
    });
  });

  it('ranks the worst first: stale figures before errors before memory before an old build', () => {
    const history = Array.from({ length: 10 }, (_, i) => ({
      at: T0 - (9 - i) * 10_000,
      heapBytes: 20e6 + i * 5e6,
      dataAgeMs: 1000,
    }));
    const all = record({ report: report({ build: 'v1', errors: 1 }), history });
    expect(screenState(all, OPEN, T0, OPTIONS).state).toBe('errors');
    expect(screenState({ ...all, report: report({ build: 'v1' }) }, OPEN, T0, OPTIONS).state).toBe('memory');
    expect(
      screenState(
        { ...all, report: report({ build: 'v1', errors: 1, dataAgeMs: 60_000 }) },
        OPEN,
        T0,
        OPTIONS,
      ).state,
    ).toBe('stale');
  });
});

describe('memory growing', () => {
  const points = (heaps: number[]) =>
    heaps.map((heapBytes, i) => ({ at: T0 + i * 10_000, heapBytes, dataAgeMs: 0 }));

  it('is a steady climb over the short history, by a fifth and 8 MB at least', () => {
    const growth = memoryGrowth(points([20, 24, 28, 31, 35, 40, 44].map((mb) => mb * 1e6)));
    expect(growth?.since).toBe(T0);
    expect(growth?.grewBytes).toBeGreaterThan(20e6);
  });

  it('is not a sawtooth of garbage collection, a small rise, or too short a history', () => {
    expect(memoryGrowth(points([20, 40, 20, 40, 20, 40, 20].map((mb) => mb * 1e6)))).toBeNull();
    expect(memoryGrowth(points([100, 101, 102, 103, 104, 105, 106].map((mb) => mb * 1e6)))).toBeNull();
    expect(memoryGrowth(points([20, 40, 60].map((mb) => mb * 1e6)))).toBeNull();
    expect(memoryGrowth(points([null, null, null, null, null, null] as unknown as number[]))).toBeNull();
  });
});

describe('streams across replicas', () => {
  it('is open while any replica holds one, and a replica that stopped saying so lost it', () => {
    const held = { board: null, openSince: T0, closedAt: null, seenAt: T0 };
    expect(streamStatus([held], T0 + 10_000, 30_000)).toEqual({ open: true, openSince: T0, closedAt: null });
    expect(streamStatus([held], T0 + 31_000, 30_000)).toEqual({ open: false, openSince: null, closedAt: T0 });
    const closed = { ...held, closedAt: T0 + 5000 };
    expect(
      streamStatus([closed, { ...held, openSince: T0 + 6000, seenAt: T0 + 6000 }], T0 + 7000, 30_000).open,
    ).toBe(true);
  });

  it("names the board of the newest open stream, else of the newest one, as the screen's before it reports", () => {
    const open = { board: 'sales', openSince: T0, closedAt: null, seenAt: T0 + 9000 };
    // A newer stream of the same screen (another tab, another replica), already closed.
    const closed = { board: 'support', openSince: T0 + 5000, closedAt: T0 + 8000, seenAt: T0 + 8000 };
    const unreported = { report: null, reportedAt: null };
    expect(screenBoard(unreported, boardStream([open, closed], T0 + 10_000, 30_000))).toBe('sales');
    // The open one's replica stopped saying so: both are gone, and the newest names the board.
    expect(screenBoard(unreported, boardStream([open, closed], T0 + 60_000, 30_000))).toBe('support');
    expect(screenBoard(unreported, boardStream([], T0, 30_000))).toBeNull();
  });

  it('takes the board from the report, unless a stream opened since it says another', () => {
    const reported = { report: report({ board: 'sales' }), reportedAt: T0 + 1000 };
    const before = { board: 'support', openSince: T0, closedAt: null, seenAt: T0 + 9000 };
    expect(screenBoard(reported, boardStream([before], T0 + 10_000, 30_000))).toBe('sales');
    // Reloaded onto another board, not reported since.
    const since = { ...before, openSince: T0 + 5000 };
    expect(screenBoard(reported, boardStream([since], T0 + 10_000, 30_000))).toBe('support');
    // That stream closed: the report says.
    expect(screenBoard(reported, boardStream([{ ...since, closedAt: T0 + 9000 }], T0 + 10_000, 30_000))).toBe(
      'sales',
    );
    // Reconnected without ?board= (the page on the default board its report named): still that board.
    expect(screenBoard(reported, boardStream([{ ...since, board: null }], T0 + 10_000, 30_000))).toBe(
      'sales',
    );
  });
});

/** A screen alert rule on a screen down or stale, a minute. */
const DOWN_OR_STALE = {
  id: 'down-or-stale',
  states: ['disconnected' as const, 'stale' as const],
  minutes: 1,
  level: 'critical' as const,
};

/** A registry on a store of the test's own: what it loads and what it is sent, as given. */
function registryOn(store: Pick<ScreenStore, 'start'> & Partial<ScreenStore>, clock: () => number) {
  return new DisplayRegistry({
    ...OPTIONS,
    store: {
      replicaId: 'me',
      send: () => undefined,
      sendNow: () => Promise.resolve(),
      command: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      ...store,
    },
    logger: createLogger('silent'),
    clock,
  });
}

describe('the registry', () => {
  function registry(maxScreens = 3) {
    let now = T0;
    const sent: { key: string; event: string; data: unknown }[] = [];
    const displays = new DisplayRegistry({
      ...OPTIONS,
      store: new LocalScreenStore(),
      logger: createLogger('silent'),
      clock: () => now,
      maxScreens,
    });
    return {
      displays,
      sent,
      advance: (ms: number) => (now += ms),
      open: (key: string, board: string | null) =>
        displays.streamOpened(key, board, (event, data) => sent.push({ key, event, data })),
    };
  }

  it("lets go of dead replicas' entries for a screen that stays up through restarts, its state unchanged", async () => {
    const now = T0 + 3_600_000;
    const key = 'b:kept-up-screen-00000000';
    // Four replicas that served it and are gone (each restart a new id), and the one serving it now.
    const streams: Record<string, string> = {};
    for (let i = 1; i <= 4; i += 1) {
      const closedAt = T0 + i * 600_000;
      streams[`${key}|gone-${i}`] = JSON.stringify({
        board: `board-${i}`,
        openSince: closedAt - 500_000,
        closedAt,
        seenAt: closedAt,
      });
    }
    streams[`${key}|alive`] = JSON.stringify({
      board: 'sales',
      openSince: T0 + 2_700_000,
      closedAt: null,
      seenAt: now,
    });
    const sent: ScreenChange[] = [];
    const displays = registryOn(
      {
        start: () => Promise.resolve({ records: {}, streams, names: {} }),
        send: (change) => sent.push(change),
      },
      () => now,
    );
    await displays.start();
    const before = displays.list();
    displays['refresh']();
    expect(sent).toEqual([1, 2, 3].map((i) => ({ type: 'stream', key, replica: `gone-${i}`, value: null })));
    expect(displays.list()).toEqual(before);
    expect(before).toMatchObject([{ key, streamOpen: true, board: 'sales' }]);
    await displays.stop();
  });

  it('applies what other replicas say while it loads after what it loads, not under it', async () => {
    const key = 'b:forgotten-meanwhile-0000';
    const record = JSON.stringify({
      key,
      kind: 'browser',
      id: key.slice(2),
      firstSeenAt: T0,
      report: report(),
      reportedAt: T0,
      errorsSince: null,
      lastUnhealthyAt: null,
      history: [],
    });
    // A supervisor forgets the screen on another replica while this one reads the store's older copy.
    const displays = registryOn(
      {
        start: (receive) => {
          receive({ type: 'forget', key, replicas: [] });
          return Promise.resolve({ records: { [key]: record }, streams: {}, names: {} });
        },
      },
      () => T0,
    );
    await displays.start();
    expect(displays.has(key)).toBe(false);
    await displays.stop();
  });

  it('lists screens worst first: a closed one, a frozen one, then a healthy one', async () => {
    const { displays, advance, open } = registry();
    await displays.start();
    const closeA = open('t:lobby-tv', 'sales');
    open('b:frozen-screen-000000000', 'sales');
    open('b:healthy-screen-00000000', 'support');
    displays.report('t:lobby-tv', 'token', 'lobby-tv', report());
    displays.report('b:frozen-screen-000000000', 'browser', 'frozen-screen-000000000', report());
    advance(20_000);
    displays.report(
      'b:healthy-screen-00000000',
      'browser',
      'healthy-screen-00000000',
      report({ board: 'support' }),
    );
    closeA();
    advance(10_000);
    expect(displays.list().map((s) => [s.name ?? s.id, s.state])).toEqual([
      ['lobby-tv', 'disconnected'],
      ['frozen-screen-000000000', 'frozen'],
      ['healthy-screen-00000000', 'healthy'],
    ]);
    expect(displays.counts()).toMatchObject({ disconnected: 1, frozen: 1, healthy: 1, stale: 0 });
    await displays.stop();
  });

  it('sends a reload down the streams of one screen, or of every connected screen of a board', async () => {
    const { displays, sent, open } = registry(5);
    await displays.start();
    open('b:one-screen-000000000000', 'sales');
    open('b:two-screen-000000000000', 'sales');
    open('b:three-screen-0000000000', 'support');
    for (const key of ['b:one-screen-000000000000', 'b:two-screen-000000000000', 'b:three-screen-0000000000'])
      displays.report(
        key,
        'browser',
        key.slice(2),
        report({ board: key.startsWith('b:three') ? 'support' : 'sales' }),
      );
    expect(await displays.reload({ key: 'b:three-screen-0000000000' })).toEqual([
      'b:three-screen-0000000000',
    ]);
    expect(sent).toEqual([
      { key: 'b:three-screen-0000000000', event: 'command', data: { command: 'reload' } },
    ]);
    // A supervisor's Screens page and laptop on the board: not among its screens to reload, but by their own key.
    open('b:screens-page-000000000000', 'sales');
    displays.report(
      'b:screens-page-000000000000',
      'browser',
      'screens-page-000000000000',
      report({ board: 'sales', view: 'screens' }),
    );
    open('b:laptop-page-0000000000000', 'sales');
    displays.report(
      'b:laptop-page-0000000000000',
      'browser',
      'laptop-page-0000000000000',
      report({ board: 'sales', view: 'laptop' }),
    );
    expect((await displays.reload({ board: 'sales' })).sort()).toEqual([
      'b:one-screen-000000000000',
      'b:two-screen-000000000000',
    ]);
    expect(sent).toHaveLength(3);
    expect(await displays.reload({ key: 'b:laptop-page-0000000000000' })).toEqual([
      'b:laptop-page-0000000000000',
    ]);
    expect(await displays.reload({ key: 'b:unknown' })).toEqual([]);
    await displays.stop();
  });

  it('shows the board a screen known by its stream alone is served, until its first report says', async () => {
    const { displays, sent, open } = registry();
    await displays.start();
    open('b:new-screen-0000000000000', 'sales');
    open('b:whole-screen-00000000000', null);
    expect(displays.list().map((s) => [s.key, s.board])).toEqual([
      ['b:new-screen-0000000000000', 'sales'],
      ['b:whole-screen-00000000000', null],
    ]);
    // A board's reload reaches it before it has reported.
    expect(await displays.reload({ board: 'sales' })).toEqual(['b:new-screen-0000000000000']);
    expect(sent).toHaveLength(1);
    // Its report says what it shows.
    displays.report(
      'b:new-screen-0000000000000',
      'browser',
      'new-screen-0000000000000',
      report({ board: null }),
    );
    expect(displays.list().find((s) => s.key === 'b:new-screen-0000000000000')?.board).toBeNull();
    await displays.stop();
  });

  it('says a reload was sent only to screens with an open stream to receive it', async () => {
    const { displays, sent, open, advance } = registry();
    await displays.start();
    // One closed its page; another reports but has no stream (it polls, or a proxy buffers streams).
    open('b:closed-screen-0000000000', 'sales')();
    displays.report('b:closed-screen-0000000000', 'browser', 'closed-screen-0000000000', report());
    advance(1000);
    displays.report('b:polling-screen-000000000', 'browser', 'polling-screen-000000000', report());
    expect(displays.list().map((s) => [s.key, s.state])).toEqual([
      ['b:closed-screen-0000000000', 'disconnected'],
      ['b:polling-screen-000000000', 'healthy'],
    ]);
    expect(await displays.reload({ key: 'b:closed-screen-0000000000' })).toEqual([]);
    expect(await displays.reload({ key: 'b:polling-screen-000000000' })).toEqual([]);
    expect(await displays.reload({ board: 'sales' })).toEqual([]);
    expect(sent).toEqual([]);
    await displays.stop();
  });

  it('keeps a short history, starts it afresh on a reload, names screens, and refuses a new screen when full', async () => {
    const { displays, advance } = registry();
    await displays.start();
    for (let i = 0; i < 40; i += 1) {
      displays.report(
        'b:one-screen-000000000000',
        'browser',
        'one-screen-000000000000',
        report({ uptimeMs: 1000 + i * 10_000 }),
      );
      advance(10_000);
    }
    expect(displays.list()[0]?.history).toHaveLength(30);
    displays.report(
      'b:one-screen-000000000000',
      'browser',
      'one-screen-000000000000',
      report({ uptimeMs: 500 }),
    );
    expect(displays.list()[0]?.history).toHaveLength(1);
    expect((await displays.rename('b:one-screen-000000000000', 'Reception'))?.name).toBe('Reception');
    expect(displays.label('b:one-screen-000000000000')).toBe('Reception');
    displays.report('b:two-screen-000000000000', 'browser', 'two-screen-000000000000', report());
    displays.report('b:three-screen-0000000000', 'browser', 'three-screen-0000000000', report());
    expect(() =>
      displays.report('b:four-screen-00000000000', 'browser', 'four-screen-00000000000', report()),
    ).toThrow(/already follows 3 screens/);
    await displays.stop();
  });

  it('forgets a screen known by its stream alone, and counts such screens against the cap', async () => {
    const { displays, advance, open } = registry();
    await displays.start();
    // Three pages closed before their first report.
    for (const key of [
      'b:closed-early-1-000000000',
      'b:closed-early-2-000000000',
      'b:closed-early-3-000000000',
    ])
      open(key, null)();
    expect(displays.list().map((s) => s.state)).toEqual(['disconnected', 'disconnected', 'disconnected']);
    // The registry is full: a fourth screen is neither taken by its report nor by its stream.
    expect(() =>
      displays.report('b:four-screen-00000000000', 'browser', 'four-screen-00000000000', report()),
    ).toThrow(/already follows 3 screens/);
    open('b:five-screen-00000000000', null);
    expect(displays.has('b:five-screen-00000000000')).toBe(false);
    // Ten minutes later these pages that never reported are forgotten, and make room; one named is kept.
    await displays.rename('b:closed-early-3-000000000', 'Hall TV');
    advance(9 * 60 * 1000);
    expect(displays.list()).toHaveLength(3);
    advance(60 * 1000 + 1000);
    expect(displays.list().map((s) => s.name)).toEqual(['Hall TV']);
    displays.report('b:four-screen-00000000000', 'browser', 'four-screen-00000000000', report());
    expect(displays.list().map((s) => s.key)).toEqual([
      'b:closed-early-3-000000000',
      'b:four-screen-00000000000',
    ]);
    // A screen that reported is kept a day, as before.
    advance(23 * 3600 * 1000);
    expect(displays.list().map((s) => s.key)).toContain('b:four-screen-00000000000');
    await displays.stop();
  });

  it('forgets a named screen with its name: one that comes back is a new, unnamed screen', async () => {
    const { displays, advance, open } = registry();
    await displays.start();
    open('b:retired-tv-0000000000000', 'sales')();
    await displays.rename('b:retired-tv-0000000000000', 'Retired TV');
    advance(6 * 24 * 3600 * 1000);
    expect(displays.list().map((s) => s.name)).toEqual(['Retired TV']);
    advance(24 * 3600 * 1000 + 1000);
    expect(displays.list()).toEqual([]);
    displays.report('b:retired-tv-0000000000000', 'browser', 'retired-tv-0000000000000', report());
    expect(displays.list().map((s) => s.name)).toEqual([null]);
    await displays.stop();
  });

  it('tells a screen alert rule how long each named screen has been down or stale', async () => {
    const { displays, advance, open } = registry();
    await displays.start();
    const close = open('t:lobby-tv', null);
    displays.report('t:lobby-tv', 'token', 'lobby-tv', report());
    displays.report('b:unnamed-screen-00000000', 'browser', 'unnamed-screen-00000000', report());
    close();
    advance(120_000);
    const rule = { id: 'down', states: ['disconnected' as const], minutes: 1, level: 'critical' as const };
    expect(displays.observe(rule)).toEqual([{ key: 't:lobby-tv', seconds: 120 }]);
    expect(displays.observe({ ...rule, states: ['stale'] })).toEqual([{ key: 't:lobby-tv', seconds: 0 }]);
    await displays.stop();
  });

  it('counts a screen frozen and then switched off as down from when it froze, under a rule on both', async () => {
    const { displays, advance, open } = registry();
    await displays.start();
    const close = open('t:lobby-tv', null);
    displays.report('t:lobby-tv', 'token', 'lobby-tv', report());
    const rule = DOWN_OR_STALE;
    // Its reports stop while its stream stays open: frozen, since its last report.
    advance(28_000);
    expect(displays.list()[0]?.state).toBe('frozen');
    expect(displays.observe(rule)).toEqual([{ key: 't:lobby-tv', seconds: 28 }]);
    // Then it is switched off: disconnected from the closing, but down all along.
    close();
    advance(10_000);
    expect(displays.list()[0]?.state).toBe('disconnected');
    expect(displays.observe(rule)).toEqual([{ key: 't:lobby-tv', seconds: 38 }]);
    // Back, and the run is over: the next one counts from its own start.
    const closeAgain = open('t:lobby-tv', null);
    displays.report('t:lobby-tv', 'token', 'lobby-tv', report());
    expect(displays.observe(rule)).toEqual([{ key: 't:lobby-tv', seconds: 0 }]);
    // Dark again, and stepped; then the rule is not stepped for a while (Connect failing), in which the screen
    // comes back and goes dark once more: the run counts from that last going dark, not the first.
    closeAgain();
    advance(5_000);
    expect(displays.observe(rule)).toEqual([{ key: 't:lobby-tv', seconds: 5 }]);
    advance(5_000);
    const closeLast = open('t:lobby-tv', null);
    displays.report('t:lobby-tv', 'token', 'lobby-tv', report());
    advance(5_000);
    closeLast();
    advance(12_000);
    expect(displays.observe(rule)).toEqual([{ key: 't:lobby-tv', seconds: 12 }]);
    await displays.stop();
  });

  it('keeps the name the store took last, though its answer to this replica’s rename comes after another’s', async () => {
    let receive: (message: ScreenMessage) => void = () => undefined;
    let answer: () => void = () => undefined;
    const displays = registryOn(
      {
        start: (listener) => {
          receive = listener;
          return Promise.resolve({ records: {}, streams: {}, names: {} });
        },
        sendNow: () => new Promise<void>((resolve) => (answer = resolve)),
      },
      () => T0,
    );
    await displays.start();
    const key = 'b:lobby-tv-000000000000000';
    displays.report(key, 'browser', 'lobby-tv-000000000000000', report({ id: 'lobby-tv-000000000000000' }));
    // The store takes "A" from here, then another replica's "B", whose word comes before the answer to "A".
    const renaming = displays.rename(key, 'A');
    receive({ type: 'name', key, value: 'B' });
    answer();
    await renaming;
    expect(displays.nameOf(key)).toBe('B');
    // With nothing between, the answer names it.
    const again = displays.rename(key, 'C');
    answer();
    await again;
    expect(displays.nameOf(key)).toBe('C');
    await displays.stop();
  });

  it('carries a run across steps at the rules’ own pace, slower than the screens report', async () => {
    // Screens report every 10 s; the rules step every 15 s (a slower poll), a step carrying on within 60 s.
    const { displays, advance, open } = registry();
    await displays.start();
    const close = open('t:lobby-tv', null);
    displays.report('t:lobby-tv', 'token', 'lobby-tv', report());
    const rule = DOWN_OR_STALE;
    advance(30_000);
    expect(displays.list()[0]?.state).toBe('frozen');
    expect(displays.observe(rule, undefined, 60_000)).toEqual([{ key: 't:lobby-tv', seconds: 30 }]);
    close();
    advance(15_000);
    // Down from when it froze, not from the closing: the alert neither clears nor starts its minutes again.
    expect(displays.observe(rule, undefined, 60_000)).toEqual([{ key: 't:lobby-tv', seconds: 45 }]);
    await displays.stop();
  });

  it('gives the figures’ age now on the Screens page, not the last report’s, and none for a screen gone dark', async () => {
    let now = T0;
    let fetchedAt = T0 - 1000;
    const displays = new DisplayRegistry({
      ...OPTIONS,
      store: new LocalScreenStore(),
      logger: createLogger('silent'),
      clock: () => now,
      figuresFetchedAt: () => ({ at: fetchedAt, intervalMs: 2000 }),
    });
    await displays.start();
    const key = 'b:lobby-tv-000000000000000';
    const close = displays.streamOpened(key, 'sales', () => undefined);
    displays.report(
      key,
      'browser',
      'lobby-tv-000000000000000',
      report({ id: 'lobby-tv-000000000000000', dataAgeMs: 1000 }),
    );
    expect(displays.list()[0]?.dataAgeMs).toBe(1000);
    // Connect stalls: the server's figures stop at T0 + 1 s; 24 s later, before the next report, the state and
    // the column agree.
    fetchedAt = T0 + 1000;
    now = T0 + 25_000;
    const [stale] = displays.list();
    expect(stale?.state).toBe('stale');
    expect(stale?.detail).toBe('figures 24 s old');
    expect(stale?.dataAgeMs).toBe(24_000);
    close();
    now += 60_000;
    const [dark] = displays.list();
    expect(dark?.state).toBe('disconnected');
    expect(dark?.dataAgeMs).toBeNull();
    await displays.stop();
  });
});
