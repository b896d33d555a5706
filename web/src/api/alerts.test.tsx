import type { Alert, Snapshot } from '@switchboard/shared';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { refusedStream } from '../testing/fakeServer';
import { makeSnapshot } from '../testing/makeSnapshot';
import { useAcknowledge } from './alerts';
import { snapshotKeys } from './snapshot';
import { SnapshotFeed, useConnection } from './SnapshotFeed';
import { useSnapshotMeta } from './useSnapshotSlices';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** Each connection state and error the page was drawn with. */
const drawn: string[] = [];

/** A part of the page that reads a slice of the view, and redraws on its own (a filter typed, a page turned). */
function Slice() {
  const [turn, setTurn] = useState(0);
  const generation = useSnapshotMeta().data?.generation;
  return (
    <button type="button" data-turn={turn} onClick={() => setTurn(turn + 1)}>
      Redraw {generation}
    </button>
  );
}

function AcknowledgeButton() {
  const { connection, error } = useConnection();
  const { mutate } = useAcknowledge();
  drawn.push(error ? `${connection}: ${error.message}` : connection);
  return (
    <main data-connection={connection}>
      <button type="button" onClick={() => mutate({ alertId: 'a-1', by: 'Dana' })}>
        Acknowledge
      </button>
    </main>
  );
}

const acknowledged: Alert = {
  id: 'a-1',
  ruleId: 'rule',
  metric: 'CONTACTS_IN_QUEUE',
  queueId: 'q-0001',
  level: 'warn',
  since: '2026-03-02T10:29:00.000Z',
  value: 12,
  threshold: 10,
  acknowledgedBy: 'Dana',
  acknowledgedAt: '2026-03-02T10:30:00.000Z',
};

describe('acknowledging an alert', () => {
  it('fetches the view at once, though a slice of it was the last part of the page drawn', async () => {
    const server = { generation: 4 };
    const calls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: string, init?: RequestInit) => {
        calls.push(`${init?.method ?? 'GET'} ${input}`);
        if (input === '/api/v1/snapshot')
          return Response.json(makeSnapshot({ generation: server.generation }));
        return Response.json(acknowledged);
      }),
    );
    const client = new QueryClient();
    render(
      <QueryClientProvider client={client}>
        <SnapshotFeed streamOptions={{ createSource: refusedStream, minBackoffMs: 60_000 }}>
          <Slice />
          <AcknowledgeButton />
        </SnapshotFeed>
      </QueryClientProvider>,
    );
    await waitFor(() => expect(document.querySelector('main')?.dataset.connection).toBe('polling'));
    // The slice's options are the query's own now (React Query keeps the last observer's).
    fireEvent.click(screen.getByText(/Redraw/));
    expect(screen.getByText(/Redraw/).dataset.turn).toBe('1');
    drawn.length = 0;
    calls.length = 0;
    server.generation = 5;
    fireEvent.click(screen.getByText('Acknowledge'));
    // Well before the next poll, due 2 s on.
    await waitFor(() => expect(client.getQueryData<Snapshot>(snapshotKeys.board(null))?.generation).toBe(5), {
      timeout: 1000,
    });
    expect(calls).toEqual(['POST /api/v1/alerts/a-1/acknowledge', 'GET /api/v1/snapshot']);
    expect(drawn.filter((state) => state !== 'polling')).toEqual([]);
  });
});
