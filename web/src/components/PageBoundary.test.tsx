import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScreenReport } from '@switchboard/shared';
import { useScreenReport } from '../api/screenReport';
import { PAGE_RELOAD_MS, PageBoundary } from './PageBoundary';

function Broken(): never {
  throw new Error('a header that cannot be drawn');
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** A page that reports itself, and fails when told to. */
function Page({ broken }: { broken: boolean }) {
  useScreenReport('wall', 'sales', undefined);
  if (broken) throw new Error('a header that cannot be drawn');
  return <p>figures</p>;
}

describe('PageBoundary', () => {
  it('says the page failed, instead of a blank screen, and loads it again a while later', () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const reload = vi.fn();
    render(
      <PageBoundary reload={reload}>
        <Broken />
      </PageBoundary>,
    );
    expect(screen.getByTestId('page-error').textContent).toMatch(/could not draw this page/);
    act(() => vi.advanceTimersByTime(PAGE_RELOAD_MS - 1));
    expect(reload).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1));
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('draws the page as it is while nothing fails', () => {
    render(
      <PageBoundary reload={() => undefined}>
        <p>figures</p>
      </PageBoundary>,
    );
    expect(screen.getByText('figures')).toBeTruthy();
  });

  it('sends the screen report with the error before the page it held is gone', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetch);
    const { rerender } = render(
      <PageBoundary reload={() => undefined}>
        <Page broken={false} />
      </PageBoundary>,
    );
    rerender(
      <PageBoundary reload={() => undefined}>
        <Page broken />
      </PageBoundary>,
    );
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/displays/report');
    expect((JSON.parse(String(init.body)) as ScreenReport).errors).toBeGreaterThan(0);
  });
});
