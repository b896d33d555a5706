import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { diffView, type Queue, type Snapshot, type ViewPatch } from '@switchboard/shared';
import { makeSnapshot } from '../testing/makeSnapshot';
import { fakeSources, type FakeSource } from '../testing/fakeEventSource';
import { fetchSnapshot } from './snapshot';
import { SnapshotStream } from './stream';

function setup(options: { silenceMs?: number; restartSpreadMs?: number; random?: () => number } = {}) {
  const { sources, create } = fakeSources();
  const views: Snapshot[] = [];
  const invalid: Error[] = [];
  const heartbeats: string[] = [];
  const commands: string[] = [];
  /** The view the page holds: the last one shown, or one a poll put there. */
  const page: { held: Snapshot | undefined } = { held: undefined };
  const stream = new SnapshotStream({
    held: () => page.held,
    onView: (view) => {
      page.held = view;
      views.push(view);
    },
    onInvalid: (error) => invalid.push(error),
    onHeartbeat: (data, first) => heartbeats.push(first ? `first ${data}` : data),
    onCommand: (data) => commands.push(data),
    createSource: create,
    random: () => 1,
    minBackoffMs: 1000,
    maxBackoffMs: 8000,
    restartSpreadMs: 0,
    ...options,
  });
  const source = (i: number): FakeSource => {
    const found = sources[i];
    if (!found) throw new Error(`no source ${i} opened`);
    return found;
  };
  return { stream, sources, source, views, invalid, heartbeats, commands, page };
}

const first = makeSnapshot({ queues: 4, agents: 6, generation: 7 });

/** The view after `view`, with one queue's and one agent's figures moved on. */
function nextOf(view: Snapshot, generation: number): Snapshot {
  const [q0, q1, ...queues] = view.queues as [Queue, Queue, ...Queue[]];
  const moved: Queue = { ...q1, realtime: { ...q1.realtime, CONTACTS_IN_QUEUE: generation } };
  const agents = view.agents.map((agent, i) =>
    i === 2 ? { ...agent, status: `Break ${generation}`, statusType: 'CUSTOM' as const } : agent,
  );
  return {
    ...view,
    generation,
    serverTime: new Date(Date.parse(view.serverTime) + 2000).toISOString(),
    queues: [q0, moved, ...queues],
    agents,
  };
}

const text = (value: unknown) => JSON.stringify(value);

