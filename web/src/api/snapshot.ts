import type { Snapshot } from '@switchboard/shared';
import { queryOptions, skipToken, useQuery, type QueryClient } from '@tanstack/react-query';
import { observeServerTime } from './clock';
import type { SnapshotParser } from './parseSnapshot';

export const snapshotKeys = {
  all: ['snapshot'] as const,
};

export class SnapshotError extends Error {}

/** The poll interval while the stream is down; the server polls Connect about this often. */
export const FALLBACK_POLL_MS = 2000;

export async function fetchSnapshot(parser: SnapshotParser, signal?: AbortSignal): Promise<Snapshot> {
  const response = await fetch('/api/v1/snapshot', {
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

export function snapshotQueryOptions(parser: SnapshotParser) {
  return queryOptions({
    queryKey: snapshotKeys.all,
    queryFn: ({ signal }) => fetchSnapshot(parser, signal),
    // The stream keeps the cache fresh; observers never refetch on their own when they mount.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    // A wall display never has focus: keep refreshing in a background tab.
    refetchIntervalInBackground: true,
    retry: true,
    retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 15_000),
  });
}

/** Writes a pushed snapshot into the cache; structural sharing keeps unchanged queues and agents identical. */
export function applyPushedSnapshot(client: QueryClient, snapshot: Snapshot): void {
  observeServerTime(snapshot.serverTime);
  client.setQueryData<Snapshot>(snapshotKeys.all, snapshot);
}

/** A slice of the snapshot; the component re-renders only when its slice changes. */
export function useSnapshotSelect<T>(select: (snapshot: Snapshot) => T) {
  return useQuery({
    queryKey: snapshotKeys.all,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnMount: false,
    // Only SnapshotFeed fetches; slices read what the stream or the poll put in the cache.
    queryFn: skipToken,
    select,
  });
}
