import { z } from 'zod';
import type { Alert } from './snapshot.js';
import { derivedFigure, figureDescriptor, unwatchableFigure } from './figures.js';
import { FORECAST_SERVICE_LEVEL } from './forecast.js';
import { breaches } from './thresholds.js';

/**
 * Alert rules: a figure held beyond a level for a minimum time raises an alert, and the alert clears only once
 * the figure is back past a separate clear level, so a figure hovering at the line does not flap.
 */
export const alertRuleSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be lower-case letters, digits and dashes, e.g. long-queue'),
    metric: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, 'metric must be a Connect metric name, e.g. CONTACTS_IN_QUEUE'),
    level: z.enum(['warn', 'critical']).default('critical'),
    /** Which way is bad; unset, the figure's own (shared/src/figures.ts): below for a service level. */
    direction: z.enum(['above', 'below']).optional(),
    /** The alert fires when the figure reaches this value in the bad direction... */
    value: z.number({ error: 'value must be a number: the level at which the alert fires' }),
    /** ...for at least this long... */
    holdSeconds: z.number().min(0, 'holdSeconds must be 0 or more').default(0),
    /** ...and clears once the figure is back to this value (default: as soon as it no longer breaches). */
    clearAt: z.number().optional(),
    /** `instance` watches the instance total; `queues` watches each queue (optionally a chosen few). */
    scope: z.enum(['queues', 'instance']).default('queues'),
    /** Queue ids, names or name patterns (`Sales*`); unset means every queue. Resolved by the server. */
    queues: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .transform((rule) => ({ ...rule, direction: rule.direction ?? figureDescriptor(rule.metric).bad }))
  .superRefine((rule, ctx) => {
    const unknown = unwatchableFigure(rule.metric);
    if (unknown) {
      ctx.addIssue({ code: 'custom', path: ['metric'], message: unknown });
      return;
    }
    if (rule.metric === FORECAST_SERVICE_LEVEL && rule.direction !== 'below') {
      ctx.addIssue({
        code: 'custom',
        path: ['direction'],
        message: `${FORECAST_SERVICE_LEVEL} is worse when lower: set direction: below, with value the predicted service level (e.g. 80) under which to warn`,
      });
      return;
    }
    if (rule.clearAt === undefined) return;
    const onGoodSide = rule.direction === 'above' ? rule.clearAt < rule.value : rule.clearAt > rule.value;
    if (!onGoodSide) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearAt'],
        message: `clearAt (${rule.clearAt}) must be ${rule.direction === 'above' ? 'below' : 'above'} value (${rule.value}) so the alert can clear`,
      });
    }
  });
export type AlertRule = z.infer<typeof alertRuleSchema>;

/**
 * The figure a rule watches in a queue's (or the centre's) figures: a real-time or today's figure by its
 * Connect name, or the forecast's predicted service level for FORECAST_SERVICE_LEVEL, so a webhook warns before
 * the breach. Null when there is no figure.
 */
export function ruleFigure(
  metric: string,
  figures: {
    realtime: Readonly<Record<string, number | null | undefined>>;
    today: Readonly<Record<string, number | null | undefined>>;
    forecast?: { predictedServiceLevel: number | null; arrivalsPerHour?: number | null } | undefined;
  },
): number | null {
  if (metric === FORECAST_SERVICE_LEVEL) return figures.forecast?.predictedServiceLevel ?? null;
  return figures.realtime[metric] ?? figures.today[metric] ?? derivedFigure(metric, figures.today) ?? null;
}

export interface Observation {
  ruleId: string;
  queueId: string | null;
  value: number | null;
  /**
   * Nothing to measure, and nothing at risk either (ruleQuiet): a firing alert clears, its event without a value;
   * none is raised, and a hold starts again.
   */
  quiet?: boolean;
}

/**
 * Whether a rule's figure is absent because there is nothing to watch, not for want of data: a forecast with no
 * contacts coming (a queue closed for the night). An alert raised as the queue closed (nobody staffed while the
 * last hour's contacts were still in the arrival rate) then clears, rather than stand until the morning as a
 * missing figure would keep it.
 */
export function ruleQuiet(
  metric: string,
  figures: { forecast?: { arrivalsPerHour: number | null } | undefined },
) {
  return metric === FORECAST_SERVICE_LEVEL && figures.forecast?.arrivalsPerHour === 0;
}

export interface AlertTrack {
  pendingSince: number | null;
  /** When a pending hold last had its figure past the level (absent in state saved by older builds). */
  seenAt?: number;
  /** What the rule watched when the hold began or the alert was raised (ruleSignature; absent in older state). */
  rule?: string;
  alert: Alert | null;
}

/** A rule's figure, level, limit and direction: an edit of any of them is another rule under the same id. */
const ruleSignature = (rule: AlertRule) => `${rule.metric}|${rule.level}|${rule.value}|${rule.direction}`;

