import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen } from '@testing-library/react';
import { Profiler } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveStep, SPANS, Timeline } from './Timeline';
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

beforeEach(() => {
  // Half a second after a step of the default span's (24 hours: steps of 43 s).
  vi.useFakeTimers({ now: Math.ceil(Date.UTC(2026, 11, 5, 10) / 43_000) * 43_000 + 500 });
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => Response.json({ detail: 'not in this test' }, { status: 404 })),
  );
});
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
    render(
      <QueryClientProvider client={new QueryClient()}>
        <Profiler id="timeline" onRender={() => (commits += 1)}>
          <Timeline replay={LIVE} board={null} />
        </Profiler>
      </QueryClientProvider>,
    );
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
});
