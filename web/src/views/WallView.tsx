import type { Agent, Queue } from '@switchboard/shared';
import { useMemo, useRef, type CSSProperties } from 'react';
import { ACTIVITY_ORDER, agentActivity } from '../api/selectors';
import { useAgents, useAlerts, useQueueName, useSummary } from '../api/useSnapshotSlices';
import type { SnapshotMeta } from '../api/useSnapshotSlices';
import { useBoard } from '../board';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { useElementSize } from '../components/useElementSize';
import { AgentTile } from '../features/agents/AgentTile';
import { AGENT_TILE } from '../features/agents/agentRows';
import { useAlertTone } from '../features/alerts/useAlertTone';
import { ChartPanel } from '../features/charts/ChartPanel';
import { Header } from '../features/header/Header';
import { QueueGrid } from '../features/queues/QueueGrid';
import { StaleBanner } from '../features/status/StaleBanner';
import { SummaryStrip } from '../features/summary/SummaryStrip';
import type { ViewParams } from '../url';
import { useBoardQueues } from './useBoardQueues';
import { paginate, tilesThatFit, useRotation } from './usePages';

/** Queue tile geometry on the wall, in rem; styles.css fixes .view-wall .queue-tile to this height. */
export const WALL_QUEUE_TILE = { minWidth: 18, height: 13.5, gap: 0.75 };

type Page = { kind: 'queues'; queues: Queue[] } | { kind: 'agents'; agents: Agent[] } | { kind: 'chart' };

function agentsForWall(agents: readonly Agent[]): Agent[] {
  // Those a supervisor acts on first: on contact longest, then after-contact work, then the rest.
  const ranked = agents
    .filter((agent) => agent.activity !== 'offline')
    .map((agent) => ({
      agent,
      rank: ACTIVITY_ORDER.indexOf(agentActivity(agent)),
      since: agent.activitySince ?? '',
    }));
  ranked.sort((a, b) => a.rank - b.rank || (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
  return ranked.map((entry) => entry.agent);
}

/** The wall: read from across the room, no mouse or keyboard, pages turning when it does not fit. */
export function WallView({
  meta,
  stale,
  params,
}: {
  meta: SnapshotMeta | undefined;
  stale: boolean;
  params: ViewParams;
}) {
  const { board } = useBoard();
  const sections = new Set(board.sections);
  const { queues, statesOf } = useBoardQueues();
  const summary = useSummary();
  const agents = useAgents();
  const alerts = useAlerts();
  const queueName = useQueueName();
  useAlertTone(alerts, board.sound);
  const area = useRef<HTMLDivElement>(null);
  const size = useElementSize(area);
  const { rem } = size;

  const pages = useMemo(() => {
    const result: Page[] = [];
    if (size.height === 0) return result;
    if (sections.has('queues')) {
      const fit = tilesThatFit(size, WALL_QUEUE_TILE, rem);
      for (const page of paginate(queues, fit.perPage)) result.push({ kind: 'queues', queues: page });
      if (queues.length === 0) result.push({ kind: 'queues', queues: [] });
    }
    if (sections.has('charts')) result.push({ kind: 'chart' });
    if (sections.has('agents') && agents) {
      const fit = tilesThatFit(size, AGENT_TILE, rem);
      for (const page of paginate(agentsForWall(agents), fit.perPage))
        result.push({ kind: 'agents', agents: page });
    }
    return result;
    // sections is rebuilt each render from board.sections.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [size, rem, queues, agents, board.sections]);
  const index = useRotation(pages.length, params.rotate);
  // Rows share the page's height, so the tiles fill the screen rather than leaving a band at the bottom.
  const queueFit = tilesThatFit(size, WALL_QUEUE_TILE, rem);
  const rowHeight = (size.height - (queueFit.rows - 1) * WALL_QUEUE_TILE.gap * rem) / queueFit.rows;
  const page = pages[index];
  const openAlerts = alerts?.filter((alert) => alert.acknowledgedAt === null) ?? [];
  const critical = openAlerts.filter((alert) => alert.level === 'critical').length;

  return (
    <div className="view view-wall">
      <Header meta={meta}>
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
          </p>
        ) : null}
        {pages.length > 1 ? (
          <p
            className="page-indicator"
            data-testid="page-indicator"
            aria-label={`Page ${index + 1} of ${pages.length}`}
          >
            {index + 1}/{pages.length}
          </p>
        ) : null}
      </Header>
      <StaleBanner meta={meta} stale={stale} />
      <main className={stale ? 'dimmed' : undefined} data-stale={stale || undefined}>
        {sections.has('summary') && summary ? (
          <ErrorBoundary what="the instance totals" resetKey={summary}>
            <SummaryStrip summary={summary} />
          </ErrorBoundary>
        ) : null}
        <div
          className="wall-page"
          ref={area}
          data-page-kind={page?.kind}
          style={
            rowHeight > 0 ? ({ '--wall-row': `${Math.floor(rowHeight)}px` } as CSSProperties) : undefined
          }
        >
          {page?.kind === 'queues' ? <QueueGrid queues={page.queues} statesOf={statesOf} /> : null}
          {page?.kind === 'chart' ? <ChartPanel title="Service level today" interactive={false} /> : null}
          {page?.kind === 'agents' ? (
            <section className="agent-page" aria-label="Agents">
              {page.agents.map((agent) => (
                <AgentTile key={agent.id} agent={agent} queueName={queueName} />
              ))}
            </section>
          ) : null}
        </div>
      </main>
    </div>
  );
}