export interface AlertEvent {
  alertId: string;
  ruleId: string;
  metric: string;
  queueId: string | null;
  level: 'warn' | 'critical';
  kind: 'raised' | 'cleared' | 'acknowledged';
  at: string;
  value: number | null;
  /** The rule's level the figure crossed, so a message can say "(limit 2:00)". */
  threshold: number;
  by: string | null;
  /** A screen's alert: the board the screen showed then (null: none said), whose history it goes with. */
  board?: string | null;
}

export const trackKey = (ruleId: string, queueId: string | null) => `${ruleId}|${queueId ?? '*'}`;

function clears(value: number, rule: AlertRule): boolean {
  if (rule.clearAt === undefined) return !breaches(value, rule.value, rule.direction);
  return rule.direction === 'above' ? value <= rule.clearAt : value >= rule.clearAt;
}

/**
 * One evaluation step: given the tracks of the previous step, the rules and what each rule observes now,
 * returns the new tracks and the events raised or cleared. Pure: the caller owns the clock and the storage.
 * A figure without data keeps a firing alert (missing data is not recovery) but restarts a pending hold; so
 * does a step more than `maxGapMs` after the hold's figure was last seen (the figures stopped coming: nothing
 * says the figure held meanwhile), and a hold saved without the time it was last seen.
 * A track no longer observed (its queue was removed, its rule deleted) clears.
 */
export function stepAlerts(
  previous: ReadonlyMap<string, AlertTrack>,
  rules: readonly AlertRule[],
  observations: readonly Observation[],
  nowMs: number,
  maxGapMs = Number.POSITIVE_INFINITY,
): { tracks: Map<string, AlertTrack>; events: AlertEvent[] } {
  const at = new Date(nowMs).toISOString();
  const rulesById = new Map(rules.map((rule) => [rule.id, rule]));
  const tracks = new Map<string, AlertTrack>();
  const events: AlertEvent[] = [];
  const event = (alert: Alert, kind: AlertEvent['kind'], value: number | null): AlertEvent => ({
    alertId: alert.id,
    ruleId: alert.ruleId,
    metric: alert.metric,
    queueId: alert.queueId,
    level: alert.level,
    kind,
    at,
    value,
    threshold: alert.threshold,
    by: null,
  });

  for (const observation of observations) {
    const rule = rulesById.get(observation.ruleId);
    if (!rule) continue;
    const key = trackKey(rule.id, observation.queueId);
    let before = previous.get(key) ?? { pendingSince: null, alert: null };
    const { value } = observation;
    // A rule edited under the same id (another figure, level, limit or direction): its alert was about the rule
    // as it was, and clears; the rule as it is now starts from nothing, its hold too.
    const signature = ruleSignature(rule);
    const edited =
      before.rule !== undefined
        ? before.rule !== signature
        : before.alert !== null &&
          (before.alert.metric !== rule.metric ||
            before.alert.level !== rule.level ||
            before.alert.threshold !== rule.value);
    if (edited) {
      if (before.alert) events.push(event(before.alert, 'cleared', null));
      before = { pendingSince: null, alert: null };
    }
    if (observation.quiet) {
      if (before.alert) events.push(event(before.alert, 'cleared', null));
      tracks.set(key, { pendingSince: null, alert: null });
      continue;
    }

    if (before.alert) {
      if (value !== null && clears(value, rule)) {
        events.push(event(before.alert, 'cleared', value));
        tracks.set(key, { pendingSince: null, alert: null });
      } else {
        tracks.set(key, {
          pendingSince: null,
          rule: signature,
          alert: value === null ? before.alert : { ...before.alert, value },
        });
      }
      continue;
    }
    if (value === null || !breaches(value, rule.value, rule.direction)) {
      tracks.set(key, { pendingSince: null, alert: null });
      continue;
    }
    const held =
      before.pendingSince !== null && before.seenAt !== undefined && nowMs - before.seenAt <= maxGapMs;
    const pendingSince = held && before.pendingSince !== null ? before.pendingSince : nowMs;
    if (nowMs - pendingSince >= rule.holdSeconds * 1000) {
      const alert: Alert = {
        id: `${rule.id}:${observation.queueId ?? 'instance'}:${nowMs}`,
        ruleId: rule.id,
        metric: rule.metric,
        queueId: observation.queueId,
        level: rule.level,
        since: at,
        value,
        threshold: rule.value,
        acknowledgedBy: null,
        acknowledgedAt: null,
      };
      events.push(event(alert, 'raised', value));
      tracks.set(key, { pendingSince: null, rule: signature, alert });
    } else {
      tracks.set(key, { pendingSince, seenAt: nowMs, rule: signature, alert: null });
    }
  }

  for (const [key, track] of previous) {
    if (!tracks.has(key) && track.alert) events.push(event(track.alert, 'cleared', null));
  }
  return { tracks, events };
}

const LEVEL_RANK = { critical: 0, warn: 1 } as const;

/** Active alerts, worst first, then newest first. */
export function activeAlerts(tracks: ReadonlyMap<string, AlertTrack>): Alert[] {
  return [...tracks.values()]
    .flatMap((track) => (track.alert ? [track.alert] : []))
    .sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level] || Date.parse(b.since) - Date.parse(a.since));
}
