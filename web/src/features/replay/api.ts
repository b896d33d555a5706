import type { AlertEvent, SectionName, Snapshot } from '@switchboard/shared';
import { checkSnapshot } from '../../api/snapshot';

/** GET /api/v1/timeline's answer (server/src/history/store.ts). */
export interface Timeline {
  from: string;
  to: string;
  bucketMs: number;
  buckets: { at: string; generations: number; stale: number; errors: SectionName[] }[];
  alerts: AlertEvent[];
  recorded: { first: string; last: string } | null;
}

/** A moment the server has nothing recorded for (404), or history off on the server. */
export class NotRecordedError extends Error {}

function withBoard(path: string, board: string | null, params: Record<string, string>): string {
  const query = new URLSearchParams(params);
  if (board) query.set('board', board);
  return `${path}?${query.toString()}`;
}

async function problemDetail(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: unknown };
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // No problem details: the status says it.
  }
  return `The server answered ${response.status}.`;
}

export async function fetchTimeline(
  board: string | null,
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<Timeline> {
  const response = await fetch(
    withBoard('/api/v1/timeline', board, {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    }),
    { signal: signal ?? null, headers: { accept: 'application/json' } },
  );
  if (!response.ok) throw new NotRecordedError(await problemDetail(response));
  return (await response.json()) as Timeline;
}

/** The board's view as it was at `at` (ms). */
export async function fetchSnapshotAt(
  board: string | null,
  at: number,
  signal?: AbortSignal,
): Promise<Snapshot> {
  const response = await fetch(withBoard('/api/v1/snapshot', board, { at: new Date(at).toISOString() }), {
    signal: signal ?? null,
    headers: { accept: 'application/json' },
  });
  if (response.status === 404) throw new NotRecordedError(await problemDetail(response));
  if (!response.ok) throw new Error(await problemDetail(response));
  return checkSnapshot(await response.json());
}
