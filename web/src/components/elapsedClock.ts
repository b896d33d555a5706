import { createContext } from 'react';
import { subscribe, tickTime } from '../api/clock';

/**
 * The moment every elapsed time ("on this call for 3:05") is counted to. Live, the server's time now, moving on
 * once a second. In a replay, the moment replayed: a time in state counted to now would be the hours since then
 * too, and would keep ticking under a banner that says every figure is as the wall showed it.
 */
export interface ElapsedClock {
  /** The moment elapsed times are counted to, as it stands. */
  now(): number;
  /** Calls `listener` each time that moment moves; returns the way to stop. */
  subscribe(listener: () => void): () => void;
}

/** The server's time, on the page's one-a-second tick. */
export const liveClock: ElapsedClock = { now: tickTime, subscribe };

/** The clock elapsed times below are counted on: the live one unless a replay says otherwise. */
export const ElapsedClockContext = createContext<ElapsedClock>(liveClock);

/**
 * A moment that stands still until it is moved: a replay's. `moment` reads it (null before there is one: the
 * time now); `moved` tells every elapsed time kept on it to catch up, in place, without a render.
 */
export class StillClock implements ElapsedClock {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly moment: () => number | null) {}

  now(): number {
    return this.moment() ?? tickTime();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  moved(): void {
    for (const listener of this.listeners) listener();
  }
}
