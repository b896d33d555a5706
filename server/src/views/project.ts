import { createHash } from 'node:crypto';
import {
  agentOfQueues,
  combineForecasts,
  contactActivity,
  evaluateFigures,
  ERROR_ACTIVITIES,
  mergeThresholds,
  QUEUE_NOT_ON_BOARD,
  type Agent,
  type AgentContact,
  type Queue,
  type RealtimeMetrics,
  type Snapshot,
  type TodayMetrics,
} from '@switchboard/shared';
import { alertOnBoard, queueThresholds, resolveQueueRefs } from '../config/boards.js';
import type { BoardConfig, WallboardConfig } from '../config/schema.js';
import { combineHistory, instanceRealtime } from '../poller/combine.js';

/**
 * A board's view of a snapshot: what a screen showing the board receives and may read. The board's queues (with
 * the states of the board's own thresholds), the agents who can take them, the alerts on them, the summary of
 * them, and only the sections it shows. The whole instance's view (no board) is the snapshot as it is.
 */

/**
 * Whether a contact makes its agent "On contact" (admin guide, Real-time metrics definitions: "handling at least
 * one contact who is either connected, on hold, in After contact work, or outbound ring"). A contact ringing in is
 * not yet work (Incoming); one ringing out is; a call listened in on is Monitoring. The agent's activity follows
 * the same rule (shared/src/activity.ts), a contact in a state this build does not know among them: it shows, and
 * counts, as On contact.
 */
function isWorking(contact: Agent['contacts'][number]): boolean {
  const activity = contactActivity(contact.state, contact.initiationMethod);
  return activity === 'on-contact' || activity === 'acw';
}

/**
 * Agent counts over a set of agents, by the definitions the whole centre's figures follow (admin guide,
 * "Real-time metrics definitions"; the simulator's figures.ts counts the same way). Connect answers these for
 * a whole instance or per queue, and per-queue counts do not add up (one agent serves many queues), so a board
 * of some queues counts the agents who can take them from GetCurrentUserData's answer.
 */
export function agentCounts(agents: readonly Agent[]): RealtimeMetrics {
  const counts = {
    AGENTS_ONLINE: 0,
    AGENTS_AVAILABLE: 0,
    AGENTS_ON_CONTACT: 0,
    AGENTS_ON_CALL: 0,
    AGENTS_STAFFED: 0,
    AGENTS_AFTER_CONTACT_WORK: 0,
    AGENTS_NON_PRODUCTIVE: 0,
    AGENTS_ERROR: 0,
  };
  for (const agent of agents) {
    if (agent.statusType === 'OFFLINE' && agent.contacts.length === 0) continue;
    counts.AGENTS_ONLINE += 1;
    // NPT: "their CCP status is other than Available or Offline"; a status of a type this build does not know
    // shows as a custom one (shared/src/activity.ts), and counts as one. Staffed: "online in the CCP, and not in
    // NPT", a status read as Error (a system status, not a custom one) among them.
    const custom = agent.statusType === 'CUSTOM' || agent.statusType === 'UNKNOWN';
    if (custom) counts.AGENTS_NON_PRODUCTIVE += 1;
    if (agent.statusType === 'ROUTABLE' || agent.statusType === 'ERROR') counts.AGENTS_STAFFED += 1;
    // Error: the agents whose activity is Error, Missed or Rejected (from a contact, or a status read as Error),
    // so a board's count and its list of agents agree.
    if (ERROR_ACTIVITIES.has(agent.activity)) counts.AGENTS_ERROR += 1;
    const working = agent.contacts.filter(isWorking);
    if (working.length > 0) {
      counts.AGENTS_ON_CONTACT += 1;
      // On call is On contact's former name, every channel: "You can still use AGENTS_ON_CALL to retrieve data
      // for this metric."
      counts.AGENTS_ON_CALL += 1;
    }
    // Connect's AGENTS_AFTER_CONTACT_WORK counts contacts in after-contact work, not agents.
    counts.AGENTS_AFTER_CONTACT_WORK += working.filter((c) => c.state === 'ENDED').length;
    if (agent.statusType === 'ROUTABLE' && agent.contacts.length === 0) counts.AGENTS_AVAILABLE += 1;
  }
  return counts;
}

