import { get, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { constants as zlib, gunzipSync } from 'node:zlib';
import express, { type Request as ExpressRequest, type Response as ExpressResponse } from 'express';
import { applyPatch, checkPatch, SECTION_NAMES, type Snapshot } from '@switchboard/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { wallboardConfigSchema, type WallboardConfig } from '../../src/config/schema.js';
import { streamRouter, ViewStream, type SnapshotPublisher } from '../../src/http/stream.js';
import { Views } from '../../src/views/views.js';

/** A feed the test publishes to by hand: the stream's behaviour, without Connect. */
class HandFeed implements SnapshotPublisher {
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
      sections: Object.fromEntries(
        SECTION_NAMES.map((name) => [
          name,
          { fetchedAt: at, dataSnapshotTime: null, error: null, stale: false },
        ]),
      ),
      queues: [],
      summary: { realtime: {}, today: {}, states: {} },
      agents: [],
      intraday: { intervalMinutes: 30, instance: [], queues: {} },
      // Padding that changes with each generation, so each patch carries it.
      alerts: [
        {
          id: `${generation}`.padEnd(padding, 'x'),
          ruleId: 'long-queue',
          metric: 'CONTACTS_IN_QUEUE',
          queueId: null,
          level: 'warn',
          since: at,
          value: 12,
          threshold: 10,
          acknowledgedBy: null,
          acknowledgedAt: null,
        },
      ],
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
let stream: ViewStream | undefined;

afterEach(async () => {
  stream?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function serve(feed: SnapshotPublisher, options: ConstructorParameters<typeof ViewStream>[1] = {}) {
  const created = new ViewStream(feed, options);
  stream = created;
  const app = express();
  app.use(streamRouter(() => created));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/stream`;
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

/** Reads SSE events of the given types from a fetch body until `count` of them have arrived. */
async function readAll(response: Response, count: number, types: readonly string[] = ['snapshot', 'patch']) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: { event: string; id?: string; data: string }[] = [];
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
      if (types.includes(fields.event ?? ''))
        events.push({ event: fields.event ?? '', id: fields.id, data: fields.data ?? '' });
    }
  }
  await reader.cancel();
  return events;
}

/** The view a viewer holds after these events: the last whole view, with every patch after it applied. */
function held(events: { event: string; data: string }[]): Snapshot | null {
  let view: Snapshot | null = null;
  for (const { event, data } of events) {
    if (event === 'snapshot') view = JSON.parse(data) as Snapshot;
    else if (view) view = applyPatch(view, checkPatch(JSON.parse(data)));
    else throw new Error('a patch before any view');
  }
  return view;
}

const pause = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A viewer of a stream whose clock the test sets (`setNow`), heartbeats every 40 ms and the shortest fresh wait
 * drawn (5 minutes), connected after generation 1: `reading` resolves with its first `count` heartbeats and
 * patches.
 */
async function clockedViewer(count: number) {
  const feed = new HandFeed();
  const start = Date.now();
  let now = start;
  const url = await serve(feed, { clock: () => now, heartbeatMs: 40, random: () => 0 });
  feed.publish(1);
  const reading = readAll(await fetch(url), count, ['heartbeat', 'patch']);
  await pause(100);
  return { feed, start, setNow: (at: number) => (now = at), reading };
}

/** A viewer of the stream at `url` on a bare connection, which reads only as the test says. */
async function streamSocket(url: URL): Promise<Socket> {
  const socket = connect(Number(url.port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: x\r\n\r\n`);
  return socket;
}

/**
 * A viewer at the stream's seam, with no socket: a stand-in request and response. `onWrite` sees each chunk
 * written, and whether the response had ended; `leave` closes the request, as a browser going away does.
 */
function seamViewer(
  viewers: ViewStream,
  onWrite: (text: string, ended: boolean) => void,
  board: string | null = null,
) {
  let close: (() => void) | undefined;
  const res = {
    chunkedEncoding: false,
    socket: null,
    writableLength: 0,
    writableEnded: false,
    writeHead: () => res,
    write: (chunk: Buffer | string) => {
      onWrite(String(chunk), res.writableEnded);
      return true;
    },
    end: () => {
      res.writableEnded = true;
    },
  };
  const req = {
    get: () => undefined,
    query: {},
    on: (type: string, listener: () => void) => {
      if (type === 'close') close = listener;
      return req;
    },
  };
  const send = viewers.handle(req as unknown as ExpressRequest, res as unknown as ExpressResponse, board);
  return { res, send, leave: () => close?.() };
}

describe('GET /api/v1/stream', () => {
  it('sends the view whole on connect, then one patch per generation, each with its generation and instance as the id', async () => {
    const feed = new HandFeed();
    feed.publish(1);
    const url = await serve(feed);
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reading = readAll(response, 3);
    await pause();
    feed.publish(2);
    feed.publish(3);
    const events = await reading;
    expect(events.map((e) => [e.event, e.id])).toEqual([
      ['snapshot', '1@i'],
      ['patch', '2@i'],
      ['patch', '3@i'],
    ]);
    expect(held(events)).toEqual(feed.latest);
    // A patch names the generation it applies to, and carries only what changed.
    const patch = JSON.parse(events[2]?.data ?? '') as Record<string, unknown>;
    expect(patch).toMatchObject({ base: 2, generation: 3 });
    expect(patch).not.toHaveProperty('queues');
  });

  it('sends nothing to a viewer that resumes at the latest generation until the next patch', async () => {
    const feed = new HandFeed();
    feed.publish(7);
    const url = await serve(feed);
    const response = await fetch(url, { headers: { 'Last-Event-ID': '7@i' } });
    const reading = readAll(response, 1);
    await pause();
    feed.publish(8);
    expect((await reading).map((e) => [e.event, e.id])).toEqual([['patch', '8@i']]);
  });

  it('sends a viewer that comes back the patches it missed, or the view whole once they are no longer kept', async () => {
    const feed = new HandFeed();
    feed.publish(1);
    const url = await serve(feed);
    // A viewer keeps the board's stream (and its patches) going.
    const first = await fetch(url);
    const watching = readAll(first, 50);
    await pause();
    for (let g = 2; g <= 5; g += 1) feed.publish(g);
    const resumed = await readAll(await fetch(url, { headers: { 'Last-Event-ID': '2@i' } }), 3);
    expect(resumed.map((e) => [e.event, e.id])).toEqual([
      ['patch', '3@i'],
      ['patch', '4@i'],
      ['patch', '5@i'],
    ]);
    // A page that opened a new connection after a failure names the generation it holds with ?since=.
    const since = await readAll(await fetch(`${url}?since=3@i`), 2);
    expect(since.map((e) => [e.event, e.id])).toEqual([
      ['patch', '4@i'],
      ['patch', '5@i'],
    ]);
    expect((await fetch(`${url}?since=soon`)).status).toBe(400);
    // The same generation of another instance (a board moved from one to the other), or a bare generation from a
    // page of an older build, is no place to resume from: the view whole.
    for (const held of ['3@another', '3']) {
      const whole = await readAll(await fetch(`${url}?since=${held}`), 1);
      expect(
        whole.map((e) => [e.event, e.id]),
        held,
      ).toEqual([['snapshot', '5@i']]);
    }
    for (let g = 6; g <= 50; g += 1) feed.publish(g);
    // Generation 2 is beyond the patches kept: the view whole, at the latest generation.
    const whole = await readAll(await fetch(url, { headers: { 'Last-Event-ID': '2@i' } }), 1);
    expect(whole.map((e) => [e.event, e.id])).toEqual([['snapshot', '50@i']]);
    expect(held(whole)).toEqual(feed.latest);
    // An id the stream never sent (another server's, or garbage) gets the view whole too.
    for (const id of ['999@i', 'abc', '-1', '2@another']) {
      const unknown = await readAll(await fetch(url, { headers: { 'Last-Event-ID': id } }), 1);
      expect(
        unknown.map((e) => [e.event, e.id]),
        id,
      ).toEqual([['snapshot', '50@i']]);
    }
    expect(held(await watching)).toEqual(feed.latest);
  });

  it('serves each board its own view, worked out once per generation however many viewers it has', async () => {
    const feed = new HandFeed();
    feed.publish(1);
    const asked: string[] = [];
    const url = await serve(feed, {
      views: {
        of: (snapshot, board) => {
          asked.push(`${board ?? 'whole'}@${snapshot.generation}`);
          return { ...snapshot, board: board ?? undefined, alerts: board === 'lobby' ? [] : snapshot.alerts };
        },
      },
    });
    const lobby = [1, 2, 3].map(async () => readAll(await fetch(`${url}?board=lobby`), 2));
    const whole = readAll(await fetch(url), 2);
    await pause(100);
    feed.publish(2);
    for (const events of await Promise.all(lobby))
      expect(held(events)).toMatchObject({ board: 'lobby', alerts: [] });
    expect(held(await whole)?.alerts).toHaveLength(1);
    expect(asked.filter((key) => key === 'lobby@2')).toHaveLength(1);
    expect(asked.filter((key) => key === 'whole@2')).toHaveLength(1);
  });

  it("ends the viewers of a board moved to another instance, which this instance's figures are not about", async () => {
    const file = (instance: string): WallboardConfig =>
      wallboardConfigSchema.parse({
        instances: [
          { id: 'emea', instanceId: '11111111-2222-3333-4444-555555555555', region: 'eu-west-2' },
          { id: 'amer', instanceId: '66666666-7777-8888-9999-000000000000', region: 'us-east-1' },
        ],
        boards: [{ id: 'sales', title: 'Sales floor', instance }],
      });
    let config = file('emea');
    const feed = new HandFeed();
    feed.publish(1);
    const url = await serve(feed, { views: new Views(() => config, 'emea') });
    const reading = readAll(await fetch(`${url}?board=sales`), 2);
    await pause();
    // The file is edited: the board shows the other instance from now on.
    config = file('amer');
    feed.publish(2);
    // Only the view it had (its id naming the board's revision): no patch of this instance's next generation,
    // and the connection is over.
    expect((await reading).map((e) => [e.event, e.id])).toEqual([
      ['snapshot', expect.stringMatching(/^1@i~[\w-]{12}$/)],
    ]);
    expect((stream as ViewStream).viewerCount).toBe(0);
  });

  it('tells a viewer the time now before the view it connects to, however long ago that was published', async () => {
    const feed = new HandFeed();
    let now = Date.now();
    const url = await serve(feed, { clock: () => now });
    feed.publish(1);
    const published = Date.parse(feed.latest?.serverTime ?? '');
    // No new generation for a minute (a stalled poll): the view whole is still the one published then.
    now = published + 60_000;
    const events = await readAll(await fetch(url), 2, ['snapshot', 'heartbeat']);
    // First, with nothing queued ahead of it on the new connection: the page takes its time as it is.
    expect(events.map((event) => event.event)).toEqual(['heartbeat', 'snapshot']);
    expect(JSON.parse(events[0]?.data ?? '')).toEqual({ serverTime: new Date(now).toISOString() });
    expect(JSON.parse(events[1]?.data ?? '')).toHaveProperty('serverTime', new Date(published).toISOString());
    // A viewer resuming at the generation it holds is sent no view, and the time all the same.
    const resumed = await readAll(await fetch(`${url}?since=1@i`), 1, ['snapshot', 'patch', 'heartbeat']);
    expect(resumed).toEqual([
      { event: 'heartbeat', data: JSON.stringify({ serverTime: new Date(now).toISOString() }) },
    ]);
  });

  it('names the web app it serves in every heartbeat, the one that opens a connection and the ones after', async () => {
    const feed = new HandFeed();
    const webBuild = 'index-BLlq0C3c.js index-hgAJHmRy.css';
    const url = await serve(feed, { webBuild: () => webBuild, heartbeatMs: 40 });
    feed.publish(1);
    const events = await readAll(await fetch(url), 3, ['heartbeat']);
    // The first, and those after it to a viewer with nothing queued, which say they are fresh.
    expect(events.map((event) => JSON.parse(event.data) as unknown)).toEqual([
      { serverTime: expect.any(String) as unknown, webBuild },
      { serverTime: expect.any(String) as unknown, webBuild, fresh: true },
      { serverTime: expect.any(String) as unknown, webBuild, fresh: true },
    ]);
  });

  it('sends a viewer a fresh heartbeat every 5 to 10 minutes, though patches come every cycle', async () => {
    // The shortest wait drawn: 5 minutes.
    const { feed, start, setNow, reading } = await clockedViewer(5);
    // Patches all along, each with the server's time (the clock moved and the patch written at once, so no beat
    // comes between): no heartbeat owed for them, nor before 5 minutes; then the next beat owes the fresh one.
    for (const [generation, at] of [
      [2, 60_000],
      [3, 299_000],
      [4, 301_000],
    ] as const) {
      setNow(start + at);
      feed.publish(generation);
      await pause(100);
    }
    const events = await reading;
    expect(events.map((event) => event.event)).toEqual(['heartbeat', 'patch', 'patch', 'patch', 'heartbeat']);
    expect(JSON.parse(events[4]?.data ?? '{}')).toEqual({
      serverTime: new Date(start + 301_000).toISOString(),
      fresh: true,
    });
  });

  it('owes a viewer a fresh heartbeat at once when the server’s clock was set back, though patches come', async () => {
    const { feed, start, setNow, reading } = await clockedViewer(3);
    // Set back an hour: the fresh heartbeat drawn for 5 minutes on is 65 minutes off now; owed at once.
    setNow(start - 3_600_000);
    feed.publish(2);
    const events = await reading;
    expect(events.map((event) => event.event)).toEqual(['heartbeat', 'patch', 'heartbeat']);
    expect(JSON.parse(events[2]?.data ?? '{}')).toEqual({
      serverTime: new Date(start - 3_600_000).toISOString(),
      fresh: true,
    });
  });

  it('sends a heartbeat only to a viewer that has heard nothing for half its interval', async () => {
    const feed = new HandFeed();
    let now = Date.now();
    const url = await serve(feed, { clock: () => now, heartbeatMs: 40 });
    feed.publish(1);
    const response = await fetch(url);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const seen: string[] = [];
    const reading = (async () => {
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
        for (let end; (end = text.indexOf('\n\n')) >= 0; text = text.slice(end + 2)) {
          const event = /^event: (.*)$/m.exec(text.slice(0, end))?.[1];
          if (event) seen.push(event);
        }
      }
    })();
    await until(() => seen.includes('snapshot'));
    expect(seen).toEqual(['heartbeat', 'snapshot']);
    seen.length = 0;
    // The clock stands still: the viewer was heard from a moment ago at every beat, five of them.
    await pause(200);
    expect(seen).toEqual([]);
    // A patch every cycle, each with the server's time: none owed either.
    for (let generation = 2; generation <= 5; generation += 1) {
      now += 15;
      feed.publish(generation);
      await pause(40);
    }
    await until(() => seen.length >= 4);
    expect(seen).toEqual(['patch', 'patch', 'patch', 'patch']);
    // Nothing for half the interval: the next beat owes this viewer the time.
    now += 20;
    await until(() => seen.includes('heartbeat'));
    // The system's clock set back a minute: the viewer is owed one at once, not a minute from now.
    await pause(100);
    seen.length = 0;
    now -= 60_000;
    await until(() => seen.includes('heartbeat'));
    await reader.cancel();
    await reading;
  });

  it('writes nothing more to any viewer once closed, though a heartbeat was part way through them', async () => {
    const feed = new HandFeed();
    feed.publish(1);
    let now = 0;
    await serve(feed, { clock: () => now, heartbeatMs: 20 });
    const viewers = stream as ViewStream;
    const count = 1200;
    let beats = 0;
    let afterEnd = 0;
    for (let i = 0; i < count; i += 1) {
      let ended = false;
      const res = {
        chunkedEncoding: false,
        socket: null,
        writableLength: 0,
        writeHead: () => res,
        write: (chunk: Buffer | string) => {
          if (ended) afterEnd += 1;
          else if (String(chunk).includes('event: heartbeat')) {
            beats += 1;
            // The first heartbeat of a beat (each viewer had one as it connected): the server stops.
            if (beats === count + 1) viewers.close();
          }
          return true;
        },
        end: () => {
          ended = true;
        },
      };
      const req = { get: () => undefined, query: {}, on: () => req };
      viewers.handle(req as unknown as ExpressRequest, res as unknown as ExpressResponse);
    }
    expect(beats).toBe(count);
    // Every viewer owed a heartbeat, in three slices.
    now = 1000;
    await until(() => beats > count);
    await pause(100);
    expect(afterEnd).toBe(0);
    expect(beats).toBe(count + 1);
  });

  it('writes nothing to a response it has ended, though a command for its screen comes after its board went', async () => {
    const feed = new HandFeed();
    feed.publish(1);
    let boardKept = true;
    await serve(feed, { views: { of: (snapshot) => (boardKept ? snapshot : undefined) } });
    const viewers = stream as ViewStream;
    let afterEnd = 0;
    // A response on a slow link: ended, its bytes still on their way, so its request has not closed yet.
    const { res, send } = seamViewer(
      viewers,
      (_text, ended) => {
        if (ended) afterEnd += 1;
      },
      'lobby',
    );
    boardKept = false;
    feed.publish(2);
    expect(res.writableEnded).toBe(true);
    // A supervisor's "reload" for that screen, which the screens' registry holds until the request closes.
    send('command', { command: 'reload' });
    expect(afterEnd).toBe(0);
  });

  it('tells viewers reconnection times spread from 2 to 5 s, so a restart does not bring every screen back at once', async () => {
    const feed = new HandFeed();
    feed.publish(1);
    await serve(feed);
    const viewers = stream as ViewStream;
    const told: number[] = [];
    for (let i = 0; i < 64; i += 1) {
      const texts: string[] = [];
      seamViewer(viewers, (text) => texts.push(text));
      told.push(Number(/^retry: (\d+)$/m.exec(texts[0] ?? '')?.[1]));
    }
    expect(told.every((ms) => ms >= 2000 && ms <= 5000)).toBe(true);
    expect(new Set(told).size).toBeGreaterThan(4);
  });

  it('writes a screen its command though the viewer is behind on patches, so a reload said sent is sent', async () => {
    const feed = new HandFeed();
    feed.publish(1);
    await serve(feed, { maxBufferedBytes: 1024, maxSkips: 1000 });
    const viewers = stream as ViewStream;
    const written: string[] = [];
    const { res, send } = seamViewer(viewers, (text) => written.push(text), 'lobby');
    // Its connection holds more than the stream lets pile up: the next patch is skipped for it.
    res.writableLength = 64 * 1024;
    const before = written.length;
    feed.publish(2, 4096);
    expect(written.length).toBe(before);
    // A supervisor's reload (a few dozen bytes) still goes: the page reloads, and catches up whole.
    send('command', { command: 'reload' });
    expect(written.slice(before).join('')).toContain('event: command\ndata: {"command":"reload"}');
  });

  it('sends the view whole to viewers an older generation had not reached, though one ahead of them left meanwhile', async () => {
    const feed = new HandFeed();
    feed.publish(1);
    await serve(feed);
    const viewers = stream as ViewStream;
    const count = 1000;
    /** Per viewer, the generation it holds after each event, or an error where a patch did not follow. */
    const holds: number[] = [];
    const faults: string[] = [];
    const leave: (() => void)[] = [];
    for (let i = 0; i < count; i += 1) {
      const viewer = seamViewer(viewers, (text) => {
        const event = /^event: (\w+)$/m.exec(text)?.[1];
        const data = /^data: (.*)$/m.exec(text)?.[1] ?? '{}';
        if (event === 'snapshot') holds[i] = (JSON.parse(data) as Snapshot).generation;
        if (event === 'patch') {
          const patch = JSON.parse(data) as { base: number; generation: number };
          if (patch.base !== holds[i])
            faults.push(`viewer ${i}: a patch to ${patch.base}, holding ${holds[i]}`);
          holds[i] = patch.generation;
        }
      });
      leave.push(viewer.leave);
    }
    // Generation 2 reaches the first slice of viewers at once, the rest on the next turn of the event loop...
    feed.publish(2);
    expect(holds.filter((generation) => generation === 2)).toHaveLength(500);
    // ...but before that turn, the first viewer leaves and generation 3 comes.
    leave[0]?.();
    feed.publish(3);
    await until(() => holds.slice(1).every((generation) => generation === 3));
    expect(faults).toEqual([]);
  });

  it('sends heartbeats while nothing changes', async () => {
    const feed = new HandFeed();
    const url = await serve(feed, { heartbeatMs: 20 });
    const events = await readAll(await fetch(url), 2, ['heartbeat']);
    expect(JSON.parse(events[0]?.data ?? '')).toHaveProperty('serverTime');
  });

  it('drops a viewer that stops reading instead of buffering for it without bound', async () => {
    const feed = new HandFeed();
    const url = new URL(await serve(feed, { maxBufferedBytes: 256 * 1024, maxSkips: 2 }));
    const viewers = stream as ViewStream;
    const socket = await streamSocket(url);
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

  it('drops a viewer whose connection takes nothing for stallMs, as a network gone without a word leaves it', async () => {
    const feed = new HandFeed();
    // Room for every byte this test sends, and skips without end: only the stall may drop it.
    const url = new URL(
      await serve(feed, { maxBufferedBytes: 1024 ** 3, maxSkips: 1_000_000, stallMs: 300 }),
    );
    const viewers = stream as ViewStream;
    const socket = await streamSocket(url);
    // A peer that reads nothing more: its receive window and the server's send buffer fill, then nothing moves.
    socket.pause();
    await until(() => viewers.viewerCount === 1);
    for (let g = 1; viewers.viewerCount > 0; g += 1) {
      if (g > 600) throw new Error('the stuck viewer was never dropped');
      feed.publish(g, 256 * 1024);
      await pause(20);
    }
    expect(viewers.stalled).toBe(1);
    expect(viewers.dropped).toBe(1);
    socket.destroy();
  });

  it('keeps a viewer that reads in bursts, its connection taking nothing between them for less than stallMs', async () => {
    const feed = new HandFeed();
    const url = new URL(
      await serve(feed, { maxBufferedBytes: 1024 ** 3, maxSkips: 1_000_000, stallMs: 2000 }),
    );
    const viewers = stream as ViewStream;
    const socket = await streamSocket(url);
    let read = 0;
    socket.on('data', (chunk: Buffer) => (read += chunk.length));
    socket.pause();
    await until(() => viewers.viewerCount === 1);
    // Reads for 20 ms every 200 ms, for 4 s, at 12.8 MB/s sent: between bursts, once the buffers between them are
    // full, its connection takes nothing for about 180 ms.
    const started = Date.now();
    for (let g = 1; Date.now() - started < 4000; g += 1) {
      feed.publish(g, 256 * 1024);
      if (g % 10 === 0) {
        socket.resume();
        await pause(20);
        socket.pause();
      } else await pause(20);
    }
    expect(read).toBeGreaterThan(1024 * 1024);
    expect(viewers.viewerCount).toBe(1);
    expect(viewers.stalled).toBe(0);
    socket.destroy();
  });

  it('sends a viewer that fell behind its view whole, never a patch it cannot apply', async () => {
    const feed = new HandFeed();
    feed.publish(1);
    const url = await serve(feed, { maxBufferedBytes: 64 * 1024, maxSkips: 1000 });
    let text = '';
    let response: IncomingMessage | undefined;
    const request = get(url, (res) => {
      response = res;
      res.setEncoding('utf8');
      res.pause();
    });
    await until(() => response !== undefined && (stream as ViewStream).viewerCount === 1);
    // Patches pile up unread until the stream starts skipping them for this viewer.
    let g = 1;
    for (let skipped = 0; skipped < 2;) {
      if (g > 400) throw new Error('the stream never skipped a patch for the slow viewer');
      const sent = (stream as ViewStream).sent;
      g += 1;
      feed.publish(g, 512 * 1024);
      await pause(5);
      if ((stream as ViewStream).sent === sent) skipped += 1;
    }
    response?.on('data', (chunk: string) => (text += chunk));
    response?.resume();
    await pause(200);
    feed.publish(g + 1);
    await until(() => text.includes(`id: ${g + 1}@i\n`));
    request.destroy();
    const events = text
      .split('\n\n')
      .map((block) =>
        Object.fromEntries(
          block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
        ),
      )
      .filter((f) => f.event === 'snapshot' || f.event === 'patch')
      .map((f) => ({ event: String(f.event), id: String(f.id), data: String(f.data) }));
    // Some patches never reached it; what did is a chain that applies, ending at the latest generation.
    expect(events.length).toBeLessThan(g + 1);
    expect(events.filter((e) => e.event === 'snapshot').length).toBeGreaterThan(1);
    expect(held(events)).toEqual(feed.latest);
  });

  it('frames every event as one HTTP/1.1 chunk, and writes an HTTP/1.0 viewer the events unframed', async () => {
    const feed = new HandFeed();
    feed.publish(1);
    // One time for every heartbeat, so the two viewers' bytes compare whole.
    const now = Date.now();
    const url = new URL(await serve(feed, { clock: () => now, random: () => 0.5 }));
    const raw = async (version: string) => {
      const socket = connect(Number(url.port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.write(`GET ${url.pathname} HTTP/${version}\r\nHost: x\r\n\r\n`);
      return { text: () => Buffer.concat(chunks).toString('latin1'), socket };
    };
    const [chunked, unframed] = [await raw('1.1'), await raw('1.0')];
    await until(() => (stream as ViewStream).viewerCount === 2);
    feed.publish(2);
    feed.publish(3);
    await until(() => chunked.text().includes('id: 3@i\n') && unframed.text().includes('id: 3@i\n'));

    const body = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4);
    expect(chunked.text()).toMatch(/transfer-encoding: chunked/i);
    // Chunk by chunk: its size in hex, CRLF, exactly that many bytes (one whole event each), CRLF.
    const events: string[] = [];
    let rest = body(chunked.text());
    while (rest.length > 0) {
      const match = /^([0-9a-f]+)\r\n/.exec(rest);
      expect(match, `a chunk's size line at: ${JSON.stringify(rest.slice(0, 40))}`).not.toBeNull();
      const size = parseInt(match?.[1] ?? '', 16);
      const start = match?.[0].length ?? 0;
      expect(rest.slice(start + size, start + size + 2)).toBe('\r\n');
      events.push(rest.slice(start, start + size));
      rest = rest.slice(start + size + 2);
    }
    expect(
      events.map((event) => /^(?:id: (\d+)@i\n)?(?:event: (\w+)\n)?/.exec(event)?.slice(1).join(' ')),
    ).toEqual([' ', ' heartbeat', '1 snapshot', '2 patch', '3 patch']);
    expect(events.every((event) => event.endsWith('\n\n'))).toBe(true);
    // HTTP/1.0 has no chunks: the same events, one after another, until the connection closes.
    expect(unframed.text()).not.toMatch(/transfer-encoding/i);
    expect(body(unframed.text())).toBe(events.join(''));
    for (const viewer of [chunked, unframed]) viewer.socket.destroy();
  });

  it('sends gzip to a viewer that asks for it, each snapshot compressed once for every such viewer', async () => {
    const feed = new HandFeed();
    feed.publish(1, 64 * 1024);
    const now = Date.now();
    const url = await serve(feed, { clock: () => now, random: () => 0.5 });
    const plain = rawViewer(url, {});
    const zipped = [1, 2].map(() => rawViewer(url, { 'accept-encoding': 'gzip, deflate, br' }));
    await until(() => (stream as ViewStream).viewerCount === 3);
    feed.publish(2, 64 * 1024);
    feed.publish(3, 64 * 1024);
    await until(() => plain.bytes().toString().includes('id: 3@i\n'));
    await until(() => zipped.every((viewer) => inflateOpen(viewer.bytes()).includes('id: 3@i\n')));

    expect(plain.headers()['content-encoding']).toBeUndefined();
    for (const viewer of zipped) {
      expect(viewer.headers()['content-encoding']).toBe('gzip');
      expect(viewer.headers()['vary']).toBe('Accept-Encoding');
      // The same events, byte for byte, once inflated; in a fraction of the bytes.
      expect(inflateOpen(viewer.bytes())).toBe(plain.bytes().toString());
      expect(viewer.bytes().length).toBeLessThan(plain.bytes().length / 10);
    }
    // Each frame is a segment ending in a sync flush (retry, the view whole, the time now, patches 2 and 3); the
    // patches are the same bytes on both connections, whatever each was sent before: each stands alone, compressed
    // once for all.
    const [first, second] = zipped.map((viewer) => segments(viewer.bytes()));
    expect(first).toHaveLength(5);
    expect(first?.slice(3)).toEqual(second?.slice(3));
    for (const viewer of [plain, ...zipped]) viewer.close();
  });
});
