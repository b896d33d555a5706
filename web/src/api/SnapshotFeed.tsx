import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, use, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { defaultParser, type SnapshotParser } from './parseSnapshot';
import { applyPushedSnapshot, FALLBACK_POLL_MS, snapshotQueryOptions } from './snapshot';
import { SnapshotStream, type StreamOptions } from './stream';

/** How this page gets its figures right now, as the header shows it. */
export type ConnectionState = 'connecting' | 'live' | 'polling' | 'offline';

interface Feed {
  connection: ConnectionState;
  error: Error | null;
}

const FeedContext = createContext<Feed>({ connection: 'connecting', error: null });

export interface SnapshotFeedProps {
  children: ReactNode;
  parser?: SnapshotParser;
  streamOptions?: Partial<StreamOptions>;
}

/**
 * The one place that brings snapshots in: the push stream into the cache, and while it is down, a poll of
 * /api/v1/snapshot every two seconds. Mount it once, above every component that reads the snapshot.
 */
export function SnapshotFeed({ children, parser: givenParser, streamOptions }: SnapshotFeedProps) {
  const client = useQueryClient();
  const [parser] = useState(() => givenParser ?? defaultParser());
  const [invalid, setInvalid] = useState<Error | null>(null);
  const [stream] = useState(
    () =>
      new SnapshotStream({
        parser,
        onSnapshot: (snapshot) => {
          setInvalid(null);
          applyPushedSnapshot(client, snapshot);
        },
        onInvalid: setInvalid,
        ...streamOptions,
      }),
  );
  useEffect(() => {
    stream.start();
    return () => stream.stop();
  }, [stream]);
  const streamState = useSyncExternalStore(stream.subscribe, stream.getState);
  const live = streamState === 'live';
  const poll = useQuery({
    ...snapshotQueryOptions(parser),
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });

  let connection: ConnectionState;
  if (live) connection = 'live';
  else if (poll.failureCount > 0 || (poll.isError && poll.fetchStatus === 'idle')) connection = 'offline';
  else if (poll.data) connection = 'polling';
  else connection = 'connecting';

  const error = poll.failureCount > 0 ? (poll.failureReason ?? poll.error) : (invalid ?? null);
  return <FeedContext value={{ connection, error: live ? invalid : error }}>{children}</FeedContext>;
}

export function useConnection(): Feed {
  return use(FeedContext);
}