/** The agents who can take one of `queueIds` (shared/src/activity.ts, agentOfQueues). */
export function agentsOfQueues(snapshot: Snapshot, queueIds: ReadonlySet<string>): Agent[] {
  return snapshot.agents.filter(agentOfQueues(queueIds, snapshot.routingProfiles));
}

/**
 * The agents as a board of `queueIds` shows them: a contact from a queue the board does not show keeps its
 * channel, state and times (the agent is busy with it, and the board's counts say so) but neither its queue
 * (QUEUE_NOT_ON_BOARD) nor its contact id, which are another board's to show. Agents without such a contact are
 * the same objects.
 */
export function withOtherBoardsContactsHidden(agents: Agent[], queueIds: ReadonlySet<string>): Agent[] {
  const elsewhere = (contact: AgentContact) => contact.queueId !== null && !queueIds.has(contact.queueId);
  return agents.map((agent) =>
    agent.contacts.some(elsewhere)
      ? {
          ...agent,
          contacts: agent.contacts.map((contact, i) =>
            elsewhere(contact)
              ? { ...contact, contactId: `${QUEUE_NOT_ON_BOARD}-${i}`, queueId: QUEUE_NOT_ON_BOARD }
              : contact,
          ),
        }
      : agent,
  );
}

const EMPTY_INTRADAY_QUEUES: Snapshot['intraday']['queues'] = {};

/**
 * The intraday series of some queues: theirs, and the centre's line as the sum of theirs (counts added,
 * percentages weighted) when every one of them has a series; otherwise the line the poller made of them (`line`, a
 * board's `boardIntraday`), or none, rather than the whole centre's.
 */
function intradayOf(
  intraday: Snapshot['intraday'],
  queueIds: readonly string[],
  line: Snapshot['intraday']['instance'] | undefined,
): Snapshot['intraday'] {
  const queues = Object.fromEntries(
    queueIds.flatMap((id) => {
      const series = intraday.queues[id];
      return series ? [[id, series]] : [];
    }),
  );
  const all = queueIds.map((id) => intraday.queues[id]);
  let instance: Snapshot['intraday']['instance'] = line ?? [];
  if (queueIds.length > 0 && all.every((series) => series !== undefined)) {
    const [first = []] = all as Snapshot['intraday']['instance'][];
    instance = first.map((point, i) => {
      const metrics = (all as Snapshot['intraday']['instance'][]).map((series) => series[i]?.metrics ?? {});
      return { ...point, metrics: combineHistory(metrics, Object.keys(point.metrics)) };
    });
  }
  return { intervalMinutes: intraday.intervalMinutes, instance, queues };
}

/**
 * What of the configuration a view of `board` is projected from (projectView reads the board and the thresholds,
 * default and per queue, nothing else), as a digest for its ETag: it changes with an edit that changes the view,
 * and says nothing of the rest of the file (webhooks, users, other boards).
 */
export function viewRevision(board: BoardConfig | null, config: WallboardConfig): string {
  if (!board) return '';
  // The board's webhook is not in its view; its URL may carry a secret, and the digest goes to every screen.
  const { webhook: _webhook, ...shown } = board;
  return createHash('sha1')
    .update(
      JSON.stringify({
        board: shown,
        thresholds: config.thresholds.defaults,
        queueThresholds: config.thresholds.queues,
      }),
    )
    .digest('base64url')
    .slice(0, 12);
}

/** Whether two sets of figure states say the same (a queue whose states did not change stays the same object). */
function sameStates(a: Queue['states'], b: Queue['states']): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/**
 * The view of `board` (null: the whole instance) of `snapshot`. `recorded`: a moment of the past, replayed; its
 * queues' states are those it was recorded with (the board's own, `boardStates`, where it had thresholds of its
 * own), as its alerts are, not those today's thresholds would give.
 */
