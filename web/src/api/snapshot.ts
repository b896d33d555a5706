import {
  applyPatch,
  diffView,
  parseStreamEventId,
  snapshotSchema,
  STREAM_EVENT_ID_HEADER,
  type Snapshot,
} from '@switchboard/shared';
import { queryOptions, replaceEqualDeep, skipToken, useQuery, type QueryClient } from '@tanstack/react-query';
import { createContext, use } from 'react';
import { backoffDelay } from './backoff';
import { monotonicNow, observeServerTime } from './clock';
import { withDeadline } from './timeout';

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
export class SnapshotParseError extends Error {
  /** The server build the unreadable view names, if it names one: a newer server's view may not be readable here. */
  readonly serverBuild: string | null;
  constructor(message: string, serverBuild: string | null = null) {
    super(message);
    this.serverBuild = serverBuild;
  }
}

/** The poll interval while the stream is down; the server polls Connect about this often. */
const FALLBACK_POLL_MS = 2000;

/**
 * This page's poll interval while the stream is down: FALLBACK_POLL_MS give or take a fifth, drawn once per page.
 * Screens that lost the stream together (a replica restarting) start polling together; at one interval they would
 * all ask in the same instant every two seconds, for as long as the stream is away.
 */
export function fallbackPollMs(random: () => number = Math.random): number {
  return Math.round(FALLBACK_POLL_MS * (0.8 + 0.4 * random()));
}
/**
 * A poll not answered within this is given up and retried, as the stream replaces a connection silent for as
 * long: one request left hanging (a link dead half-open, a proxy holding it) would otherwise stop every poll after it.
 */
export const POLL_TIMEOUT_MS = 30_000;

/** Checks a view sent whole (pushed or polled) against the shared schema. */
export function checkSnapshot(value: unknown): Snapshot {
  const parsed = snapshotSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const build =
    typeof value === 'object' && value !== null && 'serverBuild' in value ? value.serverBuild : null;
  throw new SnapshotParseError(
    `The server sent a snapshot this page cannot read (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown field'}).`,
    typeof build === 'string' ? build : null,
  );
}

/**
 * A view sent whole, in place of the one held: every queue, agent and part equal to the held one's is the held
 * one's object, so a poll or a reconnect redraws only what changed, as a patch does.
 */
export function keepUnchanged(held: Snapshot | undefined, whole: Snapshot): Snapshot {
  return held ? applyPatch(held, diffView(held, whole)) : whole;
}

export async function fetchSnapshot(board: string | null, signal?: AbortSignal): Promise<Snapshot> {
  const sentAt = monotonicNow();
  const { body, eventId } = await withDeadline(
    POLL_TIMEOUT_MS,
    () => new SnapshotError('The server did not answer the snapshot in time.'),
    signal,
    async (deadline) => {
      const response = await fetch(apiPath('/api/v1/snapshot', board), {
        signal: deadline,
        headers: { accept: 'application/json' },
        // Never the browser's stored copy: answered 304 (the same generation as the last poll), fetch would hand
        // back the stored body, whose serverTime is as old as that poll, and winding the page's clock back hides
        // the age of figures that have stopped coming.
        cache: 'no-store',
      });
      if (response.status === 503) {
        throw new SnapshotError('The server is still collecting its first figures from Connect.');
      }
      if (!response.ok) {
        throw new SnapshotError(`The server answered ${response.status} for the snapshot.`);
      }
      return {
        eventId: response.headers.get(STREAM_EVENT_ID_HEADER),
        body: (await response.json()) as unknown,
      };
    },
  );
  const snapshot = checkSnapshot(body);
  // Stamped as it was served, after the request left: fresh.
  observeServerTime(snapshot.serverTime, { fresh: true, sentAt });
  const named = eventId === null ? null : parseStreamEventId(eventId);
  if (
    eventId !== null &&
    named?.generation === snapshot.generation &&
    named.instanceId === snapshot.instanceId
  )
    polledIds.set(snapshot, eventId);
  return snapshot;
}

/** The stream event id each polled view came with (STREAM_EVENT_ID_HEADER), and each view the poll made of it. */
const polledIds = new WeakMap<Snapshot, string>();

/**
 * The stream event id a polled view came with: its generation, instance and board revision, where the page's
 * stream resumes from, and which patches may follow it. Undefined for a view the poll did not bring, or one from
 * a server that does not name it.
 */
