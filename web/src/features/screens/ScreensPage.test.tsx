import type { DisplaysResponse, ScreenSummary } from '@switchboard/shared';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScreensPage } from './ScreensPage';

const NOW = Date.now();

function aScreen(key: string, overrides: Partial<ScreenSummary>): ScreenSummary {
  return {
    key,
    kind: 'token',
    id: key.slice(2),
    name: key.slice(2),
    state: 'healthy',
    since: new Date(NOW - 60_000).toISOString(),
    detail: 'all well',
    view: 'wall',
    board: 'sales',
    build: 'v2',
    lastReportAt: new Date(NOW - 5000).toISOString(),
    streamOpen: true,
    dataAgeMs: 2000,
    heapBytes: 8 * 1024 * 1024,
    errors: 0,
    viewport: { width: 1920, height: 1080 },
    uptimeMs: 3600_000,
    history: [],
    ...overrides,
  };
}

const displays: DisplaysResponse = {
  serverBuild: 'v2',
  reportIntervalMs: 60_000,
  screens: [
    // Frozen, and on an old build too: its state shows the worse of the two, its build the other.
    aScreen('t:lobby', { state: 'frozen', detail: 'stream open, no report for 2:05', build: 'v1' }),
    aScreen('t:floor', { state: 'old-build', build: 'v1' }),
    aScreen('t:desk', {}),
    aScreen('t:gone', { state: 'disconnected', streamOpen: false, build: 'v2' }),
    // Healthy, reporting without a stream (a proxy that buffers streams): neither reloaded nor forgotten.
    aScreen('t:polls', { streamOpen: false }),
  ],
};

beforeEach(() => {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) =>
      init?.method === 'DELETE' ? new Response(null, { status: 204 }) : Response.json(displays),
    ),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const renderPage = () =>
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ScreensPage />
    </QueryClientProvider>,
  );

describe('ScreensPage', () => {
  it("marks every screen on another build than the server's, whatever its state shows", async () => {
    renderPage();
    await waitFor(() => expect(screen.getAllByTestId('screen-build')).toHaveLength(5));
    const oldMarked = screen
      .getAllByTestId('screen-build')
      .map((cell) => cell.classList.contains('screens-old'));
    const rows = screen.getAllByTestId('screen-build').map((cell) => cell.closest('tr')?.dataset.key);
    expect(Object.fromEntries(rows.map((key, i) => [key, oldMarked[i]]))).toEqual({
      't:lobby': true,
      't:floor': true,
      't:desk': false,
      't:gone': false,
      't:polls': false,
    });
  });

  it('offers Reload down an open stream, and Forget for a screen gone dark only', async () => {
    renderPage();
    await waitFor(() => expect(screen.getAllByTestId('screen-row')).toHaveLength(5));
    const reloads = screen.getAllByRole('button', { name: 'Reload' });
    expect(reloads.map((button) => (button as HTMLButtonElement).disabled)).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(screen.getAllByRole('button', { name: /^Forget/ })).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Forget gone' }));
    await waitFor(() =>
      expect(screen.getByTestId('screens-notice').textContent).toBe('Screen t:gone forgotten.'),
    );
    const calls = vi.mocked(fetch).mock.calls.filter(([, init]) => init?.method === 'DELETE');
    expect(calls.map(([input]) => String(input))).toEqual(['/api/v1/displays/t%3Agone']);
  });

  it('offers a reload of every screen of each board, the board named as such', async () => {
    vi.mocked(fetch).mockImplementation(async (input: RequestInfo | URL) =>
      String(input) === '/api/v1/displays/reload'
        ? Response.json({ sent: ['t:lobby', 't:desk'] })
        : Response.json(displays),
    );
    renderPage();
    const button = await screen.findByRole('button', { name: 'Reload every screen of board “sales”' });
    fireEvent.click(button);
    await waitFor(() =>
      expect(screen.getByTestId('screens-notice').textContent).toBe('Reload sent to 2 screens.'),
    );
    const posts = vi.mocked(fetch).mock.calls.filter(([, init]) => init?.method === 'POST');
    expect(posts.map(([input, init]) => [String(input), init?.body])).toEqual([
      ['/api/v1/displays/reload', JSON.stringify({ board: 'sales' })],
    ]);
  });

  it('shows one state, or the screens whose name, id or board hold what is searched for', async () => {
    renderPage();
    await waitFor(() => expect(screen.getAllByTestId('screen-row')).toHaveLength(5));
    const keys = () => screen.getAllByTestId('screen-row').map((row) => row.dataset.key);
    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'frozen' } });
    expect(keys()).toEqual(['t:lobby']);
    expect(screen.getByTestId('screens-shown').textContent).toBe('1 of 5 shown');
    fireEvent.change(screen.getByLabelText('State'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Find'), { target: { value: 'POLL' } });
    expect(keys()).toEqual(['t:polls']);
    fireEvent.change(screen.getByLabelText('Find'), { target: { value: 'sales' } });
    expect(keys()).toHaveLength(5);
    expect(screen.queryByTestId('screens-shown')).toBeNull();
  });
});
