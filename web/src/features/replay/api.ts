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

/**
 * A moment with nothing recorded, and the recorded moments either side of it (ms; null where there is none):
 * the server's `not_recorded` problem's members, which the page writes in its board's clock.
 */
export interface Gap {
  at: number;
  before: number | null;
  after: number | null;
}

/** A moment the server has nothing recorded for (404, with its `gap` when the server says it), or history off. */
export class NotRecordedError extends Error {
  constructor(
    message: string,
    readonly gap: Gap | null = null,
  ) {
    super(message);
  }
}

/** The timeline refused, with the HTTP status: a server restarting (5xx) or busy (429) is asked again. */
export class TimelineError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function withBoard(path: string, board: string | null, params: Record<string, string>): string {
  const query = new URLSearchParams(params);
  if (board) query.set('board', board);
  return `${path}?${query.toString()}`;
}

/** An instant member of a problem: ms, or null for null; undefined for anything else (not a gap then). */
function instant(value: unknown): number | null | undefined {
  if (value === null) return null;
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The problem details' words for people, and the gap a `not_recorded` problem names. */
async function problemOf(response: Response): Promise<{ detail: string; gap: Gap | null }> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await response.json();
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // No problem details: the status says it.
  }
  const detail = typeof body.detail === 'string' ? body.detail : `The server answered ${response.status}.`;
  const [at, before, after] = [instant(body.at), instant(body.before), instant(body.after)];
  const gap =
    body.code === 'not_recorded' && typeof at === 'number' && before !== undefined && after !== undefined
      ? { at, before, after }
      : null;
  return { detail, gap };
}

async function problemDetail(response: Response): Promise<string> {
  return (await problemOf(response)).detail;
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
  if (!response.ok) throw new TimelineError(await problemDetail(response), response.status);
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
  if (response.status === 404) {
    const { detail, gap } = await problemOf(response);
    throw new NotRecordedError(detail, gap);
  }
  if (!response.ok) throw new Error(await problemDetail(response));
  return checkSnapshot(await response.json());
}
