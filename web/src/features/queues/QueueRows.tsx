import { figureDescriptor, forecastAtRisk, type FigureState, type Queue } from '@switchboard/shared';
import { memo, type CSSProperties } from 'react';
import { useBoard } from '../../board';
import { useFormat } from '../../format';
import { WALL_QUEUE_ROW } from '../../theme/sizes';
import './queues.css';

/**
 * Line geometry in rem, from theme/sizes.ts, which queues.css reads too. A page with fewer queues than fit gets
 * taller lines and larger type, up to `maxHeight`.
 */
export { WALL_QUEUE_ROW };

const BADGES: Record<FigureState, string> = { ok: '', warn: '!', critical: '!!' };

function worstOf(states: Record<string, FigureState>): FigureState {
  const values = Object.values(states);
  return values.includes('critical') ? 'critical' : values.includes('warn') ? 'warn' : 'ok';
}

/**
 * The wall's queues when there are too many for tiles (a centre of 250 queues): a line per queue with what is
 * waiting, the oldest, and today's service level, in columns that read down, each headed by what its figures
 * are. A line's worst state shows as its colour and a badge, so it reads without colour too.
 */
export const QueueRows = memo(function QueueRows({
  queues,
  statesOf,
  columns,
  line = WALL_QUEUE_ROW.height * 16,
}: {
  queues: readonly Queue[];
  statesOf: (queue: Queue) => Record<string, FigureState>;
  /** Columns of queues across the page. */
  columns: number;
  /** Each line's height in px, the heading's too (rowLayout in views/wallPages.ts): the type grows with it. */
  line?: number;
}) {
  const format = useFormat();
  const { serviceLevelMetric } = useBoard();
  const heading = (metric: string) => {
    const { label, shortLabel } = figureDescriptor(metric);
    return (
      <th scope="col" title={shortLabel === label ? undefined : label}>
        {shortLabel}
      </th>
    );
  };
  const perColumn = Math.max(1, Math.ceil(queues.length / Math.max(1, columns)));
  const chunks: Queue[][] = [];
  for (let i = 0; i < queues.length; i += perColumn) chunks.push(queues.slice(i, i + perColumn));
  // As many grid columns as there are columns of queues: 9 queues in 4 columns are 3 of 3, not 3 and an empty one.
  const style = { '--columns': chunks.length, '--queue-row-h': `${Math.floor(line)}px` } as CSSProperties;
  return (
    <section className="queue-rows" aria-label="Queues" style={style}>
      {chunks.map((chunk) => (
        <table key={chunk[0]?.id} className="queue-rows-column">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              {heading('CONTACTS_IN_QUEUE')}
              {heading('OLDEST_CONTACT_AGE')}
              {heading(serviceLevelMetric)}
            </tr>
          </thead>
          <tbody>
            {chunk.map((queue) => {
              const states = statesOf(queue);
              const worst = worstOf(states);
              const atRisk = worst === 'ok' && forecastAtRisk(queue.forecast);
              return (
                <tr key={queue.id} className="queue-row" data-queue-id={queue.id} data-worst={worst}>
                  <th scope="row">
                    {worst !== 'ok' ? (
                      <span
                        className="state-badge"
                        aria-label={worst === 'critical' ? 'critical' : 'warning'}
                      >
                        {BADGES[worst]}
                      </span>
                    ) : null}
                    <span className="queue-row-name">{queue.name}</span>
                  </th>
                  <td data-metric="CONTACTS_IN_QUEUE" data-state={states.CONTACTS_IN_QUEUE}>
                    {format.figure('CONTACTS_IN_QUEUE', queue.realtime.CONTACTS_IN_QUEUE)}
                  </td>
                  <td data-metric="OLDEST_CONTACT_AGE" data-state={states.OLDEST_CONTACT_AGE}>
                    {format.figure('OLDEST_CONTACT_AGE', queue.realtime.OLDEST_CONTACT_AGE)}
                  </td>
                  <td
                    data-metric={serviceLevelMetric}
                    data-state={states[serviceLevelMetric]}
                    data-of="today"
                    // The forecast's "At risk", where the figures are fine: drawn around the service level it is
                    // about, so it takes none of the name's room (a tile says it in words beside the name).
                    data-at-risk={atRisk || undefined}
                    title={atRisk ? atRiskTitle(queue, format.percent) : undefined}
                  >
                    {format.figure(serviceLevelMetric, queue.today[serviceLevelMetric])}
                    {atRisk ? <span className="sr-only">, at risk by the forecast</span> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ))}
    </section>
  );
});

function atRiskTitle(queue: Queue, percent: (value: number | null) => string): string {
  const forecast = queue.forecast;
  return forecast
    ? `At risk. Forecast (estimate): ${percent(forecast.predictedServiceLevel)} against the ${percent(forecast.targetPercent)} target`
    : 'At risk';
}
