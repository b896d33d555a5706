import type { SnapshotMeta } from '../api/useSnapshotSlices';
import { useFormat } from '../format';
import { QueueGrid } from '../features/queues/QueueGrid';
import type { Freshness } from '../features/status/StaleBanner';
import { formatDuration } from '../format';
import type { ViewParams } from '../url';
import { useBoardQueues } from './useBoardQueues';

/** For an intranet page's iframe: one queue or a board's queues, no chrome, sized by the frame. */
export function EmbedView({
  meta,
  fresh,
  params,
}: {
  meta: SnapshotMeta | undefined;
  fresh: Freshness;
  params: ViewParams;
}) {
  const { queues, statesOf, loaded } = useBoardQueues();
  const format = useFormat();
  const shown = params.queue ? queues.filter((queue) => queue.id === params.queue) : queues;
  return (
    <div className={params.queue ? 'view view-embed embed-single' : 'view view-embed'}>
      <main className={fresh.stale ? 'dimmed' : undefined} data-stale={fresh.stale || undefined}>
        {loaded ? (
          <QueueGrid
            queues={shown}
            statesOf={statesOf}
            emptyText={params.queue ? `No queue ${params.queue} on this board.` : undefined}
          />
        ) : null}
      </main>
      <p
        className={fresh.stale ? 'embed-status embed-stale' : 'embed-status'}
        role={fresh.stale ? 'alert' : undefined}
        data-testid="embed-status"
      >
        {fresh.stale ? (
          <>⚠ Stale: {formatDuration((fresh.ageMs ?? 0) / 1000)} old</>
        ) : meta?.dataSnapshotTime ? (
          <>As of {format.clock(Date.parse(meta.dataSnapshotTime))}</>
        ) : null}
      </p>
    </div>
  );
}
