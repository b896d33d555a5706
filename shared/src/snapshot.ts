import { z } from 'zod';
import { AGENT_ACTIVITIES } from './activity.js';
import { forecastSchema } from './forecast.js';
import { CHANNELS, CURRENT_METRIC_NAMES, SNAPSHOT_CHANNELS } from './metrics.js';

/**
 * The wallboard snapshot: what the server serves at /api/v1/snapshot and pushes on /api/v1/stream.
 * Times travel as ISO-8601 strings. A metric that Connect could not compute is `null`, never 0.
 */

const isoTime = z.iso.datetime({ offset: true });
const metricValue = z.number().nullable();

/** A channel Connect documents; the per-queue channels and figures use only these. */
export const channelSchema = z.enum(CHANNELS);
/** An agent's contact's channel: a known one, or OTHER for a value this build does not know yet. */
export const contactChannelSchema = z.enum(SNAPSHOT_CHANNELS);

export const realtimeMetricsSchema = z.partialRecord(
  z.enum(CURRENT_METRIC_NAMES as [string, ...string[]]),
  metricValue,
);
export type RealtimeMetrics = z.infer<typeof realtimeMetricsSchema>;

/** Historical figures for today, keyed by Connect's names; SERVICE_LEVEL per threshold, e.g. SERVICE_LEVEL_20. */
export const todayMetricsSchema = z.record(z.string(), metricValue);
export type TodayMetrics = z.infer<typeof todayMetricsSchema>;

export const sectionStatusSchema = z.object({
  fetchedAt: isoTime.nullable(),
  dataSnapshotTime: isoTime.nullable(),
  error: z.object({ code: z.string(), message: z.string(), at: isoTime }).nullable(),
  stale: z.boolean(),
  /** How often the server refreshes this section: it is stale once older than this plus the stale limit. */
  intervalMs: z.number().nonnegative().optional(),
  /**
   * The intraday series only: the day's intervals not fetched yet (after a start mid-day, or at a new day, the
   * server fills the day in a few intervals a round, newest first). The chart says the day is still loading.
   */
  missingIntervals: z.number().int().nonnegative().optional(),
});
export type SectionStatus = z.infer<typeof sectionStatusSchema>;

/** A figure's threshold state, evaluated on the server so every screen agrees. */
export const figureStateSchema = z.enum(['ok', 'warn', 'critical']);
export type FigureState = z.infer<typeof figureStateSchema>;

/** States keyed by the figure's metric name (realtime or today), only for figures that have a threshold. */
export const figureStatesSchema = z.record(z.string(), figureStateSchema);

export const alertSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  metric: z.string(),
  queueId: z.string().nullable(),
  level: z.enum(['warn', 'critical']),
  since: isoTime,
  value: z.number().nullable(),
  threshold: z.number(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: isoTime.nullable(),
  /** What the alert is about, named, where it is not one of the snapshot's queues (a screen: "screen lobby-tv"). */
  subject: z.string().optional(),
  /** A screen's alert: the board the screen shows (null: none said), whose view it goes with. */
  board: z.string().nullable().optional(),
});
export type Alert = z.infer<typeof alertSchema>;

// A queue's ARN stays in the server: it names the AWS account, which no screen needs (queues are known by id).
export const queueSchema = z.object({
  id: z.string(),
  name: z.string(),
  channels: z.array(channelSchema),
  realtime: realtimeMetricsSchema,
  realtimeByChannel: z.partialRecord(channelSchema, realtimeMetricsSchema),
  today: todayMetricsSchema,
  states: figureStatesSchema,
  /** What happens next, an estimate (shared/src/forecast.ts); absent from a server that does not forecast. */
  forecast: forecastSchema.optional(),
});
export type Queue = z.infer<typeof queueSchema>;

/**
 * A contact's queue in a board's view when the board does not show that queue (server/src/views/project.ts): the
 * agent is on a contact, but which queue it came from, and its id, are another board's to show.
 */
export const QUEUE_NOT_ON_BOARD = 'not-on-board';

