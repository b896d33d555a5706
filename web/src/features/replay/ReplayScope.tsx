import type { Snapshot } from '@switchboard/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { keepUnchanged, snapshotKeys, SnapshotKeyContext } from '../../api/snapshot';
import { fetchSnapshotAt } from './api';

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
 */
export function ReplayScope({
  at,
  board,
  children,
}: {
  at: number;
  board: string | null;
  children: (problem: string | null) => ReactNode;
}) {
  const client = useQueryClient();
  const key = useMemo(() => replayKey(board), [board]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      fetchSnapshotAt(board, at, abort.signal).then(
        (view) => {
          client.setQueryData<Snapshot>(key, (held) => keepUnchanged(held, view));
          setProblem(null);
        },
        (error: unknown) => {
          if (abort.signal.aborted) return;
          setProblem(error instanceof Error ? error.message : String(error));
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

  return <SnapshotKeyContext value={key}>{children(problem)}</SnapshotKeyContext>;
}
