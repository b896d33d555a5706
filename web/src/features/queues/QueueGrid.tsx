import type { FigureState, Queue } from '@switchboard/shared';
import { memo, useRef, useState } from 'react';
import { useFarChildren } from '../../components/nearViewport';
import { HeldQueueTile, QueueTile } from './QueueTile';
import './queues.css';

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

const queueIdOf = (element: HTMLElement) => element.dataset.queueId;

export const QueueGrid = memo(function QueueGrid({
  queues,
  statesOf,
  onOpen,
  selectedId,
  emptyText,
  pageSize,
}: QueueGridProps) {
  const [page, setPage] = useState(0);
  const grid = useRef<HTMLElement>(null);
  const pages = pageSize ? Math.ceil(queues.length / pageSize) : 1;
  const current = Math.min(page, Math.max(0, pages - 1));
  const shown = pageSize ? queues.slice(current * pageSize, (current + 1) * pageSize) : queues;
  const far = useFarChildren(grid, '[data-queue-id]', queueIdOf);
  if (queues.length === 0) {
    return (
      <p className="empty" data-testid="queues-empty">
        {emptyText ?? 'No queues yet: Connect has not reported any standard queue for this instance.'}
      </p>
    );
  }
  return (
    <>
      <section className="queue-grid" aria-label="Queues" ref={grid}>
        {shown.map((queue) => {
          const held = far.get(queue.id);
          return held === undefined ? (
            <QueueTile
              key={queue.id}
              queue={queue}
              states={statesOf(queue)}
              onOpen={onOpen}
              selected={queue.id === selectedId}
            />
          ) : (
            <HeldQueueTile key={queue.id} id={queue.id} name={queue.name} height={held} />
          );
        })}
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