export const agentContactSchema = z.object({
  contactId: z.string(),
  channel: contactChannelSchema,
  /** Connect's own value when `channel` is OTHER, so a new channel can be named before a build knows it. */
  rawChannel: z.string().optional(),
  /** Connect's InitiationMethod (INBOUND, CALLBACK, OUTBOUND, API, …): a callback ringing out is On contact. */
  initiationMethod: z.string().optional(),
  state: z.string(),
  stateStartedAt: isoTime.nullable(),
  queueId: z.string().nullable(),
});

export type AgentContact = z.infer<typeof agentContactSchema>;

export const agentSchema = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  status: z.string(),
  statusType: z.enum(['ROUTABLE', 'CUSTOM', 'OFFLINE', 'ERROR', 'UNKNOWN']),
  statusStartedAt: isoTime.nullable(),
  /** Connect's Agent Activity, from the contacts' states and the status (shared/src/activity.ts). */
  activity: z.enum(AGENT_ACTIVITIES),
  /** When that activity began: the deciding contact's StateStartTimestamp, else the status start. */
  activitySince: isoTime.nullable(),
  routingProfile: z.object({ id: z.string(), name: z.string() }).nullable(),
  hierarchyGroup: z.object({ id: z.string(), name: z.string() }).nullable(),
  contacts: z.array(agentContactSchema),
});
export type Agent = z.infer<typeof agentSchema>;

export const intervalPointSchema = z.object({
  start: isoTime,
  end: isoTime,
  metrics: todayMetricsSchema,
});
export type IntervalPoint = z.infer<typeof intervalPointSchema>;

export const intradaySchema = z.object({
  intervalMinutes: z.number().int().positive(),
  instance: z.array(intervalPointSchema),
  queues: z.record(z.string(), z.array(intervalPointSchema)),
});
export type Intraday = z.infer<typeof intradaySchema>;

/** A routing profile and the queues it serves (ListRoutingProfileQueues): the agents in it can take those queues. */
export const routingProfileSchema = z.object({
  id: z.string(),
  name: z.string(),
  queueIds: z.array(z.string()),
});
export type RoutingProfile = z.infer<typeof routingProfileSchema>;

export const SECTION_NAMES = ['discovery', 'queues', 'agents', 'today', 'intraday'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export const snapshotSchema = z.object({
  instanceId: z.string(),
  /** Changes when the server is upgraded; a wall reloads itself when it sees a new one. */
  serverBuild: z.string(),
  /** The contact centre's time zone (IANA): "today" starts at midnight there. */
  timeZone: z.string(),
  generation: z.number().int().nonnegative(),
  generatedAt: isoTime,
  serverTime: isoTime,
  dataSnapshotTime: isoTime.nullable(),
  stale: z.boolean(),
  cycleMs: z.number().nonnegative(),
  sections: z.record(z.enum(SECTION_NAMES), sectionStatusSchema),
  queues: z.array(queueSchema),
  summary: z.object({
    realtime: realtimeMetricsSchema,
    today: todayMetricsSchema,
    states: figureStatesSchema,
    /** The queues' forecasts together, against the agents staffed (distinct agents, not a sum over queues). */
    forecast: forecastSchema.optional(),
  }),
  agents: z.array(agentSchema),
  intraday: intradaySchema,
  alerts: z.array(alertSchema),
  /**
   * The routing profiles agents are in, each with the queues it serves; absent until discovery has listed them.
   * "Agents of a queue" are the agents whose routing profile serves it.
   */
  routingProfiles: z.array(routingProfileSchema).optional(),
  /** The board this is the view of (its queues, their agents, its sections); absent for a whole instance. */
  board: z.string().optional(),
  /** States under a board's own threshold overrides: board id, then queue id, then metric. */
  boardStates: z.record(z.string(), z.record(z.string(), figureStatesSchema)).optional(),
  /**
   * Each board's line of its queues together, by board id, where `intraday.queues` leaves their own series out (an
   * instance of more queues than the snapshot carries series for): what the board's view draws as its centre line.
   */
  boardIntraday: z.record(z.string(), z.array(intervalPointSchema)).optional(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;
