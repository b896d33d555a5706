import { afterEach, describe, expect, it, vi } from 'vitest';
import { stubServer } from '../testing/fakeServer';
import { makeSnapshot } from '../testing/makeSnapshot';
import { fetchSnapshot } from './snapshot';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the poll for the view whole', () => {
  it('never takes the browser’s stored copy, whose serverTime would wind the page’s clock back', async () => {
    const snapshot = makeSnapshot();
    const { fetchStub } = stubServer({ snapshot });
    expect((await fetchSnapshot(null)).generation).toBe(snapshot.generation);
    const init = fetchStub.mock.calls[0]?.[1];
    // The server answers a poll within one generation 304 (its ETag); fetch would hand back the stored body.
    expect(init?.cache).toBe('no-store');
  });
});