export function projectView(
  snapshot: Snapshot,
  board: BoardConfig | null,
  config: WallboardConfig,
  { recorded = false }: { recorded?: boolean } = {},
): Snapshot {
  if (!board) return snapshot;
  const { boardStates, boardIntraday, ...rest } = snapshot;
  const wanted = board.queues === 'all' ? null : new Set(resolveQueueRefs(board.queues, snapshot.queues));
  // Each queue's states judged here, by the configuration the view is projected under (its revision names it),
  // the board's own thresholds over the queue's: not as the snapshot was enriched, under the configuration of
  // that moment (a configuration edited since, or the leader's where it differs from this replica's).
  const own = Object.keys(board.thresholds).length > 0 ? board.thresholds : null;
  const asRecorded = recorded ? boardStates?.[board.id] : undefined;
  const queues = snapshot.queues
    .filter((queue) => !wanted || wanted.has(queue.id))
    .map((queue) => {
      if (recorded) {
        const states = asRecorded?.[queue.id];
        return states ? { ...queue, states } : queue;
      }
      const thresholds = queueThresholds(config, queue);
      const states = evaluateFigures(
        { ...queue.realtime, ...queue.today },
        own ? mergeThresholds(thresholds, own) : thresholds,
      );
      return sameStates(states, queue.states) ? queue : { ...queue, states };
    });
  const shows = new Set(board.sections);
  let agents = wanted ? agentsOfQueues(snapshot, wanted) : snapshot.agents;
  let summary = snapshot.summary;
  let intraday = wanted
    ? intradayOf(snapshot.intraday, [...wanted], boardIntraday?.[board.id])
    : snapshot.intraday;
  if (wanted) {
    const realtime = instanceRealtime(
      queues.map((queue) => queue.realtime),
      agentCounts(agents),
    );
    const names = [...new Set(queues.flatMap((queue) => Object.keys(queue.today)))];
    const today: TodayMetrics = combineHistory(
      queues.map((queue) => queue.today),
      names,
    );
    const thresholds = mergeThresholds(config.thresholds.defaults, board.thresholds);
    summary = { realtime, today, states: evaluateFigures({ ...realtime, ...today }, thresholds) };
    // The board's forecast is its queues' together, against the agents who can take them.
    const centre = snapshot.summary.forecast;
    if (centre)
      summary.forecast = combineForecasts(
        queues.flatMap((queue) => (queue.forecast ? [queue.forecast] : [])),
        realtime.AGENTS_STAFFED,
        centre,
      );
  } else if (Object.keys(board.thresholds).length > 0) {
    // Every queue, and the centre's figures, but judged by the board's own thresholds, as its tiles are.
    const thresholds = mergeThresholds(config.thresholds.defaults, board.thresholds);
    summary = { ...summary, states: evaluateFigures({ ...summary.realtime, ...summary.today }, thresholds) };
  }
  // Centre-wide alerts go with every board, as the board's alert endpoints have them; a screen's with its board.
  const alerts = snapshot.alerts.filter((alert) => alertOnBoard(alert, board.id, wanted));
  const routingProfiles = wanted
    ? snapshot.routingProfiles
        ?.map((profile) => ({ ...profile, queueIds: profile.queueIds.filter((id) => wanted.has(id)) }))
        .filter((profile) => profile.queueIds.length > 0)
    : snapshot.routingProfiles;
  // What the board does not show is not sent: no agents without the agents section, no series without charts,
  // nothing of the contacts its agents hold from other queues but that they hold them.
  if (!shows.has('agents')) agents = [];
  else if (wanted) agents = withOtherBoardsContactsHidden(agents, wanted);
  if (!shows.has('charts'))
    intraday = { intervalMinutes: intraday.intervalMinutes, instance: [], queues: EMPTY_INTRADAY_QUEUES };
  return {
    ...rest,
    board: board.id,
    queues,
    agents,
    summary,
    intraday,
    alerts,
    ...(routingProfiles ? { routingProfiles } : {}),
  };
}
