import { figureDescriptor, type FigureState, type Queue } from '@switchboard/shared';
import { memo } from 'react';
import { abandonedState, abandonRate } from '../../api/selectors';
import { ChannelIcon, channelWord } from '../../components/ChannelIcon';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { Figure, figureLabels, HeadlineFigures, ON_CONTACT_NOTE } from '../../components/Figure';
import { useBoard } from '../../board';
import { useFormat } from '../../format';
import { AtRiskMark } from '../../components/forecast/Forecast';
import './queues.css';

/** The agents' line of a tile, in its order. */
const AGENT_FIGURES = [
  'AGENTS_AVAILABLE',
  'AGENTS_ON_CONTACT',
  'AGENTS_AFTER_CONTACT_WORK',
  'AGENTS_STAFFED',
] as const;

export interface QueueTileProps {
  queue: Queue;
  states: Record<string, FigureState>;
  /** Drill-down on the laptop: a button on the title. */
  onOpen?: (queueId: string) => void;
  selected?: boolean;
}

/**
 * A queue tile while it is off screen (see useFarChildren): it stands in at its last height with the queue's
 * name only, and the grid draws the whole tile again when it comes back. No figure on the page is ever an old
 * one left behind, and a tile nobody sees does not redraw on every update.
 */
export const HeldQueueTile = memo(function HeldQueueTile({
  id,
  name,
  height,
}: {
  id: string;
  name: string;
  height: number;
}) {
  return (
    <article
      className="tile queue-tile"
      data-queue-id={id}
      data-held=""
      aria-label={`Queue ${name}`}
      aria-busy="true"
      style={{ height }}
    >
      <h2 className="tile-title">{name}</h2>
    </article>
  );
});

/**
 * A queue at a glance: what is waiting now, who can take it, and how today is going against the target. A tile
 * that cannot be drawn says so in its own place; the boundary sits inside the memo, so a tile whose queue did
 * not change costs nothing on an update.
 */
export const QueueTile = memo(function QueueTile(props: QueueTileProps) {
  return (
    <ErrorBoundary what={`queue ${props.queue.name}`} resetKey={props.queue}>
      <QueueTileBody {...props} />
    </ErrorBoundary>
  );
});

function QueueTileBody({ queue, states, onOpen, selected }: QueueTileProps) {
  const format = useFormat();
  const { serviceLevelMetric, targetPercent } = useBoard();
  const serviceLevel = figureDescriptor(serviceLevelMetric);
  const { realtime, today } = queue;
  const worst: FigureState | undefined = Object.values(states).includes('critical')
    ? 'critical'
    : Object.values(states).includes('warn')
      ? 'warn'
      : undefined;
  const byChannel = queue.channels.length > 1 ? queue.channels.filter((c) => queue.realtimeByChannel[c]) : [];
  const rate = abandonRate(today);
  return (
    <article
      className="tile queue-tile"
      data-queue-id={queue.id}
      data-worst={worst}
      aria-label={`Queue ${queue.name}`}
      aria-current={selected ? 'true' : undefined}
    >
      <h2 className="tile-title">
        {onOpen ? (
          <button type="button" className="link-button" onClick={() => onOpen(queue.id)}>
            {queue.name}
          </button>
        ) : (
          queue.name
        )}
        <AtRiskMark forecast={queue.forecast} figuresFine={worst === undefined} />
        <span className="tile-channels">
          {queue.channels.map((channel) => (
            <ChannelIcon key={channel} channel={channel} />
          ))}
        </span>
      </h2>
      <dl className="figures figures-now">
        <HeadlineFigures realtime={realtime} states={states} />
      </dl>
      <dl className="figures figures-agents" aria-label="Agents">
        {AGENT_FIGURES.map((metric) => (
          <Figure
            key={metric}
            {...figureLabels(metric, true)}
            value={format.figure(metric, realtime[metric])}
            state={states[metric]}
            {...(metric === 'AGENTS_ON_CONTACT' ? ON_CONTACT_NOTE : {})}
          />
        ))}
      </dl>
      <dl className="figures figures-today" aria-label="Today">
        <Figure
          metric={serviceLevelMetric}
          label={`${serviceLevel.shortLabel} / ${format.percent(targetPercent)}`}
          title={`${serviceLevel.label} today, against the ${format.percent(targetPercent)} target`}
          value={format.figure(serviceLevelMetric, today[serviceLevelMetric])}
          state={states[serviceLevelMetric]}
        />
        <Figure
          {...figureLabels('CONTACTS_ABANDONED', true)}
          value={format.figure('CONTACTS_ABANDONED', today.CONTACTS_ABANDONED)}
          state={abandonedState(states)}
          detail={rate === null ? null : format.figure('ABANDON_RATE', rate)}
        />
        <Figure
          {...figureLabels('QUEUE_ANSWER_TIME', true)}
          value={format.figure('QUEUE_ANSWER_TIME', today.QUEUE_ANSWER_TIME)}
          state={states.QUEUE_ANSWER_TIME}
        />
      </dl>
      {byChannel.length > 0 ? (
        <ul className="channel-line" aria-label="By channel">
          {byChannel.map((channel) => {
            const figures = queue.realtimeByChannel[channel] ?? {};
            return (
              <li key={channel} data-channel={channel}>
                <ChannelIcon channel={channel} />
                <span aria-label={`${channelWord(channel)}: in queue`}>
                  {format.figure('CONTACTS_IN_QUEUE', figures.CONTACTS_IN_QUEUE)}
                </span>
                <span className="channel-oldest" aria-label={`${channelWord(channel)}: oldest contact`}>
                  {format.figure('OLDEST_CONTACT_AGE', figures.OLDEST_CONTACT_AGE)}
                </span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </article>
  );
}
