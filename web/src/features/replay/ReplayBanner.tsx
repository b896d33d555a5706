import { useSnapshotMeta } from '../../api/useSnapshotSlices';
import { useFormat } from '../../format';

export function dayOf(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone,
  }).format(ms);
}

const INSTANT = /\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z\b/g;

/**
 * The server's words about a moment, with its instants (`2026-12-05T17:17:00.000Z`) written as the board writes
 * times: its clock and day, in its time zone ("17:17:00, Sat 5 Dec").
 */
export function inLocalTimes(
  text: string,
  format: { clock: (ms: number) => string; timeZone: string },
): string {
  return text.replace(INSTANT, (instant) => {
    const ms = Date.parse(instant);
    return Number.isFinite(ms) ? `${format.clock(ms)}, ${dayOf(ms, format.timeZone)}` : instant;
  });
}

/** Says, always while replaying, that the figures below are the past: the moment they are from, and the way back. */
export function ReplayBanner({ problem, onLive }: { problem: string | null; onLive: () => void }) {
  const { data: meta } = useSnapshotMeta();
  const format = useFormat();
  const shown = meta ? Date.parse(meta.generatedAt) : null;
  return (
    <div
      className="replay-banner"
      role="status"
      data-testid="replay-banner"
      data-generation={meta?.generation}
    >
      <strong>Replay, not live:</strong>{' '}
      {shown !== null ? (
        <span>
          every figure below is as the wall showed it at{' '}
          <time dateTime={meta?.generatedAt} data-testid="replay-shown-at">
            {format.clock(shown)}, {dayOf(shown, format.timeZone)}
          </time>
          {meta?.stale ? ' (its figures were stale then)' : ''}.
        </span>
      ) : problem ? null : (
        <span>loading that moment…</span>
      )}
      {problem ? (
        <span className="replay-problem" role="alert">
          {' '}
          {inLocalTimes(problem, format)}
        </span>
      ) : null}{' '}
      <button type="button" onClick={onLive}>
        Back to live
      </button>
    </div>
  );
}
