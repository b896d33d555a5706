import type { Snapshot } from '@switchboard/shared';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freshness } from '../features/status/StaleBanner';
import { makeSnapshot } from '../testing/makeSnapshot';
import type * as Clock from './clock';
import type * as Snapshots from './snapshot';
import { selectMeta } from './useSnapshotSlices';

const T = Date.parse('2026-03-02T10:30:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

let clock: typeof Clock;
let snapshots: typeof Snapshots;

beforeEach(async () => {
  // The clock is the page's, one for the module: each test is a page that has not heard from the server yet.
  vi.resetModules();
  clock = await import('./clock');
  snapshots = await import('./snapshot');
  vi.useFakeTimers({ now: T });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The view the server published `ms` after T, as generation `generation`. */
function publishedAt(view: Snapshot, generation: number, ms: number): Snapshot {
  const at = iso(T + ms);
  const queues = view.sections.queues;
  return {
    ...view,
    generation,
    generatedAt: at,
    serverTime: at,
    sections: { ...view.sections, ...(queues ? { queues: { ...queues, fetchedAt: at } } : {}) },
  };
}

describe('server clock', () => {
  it('corrects this browser’s clock by the server’s, from the time in a message', () => {
    expect(clock.clockSkewMs()).toBe(0);
    expect(clock.serverNow()).toBe(T);
    clock.observeServerTime(iso(T + 90_000));
    expect(clock.clockSkewMs()).toBe(90_000);
    expect(clock.serverNow()).toBe(T + 90_000);
    clock.observeServerTime('not a time');
    expect(clock.clockSkewMs()).toBe(90_000);
    vi.advanceTimersByTime(5000);
    expect(clock.serverNow()).toBe(T + 95_000);
  });

  it('does not show figures as fresh when the views pushed to the page arrive later and later', () => {
    const client = new QueryClient();
    const key = snapshots.snapshotKeys.board(null);
    const first = makeSnapshot({ queues: 2, agents: 2, generation: 1, nowMs: T });
    snapshots.showView(client, key, first);
    // The server publishes a view every 2 s; behind a growing backlog, each reaches the page 4 s after the last.
    for (let i = 1; i <= 10; i++) {
      vi.advanceTimersByTime(4000);
      snapshots.showView(client, key, publishedAt(first, 1 + i, 2000 * i));
    }
    const held = client.getQueryData<Snapshot>(key);
    expect(held?.generatedAt).toBe(iso(T + 20_000));
    // It is T + 40 s: the figures on screen are 20 s old, past the 15-s limit.
    const { stale, ageMs } = freshness(held && selectMeta(held), clock.serverNow(), 15_000);
    expect(ageMs).toBeGreaterThan(19_900);
    expect(stale).toBe(true);
  });

  it('follows a server clock that runs slower than this browser’s', () => {
    // The server's clock loses half a millisecond a second (500 ppm, a poor crystal): 1.8 s in an hour.
    const serverClock = (local: number) => T + (local - T) * 0.9995;
    for (let elapsed = 0; elapsed <= 3_600_000; elapsed += 15_000) {
      vi.advanceTimersByTime(elapsed === 0 ? 0 : 15_000);
      // A heartbeat that took 50 ms to arrive.
      clock.observeServerTime(iso(serverClock(Date.now() - 50)));
    }
    expect(Date.now()).toBe(T + 3_600_000);
    expect(Math.abs(clock.serverNow() - serverClock(Date.now()))).toBeLessThan(100);
  });

  it('takes a fresh time as it is, so a server clock set back is followed at the next poll or connection', async () => {
    clock.observeServerTime(iso(T));
    vi.advanceTimersByTime(1000);
    // The server's clock is set back a minute. A pushed view says so, but may only be late: a millisecond.
    clock.observeServerTime(iso(T + 1000 - 60_000));
    expect(clock.serverNow()).toBe(T + 999);
    // A poll's answer, stamped as it was served, is fresh.
    const served = makeSnapshot({ queues: 1, agents: 1, generation: 2, nowMs: T + 1000 - 60_000 });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify(served), { status: 200 })),
    );
    try {
      await snapshots.fetchSnapshot(null);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(clock.serverNow()).toBe(Date.parse(served.serverTime));
    // So is the heartbeat right after a new connection's view.
    vi.advanceTimersByTime(1000);
    clock.observeServerTime(iso(T - 120_000), { fresh: true });
    expect(clock.serverNow()).toBe(T - 120_000);
  });

  it('does not take a poll whose answer was slow to come for a fresh one', async () => {
    // The server stamps the view as it serves it; its body then takes 20 s to come.
    const served = makeSnapshot({ queues: 1, agents: 1, generation: 2, nowMs: T });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        vi.advanceTimersByTime(20_000);
        return new Response(JSON.stringify(served), { status: 200 });
      }),
    );
    try {
      await snapshots.fetchSnapshot(null);
    } finally {
      vi.unstubAllGlobals();
    }
    // Its time was that of the request leaving: the figures are 20 s old, not fresh.
    expect(clock.serverNow()).toBe(T + 20_000);
    const { ageMs, stale } = freshness(selectMeta(served), clock.serverNow(), 15_000);
    expect(ageMs).toBe(20_000);
    expect(stale).toBe(true);
    // A later quick answer, stamped as it left, keeps the offset where it lies between its bounds.
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () => new Response(JSON.stringify({ ...served, serverTime: iso(Date.now()) }), { status: 200 }),
      ),
    );
    try {
      await snapshots.fetchSnapshot(null);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(clock.serverNow()).toBe(Date.now());
  });

  it('follows a server clock set back at the heartbeat the server says is fresh, though the stream never drops', async () => {
    const { takeHeartbeat } = await import('./SnapshotFeed');
    takeHeartbeat(JSON.stringify({ serverTime: iso(T) }), true);
    vi.advanceTimersByTime(60_000);
    // The server's clock is stepped back 20 s: its patches and plain heartbeats may only be late.
    takeHeartbeat(JSON.stringify({ serverTime: iso(T + 60_000 - 20_000) }), false);
    expect(clock.serverNow()).toBeGreaterThan(T + 59_000);
    // Its fresh heartbeat, a few minutes on, is taken as it is.
    vi.advanceTimersByTime(300_000);
    takeHeartbeat(JSON.stringify({ serverTime: iso(T + 360_000 - 20_000), fresh: true }), false);
    expect(clock.serverNow()).toBe(T + 340_000);
  });

  it('keeps the server’s time when this browser’s own clock is set back', () => {
    clock.observeServerTime(iso(T));
    // Someone sets the kiosk's clock an hour back: the server's time on screen moves only as time passes.
    vi.setSystemTime(T - 3_600_000);
    vi.advanceTimersByTime(1000);
    expect(clock.serverNow()).toBe(T + 1000);
  });

  it('shows figures held over a sleep as old as they are, though the monotonic clock stood still meanwhile', () => {
    const view = makeSnapshot({ queues: 1, agents: 1, generation: 1, nowMs: T });
    clock.observeServerTime(view.serverTime);
    // The laptop sleeps an hour: its own clock goes on, the monotonic clock does not (everywhere but Windows).
    vi.setSystemTime(T + 3_600_000);
    const { stale, ageMs } = freshness(selectMeta(view), clock.serverNow(), 15_000);
    expect(ageMs).toBe(3_600_000);
    expect(stale).toBe(true);
    // The next message puts the server's time right again: it was an hour on, not two.
    clock.observeServerTime(iso(T + 3_600_000));
    vi.advanceTimersByTime(1000);
    expect(clock.serverNow()).toBe(T + 3_601_000);
  });
});
