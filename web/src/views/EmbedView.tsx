import { useFormat } from '../format';
import { QueueGrid } from '../features/queues/QueueGrid';
import { FiguresAge, useFiguresBehind } from '../features/status/StaleBanner';
import { useBoardQueues } from './useBoardQueues';
import type { ViewProps } from './viewProps';
import './embed.css';

/** For an intranet page's iframe: one queue or a board's queues, no chrome, sized by the frame. */
export function EmbedView({ meta, stale, params }: ViewProps) {
  const { queues, statesOf, loaded } = useBoardQueues();
  const format = useFormat();
  const shown = params.queue ? queues.filter((queue) => queue.id === params.queue) : queues;
  const behind = useFiguresBehind(meta);
  return (
    <div className={params.queue ? 'view view-embed embed-single' : 'view view-embed'}>
      <main className={stale ? 'dimmed' : undefined} data-stale={stale || undefined} data-behind={behind}>
        {loaded ? (
          <QueueGrid
            queues={shown}
            statesOf={statesOf}
            emptyText={params.queue ? `No queue ${params.queue} on this board.` : undefined}
          />
        ) : null}
      </main>
      {stale ? (
        <span className="sr-only" role="alert">
          Figures are stale: the last good figures stay on screen.
        </span>
      ) : null}
      <p className={stale ? 'embed-status embed-stale' : 'embed-status'} data-testid="embed-status">
        {stale ? (
          <>
            ⚠ Stale: <FiguresAge meta={meta} /> old
          </>
        ) : meta?.dataSnapshotTime ? (
          <>As of {format.clock(Date.parse(meta.dataSnapshotTime))}</>
        ) : null}
      </p>
    </div>
  );
}
