import { forecastShortfall, QUEUE_NOT_ON_BOARD, type Snapshot } from '@switchboard/shared';
import { useCallback, useMemo } from 'react';
import { agentFacets } from './selectors';
import { useSnapshotSelect } from './snapshot';
import { useBoard } from '../board';

/** Slice hooks: each component subscribes to the part of the snapshot it draws, and nothing else. */

export const selectMeta = (s: Snapshot) => ({
  generation: s.generation,
  generatedAt: s.generatedAt,
  serverTime: s.serverTime,
  dataSnapshotTime: s.dataSnapshotTime,
  stale: s.stale,
  serverBuild: s.serverBuild,
  timeZone: s.timeZone,
  queuesFetchedAt: s.sections.queues?.fetchedAt ?? null,
  sectionErrors: Object.entries(s.sections)
    .filter(([, section]) => section.error !== null)
    .map(([name, section]) => ({ name, message: section.error?.message ?? '' })),
  /** Every section's age, for the ones besides the queues that stop refreshing without an error. */
  sections: Object.entries(s.sections).map(([name, section]) => ({
    name,
    fetchedAt: section.fetchedAt,
    intervalMs: section.intervalMs ?? 0,
    stale: section.stale,
    failing: section.error !== null,
  })),
});
export type SnapshotMeta = ReturnType<typeof selectMeta>;

export function useSnapshotMeta() {
  return useSnapshotSelect(selectMeta);
}

const selectQueues = (s: Snapshot) => s.queues;
export function useQueues() {
  return useSnapshotSelect(selectQueues).data;
}

const selectBoardStates = (s: Snapshot) => s.boardStates;
export function useBoardStates() {
  return useSnapshotSelect(selectBoardStates).data;
}

const selectSummary = (s: Snapshot) => s.summary;
export function useSummary() {
  return useSnapshotSelect(selectSummary).data;
}

const selectAgents = (s: Snapshot) => s.agents;
export function useAgents() {
  return useSnapshotSelect(selectAgents).data;
}

const selectRoutingProfiles = (s: Snapshot) => s.routingProfiles;
/** The routing profiles with the queues each serves; undefined until the server has listed them. */
export function useRoutingProfiles() {
  return useSnapshotSelect(selectRoutingProfiles).data;
}

export const selectQueuesShort = (s: Snapshot) =>
  s.queues.reduce((short, queue) => short + ((forecastShortfall(queue.forecast) ?? 0) > 0 ? 1 : 0), 0);
/** How many of the view's queues the forecast finds short of agents: a number, so it redraws only when it changes. */
export function useQueuesShort() {
  return useSnapshotSelect(selectQueuesShort).data;
}

const selectIntraday = (s: Snapshot) => s.intraday;
export function useIntraday() {
  return useSnapshotSelect(selectIntraday).data;
}

/**
 * How far the day's series is from whole: 'unfetched' before the server has fetched it once (after a start), the
 * count of the day's intervals still to come while it fills the day in, 0 once whole. A number, so a chart
 * redraws only when it changes.
 */
const selectIntradayLoading = (s: Snapshot): number | 'unfetched' => {
  const section = s.sections.intraday;
  if (!section) return 0;
  return section.fetchedAt === null && section.error === null ? 'unfetched' : (section.missingIntervals ?? 0);
};
export function useIntradayLoading() {
  return useSnapshotSelect(selectIntradayLoading).data ?? 0;
}

const selectAlerts = (s: Snapshot) => s.alerts;
export function useAlerts() {
  return useSnapshotSelect(selectAlerts).data;
}

// What a select builds is compared with what it built before (shareViews): these stay the same objects from one
// view to the next while no queue, routing profile or hierarchy group is added, removed or renamed, so the
// filters do not redraw.
interface QueueOption {
  id: string;
  name: string;
}
let lastQueueOptions: QueueOption[] = [];
/** The last options as they are while every queue's id and name is the same: no 250 new objects per update. */
export const selectQueueOptions = (s: Snapshot): QueueOption[] => {
  const same =
    s.queues.length === lastQueueOptions.length &&
    s.queues.every(
      (queue, i) => queue.id === lastQueueOptions[i]?.id && queue.name === lastQueueOptions[i]?.name,
    );
  if (!same) lastQueueOptions = s.queues.map(({ id, name }) => ({ id, name }));
  return lastQueueOptions;
};
/** Each queue's id and name, in the snapshot's order, for pickers. */
export function useQueueOptions() {
  return useSnapshotSelect(selectQueueOptions).data;
}

const selectAgentFacets = (s: Snapshot) => agentFacets(s.agents);
/** The routing profiles and hierarchy groups agents are in, for the filters. */
export function useAgentFacets() {
  return useSnapshotSelect(selectAgentFacets).data;
}

/**
 * What a contact's queue is called: its name in the view, else, on a board of some queues, that it is not one of
 * them (a board's view names only its own queues, though its agents may hold contacts from others), else unknown.
 * A queue newer than the server's last look at the instance (a minute at most) is in neither: on a board of some
 * queues it reads as not on the board until then, whatever the board's patterns will make of it.
 */
export function queueLabel(
  names: ReadonlyMap<string, string>,
  boardQueues: readonly string[] | null,
  queueId: string | null,
): string {
  if (queueId === null) return 'No queue';
  if (queueId === QUEUE_NOT_ON_BOARD) return 'Not on this board';
  const name = names.get(queueId);
  if (name !== undefined) return name;
  return boardQueues !== null && !boardQueues.includes(queueId) ? 'Not on this board' : 'Unknown queue';
}

/** Queue id to name, stable across snapshots while the queues are the same (see useQueueOptions). */
export function useQueueName(): (queueId: string | null) => string {
  const options = useQueueOptions();
  const boardQueues = useBoard().board.queueIds;
  const names = useMemo(() => new Map((options ?? []).map(({ id, name }) => [id, name])), [options]);
  return useCallback(
    (queueId: string | null) => queueLabel(names, boardQueues, queueId),
    [names, boardQueues],
  );
}
