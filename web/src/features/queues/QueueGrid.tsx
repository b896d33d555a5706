import type { Queue } from '@switchboard/shared';
import { QueueTile } from './QueueTile';

export function QueueGrid({ queues }: { queues: Queue[] }) {
  if (queues.length === 0) {
    return (
      <p className="empty">No queues yet: Connect has not reported any standard queue for this instance.</p>
    );
  }
  return (
    <section className="queue-grid" aria-label="Queues">
      {queues.map((queue) => (
        <QueueTile key={queue.id} queue={queue} />
      ))}
    </section>
  );
}
