import { useSnapshotMeta } from '../../api/useSnapshotSlices';
import { useFormat, type Formatters } from '../../format';
import type { Gap } from './api';
import type { ReplayProblem } from './ReplayScope';

/**
 * Nothing recorded at a moment, said as the board writes times (its clock and day, in its time zone: "17:17:00,
 * Sat 5 Dec"), with the recorded moments either side.
 */
export function gapWords(gap: Gap, format: Pick<Formatters, 'clock' | 'day'>): string {
  const when = (ms: number) => `${format.clock(ms)}, ${format.day(ms)}`;
  const { before, after } = gap;
  const around =
    before !== null && after !== null
      ? `history has a gap from ${when(before)} to ${when(after)}`
      : after !== null
        ? `this replica's history starts at ${when(after)}`
        : before !== null
          ? `the last moment recorded is ${when(before)}`
          : 'nothing has been recorded yet';
  return `Nothing was recorded at ${when(gap.at)}: ${around}. Pick a moment the timeline marks as recorded.`;
}

/** Says, always while replaying, that the figures below are the past: the moment they are from, and the way back. */
export function ReplayBanner({ problem, onLive }: { problem: ReplayProblem | null; onLive: () => void }) {
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
            {format.clock(shown)}, {format.day(shown)}
          </time>
          {meta?.stale ? ' (its figures were stale then)' : ''}.
        </span>
      ) : problem ? null : (
        <span>loading that moment…</span>
      )}
      {problem ? (
        <span className="replay-problem" role="alert">
          {' '}
          {problem.gap ? gapWords(problem.gap, format) : problem.words}
        </span>
      ) : null}{' '}
      <button type="button" onClick={onLive}>
        Back to live
      </button>
    </div>
  );
}
