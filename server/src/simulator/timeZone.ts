/** Local-time helpers: "today" starts at midnight in the contact centre's time zone, not UTC. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC at `ms`, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const local = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return local - Math.floor(ms / 1000) * 1000;
}

/** The instant of local midnight that starts the day containing `ms` in `timeZone`. */
export function localMidnight(ms: number, timeZone: string): number {
  const offset = zoneOffsetMs(ms, timeZone);
  const localDay = Math.floor((ms + offset) / 86_400_000) * 86_400_000;
  // The offset at midnight may differ from the offset now (a daylight-saving change during the night).
  return localDay - zoneOffsetMs(localDay - offset, timeZone);
}

/** Throws a readable error for a time zone name Intl does not know. */
export function checkTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new Error(`Unknown time zone "${timeZone}": use an IANA name such as Europe/London.`);
  }
}
