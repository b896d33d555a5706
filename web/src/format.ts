import { createContext, use } from 'react';

/** A metric Connect could not compute is shown as "no data", never as 0. */
export const NO_DATA = '–';

/** "00" to "59": the ticking times are rewritten every second, so their digits are not built each time. */
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return NO_DATA;
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = TWO_DIGITS[whole % 60] as string;
  return h > 0 ? `${h}:${TWO_DIGITS[m] as string}:${s}` : `${m}:${s}`;
}

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
export interface Formatters {
  locale: string;
  timeZone: string;
  count(value: number | null | undefined): string;
  percent(value: number | null | undefined): string;
  duration(seconds: number | null | undefined): string;
  /** A wall clock reading, e.g. 14:05:09, in the board's time zone. */
  clock(ms: number): string;
  /** A date and time for the record, e.g. an alert's start. */
  time(ms: number): string;
}

function safeLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  try {
    return Intl.getCanonicalLocales(locale)[0];
  } catch {
    return undefined;
  }
}

function safeTimeZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

export function makeFormatters(locale?: string, timeZone?: string): Formatters {
  const loc = safeLocale(locale);
  const zone = safeTimeZone(timeZone);
  const countFormat = new Intl.NumberFormat(loc, { maximumFractionDigits: 0 });
  const percentFormat = new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 1 });
  const clockFormat = new Intl.DateTimeFormat(loc, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZone: zone,
  });
  const timeFormat = new Intl.DateTimeFormat(loc, {
    hour: '2-digit',
    minute: '2-digit',
    day: 'numeric',
    month: 'short',
    timeZone: zone,
  });
  const missing = (value: number | null | undefined): value is null | undefined =>
    value === null || value === undefined || Number.isNaN(value);
  return {
    locale: countFormat.resolvedOptions().locale,
    timeZone: clockFormat.resolvedOptions().timeZone,
    count: (value) => (missing(value) ? NO_DATA : countFormat.format(value)),
    percent: (value) => (missing(value) ? NO_DATA : percentFormat.format(value / 100)),
    duration: formatDuration,
    clock: (ms) => clockFormat.format(ms),
    time: (ms) => timeFormat.format(ms),
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
