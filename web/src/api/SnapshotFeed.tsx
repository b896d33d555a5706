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
import { defaultParser } from './checkerWorker';
import type { SnapshotParser } from './parseSnapshot';
import {
  apiPath,
  applyPushedSnapshot,
  FALLBACK_POLL_MS,
  snapshotKeys,
  SnapshotKeyContext,
  snapshotQueryOptions,
} from './snapshot';
import { SnapshotStream, type StreamOptions } from './stream';

/** How this page gets its figures right now, as the header shows it. */
export type ConnectionState = 'connecting' | 'live' | 'polling' | 'offline';

interface Feed {
  connection: ConnectionState;
  error: Error | null;
  board: string | null;
}

const FeedContext = createContext<Feed>({ connection: 'connecting', error: null, board: null });

export interface SnapshotFeedProps {
  children: ReactNode;
  /** The board in the URL: the server serves the snapshot of that board's Connect instance. */
  board?: string | null;
  parser?: SnapshotParser;
  /** For tests. A `createSource` given here replaces the parser's own stream (openStream) as well. */
  streamOptions?: Partial<StreamOptions>;
}

/**
 * The one place that brings snapshots in: the push stream into the cache, and while it is down, a poll of
 * /api/v1/snapshot every two seconds. Mount it once, above every component that reads the snapshot, keyed by
 * the board: another board may be another Connect instance, with its own stream.
 */
export function SnapshotFeed({
  children,
  board = null,
  parser: givenParser,
  streamOptions,
}: SnapshotFeedProps) {
  const client = useQueryClient();
  const [key] = useState(() => snapshotKeys.board(board));
  const [parser] = useState(() => givenParser ?? defaultParser());
  const [invalid, setInvalid] = useState<Error | null>(null);
  const [stream] = useState(() => {
    // Where the parser checks in a worker, the stream is held there too: its text never reaches the page.
    const openStream = parser.openStream?.bind(parser);
    return new SnapshotStream({
      parser,
      url: apiPath('/api/v1/stream', board),
      onSnapshot: (snapshot) => {
        setInvalid(null);
        applyPushedSnapshot(client, key, snapshot);
      },
      onInvalid: setInvalid,
      onHeartbeat: (data) => {
        try {
          const { serverTime } = JSON.parse(data) as { serverTime?: unknown };
          if (typeof serverTime === 'string') observeServerTime(serverTime);
        } catch {
          // A heartbeat without a time still proves the link is alive.
        }
      },
      ...(openStream ? { createSource: openStream } : {}),
      ...streamOptions,
    });
  });
  useEffect(() => {
    stream.start();
    return () => {
      stream.stop();
      // A parser this feed made is this feed's to let go (its worker holds the last snapshot). A closed
      // parser still works, on the page, should the feed start again (React's StrictMode does, in development).
      if (!givenParser) parser.close();
    };
  }, [stream, parser, givenParser]);
  const streamState = useSyncExternalStore(stream.subscribe, stream.getState);
  const live = streamState === 'live';
  const poll = useQuery({
    ...snapshotQueryOptions(parser, board),
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });

  let connection: ConnectionState;
  if (live) connection = 'live';
  else if (poll.failureCount > 0 || (poll.isError && poll.fetchStatus === 'idle')) connection = 'offline';
  else if (poll.data) connection = 'polling';
  else connection = 'connecting';

  const error = poll.failureCount > 0 ? (poll.failureReason ?? poll.error) : (invalid ?? null);
  const shown = live ? invalid : error;
  // The same object while nothing in it changes: a new one on every snapshot would make React look through
  // every component on the page for readers of the feed.
  const feed = useMemo(() => ({ connection, error: shown, board }), [connection, shown, board]);
  return (
    <SnapshotKeyContext value={key}>
      <FeedContext value={feed}>{children}</FeedContext>
    </SnapshotKeyContext>
  );
}

export function useConnection(): Feed {
  return use(FeedContext);
}
