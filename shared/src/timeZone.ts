import { Temporal } from 'temporal-polyfill';

/**
 * The contact centre's local day, on Temporal (the polyfill until Node ships it): one implementation for the
 * poller and the simulator. "Today" starts at the first instant of the local date, which is not always
 * midnight: zones whose clocks change at midnight (America/Santiago, America/Havana, America/Asuncion) have no
 * 00:00 on the spring-forward day, which then starts at 01:00 and lasts 23 hours, and a fall-back day lasts 25.
 */

/**
 * Whether `name` is a time zone this runtime knows (an IANA name such as Europe/London, or UTC): the one check
 * of the server's configuration, the simulator and the browser. It asks Intl, which the browser formats with
 * and Temporal resolves named zones by, so it costs the browser no Temporal.
 */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The message every edge gives for a time zone it cannot use, naming the field and the fix. */
export function timeZoneError(field: string, name: string): string {
  return `${field} "${name}" is not a known time zone: use an IANA name such as Europe/London or America/New_York.`;
}

function zoned(ms: number, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone);
}

/** The local calendar date at `ms`, as YYYY-MM-DD: the key of "today". */
export function localDate(ms: number, timeZone: string): string {
  return zoned(ms, timeZone).toPlainDate().toString();
}

/** The first instant of the local day containing `ms` (local midnight, or 01:00 where midnight is skipped). */
export function startOfLocalDay(ms: number, timeZone: string): number {
  return zoned(ms, timeZone).startOfDay().epochMilliseconds;
}

/** The first instant of the local day after the one containing `ms`. */
export function startOfNextLocalDay(ms: number, timeZone: string): number {
  return zoned(ms, timeZone).toPlainDate().add({ days: 1 }).toZonedDateTime({ timeZone }).epochMilliseconds;
}

/** The length of the local day containing `ms`, in milliseconds: 24 hours, or 23 or 25 on a clock change. */
export function localDayLength(ms: number, timeZone: string): number {
  return startOfNextLocalDay(ms, timeZone) - startOfLocalDay(ms, timeZone);
}

/** The zone's offset from UTC at `ms`, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  return zoned(ms, timeZone).offsetNanoseconds / 1_000_000;
}

/**
 * The instant of the wall-clock time `hours:minutes` on the local day containing `ms`. A time the clocks skip
 * (02:30 on a spring-forward night) moves forward past the gap, as Temporal's 'compatible' disambiguation does.
 */
export function atLocalTime(ms: number, hours: number, minutes: number, timeZone: string): number {
  return zoned(ms, timeZone)
    .toPlainDate()
    .toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from({ hour: hours, minute: minutes }) })
    .epochMilliseconds;
}
