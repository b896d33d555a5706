import { metricLabel, type Queue } from '@switchboard/shared';
import { formatCount, formatDuration } from '../../format';

export function QueueTile({ queue }: { queue: Queue }) {
  const { realtime } = queue;
  return (
    <article className="tile queue-tile" data-queue-id={queue.id} aria-label={`Queue ${queue.name}`}>
      <h2 className="tile-title">{queue.name}</h2>
      <dl className="figures">
        <div className="figure figure-main" data-metric="CONTACTS_IN_QUEUE">
          <dt>{metricLabel('CONTACTS_IN_QUEUE')}</dt>
          <dd>{formatCount(realtime.CONTACTS_IN_QUEUE)}</dd>
        </div>
        <div className="figure" data-metric="OLDEST_CONTACT_AGE">
          <dt>{metricLabel('OLDEST_CONTACT_AGE')}</dt>
          <dd>{formatDuration(realtime.OLDEST_CONTACT_AGE)}</dd>
        </div>
        <div className="figure" data-metric="AGENTS_AVAILABLE">
          <dt>{metricLabel('AGENTS_AVAILABLE')}</dt>
          <dd>{formatCount(realtime.AGENTS_AVAILABLE)}</dd>
        </div>
        <div className="figure" data-metric="AGENTS_ON_CONTACT">
          <dt>{metricLabel('AGENTS_ON_CONTACT')}</dt>
          <dd>{formatCount(realtime.AGENTS_ON_CONTACT)}</dd>
        </div>
      </dl>
    </article>
  );
}
