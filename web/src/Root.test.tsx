import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Root } from './Root';
import { refusedStream, TEST_CONFIG } from './testing/fakeServer';
import { makeSnapshot } from './testing/makeSnapshot';
import { stubResizeObserver } from './testing/stubResizeObserver';

beforeEach(() => {
  stubResizeObserver();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The server: its configuration (or a failure), and a view for any snapshot asked; the paths asked, in order. */
function server(config: unknown | null) {
  const asked: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const url = String(input);
      asked.push(url);
      if (url === '/api/v1/config')
        return config ? Response.json(config) : Response.json({ error: 'down' }, { status: 500 });
      if (url.startsWith('/api/v1/snapshot'))
        return Response.json(makeSnapshot({ queues: 1, agents: 1, nowMs: Date.now() }));
      return Response.json({ error: 'unknown' }, { status: 404 });
    }),
  );
  return asked;
}

function renderRoot(search: string) {
  window.history.replaceState(null, '', `/${search}`);
  render(
    <QueryClientProvider client={new QueryClient()}>
      <Root streamOptions={{ createSource: refusedStream, minBackoffMs: 60_000 }} />
    </QueryClientProvider>,
  );
}

describe('a page whose address names no board', () => {
  it('reads the view of the server’s default board, not the whole instance’s', async () => {
    const asked = server({ ...TEST_CONFIG, defaultBoardId: 'billing' });
    renderRoot('?view=laptop');
    await waitFor(() => expect(asked.some((url) => url.startsWith('/api/v1/snapshot'))).toBe(true));
    expect(asked.filter((url) => url.startsWith('/api/v1/snapshot'))).toEqual(
      expect.arrayContaining(['/api/v1/snapshot?board=billing']),
    );
    expect(asked).not.toContain('/api/v1/snapshot');
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Billing board'));
  });

  it('reads the whole instance’s view when the configuration does not come', async () => {
    const asked = server(null);
    renderRoot('?view=laptop');
    expect(screen.getByTestId('first-load').textContent).toMatch(/Connecting/);
    await waitFor(() => expect(asked).toContain('/api/v1/snapshot'), { timeout: 5000 });
  });

  it('reads the board the address names', async () => {
    const asked = server({ ...TEST_CONFIG, defaultBoardId: 'billing' });
    renderRoot('?view=laptop&board=all');
    await waitFor(() => expect(asked).toContain('/api/v1/snapshot?board=all'));
    expect(asked.filter((url) => url.startsWith('/api/v1/snapshot?board=billing'))).toEqual([]);
  });

  it('asks nothing more of a board the configuration does not have, once it knows', async () => {
    const asked = server(TEST_CONFIG);
    let streams = 0;
    window.history.replaceState(null, '', '/?view=laptop&board=nope');
    render(
      <QueryClientProvider client={new QueryClient()}>
        <Root
          streamOptions={{
            createSource: () => {
              streams += 1;
              return refusedStream();
            },
            minBackoffMs: 100,
            maxBackoffMs: 200,
          }}
        />
      </QueryClientProvider>,
    );
    await screen.findByTestId('unknown-board');
    const polls = () => asked.filter((url) => url.startsWith('/api/v1/snapshot')).length;
    const [pollsThen, streamsThen] = [polls(), streams];
    // Polls come every two seconds or so, reconnections every 200 ms here: none in three seconds.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(polls()).toBe(pollsThen);
    expect(streams).toBe(streamsThen);
  }, 10_000);
});
