import { diffView, type Queue, type Snapshot } from '@switchboard/shared';
import { onlineManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { memo, useEffect, useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueueTile } from '../features/queues/QueueTile';
import { refusedStream, stubServer } from '../testing/fakeServer';
import { renderInFeed } from '../testing/renderFeed';
import { makeSnapshot } from '../testing/makeSnapshot';
import { SnapshotFeed, useConnection } from './SnapshotFeed';
import { buildReport, screenId, sendReport } from './screenReport';
import { snapshotKeys } from './snapshot';
import { useQueueOptions, useQueues } from './useSnapshotSlices';

/** Renders of each queue's tile, by queue id. */
let renders = new Map<string, number>();

/** A queue tile memoised on its queue, as the grid's are, counting its renders. */
const CountedTile = memo(function CountedTile({ queue }: { queue: Queue }) {
  renders.set(queue.id, (renders.get(queue.id) ?? 0) + 1);
  return <QueueTile queue={queue} states={queue.states} />;
});

/** Renders of the queue picker. */
const pickerRenders = new Map<'picker', number>();
function Picker() {
  const options = useQueueOptions();
  pickerRenders.set('picker', (pickerRenders.get('picker') ?? 0) + 1);
  return <p data-testid="options">{options?.length ?? 0}</p>;
}

function Tiles() {
  const queues = useQueues();
  const { connection } = useConnection();
  return (
    <main data-connection={connection}>
      {queues?.map((queue) => (
        <CountedTile key={queue.id} queue={queue} />
      ))}
    </main>
  );
}

const OptionsPicker = memo(Picker);

/** How the page gets its figures, and why not, as the header and the banner read it. */
function Connection() {
  const { connection, error } = useConnection();
  return <main data-connection={connection} data-error={error?.message ?? ''} />;
}

function renderFeed(polled: Snapshot | null) {
  renders = new Map();
  pickerRenders.clear();
  stubServer({ snapshot: polled });
  const { sources, source, client } = renderInFeed(
    <>
      <Tiles />
      <OptionsPicker />
    </>,
  );
  const held = () => client.getQueryData<Snapshot>(snapshotKeys.board(null));
  return { sources, source, client, held };
}

/** The view after `view` with one queue's figures moved on. */
function withWaiting(view: Snapshot, generation: number, index: number, waiting: number): Snapshot {
  return {
    ...view,
    generation,
    queues: view.queues.map((queue, i) =>
      i === index ? { ...queue, realtime: { ...queue.realtime, CONTACTS_IN_QUEUE: waiting } } : queue,
    ),
  };
}

const waitingIn = (queueId: string) =>
  document.querySelector(`[data-queue-id="${queueId}"] [data-metric="CONTACTS_IN_QUEUE"] .figure-value`)
    ?.textContent;

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  onlineManager.setOnline(true);
});

/** A reader of one slice that draws again every 100 ms, as the page's readers do while the server is away. */
function BusySlice() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 100);
    return () => clearInterval(timer);
  }, []);
  useQueues();
  return null;
}

