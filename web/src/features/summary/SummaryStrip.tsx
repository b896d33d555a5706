import { metricLabel, type Snapshot } from '@switchboard/shared';
import { memo } from 'react';
import { abandonRate } from '../../api/selectors';
import { Figure } from '../../components/Figure';
import { useBoard } from '../../board';
import { useFormat } from '../../format';

/** The instance at a glance: totals where each agent counts once, whatever the number of queues they serve. */
export const SummaryStrip = memo(function SummaryStrip({ summary }: { summary: Snapshot['summary'] }) {
  const format = useFormat();
  const { serviceLevelMetric, serviceLevelSeconds, targetPercent } = useBoard();
  const { realtime, today, states } = summary;
  const rate = abandonRate(today);
  return (
    <section className="summary-strip" aria-label="Instance totals" data-testid="summary">
      <dl className="figures">
        <Figure
          main
          metric="CONTACTS_IN_QUEUE"
          label={metricLabel('CONTACTS_IN_QUEUE')}
          value={format.count(realtime.CONTACTS_IN_QUEUE)}
          state={states.CONTACTS_IN_QUEUE}
        />
        <Figure
          main
          metric="OLDEST_CONTACT_AGE"
          label={metricLabel('OLDEST_CONTACT_AGE')}
          value={format.duration(realtime.OLDEST_CONTACT_AGE)}
          state={states.OLDEST_CONTACT_AGE}
        />
        <Figure
          metric="AGENTS_AVAILABLE"
          label="Available"
          value={format.count(realtime.AGENTS_AVAILABLE)}
          state={states.AGENTS_AVAILABLE}
        />
        <Figure
          metric="AGENTS_ON_CONTACT"
          label="On contact"
          value={format.count(realtime.AGENTS_ON_CONTACT)}
          state={states.AGENTS_ON_CONTACT}
        />
        <Figure
          metric="AGENTS_AFTER_CONTACT_WORK"
          label="ACW"
          title="After contact work"
          value={format.count(realtime.AGENTS_AFTER_CONTACT_WORK)}
          state={states.AGENTS_AFTER_CONTACT_WORK}
        />
        <Figure
          metric="AGENTS_NON_PRODUCTIVE"
          label="Non-productive"
          value={format.count(realtime.AGENTS_NON_PRODUCTIVE)}
          state={states.AGENTS_NON_PRODUCTIVE}
        />
        <Figure
          metric="AGENTS_STAFFED"
          label="Staffed"
          value={format.count(realtime.AGENTS_STAFFED)}
          state={states.AGENTS_STAFFED}
        />
        <Figure
          main
          metric={serviceLevelMetric}
          label={`Service level ${serviceLevelSeconds}s`}
          value={format.percent(today[serviceLevelMetric])}
          state={states[serviceLevelMetric]}
          detail={`target ${format.percent(targetPercent)}`}
        />
        <Figure
          metric="ABANDON_RATE"
          label="Abandoned"
          value={format.percent(rate)}
          state={states.CONTACTS_ABANDONED}
          detail={format.count(today.CONTACTS_ABANDONED)}
        />
        <Figure
          metric="QUEUE_ANSWER_TIME"
          label="ASA"
          title="Average speed of answer today"
          value={format.duration(today.QUEUE_ANSWER_TIME)}
          state={states.QUEUE_ANSWER_TIME}
        />
        <Figure
          metric="CONTACTS_HANDLED"
          label="Handled"
          value={format.count(today.CONTACTS_HANDLED)}
          state={states.CONTACTS_HANDLED}
        />
      </dl>
    </section>
  );
});
