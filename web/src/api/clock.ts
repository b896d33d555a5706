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

function subscribe(listener: () => void): () => void {
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

/** The server's time now, refreshed once a second: one shared timer for the whole page. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => tickNow);
}
