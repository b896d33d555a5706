import { DEFAULT_AGENT_LIMITS } from '@switchboard/shared';
import { use, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { agentGrouper, boardQueues, filterAgents, type AgentGroup } from '../api/selectors';
import {
  useAgentFacets,
  useAgents,
  useAlerts,
  useQueueName,
  useQueueOptions,
  useRoutingProfiles,
  useSnapshotMeta,
  useQueuesShort,
  useSummary,
} from '../api/useSnapshotSlices';
import { useBoard } from '../board';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { ElapsedClockContext } from '../components/elapsedClock';
import { needsAttention } from '../features/agents/wallAgents';
import { AlertsPanel } from '../features/alerts/AlertsPanel';
import { AgentFilters } from '../features/agents/AgentFilters';
import { AgentList } from '../features/agents/AgentList';
import { ChartPanel } from '../features/charts/ChartPanel';
import { ForecastAdvice } from '../components/forecast/Forecast';
import { Header } from '../features/header/Header';
import { QueueGrid } from '../features/queues/QueueGrid';
import { StaleBanner, useFiguresBehind, useSectionBehind } from '../features/status/StaleBanner';
import { SummaryStrip } from '../features/summary/SummaryStrip';
import { addressWith, patchSearch, type UpdateOptions, type ViewPatch } from '../url';
import { serverNow, useClockValue } from '../api/clock';
import { useConnection } from '../api/SnapshotFeed';
import { ReplayBanner } from '../features/replay/ReplayBanner';
import { ReplayScope, type ReplayProblem } from '../features/replay/ReplayScope';
import { Timeline } from '../features/replay/Timeline';
import { useReplay } from '../features/replay/useReplay';
import { useBoardQueues } from './useBoardQueues';
import type { ViewProps } from './viewProps';
import './laptop.css';

const NO_FACETS = { routingProfiles: [], hierarchyGroups: [] };
const NO_GROUPS: AgentGroup[] = [];
/** Names as people read them: "Queue 2" before "Queue 10", case and accents aside. */
const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

type LaptopProps = ViewProps & {
  update: (patch: ViewPatch, options?: UpdateOptions) => void;
};

/**
 * The history entry a drill-down pushes, with the address it was opened from: Back to all queues goes back to
 * that entry, not on, as long as nothing else of the address has changed since (a filter changed meanwhile is
 * kept: the grid is opened on a new entry instead).
 */
interface DrillEntry {
  drilled: string;
  from: string;
}
/** The address as it is but for the queue drilled into, written one way (patchSearch's). */
const withoutDrill = () => patchSearch(window.location.search, { queue: null });
const drillEntry = (queueId: string): DrillEntry => ({ drilled: queueId, from: withoutDrill() });
function isDrillEntry(state: unknown, queueId: string): boolean {
  if (typeof state !== 'object' || state === null) return false;
  const entry = state as Partial<DrillEntry>;
  return entry.drilled === queueId && entry.from === withoutDrill();
}

/**
 * The supervisor's laptop: filters, search, drill into a queue, acknowledge alerts; and under the header, the
 * timeline to replay any recorded moment (everything below then shows that moment, under a banner saying so).
 */
export function LaptopView(props: LaptopProps) {
  const { update } = props;
  const replay = useReplay(serverNow, props.params.at);
  // A moment from the address that has not come yet (a link with a mistyped date) is shown live, and said so: the
  // address loses it as the page writes live into it.
  const [ahead, setAhead] = useState(() =>
    props.params.at !== null && props.params.at >= serverNow()
      ? new Date(props.params.at).toISOString()
      : null,
  );
  // Said until a moment is replayed: then it is past.
  if (ahead !== null && replay.at !== null) setAhead(null);
  const { board } = useConnection();
  // The moment replayed lives in the address, so it can be bookmarked and sent: written when it is sought or
  // paused on, not on each second of playing (the address would change, and the page re-read it, every second).
  const settled = replay.playing ? undefined : replay.at;
  const inAddress = props.params.at;
  useEffect(() => {
    // Unchanged (an unreadable at= stays, with its message, until a moment is chosen).
    if (settled === undefined || settled === inAddress) return;
    update({ at: settled === null ? null : new Date(settled).toISOString() });
  }, [settled, inAddress, update]);
  return (
    <div className="view view-laptop">
      <Header meta={props.meta} stale={props.stale} replayAt={replay.at}>
        <a className="screens-nav" href={addressWith({ view: 'screens' })}>
          Screens
        </a>
      </Header>
      {props.params.badAt !== null ? (
        <p className="replay-problem replay-bad-at" role="alert" data-testid="replay-bad-at">
          The address asks to replay at={props.params.badAt}, which is not a time: write it as an ISO 8601
          time with its offset, e.g. at=2026-12-06T13:00:00Z. Showing live figures.
        </p>
      ) : null}
      {ahead !== null && replay.at === null ? (
        <p className="replay-problem replay-bad-at" role="alert" data-testid="replay-ahead">
          The address asks to replay at={ahead}, which has not come yet. Showing live figures; choose a past
          moment on the timeline to replay it.
        </p>
      ) : null}
      <Timeline replay={replay} board={board} />
      {replay.at === null ? (
        <LaptopBoard {...props} replay={null} />
      ) : (
        <ReplayScope at={replay.at} board={board}>
          {(problem) => <LaptopBoard {...props} replay={{ problem, onLive: replay.live }} />}
        </ReplayScope>
      )}
    </div>
  );
}

/**
 * The drilled queue's name, where the keyboard goes when it opens: the tile pressed to open it is gone with the
 * grid, and the keyboard's place went back to the top of the page. Not taken from wherever the user has gone.
 */
function DrillHeading({ name }: { name: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const active = document.activeElement;
    if (active === null || active === document.body) heading.current?.focus();
  }, []);
  return (
    <h2 ref={heading} tabIndex={-1}>
      {name}
    </h2>
  );
}

