import { useSyncExternalStore } from 'react';

/**
 * The server's clock as seen from this browser. Times in state are counted against it, so a kiosk whose
 * own clock is minutes out still shows the right durations.
 */
let skewMs = 0;

export function observeServerTime(serverTime: string, receivedAt = Date.now()): void {
  const server = Date.parse(serverTime);
  if (Number.isFinite(server)) skewMs = server - receivedAt;
}

export function clockSkewMs(): number {
  return skewMs;
}

export function serverNow(): number {
  return Date.now() + skewMs;
}

const listeners = new Set<() => void>();
let tickNow = serverNow();
let timer: ReturnType<typeof setTimeout> | undefined;

function schedule(): void {
  // Ticks on the second boundary, so every time on the screen turns over together.
  const delay = 1000 - (serverNow() % 1000) + 5;
  timer = setTimeout(() => {
    tickNow = serverNow();
    for (const listener of listeners) listener();
    schedule();
  }, delay);
}

/** Subscribes to the once-a-second tick; the last listener to leave stops the timer. */
export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    tickNow = serverNow();
    schedule();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
}

/** The time of the last tick while something ticks (so every time on screen agrees), else the time now. */
export function tickTime(): number {
  return timer === undefined ? serverNow() : tickNow;
}

/** The server's time now, refreshed once a second: one shared timer for the whole page. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => tickNow);
}

/**
 * Something derived from the server's time, such as "are the figures stale": the component re-renders only
 * when the derived value changes, not on every tick. `read` must return a primitive (or the same object) for
 * the same moment.
 */
export function useClockValue<T>(read: (nowMs: number) => T): T {
  return useSyncExternalStore(subscribe, () => read(tickNow));
}
