import { useCallback, useEffect, useState } from 'react';

/** Replay speeds: simulated seconds per second. */
export const SPEEDS = [10, 60] as const;
export type Speed = (typeof SPEEDS)[number];

/** How often playing moves the moment on. */
const PLAY_TICK_MS = 1000;

export interface Replay {
  /** The moment shown (ms), or null when live. */
  at: number | null;
  playing: boolean;
  speed: Speed;
  seek(at: number): void;
  /** Plays on from the moment shown; live, from an hour ago or `earliest` (the first moment recorded), the later. */
  play(earliest?: number | null): void;
  pause(): void;
  setSpeed(speed: Speed): void;
  /** Back to the live figures. */
  live(): void;
}

/** Where a replay is: a moment, playing or paused, at a speed. Playing past now returns to live. `now` must be stable. */
export function useReplay(now: () => number = Date.now, initial: number | null = null): Replay {
  // A moment from the address (a bookmark, a link a colleague sent): replayed from the start, paused. One at or
  // after now is live.
  const [at, setAt] = useState<number | null>(() => (initial !== null && initial < now() ? initial : null));
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<Speed>(10);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setAt((current) => {
        if (current === null) return null;
        const next = current + speed * PLAY_TICK_MS;
        if (next >= now()) {
          setPlaying(false);
          return null;
        }
        return next;
      });
    }, PLAY_TICK_MS);
    return () => clearInterval(timer);
  }, [playing, speed, now]);

  const seek = useCallback((moment: number) => setAt(Math.min(moment, now())), [now]);
  const play = useCallback(
    (earliest?: number | null) => {
      // From an hour ago, or from the first moment recorded where that is later (a server up for minutes): not
      // from a stretch with nothing in it, which would take minutes to play through to the first recorded moment.
      setAt((current) => current ?? Math.max(now() - 3600_000, earliest ?? -Infinity));
      setPlaying(true);
    },
    [now],
  );
  const pause = useCallback(() => setPlaying(false), []);
  const live = useCallback(() => {
    setPlaying(false);
    setAt(null);
  }, []);
  return { at, playing, speed, seek, play, pause, setSpeed, live };
}
