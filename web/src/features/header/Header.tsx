import type { Snapshot } from '@switchboard/shared';
import { formatTime } from '../../format';

export function Header({ snapshot }: { snapshot: Snapshot | undefined }) {
  return (
    <header className="header">
      <h1>Switchboard</h1>
      <p className="data-as-of" data-testid="data-as-of">
        Data as of {snapshot?.dataSnapshotTime ? formatTime(snapshot.dataSnapshotTime) : '—'}
      </p>
      {snapshot?.stale ? (
        <p className="stale-banner" role="alert">
          Figures are stale
        </p>
      ) : null}
    </header>
  );
}
