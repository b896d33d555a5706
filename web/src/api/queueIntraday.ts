import { intervalPointSchema, type IntervalPoint } from '@switchboard/shared';
import { useQuery } from '@tanstack/react-query';
import { useConnection } from './SnapshotFeed';
import { apiPath } from './snapshot';
import { withDeadline } from './timeout';

const pointsSchema = intervalPointSchema.array();

export async function fetchQueueIntraday(
  queueId: string,
  board: string | null,
  signal?: AbortSignal,
): Promise<IntervalPoint[]> {
  const body = await withDeadline(
    30_000,
    () => new Error("The server did not answer for the queue's intervals in time."),
    signal,
    async (deadline) => {
      const response = await fetch(apiPath(`/api/v1/intraday/${encodeURIComponent(queueId)}`, board), {
        signal: deadline,
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`The server answered ${response.status} for the queue's intervals.`);
      return (await response.json()) as { points?: unknown };
    },
  );
  return pointsSchema.parse(body.points);
}

/**
 * One queue's intraday series when the snapshot does not carry it (instances of more than 100 queues keep
 * per-queue series out of the snapshot): fetched on demand, refreshed every half minute while on screen.
 */
export function useQueueIntraday(queueId: string | null, needed: boolean) {
  const { board } = useConnection();
  return useQuery({
    queryKey: ['intraday', board, queueId],
    queryFn: ({ signal }) => fetchQueueIntraday(queueId ?? '', board, signal),
    enabled: needed && queueId !== null,
    refetchInterval: 30_000,
  });
}
