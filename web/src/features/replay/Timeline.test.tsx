import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Profiler } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { firstRecordedWithin, fittingSpan, liveStep, SPANS, Timeline } from './Timeline';
import type { Replay } from './useReplay';

const LIVE: Replay = {
  at: null,
  playing: false,
  speed: 10,
  seek: () => undefined,
  play: () => undefined,
  pause: () => undefined,
  setSpeed: () => undefined,
  live: () => undefined,
};

/** Half a second after a moment that is both a step of the default span's (24 hours: 43 s) and a whole minute. */
const ON_STEP_AND_MINUTE = Math.ceil(Date.UTC(2026, 11, 5, 10) / 2_580_000) * 2_580_000 + 500;

const fetched: URL[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: ON_STEP_AND_MINUTE });
  fetched.length = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string) => {
      fetched.push(new URL(input, 'http://wallboard.test'));
      return Response.json({ detail: 'not in this test' }, { status: 404 });
    }),
  );
});

function renderLive(onCommit = () => undefined) {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <Profiler id="timeline" onRender={onCommit}>
        <Timeline replay={LIVE} board={null} />
      </Profiler>
    </QueryClientProvider>,
  );
}
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('the live timeline', () => {
  it('moves its handle on a step of about a two-thousandth of its span, at least a second, at most a minute', () => {
    expect(SPANS.map((span) => liveStep(span.ms))).toEqual([2000, 11_000, 43_000, 60_000]);
  });

  it('redraws when its handle moves on a step, not on every tick of the clock', () => {
    let commits = 0;
    renderLive(() => {
      commits += 1;
    });
    const range = screen.getByTestId('replay-range') as HTMLInputElement;
    const first = Number(range.value);
    expect(first % 43_000).toBe(0);
    const before = commits;
    // Forty seconds of ticks: the handle stays, nothing redraws.
    act(() => vi.advanceTimersByTime(40_000));
    expect(Number(range.value)).toBe(first);
    expect(commits).toBe(before);
    // Past the step: one step on.
    act(() => vi.advanceTimersByTime(4_000));
    expect(Number(range.value)).toBe(first + 43_000);
  });

  it('asks again while the server is out of reach or restarting, and its problem goes as soon as it answers', async () => {
    // Half a minute out of reach, then restarting (503), then back: longer than three tries would last.
    let answer: 'down' | 'restarting' | 'up' = 'down';
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        if (answer === 'down') throw new TypeError('Failed to fetch');
        if (answer === 'restarting') return Response.json({ detail: 'Starting.' }, { status: 503 });
        return Response.json({ bucketMs: 60_000, buckets: [], alerts: [] });
      }),
    );
    renderLive();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(30_000);
    });
    expect(screen.getByRole('alert').textContent).toBe('Failed to fetch Retrying…');
    answer = 'restarting';
    await act(async () => {
      await vi.advanceTimersByTimeAsync(30_000);
    });
    expect(screen.getByRole('alert').textContent).toBe('Starting. Retrying…');
    // Back: the next retry, within ten seconds, clears it.
    answer = 'up';
    await act(async () => {
      await vi.advanceTimersByTimeAsync(11_000);
    });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('fetches a span that reaches past the present moment, though the handle lags a step behind it', async () => {
    // Twenty seconds past a whole minute, which is 36 s past a step: the handle sits before the minute began.
    const minute = Date.UTC(2026, 11, 5, 10, 36);
    vi.setSystemTime(minute + 20_000);
    expect(Math.floor(Date.now() / 43_000) * 43_000).toBeLessThan(minute);
    renderLive();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    // The span it settles on (a first render may read the clock as the last tick left it, before it ticks).
    const last = fetched[fetched.length - 1];
    expect(last).toBeDefined();
    expect(Date.parse(last?.searchParams.get('to') ?? '')).toBeGreaterThanOrEqual(Date.now());
  });
});

describe('the alert markers', () => {
  it('are one stop of the Tab key, however many, moved between with the arrow keys', async () => {
    const to = Math.ceil(ON_STEP_AND_MINUTE / 60_000) * 60_000;
    const event = (i: number, kind: 'raised' | 'cleared') => ({
      alertId: `a${i}`,
      ruleId: 'long-queue',
      metric: 'CONTACTS_IN_QUEUE',
      queueId: null,
      level: 'critical',
      kind,
      at: new Date(to - (40 - i) * 60_000).toISOString(),
      value: 12,
      threshold: 10,
      by: null,
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: string) => {
        const url = new URL(input, 'http://wallboard.test');
        return Response.json({
          from: url.searchParams.get('from'),
          to: url.searchParams.get('to'),
          bucketMs: 120_000,
          buckets: [],
          alerts: Array.from({ length: 30 }, (_, i) => event(i, i % 2 === 0 ? 'raised' : 'cleared')),
          recorded: null,
        });
      }),
    );
    renderLive();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10);
    });
    const markers = () => [...document.querySelectorAll<HTMLButtonElement>('.replay-marker')];
    expect(markers()).toHaveLength(30);
    expect(markers().filter((marker) => marker.tabIndex === 0)).toHaveLength(1);
    const toolbar = screen.getByRole('toolbar', { name: 'Alerts raised and cleared' });
    markers()[0]?.focus();
    act(() => {
      toolbar.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    });
    expect(document.activeElement).toBe(markers()[1]);
    expect(markers()[1]?.tabIndex).toBe(0);
    expect(markers()[0]?.tabIndex).toBe(-1);
    act(() => {
      toolbar.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    });
    expect(document.activeElement).toBe(markers()[29]);
  });
});

