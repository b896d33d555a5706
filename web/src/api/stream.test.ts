import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Snapshot } from '@switchboard/shared';
import { makeSnapshot } from '../testing/makeSnapshot';
import { inlineParser } from './parseSnapshot';
import { fakeSources } from '../testing/fakeEventSource';
import { backoffDelay, SnapshotStream } from './stream';

function setup(options: { silenceMs?: number } = {}) {
  const { sources, create } = fakeSources();
  const received: Snapshot[] = [];
  const invalid: Error[] = [];
  const stream = new SnapshotStream({
    parser: inlineParser(),
    onSnapshot: (snapshot) => received.push(snapshot),
    onInvalid: (error) => invalid.push(error),
    createSource: create,
    random: () => 1,
    minBackoffMs: 1000,
    maxBackoffMs: 8000,
    ...options,
  });
  return { stream, sources, received, invalid };
}

describe('SnapshotStream', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers each pushed snapshot in arrival order and reports the stream live', async () => {
    const { stream, sources, received } = setup();
    stream.start();
    expect(stream.current).toBe('connecting');
    const source = sources[0];
    if (!source) throw new Error('no source opened');
    expect(source.url).toBe('/api/v1/stream');
    source.open();
    source.emit('snapshot', JSON.stringify(makeSnapshot({ generation: 7 })));
    source.emit('message', JSON.stringify(makeSnapshot({ generation: 8 })));
    await vi.runAllTicks();
    await vi.waitFor(() => expect(received.map((s) => s.generation)).toEqual([7, 8]));
    expect(stream.current).toBe('live');
    stream.stop();
  });

  it('refuses a snapshot that does not match the schema and keeps the stream', async () => {
    const { stream, sources, received, invalid } = setup();
    stream.start();
    sources[0]?.open();
    sources[0]?.emit('snapshot', JSON.stringify({ generation: 'three' }));
    await vi.waitFor(() => expect(invalid).toHaveLength(1));
    expect(received).toHaveLength(0);
    expect(sources).toHaveLength(1);
    stream.stop();
  });

  it('backs off exponentially when the server refuses the stream, and resets once it is live again', async () => {
    const { stream, sources, received } = setup();
    stream.start();
    sources[0]?.fail(true);
    expect(stream.current).toBe('down');
    expect(sources[0]?.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(999);
    expect(sources).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources).toHaveLength(2);
    sources[1]?.fail(true);
    await vi.advanceTimersByTimeAsync(1999);
    expect(sources).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources).toHaveLength(3);
    sources[2]?.open();
    sources[2]?.emit('snapshot', JSON.stringify(makeSnapshot()));
    await vi.waitFor(() => expect(received).toHaveLength(1));
    sources[2]?.fail(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sources).toHaveLength(4);
    stream.stop();
  });

  it('lets EventSource retry a dropped connection itself a few times before taking over', async () => {
    const { stream, sources } = setup();
    stream.start();
    const source = sources[0];
    source?.open();
    for (let i = 0; i < 3; i++) source?.fail(false);
    expect(source?.closed).toBe(false);
    source?.fail(false);
    expect(source?.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sources).toHaveLength(2);
    stream.stop();
  });

  it.each([
    ['has gone silent', true],
    ['never opens', false],
  ])('replaces a connection that %s', async (_, opens) => {
    const { stream, sources } = setup({ silenceMs: 5000 });
    stream.start();
    if (opens) {
      sources[0]?.open();
      sources[0]?.emit('heartbeat', '');
    }
    await vi.advanceTimersByTimeAsync(4999);
    expect(sources[0]?.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources[0]?.closed).toBe(true);
    expect(stream.current).toBe('down');
    await vi.advanceTimersByTimeAsync(1000);
    expect(sources).toHaveLength(2);
    stream.stop();
  });

  it('opens nothing more once stopped', async () => {
    const { stream, sources } = setup();
    stream.start();
    sources[0]?.fail(true);
    stream.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sources).toHaveLength(1);
  });
});

describe('backoffDelay', () => {
  it('doubles up to the ceiling and never drops below half of it', () => {
    const top = () => 1;
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, 1000, 8000, top))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffDelay(3, 1000, 8000, () => 0)).toBe(4000);
  });
});
