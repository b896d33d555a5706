import { useLayoutEffect, useRef } from 'react';
import { tickTime } from '../../api/clock';
import { useConnection, type ConnectionState } from '../../api/SnapshotFeed';
import type { SnapshotMeta } from '../../api/useSnapshotSlices';
import { useBoard } from '../../board';
import { keepClock } from '../../components/ticker';
import { useFormat, type Formatters } from '../../format';
import './header.css';

/** What the header says of the link and the figures: the connection's state, or that its figures are stale. */
type HeaderState = ConnectionState | 'replay' | 'stale';

const CONNECTION_WORDS: Record<HeaderState, string> = {
  replay: 'Replay, not live',
  stale: 'Connected, figures stale',
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Live (polling)',
  offline: 'Connection lost',
};

const CONNECTION_GLYPHS: Record<HeaderState, string> = {
  replay: '◼',
  stale: '▲',
  connecting: '◌',
  live: '●',
  polling: '◍',
  offline: '✕',
};

/** The time now where the contact centre is; the shared ticker turns it over each second. */
function Clock({ format }: { format: Formatters }) {
  const element = useRef<HTMLTimeElement>(null);
  useLayoutEffect(() => (element.current ? keepClock(element.current, format.clock) : undefined), [format]);
  const now = tickTime();
  return (
    <time ref={element} dateTime={new Date(now).toISOString()}>
      {format.clock(now)}
    </time>
  );
}

/**
 * Board title, the time where the contact centre is, how fresh the figures are, and the link's health; while a
 * past moment is replayed (`replayAt`), that moment and "Replay, not live" in their place, and while the figures
 * are stale (Connect not answering, the server hung), "Connected, figures stale": the header never says Live
 * above figures that are not.
 */
export function Header({
  meta,
  stale = false,
  replayAt = null,
  children,
}: {
  meta: SnapshotMeta | undefined;
  /** The figures on screen are stale: the header does not say Live over them, connected or not. */
  stale?: boolean;
  replayAt?: number | null;
  children?: React.ReactNode;
}) {
  const { board } = useBoard();
  const format = useFormat();
  const { connection } = useConnection();
  const state: HeaderState =
    replayAt !== null
      ? 'replay'
      : stale && (connection === 'live' || connection === 'polling')
        ? 'stale'
        : connection;
  return (
    <header className="header">
      <h1 title={board.title}>{board.title}</h1>
      <p className="clock" aria-label={`Time in ${format.timeZone}`}>
        <Clock format={format} />
        <span className="clock-zone">{format.timeZone}</span>
      </p>
      <p className="data-as-of" data-testid="data-as-of">
        {replayAt !== null ? (
          <>
            Replaying{' '}
            <time dateTime={new Date(replayAt).toISOString()}>
              {format.clock(replayAt)}, {format.day(replayAt)}
            </time>
          </>
        ) : (
          <>
            Data as of{' '}
            {meta?.dataSnapshotTime ? (
              <time dateTime={meta.dataSnapshotTime}>{format.clock(Date.parse(meta.dataSnapshotTime))}</time>
            ) : (
              '—'
            )}
          </>
        )}
      </p>
      {children}
      <p className="connection" data-connection={state} role="status" aria-live="polite">
        <span className="connection-glyph" aria-hidden="true">
          {CONNECTION_GLYPHS[state]}
        </span>
        {CONNECTION_WORDS[state]}
      </p>
    </header>
  );
}
