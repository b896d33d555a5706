import type { Snapshot } from '@switchboard/shared';

/**
 * The snapshot as of `now`: each section is stale once its figures are older than its own refresh interval plus
 * the stale limit (today's figures refresh every half minute, the queues every few seconds), and the snapshot is
 * stale when its real-time queue figures are. The poller and every replica that serves a cached snapshot use it.
 */
export function ageSnapshot(snapshot: Snapshot, now: number, staleAfterMs: number): Snapshot {
  const sections = Object.fromEntries(
    Object.entries(snapshot.sections).map(([name, section]) => {
      const age = section.fetchedAt ? now - Date.parse(section.fetchedAt) : Infinity;
      return [name, { ...section, stale: age > staleAfterMs + (section.intervalMs ?? 0) }];
    }),
  ) as Snapshot['sections'];
  return { ...snapshot, serverTime: new Date(now).toISOString(), sections, stale: sections.queues.stale };
}
