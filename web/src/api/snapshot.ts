import type { Snapshot } from '@switchboard/shared';
import { queryOptions, skipToken, useQuery, type QueryClient } from '@tanstack/react-query';
import { createContext, use } from 'react';
import { observeServerTime } from './clock';
import type { SnapshotParser } from './parseSnapshot';
import { shareSnapshotData } from './share';

export const snapshotKeys = {
  all: ['snapshot'] as const,
  /** A board may show another Connect instance than the default, so each board has its own snapshot. */
  board: (board: string | null) => ['snapshot', board ?? ''] as const,
};

export type SnapshotKey = ReturnType<typeof snapshotKeys.board>;

/** The API path for a board: the server picks the board's Connect instance from `?board=`. */
export function apiPath(path: string, board: string | null): string {
  return board ? `${path}?board=${encodeURIComponent(board)}` : path;
}

export class SnapshotError extends Error {}

/** The poll interval while the stream is down; the server polls Connect about this often. */
export const FALLBACK_POLL_MS = 2000;

export async function fetchSnapshot(
  parser: SnapshotParser,
  board: string | null,
  signal?: AbortSignal,
): Promise<Snapshot> {
  const response = await fetch(apiPath('/api/v1/snapshot', board), {
    signal: signal ?? null,
    headers: { accept: 'application/json' },
  });
  if (response.status === 503) {
    throw new SnapshotError('The server is still collecting its first figures from Connect.');
  }
  if (!response.ok) {
    throw new SnapshotError(`The server answered ${response.status} for the snapshot.`);
  }
  const snapshot = await parser.parse(await response.text());
  observeServerTime(snapshot.serverTime);
  return snapshot;
}

export function snapshotQueryOptions(parser: SnapshotParser, board: string | null) {
  return queryOptions({
    queryKey: snapshotKeys.board(board),
    queryFn: ({ signal }) => fetchSnapshot(parser, board, signal),
    // The stream keeps the cache fresh; observers never refetch on their own when they mount.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    // A wall display never has focus: keep refreshing in a background tab.
    refetchIntervalInBackground: true,
    retry: true,
    retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 8000),
    structuralSharing: shareSnapshotData,
  });
}

/** The cache entry of the board on screen; SnapshotFeed provides it. */
export const SnapshotKeyContext = createContext<SnapshotKey>(snapshotKeys.board(null));

/** Writes a pushed snapshot into the cache; shareSnapshotData keeps unchanged queues and agents identical. */
export function applyPushedSnapshot(client: QueryClient, key: SnapshotKey, snapshot: Snapshot): void {
  observeServerTime(snapshot.serverTime);
  client.setQueryData<Snapshot>(key, snapshot);
}

/** A slice of the snapshot; the component re-renders only when its slice changes. */
export function useSnapshotSelect<T>(select: (snapshot: Snapshot) => T) {
  return useQuery({
    queryKey: use(SnapshotKeyContext),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnMount: false,
    // Only SnapshotFeed fetches; slices read what the stream or the poll put in the cache.
    queryFn: skipToken,
    select,
    // The same sharing as the query's: whichever observer ran last sets it for the cached snapshot too.
    structuralSharing: shareSnapshotData,
  });
}
