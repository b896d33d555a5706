import type { Snapshot } from '@switchboard/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeSources, type FakeSource } from '../testing/fakeEventSource';
import { makeSnapshot } from '../testing/makeSnapshot';
import {
  CHECK_TIMEOUT_MS,
  serveChecker,
  workerParser,
  type FromWorker,
  type ToWorker,
  type WorkerLike,
} from './checkerWorker';
import { snapshotChecker, SnapshotParseError } from './parseSnapshot';
import { SnapshotStream, type EventSourceLike } from './stream';

/**
 * A worker in the test's own thread: the real worker side behind a message boundary that copies and
 * delivers later, as one does. It records what crossed it each way.
 */
function inThreadWorker(options: { eventSource?: boolean; check?: ReturnType<typeof snapshotChecker> } = {}) {
  const toPage: ((event: MessageEvent<FromWorker>) => void)[] = [];
  const onError: (() => void)[] = [];
  const { sources, create } = fakeSources();
  const sent: ToWorker[] = [];
  const received: FromWorker[] = [];
  const terminated = { value: false };
  const serve = serveChecker(
    (message) => {
      const copy = structuredClone(message);
      received.push(copy);
      setTimeout(() => {
        for (const listener of toPage) listener({ data: copy } as MessageEvent<FromWorker>);
      }, 0);
    },
    options.eventSource === false ? null : create,
    options.check,
  );
  const worker = {
    addEventListener(type: string, listener: (event: MessageEvent<FromWorker>) => void) {
      if (type === 'message') toPage.push(listener);
      if (type === 'error') onError.push(() => listener(new Event('error') as MessageEvent<FromWorker>));
    },
    postMessage(message: ToWorker) {
      sent.push(message);
      const copy = structuredClone(message);
      setTimeout(() => serve(copy), 0);
    },
    terminate() {
      terminated.value = true;
    },
  };
  return {
    worker: worker as unknown as WorkerLike,
    terminated,
    sources,
    sent,
    received,
    crash: () => onError.forEach((listener) => listener()),
  };
}

/** Successive snapshots two seconds apart, as the server sends them. */
const poll = (tick: number) =>
  makeSnapshot({ queues: 4, agents: 20, tick, nowMs: Date.parse('2026-03-02T10:30:00Z') + tick * 2000 });

afterEach(() => vi.useRealTimers());

