import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotKeys } from '../../api/snapshot';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { stubResizeObserver } from '../../testing/stubResizeObserver';
import { ChartPanel } from './ChartPanel';

beforeEach(() => stubResizeObserver());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ChartPanel', () => {
  it('says a queue’s series could not be fetched, rather than that the day has no intervals', async () => {
    const snapshot = makeSnapshot({ queues: 12, nowMs: Date.now() });
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
});
