import type { Snapshot } from '@switchboard/shared';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../App';
import { SnapshotFeed } from '../../api/SnapshotFeed';
import { describeDuration, makeFormatters } from '../../format';
import { refusedStream, TEST_CONFIG } from '../../testing/fakeServer';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { stubResizeObserver } from '../../testing/stubResizeObserver';
import type { Timeline } from './api';
import { gapWords } from './ReplayBanner';
import { useReplay } from './useReplay';

const NOW = Date.now();
const live = makeSnapshot({ queues: 3, agents: 6, nowMs: NOW, generation: 500 });
/** The floor an hour ago: other figures, one alert, and its figures stale then. */
const past: Snapshot = {
  ...makeSnapshot({ queues: 3, agents: 6, nowMs: NOW - 3600_000, tick: 7, generation: 100, stale: true }),
  alerts: [
    {
      id: 'a1',
      ruleId: 'long-queue',
      metric: 'CONTACTS_IN_QUEUE',
      queueId: 'q-0001',
      level: 'critical',
      since: new Date(NOW - 3700_000).toISOString(),
      value: 14,
      threshold: 10,
      acknowledgedBy: null,
      acknowledgedAt: null,
    },
  ],
};

/** Half a minute on from `past`: a later generation, every agent still in the state they were in then. */
const pastLater: Snapshot = {
  ...past,
  generation: 115,
  generatedAt: new Date(Date.parse(past.generatedAt) + 30_000).toISOString(),
  serverTime: new Date(Date.parse(past.serverTime) + 30_000).toISOString(),
};

function timeline(from: number, to: number): Timeline {
  const bucketMs = 120_000;
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucketMs,
    buckets: [
      { at: new Date(NOW - 3 * 3600_000).toISOString(), generations: 60, stale: 0, errors: [] },
      { at: new Date(NOW - 2 * 3600_000).toISOString(), generations: 60, stale: 12, errors: [] },
      { at: new Date(NOW - 3600_000).toISOString(), generations: 60, stale: 0, errors: ['agents'] },
    ],
    alerts: [
      {
        alertId: 'a1',
        ruleId: 'long-queue',
        metric: 'CONTACTS_IN_QUEUE',
        queueId: 'q-0001',
        level: 'critical',
        kind: 'raised',
        at: new Date(NOW - 3700_000).toISOString(),
        value: 14,
        threshold: 10,
        by: null,
      },
      {
        alertId: 'a1',
        ruleId: 'long-queue',
        metric: 'CONTACTS_IN_QUEUE',
        queueId: 'q-0001',
        level: 'critical',
        kind: 'cleared',
        at: new Date(NOW - 1800_000).toISOString(),
        value: 3,
        threshold: 10,
        by: null,
      },
    ],
    recorded: { first: new Date(NOW - 3 * 3600_000).toISOString(), last: new Date(NOW).toISOString() },
  };
}

const asked: string[] = [];

function stubHistoryServer() {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const url = new URL(
        typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
        'http://x',
      );
      asked.push(url.pathname + url.search);
      if (url.pathname === '/api/v1/config') return Response.json(TEST_CONFIG);
      if (url.pathname === '/api/v1/timeline')
        return Response.json(
          timeline(
            Date.parse(url.searchParams.get('from') ?? ''),
            Date.parse(url.searchParams.get('to') ?? ''),
          ),
        );
      if (url.pathname === '/api/v1/snapshot') {
        const at = url.searchParams.get('at');
        if (at === null) return Response.json(live);
        if (Date.parse(at) < NOW - 4 * 3600_000)
          return Response.json(
            {
              status: 404,
              code: 'not_recorded',
              detail: `Nothing was recorded at ${at}: this replica's history starts at ${new Date(NOW - 3 * 3600_000).toISOString()}.`,
              at,
              before: null,
              after: new Date(NOW - 3 * 3600_000).toISOString(),
            },
            { status: 404 },
          );
        return Response.json(Date.parse(at) >= Date.parse(pastLater.serverTime) ? pastLater : past);
      }
      return Response.json({ detail: 'unknown' }, { status: 404 });
    }),
  );
}

