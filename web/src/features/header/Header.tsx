import { useLayoutEffect, useRef } from 'react';
import { tickTime } from '../../api/clock';
import { useConnection, type ConnectionState } from '../../api/SnapshotFeed';
import type { SnapshotMeta } from '../../api/useSnapshotSlices';
import { useBoard } from '../../board';
import { keepClock } from '../../components/ticker';
import { useFormat, type Formatters } from '../../format';
import './header.css';

const CONNECTION_WORDS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Live (polling)',
  offline: 'Connection lost',
};

const CONNECTION_GLYPHS: Record<ConnectionState, string> = {
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

/** Board title, the time where the contact centre is, how fresh the figures are, and the link's health. */
export function Header({ meta, children }: { meta: SnapshotMeta | undefined; children?: React.ReactNode }) {
  const { board } = useBoard();
  const format = useFormat();
  const { connection } = useConnection();
  return (
    <header className="header">
      <h1>{board.title}</h1>
      <p className="clock" aria-label={`Time in ${format.timeZone}`}>
        <Clock format={format} />
        <span className="clock-zone">{format.timeZone}</span>
      </p>
      <p className="data-as-of" data-testid="data-as-of">
        Data as of{' '}
        {meta?.dataSnapshotTime ? (
          <time dateTime={meta.dataSnapshotTime}>{format.clock(Date.parse(meta.dataSnapshotTime))}</time>
        ) : (
          '—'
        )}
      </p>
      {children}
      <p className="connection" data-connection={connection} role="status" aria-live="polite">
        <span className="connection-glyph" aria-hidden="true">
          {CONNECTION_GLYPHS[connection]}
        </span>
        {CONNECTION_WORDS[connection]}
      </p>
    </header>
  );
}