export function polledEventId(view: Snapshot): string | undefined {
  return polledIds.get(view);
}

/** The views the cache has held, and their parts: shared by construction, never compared. */
const views = new WeakSet<object>();

function isView(value: object): value is Snapshot {
  const candidate = value as Partial<Snapshot>;
  return typeof candidate.generation === 'number' && Array.isArray(candidate.queues);
}

/**
 * Structural sharing for the snapshot query and every select on it: one function, because React Query stores
 * the options of whichever observer last ran as the query's own. A view is never compared with the one before:
 * a patch (or keepUnchanged) already kept every unchanged part the same object, and a select that returns one of
 * those parts as it is returns it untouched. Only what a select builds (the header's figures, the filters'
 * options) is compared, as React Query would.
 */
export function shareViews(previous: unknown, next: unknown): unknown {
  if (typeof next !== 'object' || next === null || views.has(next)) return next;
  if (!isView(next)) return replaceEqualDeep(previous, next);
  views.add(next);
  for (const part of Object.values(next)) if (typeof part === 'object' && part !== null) views.add(part);
  return next;
}

function isNewer(view: Snapshot, than: Snapshot): boolean {
  // Another instance's view (the board was moved to it) is the one to show, whatever its numbers.
  if (view.instanceId !== than.instanceId) return true;
  return view.generation > than.generation || Date.parse(view.generatedAt) > Date.parse(than.generatedAt);
}

/**
 * The poll: a view whole from /api/v1/snapshot, in place of the one `held` returns. A poll that comes back
 * once the stream is `live` again leaves the stream's view as it is: it may be older, and the next patch applies
 * to the stream's generation. So does a view no newer than the one held, live or not: a slow poll may have left
 * before the stream came back with later generations, and come back after it dropped again. Newer is a higher
 * generation or a later generatedAt, so a server whose generations started again lower is still followed, or
 * another instance's view (its board moved).
 */
export function snapshotQueryOptions(
  board: string | null,
  held: () => Snapshot | undefined,
  live: () => boolean,
) {
  return queryOptions({
    queryKey: snapshotKeys.board(board),
    queryFn: async ({ signal }) => {
      const whole = await fetchSnapshot(board, signal);
      const current = held();
      if (current && (live() || !isNewer(whole, current))) return current;
      const view = keepUnchanged(current, whole);
      const id = polledIds.get(whole);
      if (id !== undefined) polledIds.set(view, id);
      return view;
    },
    // The stream keeps the cache fresh; observers never refetch on their own when they mount.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    // A wall display never has focus: keep refreshing in a background tab.
    refetchIntervalInBackground: true,
    retry: true,
    retryDelay: (attempt) => backoffDelay(attempt, { firstMs: 1000, maxMs: 8000 }),
    structuralSharing: shareViews,
  });
}

/** The cache entry of the board on screen; SnapshotFeed provides it. */
export const SnapshotKeyContext = createContext<SnapshotKey>(snapshotKeys.board(null));

/** Writes a pushed view, whole or patched, into the cache as it is. */
export function showView(client: QueryClient, key: SnapshotKey, view: Snapshot): void {
  observeServerTime(view.serverTime);
  client.setQueryData<Snapshot>(key, view);
}

/**
 * The poll's request for the board on screen; SnapshotFeed provides it. Every observer of a query writes its
 * options into the query as it renders, and a retry of the poll runs the request the query holds then: a slice
 * that drew while the poll was failing, with no request of its own, made the retry fail with "Missing queryFn"
 * (shown on the wall) instead of asking again.
 */
export const SnapshotRequestContext = createContext<SnapshotQueryOptions['queryFn'] | null>(null);

type SnapshotQueryOptions = ReturnType<typeof snapshotQueryOptions>;

/** A slice of the snapshot; the component re-renders only when its slice changes. */
export function useSnapshotSelect<T>(select: (snapshot: Snapshot) => T) {
  const request = use(SnapshotRequestContext);
  return useQuery({
    queryKey: use(SnapshotKeyContext),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnMount: false,
    // Only SnapshotFeed fetches; slices read what the stream or the poll put in the cache, and carry the poll's
    // request for its retries (above). Outside a feed (tests), there is none.
    ...(request ? { queryFn: request, enabled: false } : { queryFn: skipToken }),
    select,
    structuralSharing: shareViews,
  });
}
