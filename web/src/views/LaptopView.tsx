import { useCallback, useDeferredValue, useMemo } from 'react';
import { boardQueues, filterAgents, groupAgents, type AgentGroup } from '../api/selectors';
import {
  useAgentFacets,
  useAgents,
  useAlerts,
  useQueueName,
  useQueueOptions,
  useRoutingProfiles,
  useSummary,
} from '../api/useSnapshotSlices';
import type { SnapshotMeta } from '../api/useSnapshotSlices';
import { useBoard } from '../board';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { AlertsPanel } from '../features/alerts/AlertsPanel';
import { AgentFilters } from '../features/agents/AgentFilters';
import { AgentList } from '../features/agents/AgentList';
import { ChartPanel } from '../features/charts/ChartPanel';
import { Header } from '../features/header/Header';
import { QueueGrid } from '../features/queues/QueueGrid';
import { StaleBanner } from '../features/status/StaleBanner';
import { SummaryStrip } from '../features/summary/SummaryStrip';
import type { ViewParams, ViewPatch } from '../url';
import { useBoardQueues } from './useBoardQueues';

/** Queue tiles per page: a screenful or two; the filters narrow a large centre down. */
const QUEUE_PAGE_SIZE = 48;

const NO_FACETS = { routingProfiles: [], hierarchyGroups: [] };
const NO_GROUPS: AgentGroup[] = [];

/** The supervisor's laptop: filters, search, drill into a queue, acknowledge alerts. */
export function LaptopView({
  meta,
  stale,
  params,
  update,
}: {
  meta: SnapshotMeta | undefined;
  stale: boolean;
  params: ViewParams;
  update: (patch: ViewPatch, options?: { push?: boolean }) => void;
}) {
  const { board } = useBoard();
  const sections = new Set(board.sections);
  const { queues, statesOf } = useBoardQueues();
  const summary = useSummary();
  const agents = useAgents();
  const routingProfiles = useRoutingProfiles();
  const alerts = useAlerts();
  const queueName = useQueueName();
  const search = useDeferredValue(params.search);

  const visibleQueues = useMemo(() => {
    const wanted = params.queues.length > 0 ? new Set(params.queues) : null;
    return queues.filter(
      (queue) =>
        (!wanted || wanted.has(queue.id)) && (!params.channel || queue.channels.includes(params.channel)),
    );
  }, [queues, params.queues, params.channel]);
  const drilled = params.queue ? queues.find((queue) => queue.id === params.queue) : undefined;

  const facets = useAgentFacets() ?? NO_FACETS;
  const allQueueOptions = useQueueOptions();
  const queueOptions = useMemo(() => boardQueues(allQueueOptions ?? [], board), [allQueueOptions, board]);
  // A board that does not show agents is not sent them (the server's view of the board leaves them out).
  const showAgents = sections.has('agents');
  // Filtering, grouping and sorting 1,500 agents runs on every update: only where the list is shown.
  const groups = useMemo(() => {
    if (!showAgents) return NO_GROUPS;
    const queueFilter = drilled ? [drilled.id] : params.queues;
    const filtered = filterAgents(agents ?? [], {
      search,
      routingProfileId: params.profile,
      hierarchyGroupId: params.group,
      activity: params.status,
      channel: params.channel,
      queueIds: queueFilter.length > 0 ? new Set(queueFilter) : null,
      routingProfiles,
    });
    return groupAgents(filtered, params.groupBy);
  }, [
    agents,
    routingProfiles,
    search,
    params.profile,
    params.group,
    params.status,
    params.channel,
    params.queues,
    params.groupBy,
    drilled,
    showAgents,
  ]);

  const open = useCallback((queueId: string) => update({ queue: queueId }, { push: true }), [update]);
  const dim = stale ? 'dimmed' : undefined;
  return (
    <div className="view view-laptop">
      <Header meta={meta}>
        <a className="screens-nav" href="?view=screens">
          Screens
        </a>
      </Header>
      <StaleBanner meta={meta} stale={stale} />
      <main className={dim} data-stale={stale || undefined}>
        <AgentFilters
          params={params}
          update={update}
          queues={queueOptions}
          routingProfiles={facets.routingProfiles}
          hierarchyGroups={facets.hierarchyGroups}
        />
        {sections.has('alerts') && alerts ? (
          <ErrorBoundary what="the alerts" resetKey={alerts}>
            <AlertsPanel alerts={alerts} queueName={queueName} />
          </ErrorBoundary>
        ) : null}
        {sections.has('summary') && summary ? (
          <ErrorBoundary what="the instance totals" resetKey={summary}>
            <SummaryStrip summary={summary} />
          </ErrorBoundary>
        ) : null}
        {drilled ? (
          <section className="drill" aria-label={`Queue ${drilled.name} in detail`} data-testid="drill-down">
            <div className="drill-head">
              <h2>{drilled.name}</h2>
              <button type="button" onClick={() => update({ queue: null }, { push: true })}>
                Back to all queues
              </button>
            </div>
            <div className="drill-body">
              <QueueGrid queues={[drilled]} statesOf={statesOf} />
              <ChartPanel queueId={drilled.id} title={`${drilled.name}: service level today`} />
            </div>
          </section>
        ) : null}
        {sections.has('queues') && !drilled ? (
          <QueueGrid
            queues={visibleQueues}
            statesOf={statesOf}
            onOpen={open}
            pageSize={QUEUE_PAGE_SIZE}
            emptyText={queues.length === 0 ? undefined : 'No queue matches these filters.'}
          />
        ) : null}
        {sections.has('charts') && !drilled ? (
          <ChartPanel
            title={`Service level today, ${board.queueIds === null ? 'whole centre' : `${board.title}'s queues`}`}
          />
        ) : null}
        {showAgents ? (
          <section className="agents-section" aria-label="Agents">
            <h2>
              {drilled ? `Agents on ${drilled.name}` : 'Agents'}{' '}
              <span className="count">{groups.reduce((n, g) => n + g.agents.length, 0)}</span>
            </h2>
            <ErrorBoundary what="the agents" resetKey={groups}>
              <AgentList groups={groups} queueName={queueName} />
            </ErrorBoundary>
          </section>
        ) : null}
      </main>
    </div>
  );
}
