/**
 * A time zone (UTC or `Etc/GMT±N`) where it is now about `localHour` o'clock: a test whose simulated clock
 * stands still at the real time of the run sees the contact centre's busy hours, with a whole morning of "today"
 * behind it, at whatever hour the run happens. (`Etc/GMT-5` is five hours ahead of UTC: the sign is POSIX's.)
 */
export function zoneWhereItIs(localHour: number, nowMs = Date.now()): string {
  const utcHour = new Date(nowMs).getUTCHours();
  let offset = (((localHour - utcHour) % 24) + 24) % 24;
  if (offset > 14) offset -= 24;
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}
