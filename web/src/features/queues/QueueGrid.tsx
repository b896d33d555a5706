import type { FigureState, Queue } from '@switchboard/shared';
import { memo, useState } from 'react';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { QueueTile } from './QueueTile';

export interface QueueGridProps {
  queues: readonly Queue[];
  statesOf: (queue: Queue) => Record<string, FigureState>;
  onOpen?: (queueId: string) => void;
  selectedId?: string | null;
  /** Words for an empty grid: filters that match nothing differ from an instance with no queues. */
  emptyText?: string;
  /** Laptop: at most this many tiles at once, with pages; every tile drawn is a tile re-rendered each update. */
  pageSize?: number;
}

export const QueueGrid = memo(function QueueGrid({
  queues,
  statesOf,
  onOpen,
  selectedId,
  emptyText,
  pageSize,
}: QueueGridProps) {
  const [page, setPage] = useState(0);
  if (queues.length === 0) {
    return (
      <p className="empty" data-testid="queues-empty">
        {emptyText ?? 'No queues yet: Connect has not reported any standard queue for this instance.'}
      </p>
    );
  }
  const pages = pageSize ? Math.ceil(queues.length / pageSize) : 1;
  const current = Math.min(page, pages - 1);
  const shown = pageSize ? queues.slice(current * pageSize, (current + 1) * pageSize) : queues;
  return (
    <>
      <section className="queue-grid" aria-label="Queues">
        {shown.map((queue) => (
          <ErrorBoundary key={queue.id} what={`queue ${queue.name}`} resetKey={queue}>
            <QueueTile
              queue={queue}
              states={statesOf(queue)}
              onOpen={onOpen}
              selected={queue.id === selectedId}
            />
          </ErrorBoundary>
        ))}
      </section>
      {pages > 1 && pageSize ? (
        <nav className="pager" aria-label="Queue pages">
          <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </button>
          <span data-testid="queue-page">
            Queues {current * pageSize + 1}–{Math.min(queues.length, (current + 1) * pageSize)} of{' '}
            {queues.length}
          </span>
          <button type="button" disabled={current === pages - 1} onClick={() => setPage(current + 1)}>
            Next
          </button>
        </nav>
      ) : null}
    </>
  );
});