function renderLaptop(search = '') {
  window.history.replaceState(null, '', `/${search}`);
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <SnapshotFeed streamOptions={{ createSource: refusedStream, minBackoffMs: 60_000 }}>
        <App />
      </SnapshotFeed>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  asked.length = 0;
  stubResizeObserver();
  stubHistoryServer();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const figure = () =>
  document.querySelector('[data-queue-id="q-0001"]')?.textContent ?? '(no tile for q-0001)';

describe('replay on the laptop', () => {
  it('marks stale and failing periods and alert raises and clears on the timeline', async () => {
    renderLaptop();
    await screen.findByTestId('replay-timeline');
    await waitFor(() => expect(document.querySelectorAll('.replay-bucket')).toHaveLength(3));
    const kinds = [...document.querySelectorAll('.replay-bucket')].map((b) => b.getAttribute('data-kind'));
    expect(kinds).toEqual(['recorded', 'stale', 'error']);
    const markers = [...document.querySelectorAll('.replay-marker')].map((m) => m.getAttribute('data-kind'));
    expect(markers).toEqual(['raised', 'cleared']);
    // Each marker names its figure and queue in words, as the alerts panel does, not the metric's id.
    const queueName = live.queues.find((q) => q.id === 'q-0001')?.name ?? '(no q-0001)';
    await waitFor(() =>
      expect(document.querySelector('.replay-marker')?.getAttribute('title')).toMatch(
        new RegExp(`^\\d\\d:\\d\\d(:\\d\\d)?: In queue on ${queueName}, critical, raised$`),
      ),
    );
    expect(screen.getByTestId('replay-moment').textContent).toBe('Live');
  });

  it('shows every tile and the alert list as they were at the moment dragged to, under a banner, until Live', async () => {
    renderLaptop();
    await waitFor(() => expect(document.querySelectorAll('[data-queue-id]')).toHaveLength(3));
    const liveFigure = figure();
    expect(screen.queryByTestId('replay-banner')).toBeNull();

    fireEvent.change(screen.getByTestId('replay-range'), { target: { value: String(NOW - 3600_000) } });
    const banner = await screen.findByTestId('replay-banner');
    await waitFor(() =>
      expect(banner.textContent).toMatch(/Replay, not live: every figure below is as the wall showed it at/),
    );
    expect(banner.textContent).toMatch(/its figures were stale then/);
    expect(asked.some((path) => path.startsWith('/api/v1/snapshot?at='))).toBe(true);
    await waitFor(() => expect(figure()).not.toBe(liveFigure));
    // The alert of that moment, which is not live any more, listed and not to be acknowledged.
    const alert = document.querySelector('[data-alert-id="a1"]');
    expect(alert).toBeTruthy();
    expect(alert?.querySelector('button')).toBeNull();
    expect(screen.getByTestId('replay-moment').textContent).not.toBe('Live');
    // The header names the moment with its day, as the timeline does: a moment of another day is not taken for
    // one later today.
    expect(screen.getByTestId('data-as-of').textContent).toBe(
      `Replaying ${screen.getByTestId('replay-moment').textContent ?? ''}`,
    );

    // The moment is in the address, to bookmark or send.
    expect(new URLSearchParams(window.location.search).get('at')).toBe(
      new Date(NOW - 3600_000).toISOString(),
    );

    fireEvent.click(screen.getByTestId('replay-live'));
    await waitFor(() => expect(screen.queryByTestId('replay-banner')).toBeNull());
    await waitFor(() => expect(figure()).toBe(liveFigure));
    expect(document.querySelector('[data-alert-id="a1"]')).toBeNull();
    expect(new URLSearchParams(window.location.search).has('at')).toBe(false);
  });

  it('opens on the moment an address names, and says so of one it cannot read', async () => {
    renderLaptop(`?at=${encodeURIComponent(new Date(NOW - 3600_000).toISOString())}`);
    const banner = await screen.findByTestId('replay-banner');
    await waitFor(() => expect(banner.dataset.generation).toBe('100'));
    expect(screen.getByTestId('replay-play').textContent).toBe('Play');
    cleanup();
    renderLaptop('?at=yesterday');
    expect((await screen.findByTestId('replay-bad-at')).textContent).toMatch(
      /^The address asks to replay at=yesterday, which is not a time: write it as an ISO 8601 time with its offset/,
    );
    expect(screen.getByTestId('replay-moment').textContent).toBe('Live');
    expect(screen.queryByTestId('replay-banner')).toBeNull();
    cleanup();
    // A moment not come yet: live, and said so, though the address loses it.
    const ahead = new Date(NOW + 86_400_000).toISOString();
    renderLaptop(`?at=${encodeURIComponent(ahead)}`);
    expect((await screen.findByTestId('replay-ahead')).textContent).toBe(
      `The address asks to replay at=${ahead}, which has not come yet. Showing live figures; choose a past ` +
        'moment on the timeline to replay it.',
    );
    expect(screen.getByTestId('replay-moment').textContent).toBe('Live');
    await waitFor(() => expect(new URLSearchParams(window.location.search).has('at')).toBe(false));
    expect(screen.getByTestId('replay-ahead')).toBeTruthy();
  });

  it('counts every time in state to the moment replayed, not to now, and moves it only with the moment', async () => {
    renderLaptop();
    await waitFor(() => expect(document.querySelectorAll('.agent-tile')).toHaveLength(6));
    const agent = past.agents[0];
    if (!agent?.activitySince) throw new Error('the past view has no agent in a state');
    const since = Date.parse(agent.activitySince);
    const elapsed = () =>
      document.querySelector(`[data-agent-id="${agent.id}"] .agent-elapsed`)?.getAttribute('aria-label');
    const clock = () => document.querySelector('.clock time')?.textContent;

    fireEvent.change(screen.getByTestId('replay-range'), { target: { value: String(NOW - 3600_000) } });
    await waitFor(() => expect(screen.getByTestId('replay-banner').dataset.generation).toBe('100'));
    // As the wall showed it then: counted to the replayed view's own time, not an hour later.
    const then = describeDuration((Date.parse(past.serverTime) - since) / 1000);
    await waitFor(() => expect(elapsed()).toBe(then));
    // The page's clock turns over: the replayed moment stands still, and so does every time counted to it.
    const shown = clock();
    await waitFor(() => expect(clock()).not.toBe(shown), { timeout: 3000 });
    expect(elapsed()).toBe(then);

    // Half a minute on (as playing moves it), the agent unchanged: the time in state moves with the moment.
    fireEvent.change(screen.getByTestId('replay-range'), {
      target: { value: String(Date.parse(pastLater.serverTime)) },
    });
    await waitFor(() => expect(screen.getByTestId('replay-banner').dataset.generation).toBe('115'));
    await waitFor(() =>
      expect(elapsed()).toBe(describeDuration((Date.parse(pastLater.serverTime) - since) / 1000)),
    );
  });

  it('says so when nothing was recorded at the moment asked for, in the board’s times, and shows no empty board', async () => {
    renderLaptop();
    await screen.findByTestId('replay-timeline');
    fireEvent.change(screen.getByTestId('replay-range'), { target: { value: String(NOW - 5 * 3600_000) } });
    await waitFor(() =>
      expect(screen.getByTestId('replay-banner').textContent).toMatch(/Nothing was recorded at/),
    );
    const said = screen.getByTestId('replay-banner').textContent ?? '';
    // The server's instants, as the board writes times: "17:17:00, Sat 5 Dec", never "2026-12-05T17:17:00.000Z".
    expect(said).not.toMatch(/\d{4}-\d\d-\d\dT/);
    expect(said).toMatch(
      /Nothing was recorded at \d\d:\d\d:\d\d, \w+.*history starts at \d\d:\d\d:\d\d, \w+/,
    );
    // Nothing below the banner: no board of no queues and no agents.
    expect(document.querySelectorAll('[data-queue-id]')).toHaveLength(0);
    expect(screen.queryByTestId('queues-empty')).toBeNull();
    expect(screen.queryByTestId('agents-empty')).toBeNull();
    // The way back is there.
    fireEvent.click(screen.getByRole('button', { name: 'Back to live' }));
    await waitFor(() => expect(screen.queryByTestId('replay-banner')).toBeNull());
    await waitFor(() => expect(document.querySelectorAll('[data-queue-id]').length).toBeGreaterThan(0));
  });
});

describe('gapWords', () => {
  it('names the moment asked for and the recorded ones either side, in the board’s clock, day, locale and zone', () => {
    const format = makeFormatters('en-GB', 'America/New_York');
    const at = Date.parse('2026-12-05T02:30:00Z');
    const before = Date.parse('2026-12-05T02:00:00Z');
    const after = Date.parse('2026-12-05T05:15:00Z');
    expect(gapWords({ at, before, after }, format)).toBe(
      'Nothing was recorded at 21:30:00, Fri 4 Dec: history has a gap from 21:00:00, Fri 4 Dec to 00:15:00, ' +
        'Sat 5 Dec. Pick a moment the timeline marks as recorded.',
    );
    expect(gapWords({ at, before: null, after }, format)).toContain(
      "this replica's history starts at 00:15:00, Sat 5 Dec.",
    );
    expect(gapWords({ at, before, after: null }, format)).toContain(
      'the last moment recorded is 21:00:00, Fri 4 Dec.',
    );
    expect(gapWords({ at, before: null, after: null }, format)).toContain('nothing has been recorded yet');
    // The board's locale, not the browser's: en-US writes the day its own way.
    expect(makeFormatters('en-US', 'America/New_York').day(at)).toBe('Fri, Dec 4');
  });
});

describe('useReplay', () => {
  it('plays at 60×, a minute a second, and returns to live on reaching now', () => {
    vi.useFakeTimers();
    let now = 1_000_000_000;
    const clock = () => now;
    const { result } = renderHook(() => useReplay(clock));
    act(() => result.current.seek(now - 150_000));
    act(() => result.current.setSpeed(60));
    act(() => result.current.play());
    act(() => vi.advanceTimersByTime(1000));
    expect(result.current.at).toBe(now - 90_000);
    act(() => vi.advanceTimersByTime(1000));
    expect(result.current.at).toBe(now - 30_000);
    now += 1000;
    act(() => vi.advanceTimersByTime(1000));
    expect(result.current.at).toBeNull();
    expect(result.current.playing).toBe(false);
  });

  it('plays at 10× by default, and never seeks past now', () => {
    vi.useFakeTimers();
    const now = 2_000_000_000;
    const { result } = renderHook(() => useReplay(() => now));
    act(() => result.current.seek(now + 60_000));
    expect(result.current.at).toBe(now);
    act(() => result.current.seek(now - 100_000));
    act(() => result.current.play());
    act(() => vi.advanceTimersByTime(3000));
    expect(result.current.at).toBe(now - 70_000);
  });

  it('plays from live at an hour ago, or from the first moment recorded where that is later', () => {
    vi.useFakeTimers();
    const now = 3_000_000_000;
    const { result } = renderHook(() => useReplay(() => now));
    // A server up for ten minutes: from its first recorded moment, not fifty minutes of nothing before it.
    act(() => result.current.play(now - 600_000));
    expect(result.current.at).toBe(now - 600_000);
    act(() => result.current.live());
    act(() => result.current.play(now - 5 * 3600_000));
    expect(result.current.at).toBe(now - 3600_000);
    act(() => result.current.live());
    act(() => result.current.play(null));
    expect(result.current.at).toBe(now - 3600_000);
    // Paused on a moment, play carries on from it.
    act(() => result.current.seek(now - 7200_000));
    act(() => result.current.play(now - 600_000));
    expect(result.current.at).toBe(now - 7200_000);
  });
});
