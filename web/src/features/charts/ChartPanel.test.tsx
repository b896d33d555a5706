import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotKeys } from '../../api/snapshot';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { stubResizeObserver } from '../../testing/stubResizeObserver';
import { FormatContext, makeFormatters } from '../../format';
import { ChartPanel } from './ChartPanel';

beforeEach(() => stubResizeObserver());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ChartPanel', () => {
  it('writes each interval’s time in the board’s locale, morning and afternoon apart in a 12-hour one', () => {
    const snapshot = makeSnapshot({ queues: 3 });
    const [first] = snapshot.intraday.instance;
    if (!first) throw new Error('the snapshot must have intervals');
    const afternoon = { ...first, start: '2026-03-02T13:30:00.000Z', end: '2026-03-02T14:00:00.000Z' };
    const morning = { ...first, start: '2026-03-02T01:30:00.000Z', end: '2026-03-02T02:00:00.000Z' };
    const client = new QueryClient();
    client.setQueryData(snapshotKeys.board(null), {
      ...snapshot,
      intraday: { ...snapshot.intraday, instance: [morning, afternoon] },
    });
    render(
      <FormatContext value={makeFormatters('en-US', 'UTC')}>
        <QueryClientProvider client={client}>
          <ChartPanel title="Service level today" interactive={false} />
        </QueryClientProvider>
      </FormatContext>,
    );
    const times = screen
      .getAllByRole('row', { hidden: true })
      .slice(1)
      .map((row) => row.querySelector('td')?.textContent);
    expect(times).toEqual(['01:30 AM', '01:30 PM']);
  });

  it('says a queue’s series could not be fetched, rather than that the day has no intervals', async () => {
    const snapshot = makeSnapshot({ queues: 12 });
    const queue = snapshot.queues[11];
    if (!queue || snapshot.intraday.queues[queue.id])
      throw new Error('the snapshot must leave this queue’s series out');
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({ error: 'no leader' }, { status: 503 })),
    );
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    client.setQueryData(snapshotKeys.board(null), snapshot);
    render(
      <QueryClientProvider client={client}>
        <ChartPanel queueId={queue.id} title="Queue" />
      </QueryClientProvider>,
    );
    // While it is being fetched, it says so.
    expect(screen.getByText('Loading these intervals…')).toBeTruthy();
    expect((await screen.findByTestId('chart-stale')).textContent).toMatch(/Could not load these intervals/);
    expect(screen.queryByText('No intervals yet today.')).toBeNull();
  });

  it('says the day is loading, not that it has no intervals or that a part of it is all of it', async () => {
    const snapshot = makeSnapshot({ queues: 3 });
    const points = snapshot.intraday.instance;
    if (points.length < 2) throw new Error('the snapshot must have intervals');
    const client = new QueryClient();
    const show = (view: typeof snapshot) => {
      cleanup();
      client.setQueryData(snapshotKeys.board(null), view);
      render(
        <QueryClientProvider client={client}>
          <ChartPanel title="Service level today" interactive={false} />
        </QueryClientProvider>,
      );
    };
    const intraday = (section: Partial<typeof snapshot.sections.intraday>, instance = points) => ({
      ...snapshot,
      sections: { ...snapshot.sections, intraday: { ...snapshot.sections.intraday, ...section } },
      intraday: { ...snapshot.intraday, instance },
    });
    // Just started: the server has not fetched the series once.
    show(intraday({ fetchedAt: null }, []));
    expect(screen.getByTestId('chart-loading').textContent).toBe('Loading today’s intervals…');
    expect(screen.queryByText('No intervals yet today.')).toBeNull();
    // Filling the day in, newest first: what it has is drawn, and the rest said to come.
    show(intraday({ missingIntervals: 14 }, points.slice(-2)));
    expect(screen.getByTestId('chart-filling').textContent).toBe(
      'Still loading the day’s earlier intervals (14 to come)…',
    );
    show(intraday({ missingIntervals: 14 }, []));
    expect(screen.getByTestId('chart-loading')).toBeTruthy();
    // Whole: nothing said; a day with no intervals yet says so.
    show(intraday({}));
    expect(screen.queryByTestId('chart-filling')).toBeNull();
    show(intraday({}, []));
    expect(screen.getByText('No intervals yet today.')).toBeTruthy();
  });

  it('held out of sight, keeps the intervals it drew and draws new ones once shown', async () => {
    const snapshot = makeSnapshot({ queues: 3 });
    const first = snapshot.intraday.instance;
    if (first.length < 2) throw new Error('the snapshot must have intervals');
    const client = new QueryClient();
    client.setQueryData(snapshotKeys.board(null), snapshot);
    const panel = (held: boolean) => (
      <QueryClientProvider client={client}>
        <ChartPanel title="Service level today" interactive={false} held={held} />
      </QueryClientProvider>
    );
    const rows = () => screen.getAllByRole('row', { hidden: true }).length - 1;
    // React Query tells its readers of a change after a turn of the event loop.
    const change = (view: typeof snapshot) =>
      act(async () => {
        client.setQueryData(snapshotKeys.board(null), view);
        await new Promise((resolve) => setTimeout(resolve, 20));
      });
    const view = render(panel(true));
    expect(rows()).toBe(first.length);
    // An interval goes while it is held: the drawn ones stay.
    await change({ ...snapshot, intraday: { ...snapshot.intraday, instance: first.slice(0, -1) } });
    expect(rows()).toBe(first.length);
    view.rerender(panel(false));
    expect(rows()).toBe(first.length - 1);
    // Shown, it follows every change.
    await change(snapshot);
    expect(rows()).toBe(first.length);
  });

  it('held before it has drawn an interval, draws the first it gets', async () => {
    const snapshot = makeSnapshot({ queues: 3 });
    const client = new QueryClient();
    client.setQueryData(snapshotKeys.board(null), {
      ...snapshot,
      intraday: { ...snapshot.intraday, instance: [] },
    });
    render(
      <QueryClientProvider client={client}>
        <ChartPanel title="Service level today" interactive={false} held />
      </QueryClientProvider>,
    );
    expect(screen.getByText('No intervals yet today.')).toBeTruthy();
    await act(async () => {
      client.setQueryData(snapshotKeys.board(null), snapshot);
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(screen.getAllByRole('row', { hidden: true }).length - 1).toBe(snapshot.intraday.instance.length);
  });
});