describe('SnapshotFeed', () => {
  it("retries a failed poll with the poll's own request while slices draw again, never 'Missing queryFn'", async () => {
    const state = { snapshot: null as Snapshot | null, down: true };
    const { fetchStub } = stubServer(state);
    const errors = new Set<string>();
    function Seen() {
      const { error } = useConnection();
      if (error) errors.add(error.message);
      return null;
    }
    render(
      <QueryClientProvider client={new QueryClient()}>
        <SnapshotFeed streamOptions={{ createSource: refusedStream, minBackoffMs: 60_000 }}>
          <BusySlice />
          <Seen />
        </SnapshotFeed>
      </QueryClientProvider>,
    );
    // Each slice writes its options into the query as it draws; a retry runs whatever request the query holds.
    const polls = () =>
      fetchStub.mock.calls.filter(([url]) => String(url).includes('/api/v1/snapshot')).length;
    await waitFor(() => expect(polls()).toBeGreaterThanOrEqual(3), { timeout: 6000 });
    expect([...errors]).toEqual(['Failed to fetch']);
  }, 10_000);

  it('redraws on a patch only the tile of the queue it changed', async () => {
    const { source } = renderFeed(null);
    const first = makeSnapshot({ queues: 3, agents: 4, generation: 1, nowMs: Date.now() });
    act(() => source().emit('snapshot', JSON.stringify(first)));
    await waitFor(() => expect(document.querySelectorAll('[data-queue-id]')).toHaveLength(3));
    const [a, b, c] = first.queues.map((queue) => queue.id) as [string, string, string];
    expect([...renders.values()]).toEqual([1, 1, 1]);
    const pickerBefore = pickerRenders.get('picker');

    const second = withWaiting(first, 2, 1, 42);
    act(() => source().emit('patch', JSON.stringify(diffView(first, second))));
    await waitFor(() => expect(waitingIn(b)).toBe('42'));
    expect(renders.get(a)).toBe(1);
    expect(renders.get(b)).toBe(2);
    expect(renders.get(c)).toBe(1);
    // No queue was added or renamed: the picker's options are the same array, and it does not redraw.
    expect(pickerRenders.get('picker')).toBe(pickerBefore);
    expect(document.querySelector('main')?.dataset.connection).toBe('live');
  });

  it('applies a patch to the view the poll brought, and fetches the view whole on one for another', async () => {
    const polled = makeSnapshot({ queues: 2, agents: 2, generation: 20, nowMs: Date.now() });
    const { sources, source, held } = renderFeed(polled);
    await waitFor(() => expect(document.querySelectorAll('[data-queue-id]')).toHaveLength(2));
    const [a, b] = polled.queues.map((queue) => queue.id) as [string, string];
    expect(held()?.generation).toBe(20);

    // The stream comes back with the patch from the polled generation to the next.
    const next = withWaiting(polled, 21, 0, 7);
    act(() => source().emit('patch', JSON.stringify(diffView(polled, next))));
    await waitFor(() => expect(waitingIn(a)).toBe('7'));
    expect(held()?.generation).toBe(21);
    expect(renders.get(b)).toBe(1);

    // A patch for a generation this page never held: nothing of it is shown, and a fresh stream is opened.
    const later = withWaiting(withWaiting(next, 23, 0, 99), 23, 1, 99);
    act(() => source().emit('patch', JSON.stringify(diffView(withWaiting(next, 22, 0, 8), later))));
    expect(sources).toHaveLength(2);
    expect(sources[0]?.closed).toBe(true);
    expect(held()?.generation).toBe(21);
    expect(waitingIn(a)).toBe('7');
    expect(screen.queryByText('99')).toBeNull();
    expect(document.querySelector('main')?.dataset.connection).toBe('live');

    act(() => source().emit('snapshot', JSON.stringify(later)));
    await waitFor(() => expect(waitingIn(b)).toBe('99'));
    expect(held()?.generation).toBe(23);
  });

  it('keeps the stream’s view when a poll that left before the stream came back returns after it', async () => {
    const { source, sources, held } = renderFeed(null);
    const older = makeSnapshot({ queues: 2, agents: 2, generation: 3, nowMs: Date.now() });
    let answer: (response: Response) => void = () => undefined;
    vi.stubGlobal(
      'fetch',
      vi.fn(() => new Promise<Response>((resolve) => (answer = resolve))),
    );
    const pushed = withWaiting(older, 5, 0, 55);
    act(() => source().emit('snapshot', JSON.stringify(pushed)));
    const [a] = pushed.queues.map((queue) => queue.id) as [string];
    await waitFor(() => expect(waitingIn(a)).toBe('55'));
    // The poll (retried after the first 503) answers now, with a generation the stream has passed.
    await waitFor(() => expect(vi.mocked(fetch)).toHaveBeenCalled(), { timeout: 3000 });
    await act(async () => {
      answer(Response.json(older));
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(held()?.generation).toBe(5);
    expect(waitingIn(a)).toBe('55');
    const next = withWaiting(pushed, 6, 0, 66);
    act(() => source().emit('patch', JSON.stringify(diffView(pushed, next))));
    await waitFor(() => expect(waitingIn(a)).toBe('66'));
    expect(sources).toHaveLength(1);
  });

  it('says the connection is lost while the browser is offline, though no poll fails', async () => {
    const state = { snapshot: makeSnapshot({ generation: 4, nowMs: Date.now() }), down: false };
    const { fetchStub } = stubServer(state);
    const shown = () => document.querySelector('main')?.dataset;
    render(
      <QueryClientProvider client={new QueryClient()}>
        <SnapshotFeed streamOptions={{ createSource: refusedStream, minBackoffMs: 60_000 }}>
          <Connection />
        </SnapshotFeed>
      </QueryClientProvider>,
    );
    await waitFor(() => expect(shown()?.connection).toBe('polling'));
    // The screen's network goes: the browser fires `offline`, and React Query holds each poll until `online`.
    state.down = true;
    act(() => onlineManager.setOnline(false));
    const polls = fetchStub.mock.calls.length;
    await waitFor(() => expect(shown()?.connection).toBe('offline'), { timeout: 3000 });
    expect(shown()?.error).toBe('The browser reports no network connection.');
    expect(fetchStub.mock.calls.length).toBe(polls);

    state.down = false;
    act(() => onlineManager.setOnline(true));
    await waitFor(() => expect(shown()?.connection).toBe('polling'), { timeout: 3000 });
    expect(shown()?.error).toBe('');
  });

  it('says the connection is lost once the stream goes silent and nothing comes from the server since', async () => {
    const view = makeSnapshot({ generation: 4, nowMs: Date.now() });
    stubServer({ snapshot: view });
    const { source, sources } = renderInFeed(<Connection />, { silenceMs: 300, minBackoffMs: 400 });
    const shown = () => document.querySelector('main')?.dataset.connection;
    await waitFor(() => expect(sources.length).toBe(1));
    act(() => source().emit('snapshot', JSON.stringify(view)));
    await waitFor(() => expect(shown()).toBe('live'));
    // The link dies half-open: the stream hears nothing, and a poll would hang until its own timeout.
    vi.stubGlobal(
      'fetch',
      vi.fn(() => new Promise<Response>(() => undefined)),
    );
    await waitFor(() => expect(shown()).toBe('offline'), { timeout: 2000 });
    // Not "Live (polling)" on the figures the stream brought before it went quiet.
    expect(shown()).not.toBe('polling');
    // The server heard from again: live.
    await waitFor(() => expect(sources.length).toBeGreaterThan(1), { timeout: 3000 });
    act(() => source().emit('snapshot', JSON.stringify({ ...view, generation: 5 })));
    await waitFor(() => expect(shown()).toBe('live'));
    // A connection that ends of itself (the server restarting, a proxy closing it) is not a lost one: the poll
    // takes over as ever.
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json(view)),
    );
    act(() => source().fail(true));
    await waitFor(() => expect(shown()).not.toBe('live'));
    expect(shown()).not.toBe('offline');
  });

  it('connects its stream again under a new screen id when the server refuses the one it had', async () => {
    const { sources, source } = renderFeed(null);
    const before = screenId();
    const first = source();
    expect(first.url).toContain(`screen=${before}`);
    expect(sources).toHaveLength(1);
    // The server refuses the id as another board's screen (a browser shared by supervisors of other boards).
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          new Response(JSON.stringify({ status: 403, code: 'screen_not_yours' }), {
            status: 403,
            headers: { 'content-type': 'application/problem+json' },
          }),
        ),
      ),
    );
    await act(async () => {
      await sendReport(buildReport({ view: 'wall', board: null, meta: undefined }));
    });
    const after = screenId();
    expect(after).not.toBe(before);
    expect(first.closed).toBe(true);
    expect(sources).toHaveLength(2);
    expect(source().url).toContain(`screen=${after}`);
  });
});
