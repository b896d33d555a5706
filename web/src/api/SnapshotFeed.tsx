import type { Snapshot } from '@switchboard/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  use,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { observeServerTime } from './clock';
import { observeServedWebBuild } from './webBuild';
import {
  apiPath,
  fallbackPollMs,
  showView,
  snapshotKeys,
  SnapshotKeyContext,
  SnapshotRequestContext,
  snapshotQueryOptions,
} from './snapshot';
import { SnapshotStream, type StreamOptions } from './stream';
import { onScreenIdRenewed, runScreenCommand, screenStreamUrl, whenScreenIdSettled } from './screenReport';

/** How this page gets its figures right now, as the header shows it. */
export type ConnectionState = 'connecting' | 'live' | 'polling' | 'offline';

interface Feed {
  connection: ConnectionState;
  error: Error | null;
  board: string | null;
  /**
   * Polls the view now, with the poll's own options. Not invalidateQueries: that fetches with the options of
   * whichever observer of the query last rendered (a slice's carry the poll's request, but not its retries).
   */
  refresh: () => Promise<unknown>;
}

const DEVICE_OFFLINE = new Error('The browser reports no network connection.');

const FeedContext = createContext<Feed>({
  connection: 'connecting',
  error: null,
  board: null,
  refresh: () => Promise.resolve(),
});

/**
 * What a heartbeat of the stream says (`first`: the first of its connection): the server's time, fresh when it is
 * the first or the server says it wrote it with nothing queued ahead of it, and the web app the replica serves.
 */
export function takeHeartbeat(data: string, first: boolean): void {
  try {
    const { serverTime, webBuild, fresh } = JSON.parse(data) as {
      serverTime?: unknown;
      webBuild?: unknown;
      fresh?: unknown;
    };
    if (typeof serverTime === 'string') observeServerTime(serverTime, { fresh: first || fresh === true });
    // A replica that says nothing of its web app (one older than this build) leaves it unknown.
    if (first || webBuild !== undefined)
      observeServedWebBuild(typeof webBuild === 'string' ? webBuild : null);
  } catch {
    // A heartbeat without a time still proves the link is alive.
  }
}

export interface SnapshotFeedProps {
  children: ReactNode;
  /** The board in the URL: the server serves the view of that board's Connect instance. */
  board?: string | null;
  /** For tests: a fake EventSource, shorter timers. */
  streamOptions?: Partial<StreamOptions>;
  /**
   * The board is not in the configuration (the page says so): no stream and no poll, which the server would only
   * refuse, over and over, for as long as the screen stays on. The configuration is read again every so often; a
   * board added to it starts the feed.
   */
  idle?: boolean;
}

/**
 * The one place that brings the board's view in: the push stream (the view whole, then patches) into the cache,
 * and while it is down, a poll of /api/v1/snapshot about every two seconds (fallbackPollMs). The cache entry is the view the page holds:
 * the next patch applies to it, whichever way it came (to a polled one, a board's patch only where the poll named
 * the same revision of the board as the patch). Mount it once, above every component that reads the
 * snapshot, keyed by the board: another board may be another Connect instance, with its own stream.
 */
export function SnapshotFeed({ children, board = null, streamOptions, idle = false }: SnapshotFeedProps) {
  const client = useQueryClient();
  const [key] = useState(() => snapshotKeys.board(board));
  const [held] = useState(() => () => client.getQueryData<Snapshot>(key));
  const [invalid, setInvalid] = useState<Error | null>(null);
  const [stream] = useState(
    () =>
      new SnapshotStream({
        url: () => screenStreamUrl(apiPath('/api/v1/stream', board)),
        onCommand: runScreenCommand,
        held,
        onView: (view) => {
          setInvalid(null);
          showView(client, key, view);
        },
        onInvalid: setInvalid,
        onHeartbeat: takeHeartbeat,
        ...streamOptions,
      }),
  );
  useEffect(() => {
    if (idle) return undefined;
    // The stream names this tab's screen id, which it knows a moment after the page starts (another tab of the
    // browser may be that screen); the first figures come from the poll meanwhile.
    const waiting = whenScreenIdSettled(() => stream.start());
    // Under a new screen id, the stream connects again, so the server counts it as this screen's.
    const renewed = onScreenIdRenewed(() => {
      stream.stop();
      stream.start();
    });
    return () => {
      waiting();
      renewed();
      stream.stop();
    };
  }, [stream, idle]);
  const streamState = useSyncExternalStore(stream.subscribe, stream.getState);
  const silencedAt = useSyncExternalStore(stream.subscribe, stream.getSilencedAt);
  const live = streamState === 'live';
  // One request for the life of the feed: the poll's, and carried by every slice (SnapshotRequestContext).
  const [request] = useState(() => snapshotQueryOptions(board, held, () => stream.getState() === 'live'));
  const [pollMs] = useState(() => fallbackPollMs(streamOptions?.random));
  const poll = useQuery({ ...request, enabled: !idle, refetchInterval: live || idle ? false : pollMs });

  // Once the browser says it is offline, React Query pauses each poll rather than failing it: no failure is
  // counted and no error set, and a device off the network would read "Live (polling)" for as long as it is.
  const paused = poll.fetchStatus === 'paused';
  const lost = paused || poll.failureCount > 0 || (poll.isError && poll.fetchStatus === 'idle');
  // The stream went silent, and nothing has come from the server since (the views in the cache are the stream's,
  // from before): a link dead half-open, where a poll hangs until its own timeout, is lost from the moment the
  // stream gave up on it, not "Live (polling)" on old figures for another half minute. A connection that ended of
  // itself (a restart, a proxy) is not: the poll takes over within a couple of seconds, as it always did.
  const unheard = !live && silencedAt !== null && poll.dataUpdatedAt < silencedAt;
  let connection: ConnectionState;
  if (live) connection = 'live';
  else if (lost || unheard) connection = 'offline';
  else if (poll.data) connection = 'polling';
  else connection = 'connecting';

  const error =
    poll.failureCount > 0 ? (poll.failureReason ?? poll.error) : paused ? DEVICE_OFFLINE : (invalid ?? null);
  const shown = live ? invalid : error;
  // The same object while nothing in it changes: a new one on every snapshot would make React look through
  // every component on the page for readers of the feed.
  const refresh = poll.refetch;
  const feed = useMemo(
    () => ({ connection, error: shown, board, refresh }),
    [connection, shown, board, refresh],
  );
  return (
    <SnapshotKeyContext value={key}>
      <SnapshotRequestContext value={request.queryFn ?? null}>
        <FeedContext value={feed}>{children}</FeedContext>
      </SnapshotRequestContext>
    </SnapshotKeyContext>
  );
}

export function useConnection(): Feed {
  return use(FeedContext);
}
