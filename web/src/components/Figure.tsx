import { figureDescriptor, isTodayFigure, type FigureState } from '@switchboard/shared';
import { memo } from 'react';
import { useFormat } from '../format';
import './figure.css';

const STATE_WORDS: Record<FigureState, string> = {
  ok: 'within target',
  warn: 'warning',
  critical: 'critical',
};

/**
 * One labelled figure. Its threshold state shows as colour and, for colour-blind viewers, as a badge
 * ("!" warning, "!!" critical) and heavier type; screen readers hear the state in words. Every prop is a
 * string or a flag, so a figure whose text did not change skips its render when its tile re-renders.
 */
export const Figure = memo(function Figure({
  metric,
  label,
  value,
  state,
  detail,
  main = false,
  title,
}: {
  metric: string;
  label: string;
  value: string;
  state?: FigureState | undefined;
  /** A second, smaller figure beside the value (the target, a count behind a rate). */
  detail?: string | null;
  main?: boolean;
  title?: string;
}) {
  return (
    <div
      className={main ? 'figure figure-main' : 'figure'}
      data-metric={metric}
      data-state={state}
      // Dimmed, as stale, when today's figures stop coming while the real-time ones still do (base.css).
      data-of={isTodayFigure(metric) ? 'today' : undefined}
      title={title}
    >
      <dt>{label}</dt>
      <dd>
        <span className="figure-value">{value}</span>
        {state && state !== 'ok' ? (
          <span className="state-badge" aria-hidden="true">
            {state === 'critical' ? '!!' : '!'}
          </span>
        ) : null}
        {state ? <span className="sr-only">, {STATE_WORDS[state]}</span> : null}
        {detail ? <span className="figure-detail">{detail}</span> : null}
      </dd>
    </div>
  );
});

/**
 * Connect's On contact counts the agents in after-contact work too (ACW beside it is those alone), where the agent
 * list's On contact group does not: said on the figure, as the instance totals say it.
 */
export const ON_CONTACT_NOTE = {
  detail: 'incl. ACW',
  title: 'On contact, including after-contact work, as Connect counts it',
} as const;

/**
 * A figure's label from its descriptor: the short one where room is short, with the full one as its title
 * (shown on hover) when they differ. `{...figureLabels('AGENTS_AVAILABLE', true)}` is "Avail", titled "Available".
 */
export function figureLabels(
  metric: string,
  short = false,
): { metric: string; label: string; title?: string } {
  const { label, shortLabel } = figureDescriptor(metric);
  if (!short || shortLabel === label) return { metric, label };
  return { metric, label: shortLabel, title: label };
}

/** The two figures a queue tile and the summary strip lead with, large: contacts in queue and the oldest's age. */
export function HeadlineFigures({
  realtime,
  states,
}: {
  realtime: Readonly<Record<string, number | null | undefined>>;
  states: Readonly<Record<string, FigureState | undefined>>;
}) {
  const format = useFormat();
  return (
    <>
      <Figure
        main
        {...figureLabels('CONTACTS_IN_QUEUE')}
        value={format.figure('CONTACTS_IN_QUEUE', realtime.CONTACTS_IN_QUEUE)}
        state={states.CONTACTS_IN_QUEUE}
      />
      <Figure
        main
        {...figureLabels('OLDEST_CONTACT_AGE')}
        value={format.figure('OLDEST_CONTACT_AGE', realtime.OLDEST_CONTACT_AGE)}
        state={states.OLDEST_CONTACT_AGE}
      />
    </>
  );
}
