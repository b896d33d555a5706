import type { Snapshot } from '@switchboard/shared';
import { memo } from 'react';
import { abandonedState, abandonRate } from '../../api/selectors';
import { Figure, figureLabels, HeadlineFigures, ON_CONTACT_NOTE } from '../../components/Figure';
import { useBoard } from '../../board';
import { useFormat } from '../../format';
import { ForecastSummary } from '../../components/forecast/Forecast';
import './summary.css';

/**
 * The agents' figures of the strip, in its order. Each counts an agent once, but On contact includes the agents
 * in after-contact work, as Connect's AGENTS_ON_CONTACT does ("Real-time metrics definitions", On contact): the
 * figure says so, so nobody adds ACW to it and expects Staffed.
 */
const AGENT_FIGURES = [
  'AGENTS_AVAILABLE',
  'AGENTS_ON_CONTACT',
  'AGENTS_AFTER_CONTACT_WORK',
  'AGENTS_NON_PRODUCTIVE',
  'AGENTS_STAFFED',
] as const;

/** The instance at a glance: totals where each agent counts once, whatever the number of queues they serve. */
export const SummaryStrip = memo(function SummaryStrip({
  summary,
  queuesShort,
  note,
}: {
  summary: Snapshot['summary'];
  /** How many of the view's queues the forecast finds short of agents (useQueuesShort). */
  queuesShort?: number | undefined;
  /** What the totals cover, when the page below shows less of the board (a filter, one queue drilled into). */
  note?: string | undefined;
}) {
  const format = useFormat();
  const { serviceLevelMetric, targetPercent, board } = useBoard();
  const { realtime, today, states } = summary;
  const rate = abandonRate(today);
  return (
    <section
      className="summary-strip"
      // Whose totals: a board of some queues sums those (an alert beside it may be the whole centre's).
      aria-label={board.queueIds === null ? 'Totals of the whole centre' : `Totals of ${board.title}`}
      data-testid="summary"
    >
      {note ? (
        <p className="summary-note" data-testid="summary-note">
          {note}
        </p>
      ) : null}
      <dl className="figures">
        <HeadlineFigures realtime={realtime} states={states} />
        {AGENT_FIGURES.map((metric) => (
          <Figure
            key={metric}
            {...figureLabels(metric, metric === 'AGENTS_AFTER_CONTACT_WORK')}
            value={format.figure(metric, realtime[metric])}
            state={states[metric]}
            {...(metric === 'AGENTS_ON_CONTACT' ? ON_CONTACT_NOTE : {})}
          />
        ))}
        <Figure
          main
          {...figureLabels(serviceLevelMetric)}
          value={format.figure(serviceLevelMetric, today[serviceLevelMetric])}
          state={states[serviceLevelMetric]}
          detail={`target ${format.percent(targetPercent)}`}
        />
        <ForecastSummary forecast={summary.forecast} queuesShort={queuesShort} today={today} />
        <Figure
          {...figureLabels('ABANDON_RATE', true)}
          value={format.figure('ABANDON_RATE', rate)}
          state={abandonedState(states)}
          detail={format.figure('CONTACTS_ABANDONED', today.CONTACTS_ABANDONED)}
        />
        <Figure
          {...figureLabels('QUEUE_ANSWER_TIME', true)}
          value={format.figure('QUEUE_ANSWER_TIME', today.QUEUE_ANSWER_TIME)}
          state={states.QUEUE_ANSWER_TIME}
        />
        <Figure
          {...figureLabels('CONTACTS_HANDLED')}
          value={format.figure('CONTACTS_HANDLED', today.CONTACTS_HANDLED)}
          state={states.CONTACTS_HANDLED}
        />
      </dl>
    </section>
  );
});