describe('SnapshotStream', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('builds each view from the whole one and the patches after it, keeping what did not change', () => {
    const { stream, source, views, invalid } = setup();
    stream.start();
    expect(stream.getState()).toBe('connecting');
    expect(source(0).url).toBe('/api/v1/stream');
    source(0).open();
    source(0).emit('snapshot', text(first));
    const second = nextOf(first, 8);
    const third = nextOf(second, 9);
    source(0).emit('patch', text(diffView(first, second)));
    source(0).emit('patch', text(diffView(second, third)));

    expect(views.map((view) => view.generation)).toEqual([7, 8, 9]);
    expect(views[0]).toEqual(first);
    expect(views[1]).toEqual(second);
    expect(views[2]).toEqual(third);
    const [whole, patched] = views as [Snapshot, Snapshot];
    // Unchanged queues and agents are the very objects of the view before: memoised tiles skip them.
    expect(patched.queues[0]).toBe(whole.queues[0]);
    expect(patched.queues[2]).toBe(whole.queues[2]);
    expect(patched.queues[1]).not.toBe(whole.queues[1]);
    expect(patched.agents[0]).toBe(whole.agents[0]);
    expect(patched.agents[2]).not.toBe(whole.agents[2]);
    expect(patched.intraday).toBe(whole.intraday);
    expect(stream.getState()).toBe('live');
    expect(invalid).toEqual([]);
    stream.stop();
  });

  it('drops the connection for a fresh one on a missed patch, showing nothing of the patch after the gap', () => {
    const { stream, sources, source, views, invalid } = setup();
    stream.start();
    source(0).open();
    source(0).emit('snapshot', text(first));
    const second = nextOf(first, 8);
    const third = nextOf(second, 9);
    // The patch from 7 to 8 never arrived.
    source(0).emit('patch', text(diffView(second, third)));

    expect(views.map((view) => view.generation)).toEqual([7]);
    expect(invalid.map((error) => error.message)).toEqual([
      'the patch applies to generation 8, the view is at 7',
    ]);
    expect(source(0).closed).toBe(true);
    expect(sources).toHaveLength(2);
    // No flapping: the view on screen is whole, so the stream stays live while the fresh one opens.
    expect(stream.getState()).toBe('live');
    // Anything the dropped connection still delivers is ignored.
    source(0).emit('patch', text(diffView(first, second)));
    expect(views).toHaveLength(1);

    // A fresh EventSource sends no Last-Event-ID: the server answers with the view whole.
    source(1).open();
    source(1).emit('snapshot', text(third));
    expect(views.map((view) => view.generation)).toEqual([7, 9]);
    expect(views[1]).toEqual(third);
    // The whole view keeps the queues that did not change from the one held, as a patch would.
    expect(views[1]?.queues[0]).toBe(views[0]?.queues[0]);
    expect(views[1]?.queues[1]).not.toBe(views[0]?.queues[1]);
    stream.stop();
  });

  it('spreads the fresh connections of screens that all got a patch none can apply over a moment', async () => {
    const { stream, sources, source, views } = setup({ restartSpreadMs: 1000, random: () => 0.4 });
    stream.start();
    source(0).open();
    source(0).emit('snapshot', text(first));
    const second = nextOf(first, 8);
    source(0).emit('patch', text({ ...diffView(first, second), base: 3 }));
    // Closed at once; this screen's fresh connection 400 ms later, the view held on screen meanwhile.
    expect(source(0).closed).toBe(true);
    expect(stream.getState()).toBe('live');
    await vi.advanceTimersByTimeAsync(399);
    expect(sources).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources).toHaveLength(2);
    source(1).open();
    source(1).emit('snapshot', text(second));
    expect(views.map((view) => view.generation)).toEqual([7, 8]);
    stream.stop();
  });

  it('opens no connection after it is stopped while it waits to start again', async () => {
    const { stream, sources, source } = setup({ restartSpreadMs: 1000, random: () => 0.4 });
    stream.start();
    source(0).open();
    source(0).emit('snapshot', text(first));
    source(0).emit('patch', '{');
    stream.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(sources).toHaveLength(1);
  });

  it('keeps a newer view the page holds when a fresh connection brings an older one whole', () => {
    const { stream, source, views, page } = setup();
    // A poll brought generation 12 while the stream was away; the replica it reconnects to is at 9.
    const at = (seconds: number) => new Date(Date.parse(first.generatedAt) + seconds * 1000).toISOString();
    const polled = { ...first, generation: 12, generatedAt: at(6) };
    page.held = polled;
    stream.start();
    source(0).open();
    source(0).emit('snapshot', text({ ...first, generation: 9, generatedAt: at(0) }));
    expect(page.held).toBe(polled);
    expect(views.map((view) => view.generation)).toEqual([12]);
    // Generations that started again lower (a server restarted), made later: followed.
    source(0).emit('snapshot', text({ ...first, generation: 3, generatedAt: at(20) }));
    expect(page.held?.generation).toBe(3);
    // Another instance's view is taken whatever its generation.
    source(0).emit('snapshot', text({ ...first, instanceId: 'other', generation: 3 }));
    expect(page.held?.instanceId).toBe('other');
    stream.stop();
  });

  const second = nextOf(first, 8);
  const fits = diffView(first, second);
  const badQueue = { ...second.queues[1], realtime: { CONTACTS_IN_QUEUE: 'many' } };
  it.each<[string, string, RegExp]>([
    ['a patch that is not JSON', '{"base":7,', /not JSON/],
    [
      'a queue that does not match the schema',
      text({ ...fits, queues: { upsert: [badQueue] } }),
      /patch this page cannot read \(queues\.upsert\.0\.realtime\.CONTACTS_IN_QUEUE/,
    ],
    ['a field no patch has', text({ ...fits, agentz: {} }), /patch this page cannot read/],
    [
      'a patch that does not fit the view',
      text({ ...fits, queues: { order: ['q-0001', 'q-9999'] } } satisfies ViewPatch),
      /orders queue "q-9999"/,
    ],
  ])('drops the connection for a fresh one on %s, showing none of it', (_, patch, message) => {
    const { stream, sources, source, views, invalid } = setup();
    stream.start();
    source(0).open();
    source(0).emit('snapshot', text(first));
    source(0).emit('patch', patch);
    expect(views).toHaveLength(1);
    expect(views[0]).toEqual(first);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.message).toMatch(message);
    expect(source(0).closed).toBe(true);
    expect(sources).toHaveLength(2);
    stream.stop();
  });

  it('asks for its address anew on each connection, so a screen id changed meanwhile is the one named', () => {
    const { sources, create } = fakeSources();
    let screen = 'first-screen-id-000000';
    const stream = new SnapshotStream({
      url: () => `/api/v1/stream?screen=${screen}`,
      held: () => undefined,
      onView: () => undefined,
      createSource: create,
      restartSpreadMs: 0,
    });
    stream.start();
    expect(sources[0]?.url).toBe('/api/v1/stream?screen=first-screen-id-000000');
    screen = 'second-screen-id-00000';
    sources[0]?.open();
    // A view the page cannot read: the stream starts again, at the address as it is now.
    sources[0]?.emit('snapshot', '{');
    expect(sources[1]?.url).toBe('/api/v1/stream?screen=second-screen-id-00000');
    stream.stop();
  });

  it('backs off and lets the page poll when the fresh connection cannot be used either', async () => {
    const { stream, sources, source, views, invalid } = setup();
    stream.start();
    source(0).open();
    source(0).emit('snapshot', text(first));
    source(0).emit('patch', text({ ...fits, base: 3 }));
    expect(sources).toHaveLength(2);
    source(1).open();
    source(1).emit('snapshot', text({ ...first, generation: 'eight' }));
    expect(invalid).toHaveLength(2);
    expect(invalid[1]?.message).toMatch(/snapshot this page cannot read \(generation/);
    expect(source(1).closed).toBe(true);
    expect(stream.getState()).toBe('down');
    await vi.advanceTimersByTimeAsync(999);
    expect(sources).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources).toHaveLength(3);
    source(2).emit('snapshot', text(second));
    expect(views.map((view) => view.generation)).toEqual([7, 8]);
    expect(stream.getState()).toBe('live');
    // Once a patch has applied, the next bad patch is again answered at once.
    const ninth = nextOf(second, 9);
    source(2).emit('patch', text(diffView(second, ninth)));
    source(2).emit('patch', text({ ...diffView(ninth, nextOf(ninth, 10)), base: 3 }));
    expect(views.map((view) => view.generation)).toEqual([7, 8, 9]);
    expect(sources).toHaveLength(4);
    stream.stop();
  });

  it('backs off longer each time the view whole comes through but the patch after it cannot be applied', async () => {
    const { stream, sources, source, views, invalid } = setup();
    const misfit = (view: Snapshot) =>
      text({ ...diffView(view, nextOf(view, view.generation + 1)), queues: { order: ['q-9999'] } });
    stream.start();
    source(0).open();
    source(0).emit('snapshot', text(first));
    source(0).emit('patch', misfit(first));
    // The first is answered at once.
    expect(sources).toHaveLength(2);
    // Each fresh connection brings the view whole, then the same patch: a view whole shows nothing of whether
    // the patches after it can be applied, so the stream waits longer each time, and the page polls meanwhile.
    for (const [i, wait] of [1000, 2000, 4000, 8000, 8000].entries()) {
      source(i + 1).open();
      source(i + 1).emit('snapshot', text(first));
      source(i + 1).emit('patch', misfit(first));
      expect(stream.getState()).toBe('down');
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(sources).toHaveLength(i + 2);
      await vi.advanceTimersByTimeAsync(1);
      expect(sources).toHaveLength(i + 3);
    }
    expect(invalid).toHaveLength(6);
    // A patch that applies ends it: the next that cannot be applied is answered at once again.
    source(6).open();
    source(6).emit('snapshot', text(first));
    source(6).emit('patch', text(fits));
    source(6).emit('patch', misfit(second));
    expect(views.at(-1)?.generation).toBe(8);
    expect(sources).toHaveLength(8);
    expect(stream.getState()).toBe('live');
    stream.stop();
  });

  it('applies a patch to a polled view only when it is the polled view’s next', () => {
    const { stream, sources, source, views, invalid, page } = setup();
    stream.start();
    source(0).fail(false);
    expect(stream.getState()).toBe('down');
    // Meanwhile the poll brought generation 7; EventSource reconnects by itself and sends Last-Event-ID.
    page.held = first;
    source(0).open();
    source(0).emit('patch', text(fits));
    expect(views.map((view) => view.generation)).toEqual([8]);
    expect(views[0]?.queues[0]).toBe(first.queues[0]);
    expect(stream.getState()).toBe('live');

    // The stream drops again, and the poll brings generation 10; the server resumes from 8: the patches the
    // polled view has passed are skipped, the one from 10 applies, and nothing is reopened.
    source(0).fail(false);
    const ninth = nextOf(second, 9);
    const tenth = nextOf(ninth, 10);
    page.held = tenth;
    source(0).open();
    source(0).emit('patch', text(diffView(second, ninth)));
    source(0).emit('patch', text(diffView(ninth, tenth)));
    expect(page.held).toBe(tenth);
    expect(invalid).toHaveLength(0);
    source(0).emit('patch', text(diffView(tenth, nextOf(tenth, 11))));
    expect(page.held?.generation).toBe(11);
    expect(page.held?.queues[0]).toBe(tenth.queues[0]);
    // A patch that starts before the held view but ends after it cannot be applied: the view whole again.
    source(0).emit('patch', text({ ...diffView(tenth, nextOf(tenth, 12)), base: 10 }));
    expect(page.held?.generation).toBe(11);
    expect(invalid).toHaveLength(1);
    expect(source(0).closed).toBe(true);
    expect(sources).toHaveLength(2);
    stream.stop();
  });

  it("takes a board's view whole rather than apply its patch to a view a poll brought", () => {
    const { stream, sources, source, views, invalid, page } = setup();
    stream.start();
    source(0).open();
    source(0).emit('snapshot', text(first), `7@${first.instanceId}~Rev0Rev0Rev0`);
    source(0).fail(false);
    // Meanwhile a poll brought generation 8, perhaps from a replica with another configuration of the board;
    // EventSource reconnects by itself, naming generation 7, and its server sends the patch from 8.
    const polled = nextOf(first, 8);
    page.held = polled;
    source(0).open();
    source(0).emit('patch', text(diffView(polled, nextOf(polled, 9))), `9@${first.instanceId}~Rev0Rev0Rev0`);
    // Not applied: a fresh connection, naming nothing, for the view whole; and no error of the server's.
    expect(page.held).toBe(polled);
    expect(views.map((view) => view.generation)).toEqual([7]);
    expect(invalid).toHaveLength(0);
    expect(source(0).closed).toBe(true);
    expect(sources).toHaveLength(2);
    expect(source(1).url).toBe('/api/v1/stream');
    source(1).open();
    source(1).emit('snapshot', text(nextOf(polled, 9)), `9@${first.instanceId}~Rev1Rev1Rev1`);
    source(1).emit(
      'patch',
      text(diffView(nextOf(polled, 9), nextOf(polled, 10))),
      `10@${first.instanceId}~Rev1Rev1Rev1`,
    );
    expect(page.held?.generation).toBe(10);
    expect(sources).toHaveLength(2);
    stream.stop();
  });

  it('follows a polled board view with the patches of its revision, and resumes the stream from it', async () => {
    const { stream, sources, source, invalid, page } = setup();
    const polled = nextOf(first, 8);
    const polledId = `8@${first.instanceId}~Rev0Rev0Rev0`;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json(polled, { headers: { 'X-Stream-Event-Id': polledId } })),
    );
    try {
      stream.start();
      source(0).open();
      source(0).emit('snapshot', text(first), `7@${first.instanceId}~Rev0Rev0Rev0`);
      source(0).fail(false);
      // The poll brings generation 8 of the board as projected under the same revision, and says so.
      page.held = await fetchSnapshot('sales');
      // EventSource reconnects by itself: the patch from 8 of that revision applies.
      source(0).open();
      const ninth = nextOf(page.held, 9);
      source(0).emit('patch', text(diffView(page.held, ninth)), `9@${first.instanceId}~Rev0Rev0Rev0`);
      expect(page.held.generation).toBe(9);
      expect(invalid).toHaveLength(0);
      expect(sources).toHaveLength(1);
      // Another poll while the stream is away again, then a connection of the page's own: from the polled view.
      source(0).fail(true);
      const tenth = nextOf(ninth, 10);
      vi.mocked(fetch).mockImplementation(async () =>
        Response.json(tenth, { headers: { 'X-Stream-Event-Id': `10@${first.instanceId}~Rev0Rev0Rev0` } }),
      );
      page.held = await fetchSnapshot('sales');
      await vi.advanceTimersByTimeAsync(1000);
      expect(source(1).url).toBe(`/api/v1/stream?since=10%40${first.instanceId}~Rev0Rev0Rev0`);
      // A patch of another revision onto it: the view whole instead.
      source(1).open();
      source(1).emit(
        'patch',
        text(diffView(tenth, nextOf(tenth, 11))),
        `11@${first.instanceId}~Rev1Rev1Rev1`,
      );
      expect(page.held.generation).toBe(10);
      expect(sources).toHaveLength(3);
      expect(source(2).url).toBe('/api/v1/stream');
    } finally {
      stream.stop();
      vi.unstubAllGlobals();
    }
  });

  it("takes the view whole rather than apply another instance's patch to a view a poll brought", () => {
    const { stream, sources, source, invalid, page } = setup();
    stream.start();
    source(0).open();
    source(0).emit('snapshot', text(first), `7@${first.instanceId}`);
    source(0).fail(false);
    // A poll brought another instance's view (the board moved there); EventSource reconnects by itself to a
    // server of the first instance, which sends its patch from a generation the polled view has too.
    const elsewhere = { ...nextOf(first, 8), instanceId: '99999999-8888-7777-6666-555555555555' };
    page.held = elsewhere;
    source(0).open();
    source(0).emit('patch', text(diffView(nextOf(first, 8), nextOf(first, 9))), `9@${first.instanceId}`);
    expect(page.held).toBe(elsewhere);
    expect(invalid).toHaveLength(0);
    expect(sources).toHaveLength(2);
    expect(source(1).url).toBe('/api/v1/stream');
    stream.stop();
  });

  it('refuses a patch before any view to apply it to', () => {
    const { stream, sources, source, views, invalid } = setup();
    stream.start();
    source(0).emit('patch', text(fits));
    expect(views).toEqual([]);
    expect(invalid[0]?.message).toMatch(/came before any view/);
    expect(sources).toHaveLength(2);
    stream.stop();
  });

  it('passes heartbeats on, the first of each connection said to be so, and counts them as signs of life', async () => {
    const { stream, source, heartbeats } = setup({ silenceMs: 5000 });
    stream.start();
    source(0).open();
    await vi.advanceTimersByTimeAsync(4000);
    source(0).emit('heartbeat', '{"serverTime":"2026-12-04T10:00:00.000Z"}');
    await vi.advanceTimersByTimeAsync(4000);
    expect(source(0).closed).toBe(false);
    source(0).emit('heartbeat', '{"serverTime":"2026-12-04T10:00:04.000Z"}');
    // A new connection's heartbeat comes before its view, with nothing queued ahead of it: one EventSource opened
    // again by itself...
    source(0).fail(false);
    source(0).open();
    source(0).emit('heartbeat', '{"serverTime":"2026-12-04T10:00:06.000Z"}');
    // ...or a new one.
    source(0).fail(true);
    await vi.advanceTimersByTimeAsync(1000);
    source(1).open();
    source(1).emit('heartbeat', '{"serverTime":"2026-12-04T10:00:09.000Z"}');
    expect(heartbeats).toEqual([
      'first {"serverTime":"2026-12-04T10:00:00.000Z"}',
      '{"serverTime":"2026-12-04T10:00:04.000Z"}',
      'first {"serverTime":"2026-12-04T10:00:06.000Z"}',
      'first {"serverTime":"2026-12-04T10:00:09.000Z"}',
    ]);
    stream.stop();
  });

  it('passes a supervisor’s command on, without touching the view it holds', () => {
    const { stream, source, commands, views } = setup();
    stream.start();
    source(0).open();
    source(0).emit('snapshot', text(first));
    source(0).emit('command', '{"command":"reload"}');
    expect(commands).toEqual(['{"command":"reload"}']);
    expect(views).toHaveLength(1);
    stream.stop();
  });

  it('comes back after a failure asking for what came since the view it holds; after a bad event, for the view whole', async () => {
    const { stream, sources, source, page } = setup();
    stream.start();
    expect(source(0).url).toBe('/api/v1/stream');
    source(0).open();
    source(0).emit('snapshot', text(first), `7@${first.instanceId}~Rev0Rev0Rev0`);
    // The server went away and refused the reconnect: the next connection names the generation held as the
    // stream's event id did (its instance, and the board's revision it was projected under).
    source(0).fail(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(source(1).url).toBe(`/api/v1/stream?since=7%40${first.instanceId}~Rev0Rev0Rev0`);
    // A poll meanwhile brought generation 8: that is what the next one names, with no revision (a polled view
    // names none, and the server sends a board's view whole to it).
    page.held = nextOf(first, 8);
    source(1).fail(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(source(2).url).toBe(`/api/v1/stream?since=8%40${first.instanceId}`);
    // A patch that does not fit: a fresh connection for the view whole, naming nothing.
    source(2).open();
    source(2).emit('patch', text({ ...fits, base: 3, generation: 9 }));
    expect(sources).toHaveLength(4);
    expect(source(3).url).toBe('/api/v1/stream');
    stream.stop();
  });

  it('backs off exponentially when the server refuses the stream, and resets once it has been live a while', async () => {
    const { stream, sources, source, views } = setup();
    stream.start();
    source(0).fail(true);
    expect(stream.getState()).toBe('down');
    expect(source(0).closed).toBe(true);
    await vi.advanceTimersByTimeAsync(999);
    expect(sources).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources).toHaveLength(2);
    source(1).fail(true);
    await vi.advanceTimersByTimeAsync(1999);
    expect(sources).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources).toHaveLength(3);
    source(2).open();
    source(2).emit('snapshot', text(makeSnapshot()));
    expect(views).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    source(2).fail(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sources).toHaveLength(4);
    stream.stop();
  });

  it('goes on backing off from a server that sends the view and drops the connection at once', async () => {
    const { stream, sources, source, views } = setup();
    stream.start();
    source(0).fail(true);
    await vi.advanceTimersByTimeAsync(1000);
    // A server in a crash loop: each connection opens, sends the view whole, and ends; EventSource's own
    // reconnects count as failures too, and then the backoff goes on growing (2 s, 4 s, 8 s) instead of
    // starting again at 1 s after each view.
    const waits: number[] = [];
    for (let i = 1; i <= 3; i += 1) {
      const current = source(i);
      for (let reconnect = 0; reconnect <= 3; reconnect += 1) {
        current.open();
        current.emit('snapshot', text(makeSnapshot()));
        current.fail(false);
      }
      expect(current.closed).toBe(true);
      let waited = 0;
      while (sources.length === i + 1) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(views.length).toBeGreaterThan(0);
    expect(waits).toEqual([2000, 4000, 8000]);
    stream.stop();
  });

  it('lets EventSource retry a dropped connection itself a few times before taking over', async () => {
    const { stream, sources, source } = setup();
    stream.start();
    source(0).open();
    for (let i = 0; i < 3; i++) source(0).fail(false);
    expect(source(0).closed).toBe(false);
    source(0).fail(false);
    expect(source(0).closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sources).toHaveLength(2);
    stream.stop();
  });

  it.each([
    ['has gone silent', true],
    ['never opens', false],
  ])('replaces a connection that %s', async (_, opens) => {
    const { stream, sources, source } = setup({ silenceMs: 5000 });
    stream.start();
    if (opens) {
      source(0).open();
      source(0).emit('heartbeat', '');
    }
    await vi.advanceTimersByTimeAsync(4999);
    expect(source(0).closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(source(0).closed).toBe(true);
    expect(stream.getState()).toBe('down');
    await vi.advanceTimersByTimeAsync(1000);
    expect(sources).toHaveLength(2);
    stream.stop();
  });

  it('opens nothing more once stopped', async () => {
    const { stream, sources, source } = setup();
    stream.start();
    source(0).fail(true);
    stream.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sources).toHaveLength(1);
  });
});
