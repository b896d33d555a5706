import type { Request, Response } from 'express';
import { applyPatch, checkPatch, SECTION_NAMES, type Queue, type Snapshot } from '@switchboard/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { ViewStream, type SnapshotPublisher } from '../http/stream.js';
import { Views } from './views.js';

// A board's configuration edited between two generations: the poll after the edit projects the latest generation
// again, under the new configuration, and a page that then resumes the stream from it must end up with the view
// the server now computes, not keep a figure from the old projection.

const AT = '2026-12-04T10:00:00.000Z';
const boardFile = (queues: string) =>
  parseConfig(
    ['boards:', '  - id: sales', '    title: Sales', `    queues: ${queues}`, ''].join('\n'),
    'r.yaml',
  );

const queue = (id: string, inQueue: number): Queue => ({
  id,
  name: id,
  channels: ['VOICE'],
  realtime: { CONTACTS_IN_QUEUE: inQueue },
  realtimeByChannel: {},
  today: {},
  states: {},
});

function snapshot(generation: number, q1: number, q2: number): Snapshot {
  const section = { fetchedAt: AT, dataSnapshotTime: AT, error: null, stale: false };
  return {
    instanceId: 'i',
    serverBuild: 'b',
    timeZone: 'UTC',
    generation,
    generatedAt: AT,
    serverTime: AT,
    dataSnapshotTime: AT,
    stale: false,
    cycleMs: 2000,
    sections: Object.fromEntries(SECTION_NAMES.map((name) => [name, section])) as Snapshot['sections'],
    queues: [queue('q1', q1), queue('q2', q2)],
    summary: { realtime: {}, today: {}, states: {} },
    agents: [],
    intraday: { intervalMinutes: 30, instance: [], queues: {} },
    alerts: [],
  };
}

/** A viewer at the seam, resuming from `since` (none: a new one): the events it is sent, with their ids. */
function resumingViewer(stream: ViewStream, since: string | undefined) {
  const events: { event: string; data: string; id: string | undefined }[] = [];
  const res = {
    chunkedEncoding: false,
    socket: null,
    writableLength: 0,
    writableEnded: false,
    writeHead: () => res,
    write: (chunk: Buffer | string) => {
      const text = String(chunk);
      const event = /^event: (.*)$/m.exec(text)?.[1];
      const data = /^data: (.*)$/m.exec(text)?.[1];
      const id = /^id: (.*)$/m.exec(text)?.[1];
      if (event && data) events.push({ event, data, id });
      return true;
    },
    end: () => undefined,
  };
  const req = {
    get: (header: string) => (header === 'last-event-id' ? since : undefined),
    query: {},
    on: () => req,
  };
  stream.handle(req as unknown as Request, res as unknown as Response, 'sales');
  return events;
}

/** What a page shows after the events it was sent, from the view it held. */
function follow(page: Snapshot | undefined, events: { event: string; data: string }[]): Snapshot | undefined {
  let shown = page;
  for (const { event, data } of events) {
    if (event === 'snapshot') shown = JSON.parse(data) as Snapshot;
    else if (event === 'patch') {
      if (!shown) throw new Error('a patch before any view');
      shown = applyPatch(shown, checkPatch(JSON.parse(data)));
    }
  }
  return shown;
}

/** The views and patches among events (not the heartbeat each new connection begins with). */
const kinds = (events: { event: string }[]) =>
  events.map((e) => e.event).filter((event) => event === 'snapshot' || event === 'patch');

/** A feed of snapshots the test publishes. */
function testFeed() {
  const listeners = new Set<(s: Snapshot) => void>();
  const feed: SnapshotPublisher & { latest: Snapshot | null } = {
    latest: null,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const publish = (s: Snapshot) => {
    feed.latest = s;
    for (const listener of listeners) listener(s);
  };
  return { feed, publish };
}

let stream: ViewStream | undefined;
let other: ViewStream | undefined;
afterEach(() => {
  stream?.close();
  other?.close();
});

describe('a board edited between generations', () => {
  it('brings a page that polled after the edit and resumes the stream to the edited view', () => {
    let config = boardFile('[q1]');
    const views = new Views(() => config, 'default');
    const { feed, publish } = testFeed();
    stream = new ViewStream(feed, { views, keep: ['sales'] });
    publish(snapshot(1, 5, 3));
    // The board gains q2; the page's stream is down, so it polls: generation 1 again, under the edit.
    config = boardFile('[q1, q2]');
    const latest = feed.latest;
    if (!latest) throw new Error('nothing published');
    const page = structuredClone(views.of(latest, 'sales'));
    if (!page) throw new Error('no view of the board');
    expect(page.summary.realtime.CONTACTS_IN_QUEUE).toBe(8);
    // Then it resumes the stream from the generation it polled, by the id its poll named (the revision of the
    // edit, which this board's stream has yet to take up), and the next one comes.
    const events = resumingViewer(stream, `1@i~${views.revisionOf('sales')}`);
    publish(snapshot(2, 2, 3));
    const shown = follow(page, events);
    const now = feed.latest ? views.of(feed.latest, 'sales') : undefined;
    expect(now?.summary.realtime.CONTACTS_IN_QUEUE).toBe(5);
    expect(shown?.generation).toBe(2);
    expect(shown?.summary.realtime.CONTACTS_IN_QUEUE).toBe(5);
    expect(shown?.queues.map((q) => q.id)).toEqual(['q1', 'q2']);
  });

  it('sends the view whole to a page resuming where its board is projected under another configuration', () => {
    // A board's stream begun after an edit the page's view predates: on another replica that has the edit, or
    // on this one after the board's stream was let go while the page polled.
    let config = boardFile('[q1, q2]');
    const views = new Views(() => config, 'default');
    const { feed, publish } = testFeed();
    stream = new ViewStream(feed, { views, keep: ['sales'] });
    publish(snapshot(1, 5, 3));
    const first = resumingViewer(stream, undefined);
    let page = follow(undefined, first);
    expect(page?.queues.map((q) => q.id)).toEqual(['q1', 'q2']);
    const held = first.at(-1)?.id;
    expect(held).toMatch(/^1@i~[\w-]{12}$/);

    config = boardFile('[q1]');
    other = new ViewStream(feed, { views, keep: ['sales'] });
    const resumed = resumingViewer(other, held);
    // The page's generation 1 is not this stream's: it is sent the view whole, not told it is up to date.
    expect(kinds(resumed)).toEqual(['snapshot']);
    publish(snapshot(2, 2, 4));
    page = follow(page, resumed);
    expect(page?.generation).toBe(2);
    expect(page?.queues.map((q) => q.id)).toEqual(['q1']);
    expect(page?.summary.realtime.CONTACTS_IN_QUEUE).toBe(2);

    // Under the revision it was sent under, the same id resumes: nothing until the next generation, then its
    // patch.
    const again = resumingViewer(other, resumed.at(-1)?.id);
    expect(kinds(again)).toEqual([]);
    publish(snapshot(3, 1, 4));
    expect(kinds(again)).toEqual(['patch']);
    expect(follow(page, again)?.summary.realtime.CONTACTS_IN_QUEUE).toBe(1);
  });

  it('counts the views it sends whole and the patches', () => {
    const config = boardFile('[q1]');
    const { feed, publish } = testFeed();
    stream = new ViewStream(feed, { views: new Views(() => config, 'default'), keep: ['sales'] });
    publish(snapshot(1, 5, 3));
    resumingViewer(stream, undefined);
    publish(snapshot(2, 4, 3));
    expect(stream.totals).toMatchObject({ snapshot: 1, patch: 1 });
  });
});
