import { metricLabel, type IntervalPoint } from '@switchboard/shared';
import { memo, Suspense, useRef, useState } from 'react';
import { useQueueIntraday } from '../../api/queueIntraday';
import { useIntraday, useIntradayLoading } from '../../api/useSnapshotSlices';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { lazyRetried } from '../../components/lazyRetried';
import { reloadWhenServerAnswers } from '../../api/reload';
import { useElementSize } from '../../components/useElementSize';
import { useBoard } from '../../board';
import { useFormat } from '../../format';
import './charts.css';

// recharts is a third of the bundle: it loads in its own chunk, after the figures are on screen, and again with
// the next intervals if that load failed.
const ServiceLevelChart = lazyRetried(() => import('./ServiceLevelChart'), {
  onStuck: () => void reloadWhenServerAnswers(),
});
const NO_POINTS: readonly IntervalPoint[] = [];

/**
 * Today's service level and volume per interval, for the instance or one queue. It reads the intraday series
 * itself, so it redraws when they change (every few minutes), not on every snapshot its view redraws for.
 */
export const ChartPanel = memo(function ChartPanel({
  queueId,
  title,
  interactive = true,
  held = false,
}: {
  queueId?: string | null;
  title: string;
  interactive?: boolean;
  /**
   * Out of sight (the wall's chart behind its other pages): keep drawing the intervals it drew last, and draw
   * new ones once no longer held. A redraw is a long task; one nobody sees can wait.
   */
  held?: boolean;
}) {
  const intraday = useIntraday();
  // After a start (the server's, or a new day), the server fills the day in a few intervals a round: until it has,
  // an empty or short day is said to be loading, never shown as the whole of it.
  const loading = useIntradayLoading();
  const format = useFormat();
  const { serviceLevelMetric, targetPercent } = useBoard();
  const body = useRef<HTMLDivElement>(null);
  const size = useElementSize(body);
  // Large instances leave per-queue series out of the snapshot: then this queue's comes on demand.
  const carried = queueId ? intraday?.queues[queueId] : intraday?.instance;
  const onDemand = useQueueIntraday(queueId ?? null, intraday !== undefined && carried === undefined);
  const live = carried ?? onDemand.data ?? NO_POINTS;
  const [drawn, setDrawn] = useState(live);
  // Held before it has drawn any interval (mounted before the first view came), it draws the first it gets.
  if ((!held || drawn.length === 0) && drawn !== live) setDrawn(live);
  const points = held ? drawn : live;
  // A series fetched on demand that could not be fetched (or refreshed) says so: never an empty day, nor an old
  // series shown as current.
  const failed = carried === undefined && onDemand.isError;
  return (
    <section
      className="chart-panel"
      aria-label={title}
      data-testid="chart-panel"
      data-queue={queueId ?? 'instance'}
      data-of="intraday"
    >
      <h2>{title}</h2>
      {failed ? (
        <p className="stale-note" role="status" data-testid="chart-stale">
          {onDemand.data
            ? `Could not refresh these intervals; shown as of ${format.minute(onDemand.dataUpdatedAt)}. Retrying.`
            : 'Could not load these intervals from the server. Retrying.'}
        </p>
      ) : null}
      {points.length > 0 && loading !== 0 ? (
        <p className="loading chart-filling" role="status" data-testid="chart-filling">
          Still loading the day’s earlier intervals
          {loading === 'unfetched' ? '' : ` (${loading} to come)`}…
        </p>
      ) : null}
      {points.length === 0 ? (
        failed ? null : carried === undefined && onDemand.isFetching ? (
          <p className="loading" role="status">
            Loading these intervals…
          </p>
        ) : loading !== 0 ? (
          <p className="loading" role="status" data-testid="chart-loading">
            Loading today’s intervals…
          </p>
        ) : (
          <p className="empty">No intervals yet today.</p>
        )
      ) : (
        <div className="chart-body" ref={body}>
          {size.height > 0 ? (
            <ErrorBoundary what="the service-level chart" resetKey={points}>
              <Suspense fallback={<p className="loading">Loading chart…</p>}>
                <ServiceLevelChart
                  points={points}
                  serviceLevelMetric={serviceLevelMetric}
                  targetPercent={targetPercent}
                  format={format}
                  interactive={interactive}
                />
              </Suspense>
            </ErrorBoundary>
          ) : null}
          {/* Hidden in a box of its own: a table is never narrower than its columns, so hiding the table itself
              left it as wide as its text, past the edge of a narrow screen. */}
          <div className="sr-only">
            <table>
              <caption>{title}, per interval</caption>
              <thead>
                <tr>
                  <th>Interval</th>
                  <th>{metricLabel(serviceLevelMetric)}</th>
                  <th>{metricLabel('CONTACTS_QUEUED')}</th>
                  <th>{metricLabel('CONTACTS_HANDLED')}</th>
                  <th>{metricLabel('CONTACTS_ABANDONED')}</th>
                </tr>
              </thead>
              <tbody>
                {points.map((point) => (
                  <tr key={point.start}>
                    <td>{format.minute(Date.parse(point.start))}</td>
                    <td>{format.figure(serviceLevelMetric, point.metrics[serviceLevelMetric])}</td>
                    <td>{format.figure('CONTACTS_QUEUED', point.metrics.CONTACTS_QUEUED)}</td>
                    <td>{format.figure('CONTACTS_HANDLED', point.metrics.CONTACTS_HANDLED)}</td>
                    <td>{format.figure('CONTACTS_ABANDONED', point.metrics.CONTACTS_ABANDONED)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
});
