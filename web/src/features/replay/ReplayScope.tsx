import type { Snapshot } from '@switchboard/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useMemo, useState, type ReactNode } from 'react';
import { keepUnchanged, snapshotKeys, SnapshotKeyContext, SnapshotRequestContext } from '../../api/snapshot';
import { useSnapshotMeta } from '../../api/useSnapshotSlices';
import { ElapsedClockContext, StillClock } from '../../components/elapsedClock';
import { fetchSnapshotAt, NotRecordedError, type Gap } from './api';

/** What went wrong with the last moment asked for: the server's words, and the gap when nothing was recorded. */
export interface ReplayProblem {
  words: string;
  gap: Gap | null;
}

/** Moves while dragging are fetched once the thumb rests this long. */
const SEEK_DEBOUNCE_MS = 120;

/** The cache entry of a board's replayed view: apart from the live one, which the stream keeps writing. */
export function replayKey(board: string | null) {
  return snapshotKeys.board(`replay:${board ?? ''}`);
}

/**
 * Everything inside reads the board's view as it was at `at` rather than the live one: the same slices
 * (tiles, charts, the alert list) from a cache entry of its own, filled from GET /api/v1/snapshot?at=.
 * `children` is given what went wrong with the last moment asked for (nothing recorded then), or null.
 *
 * Every elapsed time inside (an agent's time in state, a contact's, an alert's) is counted to the replayed
 * view's own serverTime, the server's clock when it sent that generation to the wall: as the wall showed it
 * then, and standing still while the replay does. Playing, each step brings a later view, and the times move on
 * with it, at the replay's speed. The moment is the view's, not `at`: while the next view is on its way, and
 * when nothing was recorded at `at` (the last view shown stays), the times agree with the figures beside them
 * and with the moment the banner names.
 */
export function ReplayScope({
  at,
  board,
  children,
}: {
  at: number;
  board: string | null;
  children: (problem: ReplayProblem | null) => ReactNode;
}) {
  const client = useQueryClient();
  const key = useMemo(() => replayKey(board), [board]);
  const [problem, setProblem] = useState<ReplayProblem | null>(null);
  const clock = useMemo(
    () =>
      new StillClock(() => {
        const shown = client.getQueryData<Snapshot>(key);
        return shown ? Date.parse(shown.serverTime) : null;
      }),
    [client, key],
  );

  useEffect(() => {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      fetchSnapshotAt(board, at, abort.signal).then(
        (view) => {
          // The moment moved on meanwhile: this view is not the one asked for now, whenever it comes.
          if (abort.signal.aborted) return;
          client.setQueryData<Snapshot>(key, (held) => keepUnchanged(held, view));
          setProblem(null);
        },
        (error: unknown) => {
          if (abort.signal.aborted) return;
          setProblem({
            words: error instanceof Error ? error.message : String(error),
            gap: error instanceof NotRecordedError ? error.gap : null,
          });
        },
      );
    }, SEEK_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [at, board, client, key]);

  // Leaving the replay forgets the past view: the next replay starts from what it asks for.
  useEffect(() => () => client.removeQueries({ queryKey: key, exact: true }), [client, key]);

  return (
    <SnapshotKeyContext value={key}>
      {/* The live poll's request is not this entry's: its slices carry none. */}
      <SnapshotRequestContext value={null}>
        <ElapsedClockContext value={clock}>
          <FollowShownMoment clock={clock} />
          {children(problem)}
        </ElapsedClockContext>
      </SnapshotRequestContext>
    </SnapshotKeyContext>
  );
}

/**
 * Moves the elapsed times on when the view shown moves: the tiles a new view changed render with its moment
 * (StillClock reads it from the cache), the rest (the same objects, not rendered) are rewritten in place by the
 * ticker, after the commit and before the paint, so no time is ever shown against another view's moment.
 */
function FollowShownMoment({ clock }: { clock: StillClock }) {
  const { data: meta } = useSnapshotMeta();
  const moment = meta?.serverTime;
  useLayoutEffect(() => {
    if (moment !== undefined) clock.moved();
  }, [clock, moment]);
  return null;
}
