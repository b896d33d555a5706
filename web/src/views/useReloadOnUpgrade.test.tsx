import type { Snapshot } from '@switchboard/shared';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stubServer } from '../testing/fakeServer';
import { makeSnapshot } from '../testing/makeSnapshot';
import { renderInFeed } from '../testing/renderFeed';
import { observeServedWebBuild } from '../api/webBuild';
import { useReloadOnUpgrade } from './useReloadOnUpgrade';

function Wall({ reload, own = null }: { reload: () => void; own?: string | null }) {
  useReloadOnUpgrade(true, reload, own);
  return null;
}

/** A view from a newer server that this page's schema refuses: a section it has never heard of. */
function fromNewerServer(view: Snapshot, build: string): unknown {
  return {
    ...view,
    generation: view.generation + 1,
    serverBuild: build,
    sections: { ...view.sections, forecasts: view.sections.queues },
  };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  observeServedWebBuild(null);
  window.sessionStorage.clear();
  window.name = '';
});

describe('reloading after an upgrade', () => {
  function renderWall(polled: unknown) {
    const { fetchStub } = stubServer({ snapshot: polled as Snapshot | null });
    const reload = vi.fn();
    const { source } = renderInFeed(<Wall reload={reload} />, { minBackoffMs: 60_000 });
    return { reload, source, fetchStub };
  }

  it('reloads when the upgraded server sends a view this build cannot read', async () => {
    const first = makeSnapshot({ generation: 4, nowMs: Date.now() });
    const newer = fromNewerServer({ ...first, serverBuild: '2.0.0+b' }, '2.0.0+b');
    const { reload, source } = renderWall(newer);
    act(() => {
      source().open();
      source().emit('snapshot', JSON.stringify({ ...first, serverBuild: '1.0.0+a' }));
    });
    // The server restarts as the new build: the stream comes back with a view the old page's schema refuses.
    act(() => {
      source().fail(false);
      source().open();
      source().emit('snapshot', JSON.stringify(newer));
    });
    await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
  });

  it('reloads when only the poll reaches the upgraded server', async () => {
    const first = makeSnapshot({ generation: 4, nowMs: Date.now() });
    const state = { snapshot: { ...first, serverBuild: '1.0.0+a' } as unknown };
    const { reload, source } = renderWall(null);
    stubServer(state as { snapshot: Snapshot });
    act(() => {
      source().open();
      source().emit('snapshot', JSON.stringify(state.snapshot));
      source().fail(true);
    });
    state.snapshot = fromNewerServer(first, '2.0.0+b');
    await waitFor(() => expect(reload).toHaveBeenCalledTimes(1), { timeout: 5000 });
  }, 10_000);

  it('backs off reloads for a new snapshot build too, after reloads in a row (a leader moving between builds)', async () => {
    // Three reloads in a row already, the last 5 s ago: the next waits two minutes from that one.
    window.sessionStorage.setItem(
      'switchboard.buildReload',
      JSON.stringify({ count: 3, at: Date.now() - 5000 }),
    );
    const first = makeSnapshot({ generation: 4, nowMs: Date.now() });
    const { reload, source } = renderWall(null);
    act(() => {
      source().open();
      source().emit('snapshot', JSON.stringify({ ...first, serverBuild: '1.0.0+a' }));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    act(() => source().emit('snapshot', JSON.stringify({ ...first, generation: 5, serverBuild: '2.0.0+b' })));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reload).not.toHaveBeenCalled();
    // With no reloads before it, the same change reloads at once.
    cleanup();
    window.sessionStorage.clear();
    const fresh = renderWall(null);
    act(() => {
      fresh.source().open();
      fresh.source().emit('snapshot', JSON.stringify({ ...first, serverBuild: '1.0.0+a' }));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    act(() =>
      fresh.source().emit('snapshot', JSON.stringify({ ...first, generation: 5, serverBuild: '2.0.0+b' })),
    );
    await waitFor(() => expect(fresh.reload).toHaveBeenCalledTimes(1));
  });

  it('does not reload for a view of its own build that it cannot read: a reload would not help', async () => {
    const first = makeSnapshot({ generation: 4, nowMs: Date.now() });
    const { reload, source } = renderWall(null);
    act(() => {
      source().open();
      source().emit('snapshot', JSON.stringify({ ...first, serverBuild: '1.0.0+a' }));
    });
    act(() => source().emit('snapshot', JSON.stringify(fromNewerServer(first, '1.0.0+a'))));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reload).not.toHaveBeenCalled();
  });
});

describe("reloading when the stream's replica serves another web app", () => {
  const OLD = 'index-0ldBu1ld.js index-0ldSty1e.css';
  const NEW = 'index-N3wBu1ld.js index-0ldSty1e.css';

  /** A wall of build `own` whose stream's first heartbeat names `served` (nothing when undefined). */
  function wallConnectedTo(own: string | null, served: string | undefined) {
    stubServer({ snapshot: null });
    const reload = vi.fn();
    const { source } = renderInFeed(<Wall reload={reload} own={own} />, { minBackoffMs: 60_000 });
    const beat = { serverTime: new Date().toISOString(), ...(served ? { webBuild: served } : {}) };
    act(() => {
      source().open();
      source().emit('heartbeat', JSON.stringify(beat));
      source().emit('snapshot', JSON.stringify(makeSnapshot({ generation: 4, nowMs: Date.now() })));
    });
    return reload;
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
  const kept = () =>
    JSON.parse(window.sessionStorage.getItem('switchboard.buildReload') ?? 'null') as unknown;
  const reloaded = (count: number, agoMs: number) =>
    window.sessionStorage.setItem(
      'switchboard.buildReload',
      JSON.stringify({ count, at: Date.now() - agoMs }),
    );

  it('reloads at once, with the same snapshot build throughout: an old page loaded from an old replica', async () => {
    const reload = wallConnectedTo(OLD, NEW);
    await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
    expect(kept()).toMatchObject({ count: 1 });
  });

  it('does not reload on its own build, on a replica that does not say, or on a development page', async () => {
    const same = wallConnectedTo(OLD, OLD);
    await settle();
    cleanup();
    // A replica that says nothing after one that named another build: unknown again, not that build.
    observeServedWebBuild(NEW);
    const silent = wallConnectedTo(OLD, undefined);
    await settle();
    cleanup();
    const dev = wallConnectedTo(null, NEW);
    await settle();
    expect(same).not.toHaveBeenCalled();
    expect(silent).not.toHaveBeenCalled();
    expect(dev).not.toHaveBeenCalled();
    expect(kept()).toBeNull();
  });

  it('waits 30 s after a reload, then twice as long each time, whichever builds it is between', async () => {
    reloaded(1, 5_000);
    const tooSoon = wallConnectedTo(OLD, NEW);
    await settle();
    expect(tooSoon).not.toHaveBeenCalled();
    cleanup();

    reloaded(1, 31_000);
    const due = wallConnectedTo(OLD, NEW);
    await waitFor(() => expect(due).toHaveBeenCalledTimes(1));
    expect(kept()).toMatchObject({ count: 2 });
    cleanup();

    // The third in a row waits 120 s.
    reloaded(3, 61_000);
    const third = wallConnectedTo(OLD, NEW);
    await settle();
    expect(third).not.toHaveBeenCalled();
    cleanup();

    // A new page connected to an old replica, just after an old page reloaded on a new one: the pair has turned
    // round, and it is the same run of reloads.
    reloaded(5, 1_000);
    const turnedRound = wallConnectedTo(NEW, OLD);
    await settle();
    expect(turnedRound).not.toHaveBeenCalled();
    cleanup();

    // Half an hour after the last, a reload is a first one again.
    reloaded(5, 31 * 60_000);
    const later = wallConnectedTo(OLD, NEW);
    await waitFor(() => expect(later).toHaveBeenCalledTimes(1));
    expect(kept()).toMatchObject({ count: 1 });
  });

  it("keeps its reloads in the window's name without sessionStorage, and waits 30 s where it cannot keep them", async () => {
    const refused = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    vi.stubGlobal('sessionStorage', {
      getItem: refused,
      setItem: refused,
      removeItem: refused,
      clear: refused,
    });
    const first = wallConnectedTo(OLD, NEW);
    await waitFor(() => expect(first).toHaveBeenCalledTimes(1));
    expect(window.name).toMatch(/^switchboard\.buildReload:\{"count":1,"at":\d+\}$/);
    cleanup();
    const again = wallConnectedTo(OLD, NEW);
    await settle();
    expect(again).not.toHaveBeenCalled();
    cleanup();

    // Named by the page that embeds it: the name stays, and every reload waits.
    window.name = 'lobby-frame';
    const named = wallConnectedTo(OLD, NEW);
    await settle();
    expect(named).not.toHaveBeenCalled();
    expect(window.name).toBe('lobby-frame');
  });

  it('keeps its reloads in the window’s name when sessionStorage reads but refuses writes (a full quota)', async () => {
    const full = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    vi.stubGlobal('sessionStorage', { getItem: () => null, setItem: full, removeItem: () => undefined });
    const first = wallConnectedTo(OLD, NEW);
    await waitFor(() => expect(first).toHaveBeenCalledTimes(1));
    expect(window.name).toMatch(/^switchboard\.buildReload:/);
    cleanup();
    const again = wallConnectedTo(OLD, NEW);
    await settle();
    expect(again).not.toHaveBeenCalled();
  });

  it('takes a reload kept with a time ahead of now (the clock set back) for an old one: no wait of hours', async () => {
    reloaded(4, -3 * 3600_000);
    const reload = wallConnectedTo(OLD, NEW);
    await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
    expect(kept()).toMatchObject({ count: 1 });
  });
});
