import { DEFAULT_AGENT_LIMITS, metricLabel } from '@switchboard/shared';
import { useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { useAgents, useAlerts, useQueueName, useQueuesShort, useSummary } from '../api/useSnapshotSlices';
import { useBoard } from '../board';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { useElementSize } from '../components/useElementSize';
import { WallAgentsPage } from '../features/agents/WallAgentsPage';
import { useAlertTone } from '../features/alerts/useAlertTone';
import { ChartPanel } from '../features/charts/ChartPanel';
import { Header } from '../features/header/Header';
import { QueueGrid } from '../features/queues/QueueGrid';
import { QueueRows } from '../features/queues/QueueRows';
import { StaleBanner, useFiguresBehind, useSectionBehind } from '../features/status/StaleBanner';
import { SummaryStrip } from '../features/summary/SummaryStrip';
import { useBoardQueues } from './useBoardQueues';
import { useRotation } from './usePages';
import { WALL_QUEUE_TILE, pageSeconds, planWallPages, tileLayout } from './wallPages';
import type { ViewProps } from './viewProps';
import './wall.css';

/** How long after the wall opens its chart is drawn behind the first page. */
const CHART_DRAWN_AFTER_MS = 3000;

const sameSize = (a: { width: number; height: number }, b: { width: number; height: number }) =>
  Math.abs(a.width - b.width) < 1 && Math.abs(a.height - b.height) < 1;

/** The wall: read from across the room, no mouse or keyboard, pages turning when it does not fit. */
/**
 * A queue name's width at a font size of 1 in the wall's font, as a queue line draws it (weight 600), measured
 * once per name on a canvas; 0 where the browser has no 2D canvas (the lines are laid out as if every name fits).
 */
function nameMeasurer(): (name: string) => number {
  const widths = new Map<string, number>();
  let context: CanvasRenderingContext2D | null | undefined;
  return (name) => {
    const known = widths.get(name);
    if (known !== undefined) return known;
    if (context === undefined) {
      try {
        context = document.createElement('canvas').getContext('2d');
        if (context) context.font = `600 100px ${getComputedStyle(document.documentElement).fontFamily}`;
      } catch {
        context = null;
      }
    }
    const width = context ? context.measureText(name).width / 100 : 0;
    // A centre's queues are a few hundred names; one that renames every queue daily does not grow this for good.
    if (widths.size > 5000) widths.clear();
    widths.set(name, width);
    return width;
  };
}

export function WallView({ meta, stale, params }: ViewProps) {
  const { board } = useBoard();
  const sections = new Set(board.sections);
  const { queues, statesOf } = useBoardQueues();
  const summary = useSummary();
  const queuesShort = useQueuesShort();
  const agents = useAgents();
  const alerts = useAlerts();
  const queueName = useQueueName();
  useAlertTone(alerts, board.sound);
  const area = useRef<HTMLDivElement>(null);
  const size = useElementSize(area);
  const { rem } = size;

  const hasAgents = (agents?.length ?? 0) > 0;
  const [nameEm] = useState(nameMeasurer);
  const pages = useMemo(
    () => planWallPages({ area: size, sections: new Set(board.sections), queues, hasAgents, nameEm }),
    [size, queues, hasAgents, board.sections, nameEm],
  );
  const seconds = pageSeconds(pages.length, params.rotate);
  const index = useRotation(pages.length, seconds);
  // The tiles fill the page: in as many rows as the fullest page of tiles needs, drawn larger when they are few
  // (a board of 8 queues), the rows sharing the page's height rather than leaving a band at the bottom. Every page
  // of tiles is drawn at the same scale (planWallPages shares the queues evenly between them).
  const tilesPerPage = Math.max(0, ...pages.map((p) => (p.kind === 'queues' ? p.queues.length : 0)));
  // Worked out again only when the page area or the tiles a page holds change, not on every update.
  const tiles = useMemo(() => tileLayout(size, tilesPerPage), [size, tilesPerPage]);
  const rowHeight =
    (size.height - (tiles.rows - 1) * WALL_QUEUE_TILE.gap * rem * tiles.scale) / tiles.rows / tiles.scale;
  const page = pages[index];
  const openAlerts = alerts?.filter((alert) => alert.acknowledgedAt === null) ?? [];
  const critical = openAlerts.filter((alert) => alert.level === 'critical').length;
  const lone = openAlerts.length === 1 ? openAlerts[0] : undefined;
  const agentsBehind = useSectionBehind(meta, 'agents');
  const behind = useFiguresBehind(meta);
  // The chart is drawn behind the pages (below) a little after the first one, so the figures come first, or at
  // its turn if that comes sooner; once drawn, it stays.
  const chartShown = page?.kind === 'chart';
  const [chartDue, setChartDue] = useState(false);
  if (chartShown && !chartDue) setChartDue(true);
  useEffect(() => {
    const timer = setTimeout(() => setChartDue(true), CHART_DRAWN_AFTER_MS);
    return () => clearTimeout(timer);
  }, []);
  const drawChart = chartDue && pages.some((p) => p.kind === 'chart');
  // Behind the other pages it keeps the size it was drawn at: the page area resizing meanwhile (a stale banner
  // coming or going) would draw it again for nobody. It takes the area's size when it shows.
  const [chartSize, setChartSize] = useState({ width: size.width, height: size.height });
  if ((chartShown || !drawChart || chartSize.height === 0) && !sameSize(chartSize, size)) {
    setChartSize({ width: size.width, height: size.height });
  }

  return (
    <div className="view view-wall">
      <Header meta={meta} stale={stale}>
        {sections.has('alerts') && openAlerts.length > 0 ? (
          <p
            className="alert-count"
            data-state={critical > 0 ? 'critical' : 'warn'}
            data-testid="wall-alerts"
          >
            <span className="state-badge" aria-hidden="true">
              {critical > 0 ? '!!' : '!'}
            </span>
            {openAlerts.length} alert{openAlerts.length === 1 ? '' : 's'}
            {/* One alert: what it is about, read from across the room (several: the laptop lists them). */}
            {lone
              ? `: ${metricLabel(lone.metric)}, ${lone.subject ?? (lone.queueId === null ? 'whole centre' : queueName(lone.queueId))}`
              : null}
          </p>
        ) : null}
        {pages.length > 1 ? (
          <p
            className="page-indicator"
            data-testid="page-indicator"
            aria-label={`Page ${index + 1} of ${pages.length}, ${seconds} seconds each`}
            data-page-seconds={seconds}
          >
            {index + 1}/{pages.length}
          </p>
        ) : null}
      </Header>
      <StaleBanner meta={meta} stale={stale} />
      <main className={stale ? 'dimmed' : undefined} data-stale={stale || undefined} data-behind={behind}>
        {sections.has('summary') && summary ? (
          <ErrorBoundary what="the instance totals" resetKey={summary}>
            <SummaryStrip summary={summary} queuesShort={queuesShort} />
          </ErrorBoundary>
        ) : null}
        <div
          className="wall-page"
          ref={area}
          data-page-kind={page?.kind}
          data-tiles-scaled={tilesPerPage > 0 && rowHeight > 0 && tiles.scale > 0 ? '' : undefined}
          style={
            tilesPerPage > 0 && rowHeight > 0 && tiles.scale > 0
              ? ({
                  '--wall-row': `${Math.floor(rowHeight)}px`,
                  '--wall-columns': tiles.columns,
                  '--wall-zoom': tiles.scale,
                } as CSSProperties)
              : undefined
          }
        >
          {page?.kind === 'queues' ? <QueueGrid queues={page.queues} statesOf={statesOf} /> : null}
          {drawChart ? (
            // Drawn once and kept behind the other pages: the chart's first draw is a long task (110 ms and more at
            // 250 queues), and turning to it now only shows it. Behind them it holds the intervals and the size it
            // was drawn with, and draws new ones when it shows again.
            <div
              className="wall-chart"
              data-shown={chartShown || undefined}
              aria-hidden={chartShown ? undefined : true}
              style={{ width: chartSize.width, height: chartSize.height }}
            >
              <ChartPanel title="Service level today" interactive={false} held={!chartShown} />
            </div>
          ) : null}
          {page?.kind === 'queue-rows' ? (
            <QueueRows queues={page.queues} statesOf={statesOf} columns={page.columns} line={page.line} />
          ) : null}
          {page?.kind === 'agents' && agents ? (
            <ErrorBoundary what="the agents" resetKey={agents}>
              <WallAgentsPage
                agents={agents}
                limits={board.agentLimits ?? DEFAULT_AGENT_LIMITS}
                queueName={queueName}
                behind={agentsBehind}
              />
            </ErrorBoundary>
          ) : null}
        </div>
      </main>
    </div>
  );
}