describe('workerParser: the poll path', () => {
  it('builds each snapshot from the last one and the worker’s patch', async () => {
    const parser = workerParser(inThreadWorker().worker);
    const first = poll(1);
    const second = poll(2);
    const third = poll(3);
    const a = await parser.parse(JSON.stringify(first));
    expect(a).toEqual(first);
    const b = await parser.parse(JSON.stringify(second));
    expect(b).toEqual(second);
    const c = await parser.parse(JSON.stringify(third));
    expect(c).toEqual(third);
    // A tenth of the agents change state on each tick: the rest are the objects parsed the first time.
    const unchanged = c.agents.filter((agent, i) => agent === a.agents[i]);
    expect(unchanged.length).toBeGreaterThanOrEqual(14);
    expect(unchanged.length).toBeLessThan(20);
  });

  it('turns down what the checker refuses and keeps building on the last good snapshot', async () => {
    const parser = workerParser(inThreadWorker().worker);
    const first = makeSnapshot({ queues: 2, agents: 10, tick: 1 });
    await parser.parse(JSON.stringify(first));
    await expect(parser.parse(JSON.stringify({ ...first, queues: 'none' }))).rejects.toBeInstanceOf(
      SnapshotParseError,
    );
    await expect(parser.parse('{"not json')).rejects.toBeInstanceOf(SnapshotParseError);
    const next = makeSnapshot({ queues: 2, agents: 10, tick: 2 });
    expect(await parser.parse(JSON.stringify(next))).toEqual(next);
  });

  it('parses the text itself when a patch is made against another snapshot than its last', async () => {
    // A checker that has seen a snapshot this page never got.
    const check = snapshotChecker();
    check({ id: 99, text: JSON.stringify(makeSnapshot({ queues: 2, agents: 5 })) });
    const parser = workerParser(inThreadWorker({ check }).worker);
    const snapshot = makeSnapshot({ queues: 3, agents: 6, tick: 4 });
    expect(await parser.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('checks on the page once the worker has stopped', async () => {
    const { worker, crash, sent } = inThreadWorker();
    const parser = workerParser(worker);
    const waiting = parser.parse(JSON.stringify(poll(1)));
    crash();
    expect(await waiting).toEqual(poll(1));
    const before = sent.length;
    expect(await parser.parse(JSON.stringify(poll(2)))).toEqual(poll(2));
    await expect(parser.parse(JSON.stringify({ generation: 'x' }))).rejects.toBeInstanceOf(
      SnapshotParseError,
    );
    expect(sent).toHaveLength(before);
  });
});

function streamOn(parser: ReturnType<typeof workerParser>) {
  const { openStream } = parser;
  if (!openStream) throw new Error('a worker parser opens its own stream');
  const snapshots: Snapshot[] = [];
  const invalid: Error[] = [];
  const heartbeats: string[] = [];
  const stream = new SnapshotStream({
    parser,
    url: '/api/v1/stream?board=floor',
    createSource: (url) => openStream(url),
    onSnapshot: (snapshot) => snapshots.push(snapshot),
    onInvalid: (error) => invalid.push(error),
    onHeartbeat: (data) => heartbeats.push(data),
    random: () => 1,
    minBackoffMs: 1000,
  });
  return { stream, snapshots, invalid, heartbeats };
}

describe('workerParser: the push stream held in the worker', () => {
  it('delivers every pushed snapshot built from patches, without the text ever crossing to the page', async () => {
    const side = inThreadWorker();
    const parser = workerParser(side.worker);
    const { stream, snapshots, heartbeats } = streamOn(parser);
    stream.start();
    await vi.waitFor(() => expect(side.sources).toHaveLength(1));
    const source = side.sources[0] as FakeSource;
    // The worker's own URL is elsewhere: it gets the page's URL, resolved.
    expect(source.url).toBe(new URL('/api/v1/stream?board=floor', location.href).href);
    source.open();
    source.emit('snapshot', JSON.stringify(poll(1)));
    source.emit('message', JSON.stringify(poll(2)));
    source.emit('heartbeat', '{"serverTime":"2026-03-02T10:30:05.000Z"}');
    source.emit('snapshot', JSON.stringify(poll(3)));
    await vi.waitFor(() => expect(snapshots).toHaveLength(3));
    expect(snapshots).toEqual([poll(1), poll(2), poll(3)]);
    expect(stream.current).toBe('live');
    expect(heartbeats).toEqual(['{"serverTime":"2026-03-02T10:30:05.000Z"}']);
    // Unchanged agents are the objects built the first time.
    const [a, , c] = snapshots as [Snapshot, Snapshot, Snapshot];
    expect(c.agents.filter((agent, i) => agent === a.agents[i]).length).toBeGreaterThanOrEqual(14);
    // Nothing the page sent carried a snapshot; only the first snapshot came back as text.
    expect(side.sent.map((message) => message.kind)).toEqual(['open']);
    const pushed = side.received.filter((message) => message.kind === 'snapshot');
    expect(pushed.map((message) => message.text !== null)).toEqual([true, false, false]);
    stream.stop();
    await vi.waitFor(() => expect(source.closed).toBe(true));
  });

  it('passes on a refused snapshot as invalid, and goes on with the next', async () => {
    const side = inThreadWorker();
    const { stream, snapshots, invalid } = streamOn(workerParser(side.worker));
    stream.start();
    await vi.waitFor(() => expect(side.sources).toHaveLength(1));
    const source = side.sources[0] as FakeSource;
    source.open();
    source.emit('snapshot', JSON.stringify(poll(1)));
    source.emit('snapshot', JSON.stringify({ generation: 'three' }));
    source.emit('snapshot', JSON.stringify(poll(2)));
    await vi.waitFor(() => expect(snapshots).toHaveLength(2));
    expect(snapshots).toEqual([poll(1), poll(2)]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toBeInstanceOf(SnapshotParseError);
    stream.stop();
  });

  it('mirrors the worker’s connection state: an EventSource that gives up makes the stream back off and reopen', async () => {
    vi.useFakeTimers();
    const side = inThreadWorker();
    const { stream } = streamOn(workerParser(side.worker));
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = side.sources[0] as FakeSource;
    first.open();
    first.fail(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(stream.current).toBe('down');
    // The backoff (1 s here), then the worker opens the next one.
    await vi.advanceTimersByTimeAsync(1001);
    expect(first.closed).toBe(true);
    expect(side.sources).toHaveLength(2);
    expect(side.sent.map((message) => message.kind)).toEqual(['open', 'close', 'open']);
    stream.stop();
  });

  it('takes the next snapshot whole when a patch cannot be built on what the page has', async () => {
    // The worker's checker has seen a snapshot the page never got: the first patch fits nothing here.
    const check = snapshotChecker();
    check({ id: 99, text: JSON.stringify(poll(1)) });
    const side = inThreadWorker({ check });
    const { stream, snapshots, invalid } = streamOn(workerParser(side.worker));
    stream.start();
    await vi.waitFor(() => expect(side.sources).toHaveLength(1));
    const source = side.sources[0] as FakeSource;
    source.open();
    source.emit('snapshot', JSON.stringify(poll(2)));
    // That one is skipped, without an error on the page; the worker is asked for the next one whole.
    await vi.waitFor(() => expect(side.sent.map((message) => message.kind)).toEqual(['open', 'whole']));
    source.emit('snapshot', JSON.stringify(poll(3)));
    source.emit('snapshot', JSON.stringify(poll(4)));
    await vi.waitFor(() => expect(snapshots).toHaveLength(2));
    expect(snapshots).toEqual([poll(3), poll(4)]);
    expect(invalid).toEqual([]);
    const pushed = side.received.filter((message) => message.kind === 'snapshot');
    expect(pushed.map((message) => message.text !== null)).toEqual([false, true, false]);
    stream.stop();
  });

  it('builds polls and pushes on each other, in the order the worker answers', async () => {
    const side = inThreadWorker();
    const parser = workerParser(side.worker);
    const { stream, snapshots } = streamOn(parser);
    stream.start();
    await vi.waitFor(() => expect(side.sources).toHaveLength(1));
    const source = side.sources[0] as FakeSource;
    source.open();
    source.emit('snapshot', JSON.stringify(poll(1)));
    await vi.waitFor(() => expect(snapshots).toHaveLength(1));
    // A poll between two pushes: its patch is made against the push before, the next push's against it.
    const polled = await parser.parse(JSON.stringify(poll(2)));
    expect(polled).toEqual(poll(2));
    source.emit('snapshot', JSON.stringify(poll(3)));
    await vi.waitFor(() => expect(snapshots).toHaveLength(2));
    expect(snapshots[1]).toEqual(poll(3));
    const [first] = snapshots as [Snapshot];
    expect(polled.agents.filter((agent, i) => agent === first.agents[i]).length).toBeGreaterThanOrEqual(14);
    // Only the first push came as text: every later one, and the poll, were built from patches.
    const replies = side.received.filter(
      (message) => message.kind === 'snapshot' || message.kind === 'checked',
    );
    expect(replies.map((message) => message.reply.patch !== null)).toEqual([false, true, true]);
    stream.stop();
  });

  it('keeps building on snapshots pushed to a stream the page has just replaced', async () => {
    const side = inThreadWorker();
    const parser = workerParser(side.worker);
    const first = parser.openStream?.('/api/v1/stream') as EventSourceLike;
    const heard: string[] = [];
    first.addEventListener('snapshot', (event) => heard.push(event.data));
    await vi.waitFor(() => expect(side.sources).toHaveLength(1));
    // The worker pushes just as the page closes the stream: the page never asks for that snapshot.
    (side.sources[0] as FakeSource).emit('snapshot', JSON.stringify(poll(1)));
    first.close();
    await vi.waitFor(() => expect(side.received.some((message) => message.kind === 'snapshot')).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(heard).toEqual([]);
    // A poll afterwards is built from a patch against that snapshot, and is right.
    expect(await parser.parse(JSON.stringify(poll(2)))).toEqual(poll(2));
    const checked = side.received.find((message) => message.kind === 'checked');
    expect(checked?.kind === 'checked' && checked.reply.patch !== null).toBe(true);
  });

  it('opens the stream on the page where the worker has no EventSource', async () => {
    const side = inThreadWorker({ eventSource: false });
    const { sources: local, create: openLocal } = fakeSources();
    const parser = workerParser(side.worker, { openLocal });
    const { stream, snapshots } = streamOn(parser);
    stream.start();
    await vi.waitFor(() => expect(local).toHaveLength(1));
    const source = local[0] as FakeSource;
    expect(source.url).toBe('/api/v1/stream?board=floor');
    source.open();
    source.emit('snapshot', JSON.stringify(poll(1)));
    source.emit('snapshot', JSON.stringify(poll(2)));
    await vi.waitFor(() => expect(snapshots).toHaveLength(2));
    expect(snapshots).toEqual([poll(1), poll(2)]);
    // The page's texts went to the worker to be checked, as a poll's do.
    expect(side.sent.map((message) => message.kind)).toEqual(['open', 'check', 'check']);
    stream.stop();
    expect(source.closed).toBe(true);
  });

  it('reopens the stream on the page when the worker stops', async () => {
    vi.useFakeTimers();
    const side = inThreadWorker();
    const { sources: local, create: openLocal } = fakeSources();
    const parser = workerParser(side.worker, { openLocal });
    const { stream, snapshots } = streamOn(parser);
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    side.sources[0]?.open();
    side.crash();
    expect(stream.current).toBe('down');
    // The worker is let go; anything it still says is not heard.
    expect(side.terminated.value).toBe(true);
    side.sources[0]?.emit('snapshot', JSON.stringify(poll(4)));
    await vi.advanceTimersByTimeAsync(1001);
    expect(local).toHaveLength(1);
    local[0]?.open();
    local[0]?.emit('snapshot', JSON.stringify(poll(5)));
    await vi.advanceTimersByTimeAsync(1);
    expect(snapshots).toEqual([poll(5)]);
    stream.stop();
  });

  it('takes a worker that leaves a check unanswered for stopped, and checks on the page', async () => {
    vi.useFakeTimers();
    const answered: ((event: MessageEvent<FromWorker>) => void)[] = [];
    let terminated = false;
    const silent = {
      addEventListener: (type: string, listener: (event: MessageEvent<FromWorker>) => void) => {
        if (type === 'message') answered.push(listener);
      },
      postMessage: () => undefined,
      terminate: () => {
        terminated = true;
      },
    } as unknown as WorkerLike;
    const parser = workerParser(silent);
    const waiting = parser.parse(JSON.stringify(poll(1)));
    let result: Snapshot | undefined;
    void waiting.then((snapshot) => (result = snapshot));
    await vi.advanceTimersByTimeAsync(CHECK_TIMEOUT_MS - 1);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toEqual(poll(1));
    expect(terminated).toBe(true);
    expect(await parser.parse(JSON.stringify(poll(2)))).toEqual(poll(2));
  });
});
