/**
 * Runs a request under a deadline: `run` gets a signal that aborts after `timeoutMs`, or when `signal` (React
 * Query's, a query no longer wanted) aborts. A request left hanging (a link dead half-open, a proxy holding it)
 * would otherwise hold its query for ever: React Query hands a refetch the request in flight rather than start
 * another, so every later refresh would wait on it. Past the deadline it fails with `timedOut()`. Give `run` the
 * whole exchange, the body's reading too: a body can stall as well as the answer.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  timedOut: () => Error,
  signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  let expired: Error | null = null;
  const timer = setTimeout(() => {
    expired = timedOut();
    abort.abort(expired);
  }, timeoutMs);
  const cancel = () => abort.abort(signal?.reason);
  if (signal?.aborted) cancel();
  else signal?.addEventListener('abort', cancel);
  try {
    return await run(abort.signal);
  } catch (failure) {
    throw expired ?? failure;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
  }
}
