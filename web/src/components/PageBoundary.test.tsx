import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScreenReport } from '@switchboard/shared';
import { useScreenReport } from '../api/screenReport';
import { PAGE_RELOAD_MS, PageBoundary, SERVER_RETRY_MS } from './PageBoundary';

function Broken(): never {
  throw new Error('a header that cannot be drawn');
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  window.sessionStorage.clear();
});

/** A page that reports itself, and fails when told to. */
function Page({ broken }: { broken: boolean }) {
  useScreenReport('wall', 'sales', undefined);
  if (broken) throw new Error('a header that cannot be drawn');
  return <p>figures</p>;
}

/** The clocks the report's wait reads (setTimeout, performance.now()) and the reload's, under the test's hand. */
const FAKE: Parameters<typeof vi.useFakeTimers>[0] = {
  toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
};

describe('PageBoundary', () => {
  it('says the page failed, instead of a blank screen, and loads it again a while later', async () => {
    vi.useFakeTimers(FAKE);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 204 })),
    );
    const reload = vi.fn();
    render(
      <PageBoundary reload={reload}>
        <Broken />
      </PageBoundary>,
    );
    expect(screen.getByTestId('page-error').textContent).toMatch(/could not draw this page/);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PAGE_RELOAD_MS - 1);
    });
    expect(reload).not.toHaveBeenCalled();
    // Its 30 s are up, and the server answers: loaded again.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
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

  it('sends the screen report with the error before the page loads again, no sooner than the server takes one', async () => {
    vi.useFakeTimers(FAKE);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const fetch = vi.fn(
      async (_input: RequestInfo | URL, _init?: RequestInit) => new Response(null, { status: 204 }),
    );
    vi.stubGlobal('fetch', fetch);
    const reload = vi.fn();
    const { rerender } = render(
      <PageBoundary reload={reload}>
        <Page broken={false} />
      </PageBoundary>,
    );
    // The page's first report (3 s after it opens).
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3_000);
    });
    expect(fetch).toHaveBeenCalledTimes(1);
    rerender(
      <PageBoundary reload={reload}>
        <Page broken />
      </PageBoundary>,
    );
    // The server refuses a report within half an interval (30 s) of the last: the failure's waits for that.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(20_000);
    });
    expect(fetch).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(15_000);
    });
    const reports = () =>
      fetch.mock.calls.filter((call) => String(call[0 as never]) === '/api/v1/displays/report');
    expect(reports()).toHaveLength(2);
    const [url, init] = reports()[1] ?? [];
    expect(url).toBe('/api/v1/displays/report');
    expect((JSON.parse(String(init?.body)) as ScreenReport).errors).toBeGreaterThan(0);
    // And then the reload (its 30 s are up, and the server answers).
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('loads again only once the server answers, and backs off when the page fails at every load', async () => {
    vi.useFakeTimers(FAKE);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let serverUp = false;
    const fetch = vi.fn(async (input: RequestInfo | URL) => {
      if (!serverUp) throw new TypeError('Failed to fetch');
      return new Response(null, { status: String(input) === '/healthz' ? 200 : 204 });
    });
    vi.stubGlobal('fetch', fetch);
    const reload = vi.fn();
    render(
      <PageBoundary reload={reload}>
        <Broken />
      </PageBoundary>,
    );
    // The server is away: a reload now would leave the screen on the browser's own error page.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PAGE_RELOAD_MS + 3 * SERVER_RETRY_MS);
    });
    expect(reload).not.toHaveBeenCalled();
    serverUp = true;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(SERVER_RETRY_MS);
    });
    expect(reload).toHaveBeenCalledTimes(1);
    cleanup();

    // The page failed at its last four loads, the last 5 s ago: the next waits its turn (four minutes after that
    // one), not 30 s.
    window.sessionStorage.setItem(
      'switchboard.buildReload',
      JSON.stringify({ count: 4, at: Date.now() - 5000 }),
    );
    const again = vi.fn();
    render(
      <PageBoundary reload={again}>
        <Broken />
      </PageBoundary>,
    );
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PAGE_RELOAD_MS + 60_000);
    });
    expect(again).not.toHaveBeenCalled();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(150_000);
    });
    expect(again).toHaveBeenCalledTimes(1);
  });

  it('asks the server again when its answer never comes, rather than waiting on it for good', async () => {
    vi.useFakeTimers(FAKE);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let hanging = true;
    const fetch = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input) !== '/healthz') return Promise.resolve(new Response(null, { status: 204 }));
      if (!hanging) return Promise.resolve(new Response(null, { status: 200 }));
      // A proxy that holds the request: no answer until it is given up.
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
      );
    });
    vi.stubGlobal('fetch', fetch);
    const reload = vi.fn();
    render(
      <PageBoundary reload={reload}>
        <Broken />
      </PageBoundary>,
    );
    const asked = () => fetch.mock.calls.filter((call) => String(call[0]) === '/healthz').length;
    // The report first (this page's last was sent a while ago, in the tests before), then the server asked.
    for (let waited = 0; asked() === 0 && waited < 5 * PAGE_RELOAD_MS; waited += 1000) {
      await act(async () => {
        await vi.advanceTimersByTimeAsync(1000);
      });
    }
    expect(asked()).toBe(1);
    hanging = false;
    // Given up 10 s after it was asked, asked again 10 s later, answered: the page loads again.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(9000);
    });
    expect(asked()).toBe(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000 + SERVER_RETRY_MS);
    });
    expect(asked()).toBe(2);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
