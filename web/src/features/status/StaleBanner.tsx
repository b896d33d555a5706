import { useNow } from '../../api/clock';
import { useConnection } from '../../api/SnapshotFeed';
import type { SnapshotMeta } from '../../api/useSnapshotSlices';
import { useBoard } from '../../board';
import { describeDuration, formatDuration } from '../../format';

export interface Freshness {
  stale: boolean;
  ageMs: number | null;
}

/**
 * Figures are stale when the server says so (Connect has not answered for longer than the limit), and also
 * when this page has heard nothing from the server for that long: a dead link must not look like a quiet day.
 */
export function freshness(meta: SnapshotMeta | undefined, nowMs: number, staleAfterMs: number): Freshness {
  if (!meta) return { stale: false, ageMs: null };
  const fetchedAt = Date.parse(meta.queuesFetchedAt ?? meta.generatedAt);
  const ageMs = Math.max(0, nowMs - fetchedAt);
  const heardFrom = Date.parse(meta.serverTime);
  const silentMs = Math.max(0, nowMs - heardFrom);
  return { stale: meta.stale || ageMs > staleAfterMs || silentMs > staleAfterMs, ageMs };
}

export function useFreshness(meta: SnapshotMeta | undefined): Freshness {
  const now = useNow();
  const { staleAfterMs } = useBoard();
  return freshness(meta, now, staleAfterMs);
}

/** Says at once, in words, when the figures on screen cannot be trusted, and how old they are. */
export function StaleBanner({ meta, fresh }: { meta: SnapshotMeta | undefined; fresh: Freshness }) {
  const { connection, error } = useConnection();
  const problems: string[] = [];
  if (connection === 'offline') problems.push('Connection to the wallboard server lost; retrying.');
  if (meta?.sectionErrors.length) {
    problems.push(
      `Connect is not answering for ${meta.sectionErrors.map((e) => e.name).join(', ')}: the last good figures stay on screen.`,
    );
  }
  if (!fresh.stale && problems.length === 0) return null;
  const age = fresh.ageMs === null ? null : fresh.ageMs / 1000;
  return (
    <div className="stale-banner" role="alert" data-testid="stale-banner">
      <strong>
        <span aria-hidden="true">⚠ </span>
        {fresh.stale ? (
          <>
            Figures are stale: <span aria-label={describeDuration(age)}>{formatDuration(age)}</span> old
          </>
        ) : (
          'Figures may be incomplete'
        )}
      </strong>
      {problems.map((problem) => (
        <span key={problem}> {problem}</span>
      ))}
      {connection === 'offline' && error ? <span className="banner-detail"> ({error.message})</span> : null}
    </div>
  );
}
