import { lazy, type ComponentProps, type ComponentType } from 'react';

/**
 * React.lazy, asked again after a failure. React.lazy keeps a failed import for good: a chunk that failed to load
 * once (a screen's network blinking, a replica restarting) left its part of the page empty until someone reloaded
 * the screen, though its error boundary said it would retry. Here a failed load is tried again `retryMs` after
 * the failure (React renders again at once after an error, and the retry waits out the interval, its Suspense
 * fallback showing), so a chunk that keeps failing is asked for at that pace, never in a loop, and draws as soon
 * as it loads. Chromium keeps a failed import for the page's life, so there a retry fails at once: `onStuck`
 * then loads the page again (views/useReloadOnUpgrade.ts), as it does for a build that no longer has the chunk.
 */
export function lazyRetried<Props extends object>(
  load: () => Promise<{ default: ComponentType<Props> }>,
  {
    retryMs = 10_000,
    onStuck,
  }: {
    retryMs?: number;
    /** Called each time a retry fails too: where the browser keeps a failed import, only a reload helps. */
    onStuck?: () => void;
  } = {},
): ComponentType<Props> {
  let failures = 0;
  const attempt = (): Promise<{ default: ComponentType<Props> }> =>
    load().catch((error: unknown) => {
      failures += 1;
      if (failures > 1) onStuck?.();
      // On the monotonic clock: a kiosk's clock set back meanwhile does not put the retry off by as much.
      const failedAt = performance.now();
      current = lazy(async () => {
        const wait = failedAt + retryMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        return attempt();
      });
      throw error;
    });
  let current = lazy(attempt);
  function Retried(props: ComponentProps<ComponentType<Props>>) {
    const Current = current;
    return <Current {...props} />;
  }
  return Retried;
}
