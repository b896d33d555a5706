import type { FigureState, Queue } from '@switchboard/shared';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { QueueTile } from './QueueTile';

export interface QueueGridProps {
  queues: readonly Queue[];
  statesOf: (queue: Queue) => Record<string, FigureState>;
  onOpen?: (queueId: string) => void;
  selectedId?: string | null;
  /** Words for an empty grid: filters that match nothing differ from an instance with no queues. */
  emptyText?: string;
}

export function QueueGrid({ queues, statesOf, onOpen, selectedId, emptyText }: QueueGridProps) {
  if (queues.length === 0) {
    return (
      <p className="empty" data-testid="queues-empty">
        {emptyText ?? 'No queues yet: Connect has not reported any standard queue for this instance.'}
      </p>
    );
  }
  return (
    <section className="queue-grid" aria-label="Queues">
      {queues.map((queue) => (
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
  );
}
