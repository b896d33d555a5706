import { NO_DATA, figureFormatter, formatDuration, type FigureFormatter } from '@switchboard/shared';
import { isTimeZone } from '@switchboard/shared/timeZone';
import { createContext, use } from 'react';

// Figures are written by the descriptors in shared (the server's alerts and webhooks use the same), so a tile,
// an alert and a chart say a figure alike.
export { NO_DATA, formatDuration };

const unit = (n: number, word: string) => (n === 1 ? `1 ${word}` : `${n} ${word}s`);

/** Spoken form of a duration for screen readers: "3 minutes 5 seconds". */
export function describeDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return 'no data';
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  let words = h ? unit(h, 'hour') : '';
  if (m) words = words ? `${words} ${unit(m, 'minute')}` : unit(m, 'minute');
  if (s || !words) words = words ? `${words} ${unit(s, 'second')}` : unit(s, 'second');
  return words;
}

/** Numbers and times in the board's locale and time zone, built once per board. */
export interface Formatters extends FigureFormatter {
  timeZone: string;
  /** A wall clock reading, e.g. 14:05:09, in the board's time zone. */
  clock(ms: number): string;
  /** The hour and minute, e.g. 14:05 (2:05 PM in en-US), in the board's time zone. */
  minute(ms: number): string;
  /** A date and time for the record, e.g. an alert's start. */
  time(ms: number): string;
  /** A day, e.g. Sat 5 Dec (en-GB) or Sat, Dec 5 (en-US): where a time may be on another day than today. */
  day(ms: number): string;
}

export function makeFormatters(locale?: string, timeZone?: string): Formatters {
  const figures = figureFormatter(locale);
  const loc = figures.locale;
  const zone = timeZone && isTimeZone(timeZone) ? timeZone : undefined;
  const clockFormat = new Intl.DateTimeFormat(loc, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZone: zone,
  });
  const minuteFormat = new Intl.DateTimeFormat(loc, { hour: '2-digit', minute: '2-digit', timeZone: zone });
  const timeFormat = new Intl.DateTimeFormat(loc, {
    hour: '2-digit',
    minute: '2-digit',
    day: 'numeric',
    month: 'short',
    timeZone: zone,
  });
  const dayFormat = new Intl.DateTimeFormat(loc, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: zone,
  });
  return {
    ...figures,
    timeZone: clockFormat.resolvedOptions().timeZone,
    clock: (ms) => clockFormat.format(ms),
    minute: (ms) => minuteFormat.format(ms),
    time: (ms) => timeFormat.format(ms),
    day: (ms) => dayFormat.format(ms),
  };
}

export const FormatContext = createContext<Formatters>(makeFormatters());

export function useFormat(): Formatters {
  return use(FormatContext);
}

const defaultFormatters = makeFormatters();

/** For callers that format outside a board: the browser's own locale. */
export function formatCount(value: number | null | undefined): string {
  return defaultFormatters.count(value);
}
