import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchConfig } from './config';
import { withDeadline } from './timeout';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A fetch whose answer never comes until it is aborted, as a proxy holding the request leaves it. */
function hangingFetch() {
  return vi.fn(
    (_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
      ),
  );
}

describe('a request under a deadline', () => {
  it('fails with its own error once the deadline passes, answer or body still to come', async () => {
    vi.useFakeTimers();
    const request = withDeadline(
      1000,
      () => new Error('too slow'),
      undefined,
      (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    );
    const outcome = expect(request).rejects.toThrow('too slow');
    await vi.advanceTimersByTimeAsync(1000);
    await outcome;
  });

  it('passes on the caller’s own abort as it is, and its answer when it comes in time', async () => {
    const caller = new AbortController();
    const request = withDeadline(
      60_000,
      () => new Error('too slow'),
      caller.signal,
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    caller.abort(new Error('not wanted'));
    await expect(request).rejects.toThrow('not wanted');
    await expect(
      withDeadline(
        60_000,
        () => new Error('x'),
        undefined,
        async () => 7,
      ),
    ).resolves.toBe(7);
  });
});

describe('the configuration’s request', () => {
  it('is given up after 30 s, so the next refresh can ask again', async () => {
    vi.useFakeTimers();
    const fetch = hangingFetch();
    vi.stubGlobal('fetch', fetch);
    const first = expect(fetchConfig()).rejects.toThrow(/did not answer for its configuration in time/);
    await vi.advanceTimersByTimeAsync(30_000);
    await first;
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