/** The board's figures: live, or (inside ReplayScope) as they were at the moment replayed. */
function LaptopBoard({
  meta,
  stale: liveStale,
  params,
  update,
  replay,
}: LaptopProps & { replay: { problem: ReplayProblem | null; onLive: () => void } | null }) {
  const { board } = useBoard();
  const { data: shownMeta } = useSnapshotMeta();
  // A past moment is stale if it was then; its age now says nothing.
  const stale = replay ? shownMeta?.stale === true : liveStale;
  const sections = new Set(board.sections);
  const { queues, statesOf } = useBoardQueues();
  const summary = useSummary();
  const queuesShort = useQueuesShort();
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
  // The queues shown below when a filter or a drill-down narrows them, for the alerts to list theirs first: as one
  // string, so the set is new only when they change, not on every update.
  const narrowed = drilled
    ? drilled.id
    : params.queues.length > 0 || params.channel
      ? visibleQueues.map((queue) => queue.id).join('\n')
      : null;
  const shownQueueIds = useMemo(() => (narrowed === null ? null : new Set(narrowed.split('\n'))), [narrowed]);
  // Queues the address names that the board does not have (a link from another board, a queue since removed): said,
  // rather than silently showing every queue, or none.
  const notOnBoard = useMemo(() => {
    if (queues.length === 0) return [];
    const known = new Set(queues.map((queue) => queue.id));
    return [...(params.queue ? [params.queue] : []), ...params.queues].filter((id) => !known.has(id));
  }, [queues, params.queue, params.queues]);

  const facets = useAgentFacets() ?? NO_FACETS;
  const allQueueOptions = useQueueOptions();
  // In the order of their names, as the profiles and teams are: a picker of 250 queues is read, not scanned.
  const queueOptions = useMemo(
    () => boardQueues(allQueueOptions ?? [], board).sort((a, b) => byName.compare(a.name, b.name)),
    [allQueueOptions, board],
  );
  // A board that does not show agents is not sent them (the server's view of the board leaves them out).
  const showAgents = sections.has('agents');
  // Filtering and grouping 1,500 agents runs on every update: only where the list is shown, and the grouping
  // sorts only the agents the update changed into the order it kept.
  const [group] = useState(agentGrouper);
  const clock = use(ElapsedClockContext);
  const limits = board.agentLimits ?? DEFAULT_AGENT_LIMITS;
  // Who needs attention, read again each second: an agent passes a limit between updates, as the times on screen
  // pass it. Their ids as one string, so the list draws again only when they change.
  const attentionIds = useClockValue(() =>
    params.status === 'attention' && agents
      ? agents
          .filter((agent) => needsAttention(agent, limits, clock.now()))
          .map((agent) => agent.id)
          .join('\n')
      : '',
  );
  const attention = useMemo(
    () => (params.status === 'attention' ? new Set(attentionIds.split('\n')) : null),
    [params.status, attentionIds],
  );
  const groups = useMemo(() => {
    if (!showAgents) return NO_GROUPS;
    const queueFilter = drilled ? [drilled.id] : params.queues;
    const filtered = filterAgents(agents ?? [], {
      search,
      routingProfileId: params.profile,
      hierarchyGroupId: params.group,
      activity: params.status === 'attention' ? null : params.status,
      // As of the second (or the moment replayed): the wall's exceptions, which it says are here.
      attention: attention ? (agent) => attention.has(agent.id) : null,
      channel: params.channel,
      queueIds: queueFilter.length > 0 ? new Set(queueFilter) : null,
      routingProfiles,
    });
    return group(filtered, params.groupBy);
  }, [
    group,
    agents,
    attention,
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

  const open = useCallback(
    (queueId: string) => update({ queue: queueId }, { push: true, state: drillEntry(queueId) }),
    [update],
  );
  // Back from a queue opened here is the browser's Back: the history is as it was before (Back again does not open
  // the queue once more). A queue opened from the address (a link, a reload) has no entry before it to go to.
  const drilledId = drilled?.id ?? null;
  // Going back is asynchronous: until the page has gone back, a second press (or a held Escape) does nothing,
  // rather than go back twice, off the wallboard.
  const closing = useRef<string | null>(null);
  const close = useCallback(() => {
    if (drilledId === null || closing.current === drilledId) return;
    if (isDrillEntry(window.history.state, drilledId)) {
      closing.current = drilledId;
      window.history.back();
    } else update({ queue: null }, { push: true });
  }, [drilledId, update]);
  useEffect(() => {
    closing.current = null;
  }, [drilledId]);
  // Escape leaves the queue, as the button does, unless the key was for something else (a menu, a field).
  useEffect(() => {
    if (drilledId === null) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || event.repeat) return;
      const target = event.target;
      if (target instanceof HTMLElement && target.closest('input, select, textarea, dialog, [role="dialog"]'))
        return;
      close();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drilledId, close]);
  // Back from a queue (its button, or the browser's): the keyboard returns to that queue's tile in the grid, not
  // to the top of the page, where the drill-down's button it was on has gone.
  const closed = useRef<string | null>(null);
  useEffect(() => {
    const left = closed.current;
    closed.current = params.queue;
    if (left === null || params.queue !== null) return;
    const active = document.activeElement;
    if (active !== null && active !== document.body) return;
    document
      .querySelector<HTMLButtonElement>(`[data-queue-id="${CSS.escape(left)}"] .tile-title button`)
      ?.focus();
  }, [params.queue]);
  const dim = stale ? 'dimmed' : undefined;
  const agentsSection = useRef<HTMLElement>(null);
  // With the queues fresh, the agents may still have stopped coming (a hung agents poll): their list is dimmed.
  // A past moment replayed is as it was.
  const agentsBehind = useSectionBehind(meta, 'agents') && !replay;
  const figuresBehind = useFiguresBehind(meta);
  const behind = replay ? undefined : figuresBehind;
  // Replaying, before any past view has come (loading it, or nothing recorded then), the banner says why: an empty
  // board below it would read as a centre with no queues and no agents.
  if (replay && !shownMeta) return <ReplayBanner problem={replay.problem} onLive={replay.onLive} />;
  return (
    <>
      {replay ? (
        <ReplayBanner problem={replay.problem} onLive={replay.onLive} />
      ) : (
        <StaleBanner meta={meta} stale={stale} />
      )}
      <main className={dim} data-stale={stale || undefined} data-behind={behind}>
        {showAgents ? (
          <a
            className="skip-link"
            href="#agents"
            onClick={(event) => {
              // To the list without a #fragment in the address, which a bookmark of the view would keep.
              event.preventDefault();
              agentsSection.current?.focus();
            }}
          >
            Skip to the agents
          </a>
        ) : null}
        <AgentFilters
          params={params}
          update={update}
          queues={queueOptions}
          routingProfiles={facets.routingProfiles}
          hierarchyGroups={facets.hierarchyGroups}
          agents={showAgents}
        />
        {sections.has('alerts') && alerts ? (
          <ErrorBoundary what="the alerts" resetKey={alerts}>
            <AlertsPanel
              alerts={alerts}
              queueName={queueName}
              readOnly={replay !== null}
              queueIds={shownQueueIds}
            />
          </ErrorBoundary>
        ) : null}
        {sections.has('summary') && summary ? (
          <ErrorBoundary what="the instance totals" resetKey={summary}>
            <SummaryStrip
              summary={summary}
              queuesShort={queuesShort}
              note={
                drilled || params.queues.length > 0 || params.channel
                  ? 'Totals of the whole board, every queue: the filters apply to the queues and agents below.'
                  : undefined
              }
            />
          </ErrorBoundary>
        ) : null}
        {notOnBoard.length > 0 ? (
          <p className="address-note" role="status" data-testid="not-on-board">
            Not on this board, so not shown: {notOnBoard.map((id) => `“${id}”`).join(', ')}.{' '}
            <button
              type="button"
              onClick={() =>
                update({
                  // A queue drilled into that the board has stays open.
                  ...(params.queue && notOnBoard.includes(params.queue) ? { queue: null } : {}),
                  queues: params.queues.filter((id) => !notOnBoard.includes(id)).join(',') || null,
                })
              }
            >
              Take {notOnBoard.length === 1 ? 'it' : 'them'} out of the address
            </button>
          </p>
        ) : null}
        {drilled ? (
          <section className="drill" aria-label={`Queue ${drilled.name} in detail`} data-testid="drill-down">
            <div className="drill-head">
              <DrillHeading name={drilled.name} />
              <button type="button" onClick={close} aria-keyshortcuts="Escape">
                Back to all queues
              </button>
            </div>
            <div className="drill-body">
              <QueueGrid queues={[drilled]} statesOf={statesOf} />
              {/* A board without charts carries no series, and the server serves it none. */}
              {sections.has('charts') ? (
                <ChartPanel queueId={drilled.id} title={`${drilled.name}: service level today`} />
              ) : null}
              <ForecastAdvice forecast={drilled.forecast} today={drilled.today} />
            </div>
          </section>
        ) : null}
        {sections.has('queues') && !drilled ? (
          <QueueGrid
            queues={visibleQueues}
            statesOf={statesOf}
            onOpen={open}
            emptyText={queues.length === 0 ? undefined : 'No queue matches these filters.'}
          />
        ) : null}
        {sections.has('charts') && !drilled ? (
          <ChartPanel
            title={`Service level today, ${board.queueIds === null ? 'whole centre' : `${board.title}'s queues`}`}
          />
        ) : null}
        {showAgents ? (
          <section
            ref={agentsSection}
            id="agents"
            tabIndex={-1}
            className={agentsBehind ? 'agents-section section-behind' : 'agents-section'}
            aria-label="Agents"
            data-stale={agentsBehind || undefined}
          >
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
    </>
  );
}
