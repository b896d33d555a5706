/** An ISO 8601 time with its offset, as `?at=`, `from` and `to` take it (the API's and the laptop's address). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** What an ISO 8601 time reads as: its moment (ms), or why not. */
export type IsoTimeReading = { ms: number } | { problem: 'format' } | { problem: 'no_day'; day: string };

/**
 * Reads an ISO 8601 time with its offset. A day past the month's end is refused, where Date.parse reads it as a day
 * of the next month (2026-02-31 as 3 March).
 */
export function readIsoTime(value: string): IsoTimeReading {
  const ms = ISO_TIME.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) return { problem: 'format' };
  const [year = 0, month = 0, day = 0] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCDate() === day ? { ms } : { problem: 'no_day', day: value.slice(0, 10) };
}

/**
 * A "+" typed into an address arrives as a space: the time with its offset's "+" put back, where it ends in a
 * space and an offset; otherwise null.
 */
export function withOffsetPlus(value: string): string | null {
  return / \d\d:?\d\d$/.test(value) ? value.replace(/ (?=\d\d:?\d\d$)/, '+') : null;
}
