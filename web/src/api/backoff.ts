/** How a retry backs off: the first wait, doubling per attempt up to `maxMs`. */
export interface Backoff {
  firstMs: number;
  maxMs: number;
  /** A number in [0, 1); Math.random unless a test fixes it. */
  random?: () => number;
}

/**
 * The wait before retry number `attempt` (0 for the first retry): the ceiling doubles from `firstMs` up to
 * `maxMs`, and the wait is a random point in its upper half ("equal jitter"), so a thousand screens that lost
 * the server together do not all come back in the same instant, and the wait still grows.
 */
export function backoffDelay(attempt: number, { firstMs, maxMs, random = Math.random }: Backoff): number {
  const ceiling = Math.min(maxMs, firstMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
