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
  arn: `arn:${id}`,
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

/** A viewer at the seam, resuming from `since`: the events it is sent, as (event, data) pairs. */
function resumingViewer(stream: ViewStream, since: string) {
  const events: { event: string; data: string }[] = [];
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
      if (event && data) events.push({ event, data });
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

let stream: ViewStream | undefined;
afterEach(() => stream?.close());

describe('a board edited between generations', () => {
  it('brings a page that polled after the edit and resumes the stream to the edited view', () => {
    let config = boardFile('[q1]');
    const views = new Views(() => config, 'default');
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
    stream = new ViewStream(feed, { views, keep: ['sales'] });
    publish(snapshot(1, 5, 3));
    // The board gains q2; the page's stream is down, so it polls: generation 1 again, under the edit.
    config = boardFile('[q1, q2]');
    const latest = feed.latest;
    if (!latest) throw new Error('nothing published');
    let page = structuredClone(views.of(latest, 'sales'));
    if (!page) throw new Error('no view of the board');
    expect(page.summary.realtime.CONTACTS_IN_QUEUE).toBe(8);
    // Then it resumes the stream from the generation it polled, and the next one comes.
    const events = resumingViewer(stream, '1@i');
    publish(snapshot(2, 2, 3));
    for (const { event, data } of events) {
      if (event === 'snapshot') page = JSON.parse(data) as Snapshot;
      else if (event === 'patch') page = applyPatch(page, checkPatch(JSON.parse(data)));
    }
    const now = feed.latest ? views.of(feed.latest, 'sales') : undefined;
    expect(now?.summary.realtime.CONTACTS_IN_QUEUE).toBe(5);
    expect(page.generation).toBe(2);
    expect(page.summary.realtime.CONTACTS_IN_QUEUE).toBe(5);
    expect(page.queues.map((q) => q.id)).toEqual(['q1', 'q2']);
  });
});
