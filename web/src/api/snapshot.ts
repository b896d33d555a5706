import { snapshotSchema, type Snapshot } from '@switchboard/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';

export const snapshotKeys = {
  all: ['snapshot'] as const,
};

export class SnapshotError extends Error {}

export async function fetchSnapshot(signal?: AbortSignal): Promise<Snapshot> {
  const response = await fetch('/api/v1/snapshot', {
    signal: signal ?? null,
    headers: { accept: 'application/json' },
  });
  if (!response.ok) {
    throw new SnapshotError(`The server answered ${response.status} for the snapshot.`);
  }
  const parsed = snapshotSchema.safeParse(await response.json());
  if (!parsed.success) throw new SnapshotError('The server sent a snapshot this page cannot read.');
  return parsed.data;
}

export const snapshotQueryOptions = queryOptions({
  queryKey: snapshotKeys.all,
  queryFn: ({ signal }) => fetchSnapshot(signal),
  refetchInterval: 2000,
  // A wall display never has focus: keep refreshing in a background tab.
  refetchIntervalInBackground: true,
  retry: true,
  retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 15_000),
});

export function useSnapshot() {
  return useQuery(snapshotQueryOptions);
}
