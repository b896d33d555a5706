import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { constants as zlib, gunzipSync } from 'node:zlib';
import express from 'express';
import type { Snapshot } from '@switchboard/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotStream, type SnapshotFeed } from '../../src/http/stream.js';

/** A feed the test publishes to by hand: the stream's behaviour, without Connect. */
class HandFeed implements SnapshotFeed {
  latest: Snapshot | null = null;
  private readonly listeners = new Set<(s: Snapshot) => void>();
  subscribe(listener: (s: Snapshot) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  publish(generation: number, padding = 0): void {
    const at = new Date().toISOString();
    this.latest = {
      instanceId: 'i',
      serverBuild: 'test',
      timeZone: 'UTC',
      generation,
      generatedAt: at,
      serverTime: at,
      dataSnapshotTime: at,
      stale: false,
      cycleMs: 2000,
      sections: {},
      queues: [],
      summary: { realtime: {}, today: {}, states: {} },
      agents: [],
      intraday: { intervalMinutes: 30, instance: [], queues: {} },
      alerts: [{ id: 'x'.repeat(padding) } as never],
    } as unknown as Snapshot;
    for (const listener of this.listeners) listener(this.latest);
  }
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let server: Server | undefined;
let stream: SnapshotStream | undefined;

afterEach(async () => {
  stream?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function serve(feed: SnapshotFeed, options: ConstructorParameters<typeof SnapshotStream>[1] = {}) {
  const created = new SnapshotStream(feed, options);
  stream = created;
  const app = express();
  app.use(created.router());
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/stream`;
}

/** Reads SSE events from a fetch body until `count` events of `type` have arrived. */
async function readEvents(response: Response, type: string, count: number) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: { id?: string; data: string }[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      if (fields.event === type) events.push({ id: fields.id, data: fields.data ?? '' });
    }
  }
  await reader.cancel();
  return events;
}

/** A viewer at the HTTP level: the bytes as they travel, until `done` says enough. */
function rawViewer(url: string, headers: Record<string, string>) {
  const chunks: Buffer[] = [];
  let responseHeaders: Record<string, unknown> = {};
  const request = get(url, { headers }, (res) => {
    responseHeaders = res.headers;
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
  });
  return {
    bytes: () => Buffer.concat(chunks),
    headers: () => responseHeaders,
    close: () => request.destroy(),
  };
}

/** A gzip stream's segments after its header, each ending in a sync flush's empty stored block. */
function segments(bytes: Buffer): Buffer[] {
  const flush = Buffer.from([0, 0, 0xff, 0xff]);
  const found: Buffer[] = [];
  for (let from = 10, end; (end = bytes.indexOf(flush, from)) >= 0; from = end + flush.length) {
    found.push(bytes.subarray(from, end + flush.length));
  }
  return found;
}

/** What a browser reads from a gzip stream that is still open: everything inflated so far. */
const inflateOpen = (bytes: Buffer) => gunzipSync(bytes, { finishFlush: zlib.Z_SYNC_FLUSH }).toString();

describe('GET /api/v1/stream', () => {
  it('sends the current snapshot on connect, then each new one, with its generation as the event id', async () => {
    const feed = new HandFeed();
    feed.publish(1);
    const url = await serve(feed);
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reading = readEvents(response, 'snapshot', 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    feed.publish(2);
    feed.publish(3);
    const events = await reading;
    expect(events.map((e) => e.id)).toEqual(['1', '2', '3']);
    expect((JSON.parse(events[2]?.data ?? '') as Snapshot).generation).toBe(3);
  });

  it('does not resend the snapshot a resuming viewer already has (Last-Event-ID)', async () => {
    const feed = new HandFeed();
    feed.publish(7);
    const url = await serve(feed);
    const response = await fetch(url, { headers: { 'Last-Event-ID': '7' } });
    const reading = readEvents(response, 'snapshot', 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    feed.publish(8);
    expect((await reading).map((e) => e.id)).toEqual(['8']);
  });

  it('sends heartbeats while nothing changes', async () => {
    const feed = new HandFeed();
    const url = await serve(feed, { heartbeatMs: 20 });
    const events = await readEvents(await fetch(url), 'heartbeat', 2);
    expect(JSON.parse(events[0]?.data ?? '')).toHaveProperty('serverTime');
  });

  it('drops a viewer that stops reading instead of buffering for it without bound', async () => {
    const feed = new HandFeed();
    const url = new URL(await serve(feed, { maxBufferedBytes: 256 * 1024, maxSkips: 2 }));
    const viewers = stream as SnapshotStream;
    const socket = connect(Number(url.port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: x\r\n\r\n`);
    socket.pause();
    await until(() => viewers.viewerCount === 1);
    for (let g = 1; viewers.viewerCount > 0; g += 1) {
      if (g > 400) throw new Error('the slow viewer was never dropped');
      feed.publish(g, 512 * 1024);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(viewers.viewerCount).toBe(0);
    expect(viewers.dropped).toBe(1);
    socket.destroy();
  });

  it('sends gzip to a viewer that asks for it, each snapshot compressed once for every such viewer', async () => {
    const feed = new HandFeed();
    feed.publish(1, 64 * 1024);
    const url = await serve(feed);
    const plain = rawViewer(url, {});
    const zipped = [1, 2].map(() => rawViewer(url, { 'accept-encoding': 'gzip, deflate, br' }));
    await until(() => (stream as SnapshotStream).viewerCount === 3);
    feed.publish(2, 64 * 1024);
    feed.publish(3, 64 * 1024);
    await until(() => plain.bytes().toString().includes('id: 3\n'));
    await until(() => zipped.every((viewer) => inflateOpen(viewer.bytes()).includes('id: 3\n')));

    expect(plain.headers()['content-encoding']).toBeUndefined();
    for (const viewer of zipped) {
      expect(viewer.headers()['content-encoding']).toBe('gzip');
      expect(viewer.headers()['vary']).toBe('Accept-Encoding');
      // The same events, byte for byte, once inflated; in a fraction of the bytes.
      expect(inflateOpen(viewer.bytes())).toBe(plain.bytes().toString());
      expect(viewer.bytes().length).toBeLessThan(plain.bytes().length / 10);
    }
    // Each frame is a segment ending in a sync flush (retry, arrival, 2, 3); the broadcast ones are the very same
    // bytes on both connections, whatever each was sent before: each stands alone, compressed once for all.
    const [first, second] = zipped.map((viewer) => segments(viewer.bytes()));
    expect(first).toHaveLength(4);
    expect(first?.slice(2)).toEqual(second?.slice(2));
    for (const viewer of [plain, ...zipped]) viewer.close();
  });
});