describe('the span shown', () => {
  it('is the shortest that holds everything recorded until one is chosen, 24 hours at most', () => {
    const minute = 60_000;
    expect(fittingSpan(10 * minute)).toBe(SPANS[0].ms);
    expect(fittingSpan(60 * minute)).toBe(SPANS[0].ms);
    expect(fittingSpan(61 * minute)).toBe(SPANS[1].ms);
    expect(fittingSpan(7 * 60 * minute)).toBe(SPANS[2].ms);
    expect(fittingSpan(5 * 24 * 60 * minute)).toBe(SPANS[2].ms);
  });

  it('opens on the last hour on a server up for minutes, and keeps the span chosen from the menu', async () => {
    const to = Math.ceil(ON_STEP_AND_MINUTE / 60_000) * 60_000;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: string) => {
        const url = new URL(input, 'http://wallboard.test');
        fetched.push(url);
        return Response.json({
          from: url.searchParams.get('from'),
          to: url.searchParams.get('to'),
          bucketMs: 60_000,
          buckets: [],
          alerts: [],
          recorded: {
            first: new Date(to - 12 * 60_000).toISOString(),
            last: new Date(to - 60_000).toISOString(),
          },
        });
      }),
    );
    renderLive();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10);
    });
    const menu = screen.getByRole('combobox', { name: 'Timeline span' }) as HTMLSelectElement;
    expect(Number(menu.value)).toBe(SPANS[0].ms);
    const last = fetched[fetched.length - 1];
    expect(
      Date.parse(last?.searchParams.get('to') ?? '') - Date.parse(last?.searchParams.get('from') ?? ''),
    ).toBe(SPANS[0].ms);
    act(() => {
      fireEvent.change(menu, { target: { value: String(SPANS[3].ms) } });
    });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10);
    });
    expect(Number(menu.value)).toBe(SPANS[3].ms);
  });
});

describe('firstRecordedWithin', () => {
  const HOUR = 3600_000;
  const T = Date.parse('2026-12-06T12:00:00Z');
  const bucket = (at: number, generations: number) => ({
    at: new Date(at).toISOString(),
    generations,
    stale: 0,
    errors: [],
  });

  it('starts Play at the first moment recorded in the last hour, past a restart or a server just up', () => {
    // Recorded until three hours ago, then nothing (the server down), then again from 20 minutes ago.
    const buckets = [bucket(T - 4 * HOUR, 60), bucket(T - 3 * HOUR, 60), bucket(T - 20 * 60_000, 60)];
    expect(firstRecordedWithin(buckets, 120_000, T - HOUR)).toBe(T - 20 * 60_000);
    // A bucket reaching into the hour counts from its start (Play takes the later of the two).
    expect(firstRecordedWithin([bucket(T - HOUR - 60_000, 30)], 120_000, T - HOUR)).toBe(T - HOUR - 60_000);
    // Empty buckets are not recorded moments; nothing in the hour: an hour back, as ever.
    expect(firstRecordedWithin([bucket(T - 30 * 60_000, 0)], 120_000, T - HOUR)).toBeNull();
    expect(firstRecordedWithin([bucket(T - 3 * HOUR, 60)], 120_000, T - HOUR)).toBeNull();
  });

  it('starts at the first moment the server recorded where that falls inside the first bucket, not at its start', () => {
    // Six-minute buckets (three days shown); the server first recorded at 11:41:10, in the bucket from 11:36.
    const started = T - 18 * 60_000 - 50_000;
    const buckets = [bucket(T - 24 * 60_000, 25), bucket(T - 18 * 60_000, 60)];
    expect(firstRecordedWithin(buckets, 360_000, T - HOUR, started)).toBe(started);
    // Recorded since long before: the bucket's start, as without it.
    expect(firstRecordedWithin(buckets, 360_000, T - HOUR, T - 5 * HOUR)).toBe(T - 24 * 60_000);
  });
});
