import type { Snapshot } from '@switchboard/shared';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stubServer } from '../testing/fakeServer';
import { makeSnapshot } from '../testing/makeSnapshot';
import { renderInFeed } from '../testing/renderFeed';
import { useReloadOnUpgrade } from './useReloadOnUpgrade';

function Wall({ reload }: { reload: () => void }) {
  useReloadOnUpgrade(true, reload);
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
