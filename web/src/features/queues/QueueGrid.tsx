import type { FigureState, Queue } from '@switchboard/shared';
import { memo, useRef } from 'react';
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
}

const queueIdOf = (element: HTMLElement) => element.dataset.queueId;

export const QueueGrid = memo(function QueueGrid({
  queues,
  statesOf,
  onOpen,
  selectedId,
  emptyText,
}: QueueGridProps) {
  const grid = useRef<HTMLElement>(null);
  const far = useFarChildren(grid, '[data-queue-id]', queueIdOf);
  if (queues.length === 0) {
    return (
      <p className="empty" data-testid="queues-empty">
        {emptyText ?? 'No queues yet: Connect has not reported any standard queue for this instance.'}
      </p>
    );
  }
  return (
    <section className="queue-grid" aria-label="Queues" ref={grid}>
      {queues.map((queue) => {
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
  );
});
