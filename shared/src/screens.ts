import { z } from 'zod';

/**
 * The screens themselves: what each page reports about itself (POST /api/v1/displays/report), and what a
 * supervisor reads about every screen (GET /api/v1/displays).
 */

/** A browser's own id, made once and kept in its localStorage: 20 to 40 letters, digits and dashes. */
export const BROWSER_SCREEN_ID = /^[A-Za-z0-9-]{20,40}$/;

/**
 * Control characters, and characters that reorder or hide text (U+202E would show a name in webhook messages
 * backwards); the joiners of emoji sequences are not among them.
 */
const HIDDEN_OR_REORDERING = /[\p{Cc}\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;

/** The largest report body the server reads (bytes); a bigger one is refused with 413. */
export const MAX_REPORT_BYTES = 1024;

const nonNegative = (field: string, max: number) =>
  z
    .number({ error: `${field} must be a number` })
    .finite(`${field} must be a finite number`)
    .min(0, `${field} must be 0 or more`)
    .max(max, `${field} must be at most ${max}`);

export const screenReportSchema = z
  .object({
    /** A browser's own id; a screen signed in with a display token reports as the token and may leave it out. */
    id: z
      .string({ error: 'id must be a string' })
      .regex(BROWSER_SCREEN_ID, 'id must be 20 to 40 letters, digits and dashes, as the page makes it')
      .optional(),
    view: z.enum(['wall', 'laptop', 'embed', 'screens'], {
      error: 'view must be wall, laptop, embed or screens',
    }),
    // Board ids have no length limit in the configuration; the body's 1 KB bounds this one.
    board: z
      .string({ error: 'board must be a string' })
      .max(200, 'board must be at most 200 characters')
      .refine(
        (board) => !HIDDEN_OR_REORDERING.test(board),
        'board must be a board id, e.g. sales-floor, without control characters or characters that reorder text',
      )
      .nullable(),
    /** The server build the page was loaded from (the first snapshot's serverBuild). */
    build: z
      .string({ error: 'build must be a string' })
      .max(64, 'build must be at most 64 characters')
      .refine(
        (build) => !HIDDEN_OR_REORDERING.test(build),
        'build must be the serverBuild of a snapshot, without control characters or characters that reorder text',
      )
      .nullable(),
    /** Age of the figures on screen, measured at the screen on the server's clock; null before any figures. */
    dataAgeMs: nonNegative('dataAgeMs', 1e10).nullable(),
    /** How long ago the page last drew new figures. */
    renderAgeMs: nonNegative('renderAgeMs', 1e10).nullable(),
    /** performance.memory.usedJSHeapSize, where the browser has it. */
    heapBytes: nonNegative('heapBytes', 1e11).nullable(),
    /** Errors its error boundaries caught since the page loaded. */
    errors: z.number().int('errors must be a whole number').min(0).max(1e6),
    viewport: z
      .object({ width: nonNegative('viewport.width', 1e5), height: nonNegative('viewport.height', 1e5) })
      .strict(),
    uptimeMs: nonNegative('uptimeMs', 1e11),
  })
  .strict();
export type ScreenReport = z.infer<typeof screenReportSchema>;

/** What the server answers a report with: when to send the next. */
export interface ScreenReportReply {
  intervalMs: number;
}

/**
 * A screen's state, worst first. `frozen`: its stream is open but it stopped reporting (or drawing);
 * `disconnected`: its stream closed and it stopped reporting.
 */
export const SCREEN_STATES = [
  'disconnected',
  'frozen',
  'stale',
  'errors',
  'memory',
  'old-build',
  'healthy',
] as const;
export type ScreenState = (typeof SCREEN_STATES)[number];

export const SCREEN_STATE_LABELS: Readonly<Record<ScreenState, string>> = {
  disconnected: 'Disconnected',
  frozen: 'Frozen',
  stale: 'Stale figures',
  errors: 'Errors',
  memory: 'Memory growing',
  'old-build': 'Old build',
  healthy: 'Healthy',
};

export interface ScreenPoint {
  /** Epoch ms of the report. */
  at: number;
  heapBytes: number | null;
  dataAgeMs: number | null;
}

export interface ScreenSummary {
  /** `t:<token id>` for a display token's screen, `b:<browser id>` for one without. */
  key: string;
  kind: 'token' | 'browser';
  /** The token id or the browser id. */
  id: string;
  /** The name a supervisor gave it, else the token id; null for an unnamed browser. */
  name: string | null;
  state: ScreenState;
  /** ISO time the state began. */
  since: string;
  /** Why, in words: "figures 2:10 old", "heap grew 40 MB in 5 min". */
  detail: string;
  view: ScreenReport['view'] | null;
  board: string | null;
  build: string | null;
  lastReportAt: string | null;
  streamOpen: boolean;
  dataAgeMs: number | null;
  heapBytes: number | null;
  errors: number;
  viewport: { width: number; height: number } | null;
  uptimeMs: number | null;
  history: ScreenPoint[];
}

export interface DisplaysResponse {
  serverBuild: string;
  reportIntervalMs: number;
  screens: ScreenSummary[];
}

export const screenNameSchema = z
  .object({
    name: z
      .string({ error: 'name must be a string: what to call the screen, e.g. Reception TV' })
      .trim()
      .max(60, 'name must be at most 60 characters')
      .refine(
        (name) => !HIDDEN_OR_REORDERING.test(name),
        'name must not hold control characters, nor characters that reorder or hide text (such as U+202E)',
      ),
  })
  .strict();

export const screenReloadSchema = z
  .object({
    /**
     * A screen's key, or a board: every screen showing it. Token and board ids have no length limit in their
     * files; the body's 4 KB bounds these.
     */
    key: z
      .string({
        error: 'key must be a string: a screen key as GET /api/v1/displays lists it, e.g. t:lobby-tv',
      })
      .min(1, 'key must not be empty: give a screen key as GET /api/v1/displays lists it, e.g. t:lobby-tv')
      .optional(),
    board: z
      .string({ error: 'board must be a string: a board id, e.g. sales-floor' })
      .min(1, 'board must not be empty: give a board id, e.g. sales-floor')
      .optional(),
  })
  .strict()
  .refine((body) => (body.key === undefined) !== (body.board === undefined), {
    message: 'give either key (one screen) or board (every screen of a board), not both and not neither',
  });

/**
 * A screen alert rule: a named screen disconnected (or stale: frozen or showing stale figures) for `minutes`
 * raises an alert, with its board webhooks like any other.
 */
export const screenAlertRuleSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be lower-case letters, digits and dashes, e.g. screen-down'),
    /** Screens by token id or given name; unset: every named screen (every display token's, every renamed one). */
    screens: z
      .array(z.string().min(1))
      .min(1, 'screens must list at least one screen, or be left out')
      .optional(),
    states: z
      .array(z.enum(['disconnected', 'stale'], { error: 'states lists disconnected and/or stale' }))
      .min(1, 'states must list disconnected, stale or both')
      .default(['disconnected', 'stale']),
    minutes: z
      .number({ error: 'minutes must be a number: how long the screen is down before the alert' })
      .positive('minutes must be more than 0'),
    level: z.enum(['warn', 'critical']).default('critical'),
  })
  .strict();
export type ScreenAlertRule = z.infer<typeof screenAlertRuleSchema>;

/** The metric a screen alert rule raises its alerts under (the figure is seconds in the bad state). */
export function screenAlertMetric(rule: Pick<ScreenAlertRule, 'states'>): string {
  const down = rule.states.includes('disconnected');
  const stale = rule.states.includes('stale');
  return down && stale ? 'SCREEN_DOWN_OR_STALE' : down ? 'SCREEN_DISCONNECTED' : 'SCREEN_STALE';
}

/** Alerts about a screen carry `screen:<key>` where a figure's alert carries its queue. */
export const SCREEN_ALERT_PREFIX = 'screen:';
