import { z } from 'zod';
import { derivedFigure, figureDescriptor, unwatchableFigure } from './figures.js';
import type { FigureState } from './snapshot.js';

/**
 * Thresholds say what "bad" looks like for one figure: a warn and a critical level and which way is bad.
 * "above" means higher is worse (CONTACTS_IN_QUEUE), "below" means lower is worse (SERVICE_LEVEL_20).
 * Reaching a level counts as being at it: 10 in queue with critical 10 is critical.
 */
const thresholdFields = {
  warn: z.number({ error: 'warn must be a number' }),
  critical: z.number({ error: 'critical must be a number' }),
};
const directionSchema = z.enum(['above', 'below'], { error: 'direction must be "above" or "below"' });

/** Whether `critical` is at least as bad as `warn` in the threshold's direction, as an issue if not. */
function orderIssue(threshold: Threshold, metric?: string): string | null {
  const ordered =
    threshold.direction === 'above'
      ? threshold.critical >= threshold.warn
      : threshold.critical <= threshold.warn;
  if (ordered) return null;
  const whose = metric ? ` (${metric}'s)` : '';
  return threshold.direction === 'above'
    ? `critical (${threshold.critical}) must be at least warn (${threshold.warn}) when higher is worse (direction: above${whose}); set direction: below if lower is worse`
    : `critical (${threshold.critical}) must be at most warn (${threshold.warn}) when lower is worse (direction: below${whose}); set direction: above if higher is worse`;
}

/** One figure's threshold on its own: `direction` defaults to above, as for a figure this build does not know. */
export const thresholdSchema = z
  .object({ ...thresholdFields, direction: directionSchema.default('above') })
  .strict()
  .superRefine((threshold, ctx) => {
    const issue = orderIssue(threshold);
    if (issue) ctx.addIssue({ code: 'custom', path: ['critical'], message: issue });
  });
export type Threshold = z.infer<typeof thresholdSchema>;

/**
 * Thresholds keyed by Connect's metric name (realtime or today's, e.g. SERVICE_LEVEL_20). A threshold without
 * `direction` takes its figure's own (shared/src/figures.ts): below for a service level, agents available or
 * staffed, contacts handled; above for the rest.
 */
export const thresholdSetSchema = z
  .record(
    z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'use Connect metric names'),
    z.object({ ...thresholdFields, direction: directionSchema.optional() }).strict(),
  )
  .transform((set, ctx): Record<string, Threshold> => {
    const out: Record<string, Threshold> = {};
    for (const [metric, given] of Object.entries(set)) {
      const unknown = unwatchableFigure(metric, 'threshold');
      if (unknown) ctx.addIssue({ code: 'custom', path: [metric], message: unknown });
      const threshold = { ...given, direction: given.direction ?? figureDescriptor(metric).bad };
      const issue = orderIssue(threshold, given.direction === undefined ? metric : undefined);
      if (issue) ctx.addIssue({ code: 'custom', path: [metric, 'critical'], message: issue });
      out[metric] = threshold;
    }
    return out;
  });
export type ThresholdSet = z.infer<typeof thresholdSetSchema>;

/** Whether `value` is at or beyond `level` in the threshold's bad direction. */
export function breaches(value: number, level: number, direction: Threshold['direction']): boolean {
  return direction === 'above' ? value >= level : value <= level;
}

/** A figure's state; `null` for a figure Connect could not compute: no data is not "ok". */
export function evaluateThreshold(
  value: number | null | undefined,
  threshold: Threshold,
): FigureState | null {
  if (value === null || value === undefined || Number.isNaN(value)) return null;
  if (breaches(value, threshold.critical, threshold.direction)) return 'critical';
  if (breaches(value, threshold.warn, threshold.direction)) return 'warn';
  return 'ok';
}

/** States for every figure of `metrics` that has a threshold; figures without data are left out. */
export function evaluateFigures(
  metrics: Readonly<Record<string, number | null | undefined>>,
  thresholds: ThresholdSet,
): Record<string, FigureState> {
  const states: Record<string, FigureState> = {};
  for (const [metric, threshold] of Object.entries(thresholds)) {
    const state = evaluateThreshold(metrics[metric] ?? derivedFigure(metric, metrics), threshold);
    if (state) states[metric] = state;
  }
  return states;
}

/** Layers threshold sets: later ones override earlier ones metric by metric (defaults, board, queue). */
export function mergeThresholds(...layers: (ThresholdSet | undefined)[]): ThresholdSet {
  return Object.assign({}, ...layers.filter(Boolean)) as ThresholdSet;
}

const SEVERITY: Record<FigureState, number> = { ok: 0, warn: 1, critical: 2 };

export function worstState(states: Iterable<FigureState>): FigureState {
  let worst: FigureState = 'ok';
  for (const state of states) if (SEVERITY[state] > SEVERITY[worst]) worst = state;
  return worst;
}
