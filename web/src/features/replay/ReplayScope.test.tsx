import type { Snapshot } from '@switchboard/shared';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { replayKey, ReplayScope } from './ReplayScope';

/** GET /api/v1/snapshot?at=, answered when the test says: each request waits for its own answer. */
function heldServer() {
  const waiting = new Map<string, (view: Snapshot) => void>();
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL) => {
      const url = new URL(String(input), 'http://x');
      const at = url.searchParams.get('at') ?? '';
      return new Promise<Response>((resolve) => {
        waiting.set(at, (view) => resolve(Response.json(view)));
      });
    }),
  );
  return {
    answer(at: number, view: Snapshot) {
      const key = new Date(at).toISOString();
      const send = waiting.get(key);
      if (!send) throw new Error(`no request for ${key}`);
      send(view);
    },
    asked: (at: number) => waiting.has(new Date(at).toISOString()),
  };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ReplayScope', () => {
  it('never shows the view of a moment it has moved on from, though that answer comes last', async () => {
    const server = heldServer();
    const client = new QueryClient();
    const scope = (at: number) => (
      <QueryClientProvider client={client}>
        <ReplayScope at={at} board={null}>
          {() => null}
        </ReplayScope>
      </QueryClientProvider>
    );
    const { rerender } = render(scope(1_000_000));
    await waitFor(() => expect(server.asked(1_000_000)).toBe(true));
    // The handle moves on while the first answer is on its way; the second comes first, then the first.
    rerender(scope(2_000_000));
    await waitFor(() => expect(server.asked(2_000_000)).toBe(true));
    server.answer(2_000_000, makeSnapshot({ tick: 2 }));
    await waitFor(() => expect(client.getQueryData<Snapshot>(replayKey(null))).toBeDefined());
    const shown = client.getQueryData<Snapshot>(replayKey(null));
    server.answer(1_000_000, { ...makeSnapshot({ tick: 1 }), generation: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.getQueryData<Snapshot>(replayKey(null))).toBe(shown);
  });
});
