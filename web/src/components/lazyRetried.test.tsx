import { act, cleanup, render, screen } from '@testing-library/react';
import { Suspense } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from './ErrorBoundary';
import { lazyRetried } from './lazyRetried';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function Chart({ label }: { label: string }) {
  return <p>{label}</p>;
}

const failure = () => new TypeError('Failed to fetch dynamically imported module');

function page(Retried: ReturnType<typeof lazyRetried<{ label: string }>>, resetKey: number) {
  return (
    <ErrorBoundary what="the chart" resetKey={resetKey}>
      <Suspense fallback={<p>Loading chart…</p>}>
        <Retried label="chart drawn" />
      </Suspense>
    </ErrorBoundary>
  );
}

describe('lazyRetried', () => {
  it('loads a chunk again after a failed load, as React.lazy alone never does, and then keeps it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const load = vi
      .fn<() => Promise<{ default: typeof Chart }>>()
      .mockRejectedValueOnce(failure())
      .mockResolvedValue({ default: Chart });
    const Retried = lazyRetried(load, { retryMs: 50 });
    const view = render(page(Retried, 1));
    expect(await screen.findByText('chart drawn', {}, { timeout: 2000 })).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(2);
    await act(async () => view.rerender(page(Retried, 2)));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('asks for a chunk that keeps failing once a retry interval, never in a loop, and draws once it loads', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const load = vi.fn<() => Promise<{ default: typeof Chart }>>().mockRejectedValue(failure());
    const onStuck = vi.fn();
    const Retried = lazyRetried(load, { retryMs: 200, onStuck });
    render(page(Retried, 1));
    for (let i = 0; i < 6; i += 1) await act(async () => new Promise((resolve) => setTimeout(resolve, 250)));
    // About one load each 200 ms over 1.5 s, not hundreds; meanwhile the chart says it is loading.
    expect(load.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(load.mock.calls.length).toBeLessThanOrEqual(10);
    expect(screen.getByText('Loading chart…')).toBeTruthy();
    // Each retry that failed too says so, for the page to load itself again (Chromium asks for a failed chunk no more).
    expect(onStuck).toHaveBeenCalledTimes(load.mock.calls.length - 1);
    // The chunk comes back: the next retry draws it, with no one reloading the screen.
    load.mockResolvedValue({ default: Chart });
    expect(await screen.findByText('chart drawn', {}, { timeout: 2000 })).toBeTruthy();
  });
});
