import { atLocalTime } from '@switchboard/shared/timeZone';

/** Today's `HH:MM` in the time zone, as an instant. */
export function atTimeOfDay(nowMs: number, timeOfDay: string, timeZone: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(timeOfDay);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 23 || minutes > 59)
    throw new Error(`timeOfDay must be HH:MM, e.g. 10:30; got "${timeOfDay}".`);
  return atLocalTime(nowMs, hours, minutes, timeZone);
}

export interface SimulatedClock {
  /** The simulated time now: the injected clock, or real time run `speed` times faster from the start. */
  clock: () => number;
  /** How far the day's curve and the agents' shifts are moved to run as if it were `timeOfDay` now. */
  dayShiftMs: number;
}

export function simulatedClock(options: {
  wallClock: () => number;
  speed: number;
  timeZone: string;
  clock?: () => number;
  timeOfDay?: string;
}): SimulatedClock {
  const { wallClock, speed, timeZone } = options;
  const wallStart = wallClock();
  // A time of day shifts the day's curve and the agents' shifts, never the clock: every timestamp the SDK reads
  // is real time, as Connect's are, so agents' timers and "data as of" agree with the wall's own clock.
  const dayShiftMs =
    options.timeOfDay && !options.clock ? atTimeOfDay(wallStart, options.timeOfDay, timeZone) - wallStart : 0;
  // In whole milliseconds, as every timestamp is, at any speed (1.5, 0.25): the wallboard reads its day from it.
  const clock = options.clock ?? (() => Math.floor(wallStart + (wallClock() - wallStart) * speed));
  return { clock, dayShiftMs };
}
