import { diffView, type Queue, type Snapshot } from '@switchboard/shared';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeSources } from '../testing/fakeEventSource';
import { stubServer } from '../testing/fakeServer';
import { makeSnapshot } from '../testing/makeSnapshot';
import {
  fallbackPollMs,
  fetchSnapshot,
  POLL_TIMEOUT_MS,
  polledEventId,
  showView,
  snapshotKeys,
  snapshotQueryOptions,
} from './snapshot';
import { SnapshotStream } from './stream';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** The view the server publishes 2 s after `view`: the next generation, one queue's figures moved on. */
function nextOf(view: Snapshot): Snapshot {
  const at = new Date(Date.parse(view.generatedAt) + 2000).toISOString();
  const [q0, ...queues] = view.queues as [Queue, ...Queue[]];
  return {
    ...view,
    generation: view.generation + 1,
    generatedAt: at,
    serverTime: at,
    queues: [{ ...q0, realtime: { ...q0.realtime, CONTACTS_IN_QUEUE: view.generation + 1 } }, ...queues],
  };
}

function page() {
  const client = new QueryClient();
  const key = snapshotKeys.board(null);
  const held = () => client.getQueryData<Snapshot>(key);
  return { client, key, held };
}

describe('the poll for the view whole', () => {
  it('never takes the browser’s stored copy, whose serverTime would wind the page’s clock back', async () => {
    const snapshot = makeSnapshot();
    const { fetchStub } = stubServer({ snapshot });
    expect((await fetchSnapshot(null)).generation).toBe(snapshot.generation);
    const init = fetchStub.mock.calls[0]?.[1];
    // The server answers a poll within one generation 304 (its ETag); fetch would hand back the stored body.
    expect(init?.cache).toBe('no-store');
  });

  it('gives up a poll the server never answers and polls again, rather than waiting on it for good', async () => {
    vi.useFakeTimers();
    const snapshot = makeSnapshot({ generation: 7 });
    let calls = 0;
    // The first poll goes out as the link dies half-open: no answer, no error, until it is aborted.
    vi.stubGlobal(
      'fetch',
      vi.fn((_url: string, init?: RequestInit) => {
        calls += 1;
        if (calls > 1) return Promise.resolve(Response.json(snapshot));
        return new Promise<Response>((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        );
      }),
    );
    const { client, held } = page();
    const polled = client.fetchQuery(snapshotQueryOptions(null, held, () => false));
    await vi.advanceTimersByTimeAsync(POLL_TIMEOUT_MS + 10_000);
    expect(calls).toBe(2);
    expect((await polled).generation).toBe(7);
  });

  it('leaves the later generation the stream brought while it was out, though the stream has dropped again', async () => {
    const { client, key, held } = page();
    const { sources, create } = fakeSources();
    const stream = new SnapshotStream({
      held,
      onView: (view) => showView(client, key, view),
      createSource: create,
    });
    const g50 = makeSnapshot({ queues: 3, agents: 2, generation: 50 });
    const g51 = nextOf(g50);
    const g52 = nextOf(g51);
    stream.start();
    const source = sources[0];
    if (!source) throw new Error('the stream opened no connection');
    source.open();
    source.emit('snapshot', JSON.stringify(g50));
    source.fail(false);
    expect(stream.getState()).toBe('down');

    // The page polls, and the server, at 51, is slow to answer.
    let answer: (response: Response) => void = () => undefined;
    vi.stubGlobal(
      'fetch',
      vi.fn(() => new Promise<Response>((resolve) => (answer = resolve))),
    );
    const poll = client.fetchQuery({
      ...snapshotQueryOptions(null, held, () => stream.getState() === 'live'),
      staleTime: 0,
    });
    // Meanwhile EventSource reconnects by itself, brings 51 and 52, and drops again.
    source.open();
    source.emit('patch', JSON.stringify(diffView(g50, g51)));
    source.emit('patch', JSON.stringify(diffView(g51, g52)));
    source.fail(false);
    answer(Response.json(g51));
    await poll;
    expect(held()?.generation).toBe(52);

    // It comes back from 52: the next patch applies to the view on screen, with no fresh connection for it whole.
    source.open();
    source.emit('patch', JSON.stringify(diffView(g52, nextOf(g52))));
    expect(held()?.generation).toBe(53);
    expect(sources).toHaveLength(1);
    stream.stop();
  });

  it('takes a lower generation published later: the server’s generations started again', async () => {
    const { client, key, held } = page();
    const before = makeSnapshot({ queues: 3, agents: 2, generation: 1_000_052 });
    client.setQueryData(key, before);
    stubServer({ snapshot: { ...nextOf(before), generation: 3 } });
    await client.fetchQuery({ ...snapshotQueryOptions(null, held, () => false), staleTime: 0 });
    expect(held()?.generation).toBe(3);
  });

  it('keeps the stream event id a poll was given on the view it caches, and only an id that fits', async () => {
    const { client, key, held } = page();
    const before = makeSnapshot({ queues: 3, agents: 2, generation: 40 });
    client.setQueryData(key, before);
    const after = nextOf(before);
    const id = `41@${after.instanceId}~Rev0Rev0Rev0`;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json(after, { headers: { 'X-Stream-Event-Id': id } })),
    );
    await client.fetchQuery({ ...snapshotQueryOptions(null, held, () => false), staleTime: 0 });
    // The view in the cache is the held one with the poll's changes applied: another object, the same id.
    const view = held();
    expect(view?.generation).toBe(41);
    expect(view && polledEventId(view)).toBe(id);
    // An id that does not name the view it came with is not kept.
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json(nextOf(after), { headers: { 'X-Stream-Event-Id': id } })),
    );
    expect(polledEventId(await fetchSnapshot('sales'))).toBeUndefined();
  });
});

describe('fallbackPollMs', () => {
  it('is two seconds give or take a fifth, drawn per page', () => {
    expect(fallbackPollMs(() => 0)).toBe(1600);
    expect(fallbackPollMs(() => 0.5)).toBe(2000);
    expect(fallbackPollMs(() => 0.999_999)).toBe(2400);
    const drawn = new Set(Array.from({ length: 50 }, () => fallbackPollMs()));
    expect(drawn.size).toBeGreaterThan(10);
  });
});
