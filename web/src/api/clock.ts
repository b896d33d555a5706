import { useSyncExternalStore } from 'react';

/**
 * The server's clock as seen from this browser. Times in state are counted against it, so a kiosk whose
 * own clock is minutes out still shows the right durations.
 *
 * A view's or heartbeat's `serverTime` is when the server published it: the offset it gives is short by however
 * long the message took (a send buffer, a buffering proxy, a busy screen), and a patch 40 s late would wind the
 * page 40 s back and show 40-s-old figures as fresh. So a higher offset is taken at once, a lower one only by
 * SLACK_MS_PER_S for each second since the last: far above any clock's drift, so a server clock that runs slower
 * than this one is followed, while a late message moves the page back by milliseconds. The offset is to the
 * monotonic clock, not Date.now(), so a kiosk's own clock being set back does not move the server's time on
 * screen (set forward, or a machine that slept: serverNow).
 *
 * Some times are fresh: a poll's answer (the server stamps a view it serves with the time it serves it), the
 * heartbeat that opens each new connection, before its view (nothing is queued ahead of it), and the heartbeat
 * marked fresh the server sends each page every 5 to 10 minutes with nothing queued ahead of it. A fresh time is
 * taken as it is, lower or higher (a poll's within what its request's time there and back allows): a server
 * whose clock was set back is followed at the next poll, connection or fresh heartbeat, not at a millisecond a
 * second.
 */
const SLACK_MS_PER_S = 1;

/** This browser's monotonic clock, in milliseconds from the epoch as it stood when the page loaded. */
export function monotonicNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The server's time less the monotonic clock's, as set by the message that came at `at`, and the browser's own
 * clock less the monotonic clock's then (`wall`); null until a message has come.
 */
let offset: { ms: number; at: number; wall: number } | null = null;

/**
 * Takes the server's time from a message: `fresh`, a time stamped as it was sent (see above); `receivedAt`, on
 * the monotonic clock (monotonicNow); `sentAt`, for an answer, when its request left. The server stamped it
 * between the two, so the offset is at least its time less `receivedAt` and at most its time less `sentAt`: a
 * fresh time keeps the offset held where it lies between those, else moves it to the nearer (a poll whose answer
 * took 20 s to come would otherwise make figures 20 s old look fresh).
 */
export function observeServerTime(
  serverTime: string,
  {
    fresh = false,
    receivedAt = monotonicNow(),
    sentAt,
  }: { fresh?: boolean; receivedAt?: number; sentAt?: number } = {},
): void {
  const server = Date.parse(serverTime);
  if (!Number.isFinite(server)) return;
  const seen = server - receivedAt;
  let ms: number;
  if (fresh) {
    const most = sentAt === undefined ? seen : Math.max(seen, server - sentAt);
    ms = offset ? Math.min(Math.max(offset.ms, seen), most) : most;
  } else {
    const lowest = offset ? offset.ms - (SLACK_MS_PER_S / 1000) * Math.max(0, receivedAt - offset.at) : seen;
    ms = Math.max(seen, lowest);
  }
  offset = { ms, at: receivedAt, wall: Date.now() - monotonicNow() };
}

/** How far the server's clock is ahead of this browser's own (Date.now()). */
export function clockSkewMs(): number {
  return serverNow() - Date.now();
}

export function serverNow(): number {
  if (!offset) return Date.now();
  const mono = monotonicNow();
  // The monotonic clock stands still while the machine sleeps (everywhere but Windows), the browser's own does
  // not: time it gained since the last message is time slept, or the kiosk's clock set forward. Counted, so
  // figures held over a sleep show their age, not their age before it; a clock set forward errs towards stale
  // until the next message, which puts it right. A clock set back changes nothing.
  return mono + offset.ms + Math.max(0, Date.now() - mono - offset.wall);
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
