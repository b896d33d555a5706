import {
  SCREEN_ALERT_PREFIX,
  activeAlerts,
  screenAlertMetric,
  evaluateFigures,
  isTodayFigure,
  mergeThresholds,
  ruleFigure,
  ruleQuiet,
  stepAlerts,
  trackKey,
  type Alert,
  type AlertEvent,
  type AlertTrack,
  type AlertRule,
  type Observation,
  type ScreenAlertRule,
  type Snapshot,
} from '@switchboard/shared';
import { localDate } from '@switchboard/shared/timeZone';
import { queueThresholds, resolveQueueRefs } from '../config/boards.js';
import type { WallboardConfig } from '../config/schema.js';
import { NotFoundError } from '../errors.js';

/** Today's history is bounded: a flapping rule on hundreds of queues must not grow memory without end. */
const MAX_HISTORY = 10_000;

/**
 * Told each event as it is recorded, with the snapshot the rules were stepping on when it came (null for an
 * acknowledgement): that snapshot is not the poller's latest until it is enriched, and a queue new in it is in
 * no other.
 */
type EventListener = (event: AlertEvent, snapshot: Snapshot | null) => void;

/** The screens, as the screen alert rules watch them (displays/registry.ts). */
export interface ScreenWatch {
  /** Each screen the rule watches, and for how many seconds it has been in one of the rule's states (0: not). */
  /** `gapMs`: how long after a step the next still carries on from it (maxGapMs of the cycle). */
  observe(rule: ScreenAlertRule, now: number, gapMs: number): { key: string; seconds: number }[];
  /** The screen's name as people know it: the name a supervisor gave, or its token's id. */
  label(key: string): string;
  /** The board the screen shows (undefined: a screen not known, null: none said). */
  boardOf(key: string): string | null | undefined;
}

/** A screen rule as the rule stepper reads it: its seconds in the bad state against the rule's minutes. */
function screenRule(rule: ScreenAlertRule): AlertRule {
  return {
    id: rule.id,
    metric: screenAlertMetric(rule),
    level: rule.level,
    direction: 'above',
    value: rule.minutes * 60,
    holdSeconds: 0,
    scope: 'queues',
  };
}

export interface AlertEngineState {
  tracks: [string, AlertTrack][];
  history: AlertEvent[];
  historyDay: string;
}

export class UnknownAlertError extends NotFoundError {
  constructor(message: string) {
    super(message, 'unknown_alert');
  }
}

/**
 * How long without a fresh fetch of the queues a pending hold survives: a minute, or five cycles where they are
 * longer. The figures stopped coming for longer (an outage, a restart, a change of leader): nothing says the
 * figure held meanwhile, and the hold starts again from the next figure. Cycles slowed by throttling, a few
 * times the usual, do not restart it.
 */
export const maxGapMs = (cycleMs: number) => Math.max(60_000, 5 * cycleMs);

/**
 * Evaluates thresholds and alert rules on each snapshot, on the server, so every screen shows the same states
 * and the same alerts at the same moment. Keeps today's alert history (reset at midnight in the configured
 * time zone) and acknowledgements.
 */
export class AlertEngine {
  private tracks = new Map<string, AlertTrack>();
  private history: AlertEvent[] = [];
  private historyDay = '';
  /** When the queues' figures the rules last stepped on were fetched: a republished snapshot is not new evidence. */
  private lastFetched: string | null = null;
  /** The snapshot the rules are stepping on, while they do. */
  private stepping: Snapshot | null = null;
  private readonly listeners = new Set<EventListener>();
  private screens: ScreenWatch | null = null;

  constructor(
    private config: () => WallboardConfig,
    private readonly clock: () => number = Date.now,
    /** The contact centre's time zone where it is not the file's (TIME_ZONE): today's history turns over there. */
    private readonly timeZone: (config: WallboardConfig) => string = (config) => config.timeZone,
  ) {}

  /** Screen alert rules (the configuration's `screenAlerts`) are evaluated by this engine, on the screens given. */
  watchScreens(screens: ScreenWatch): void {
    this.screens = screens;
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The snapshot with every figure's state and the active alerts filled in. */
  enrich = (snapshot: Snapshot): Snapshot => {
    const config = this.config();
    const defaults = config.thresholds.defaults;
    const queues = snapshot.queues.map((queue) => ({
      ...queue,
      states: evaluateFigures({ ...queue.realtime, ...queue.today }, queueThresholds(config, queue)),
    }));
    const summary = {
      ...snapshot.summary,
      states: evaluateFigures({ ...snapshot.summary.realtime, ...snapshot.summary.today }, defaults),
    };

    const boardStates: NonNullable<Snapshot['boardStates']> = {};
    for (const board of config.boards) {
      if (Object.keys(board.thresholds).length === 0) continue;
      const ids = board.queues === 'all' ? null : new Set(resolveQueueRefs(board.queues, snapshot.queues));
      boardStates[board.id] = Object.fromEntries(
        snapshot.queues
          .filter((queue) => !ids || ids.has(queue.id))
          .map((queue) => [
            queue.id,
            evaluateFigures(
              { ...queue.realtime, ...queue.today },
              mergeThresholds(queueThresholds(config, queue), board.thresholds),
            ),
          ]),
      );
    }

    // Rules step once per new fetch of the queues: a republished snapshot (a failure, stale figures) is not new
    // evidence.
    const fetched = snapshot.sections.queues.fetchedAt;
    if (fetched !== null && fetched !== this.lastFetched && !snapshot.sections.queues.stale) {
      this.lastFetched = fetched;
      this.stepping = snapshot;
      try {
        this.step(snapshot, config);
      } finally {
        this.stepping = null;
      }
    }
    return { ...snapshot, queues, summary, boardStates, alerts: this.named() };
  };

  /**
   * The alerts firing, a screen's named for people (its alert's queueId is the screen's key) and with the board
   * it shows: it goes with that board's view, not every board's (security/boardScope.ts, alertOnBoard).
   */
  private named(): Alert[] {
    const alerts = activeAlerts(this.tracks);
    const screens = this.screens;
    if (!screens) return alerts;
    return alerts.map((alert) => {
      if (!alert.queueId?.startsWith(SCREEN_ALERT_PREFIX)) return alert;
      const key = alert.queueId.slice(SCREEN_ALERT_PREFIX.length);
      return {
        ...alert,
        subject: `screen ${screens.label(key)}`,
        // Stamped when raised (null too: a screen on no board); looked up only before the screens were handed over.
        board: alert.board !== undefined ? alert.board : (screens.boardOf(key) ?? null),
      };
    });
  }

  private step(snapshot: Snapshot, config: WallboardConfig): void {
    const observations: Observation[] = [];
    const now = this.clock();
    // Today's figures that stopped coming (GetMetricData failing for longer than its refresh and a step's gap)
    // are no evidence: a rule on one sees no figure, so its hold starts again, and an alert it raised stays.
    const today = snapshot.sections.today;
    const todayAge = today.fetchedAt === null ? Infinity : now - Date.parse(today.fetchedAt);
    const todayFrozen = !(todayAge <= (today.intervalMs ?? 0) + maxGapMs(snapshot.cycleMs));
    const figuresOf = <T extends { today: object }>(figures: T): T =>
      todayFrozen ? { ...figures, today: {} } : figures;
    // An alert on one of today's figures raised before today began (in the centre's time zone) was about
    // yesterday: the day's figures start again at midnight, so it clears then, rather than stay up through a
    // night whose figure is none yet (no contact closed), which holds an alert as it is.
    const day = this.today(config);
    const ofYesterday = (ruleId: string, queueId: string | null) => {
      const since = this.tracks.get(trackKey(ruleId, queueId))?.alert?.since;
      return since !== undefined && localDate(Date.parse(since), this.timeZone(config)) !== day;
    };
    for (const rule of config.alerts) {
      const dayOld = (queueId: string | null) => isTodayFigure(rule.metric) && ofYesterday(rule.id, queueId);
      if (rule.scope === 'instance') {
        const figures = figuresOf(snapshot.summary);
        const value = ruleFigure(rule.metric, figures);
        observations.push({
          ruleId: rule.id,
          queueId: null,
          value,
          quiet: ruleQuiet(rule.metric, figures) || dayOld(null),
        });
        continue;
      }
      const ids = rule.queues ? new Set(resolveQueueRefs(rule.queues, snapshot.queues)) : null;
      for (const queue of snapshot.queues) {
        if (ids && !ids.has(queue.id)) continue;
        const figures = figuresOf(queue);
        const value = ruleFigure(rule.metric, figures);
        observations.push({
          ruleId: rule.id,
          queueId: queue.id,
          value,
          quiet: ruleQuiet(rule.metric, figures) || dayOld(queue.id),
        });
      }
    }
    const rules: AlertRule[] = [...config.alerts];
    for (const rule of config.screenAlerts) {
      rules.push(screenRule(rule));
      if (this.screens)
        for (const { key, seconds } of this.screens.observe(rule, now, maxGapMs(snapshot.cycleMs)))
          observations.push({ ruleId: rule.id, queueId: `${SCREEN_ALERT_PREFIX}${key}`, value: seconds });
    }
    // Until the screens are handed over (after every instance has started, and another instance's start may take
    // longer than this one's first poll), a screen alert carried over from before a restart has no figure yet:
    // missing data, which keeps it raised, not a screen that came back.
    if (!this.screens)
      for (const track of this.tracks.values())
        if (track.alert?.queueId?.startsWith(SCREEN_ALERT_PREFIX))
          observations.push({ ruleId: track.alert.ruleId, queueId: track.alert.queueId, value: null });
    const before = this.tracks;
    const result = stepAlerts(this.tracks, rules, observations, now, maxGapMs(snapshot.cycleMs));
    this.tracks = result.tracks;
    // A screen's alert keeps the board its screen showed when it was raised, for its events and the boards' views
    // (a screen that reconnects, or is forgotten, before its alert clears would otherwise move it, or drop it).
    const screens = this.screens;
    if (screens)
      for (const track of this.tracks.values()) {
        const alert = track.alert;
        if (alert?.queueId?.startsWith(SCREEN_ALERT_PREFIX) && alert.board === undefined)
          track.alert = {
            ...alert,
            board: screens.boardOf(alert.queueId.slice(SCREEN_ALERT_PREFIX.length)) ?? null,
          };
      }
    for (const event of result.events) this.record(this.withScreenBoard(event, before), config);
  }

  /** A screen alert's event with its alert's board (as raised), looked up here or, once cleared, in `before`. */
  private withScreenBoard(event: AlertEvent, before: Map<string, AlertTrack> = this.tracks): AlertEvent {
    if (!event.queueId?.startsWith(SCREEN_ALERT_PREFIX)) return event;
    const key = trackKey(event.ruleId, event.queueId);
    const find = (tracks: Map<string, AlertTrack>) => {
      const alert = tracks.get(key)?.alert;
      return alert?.id === event.alertId ? alert : undefined;
    };
    const alert = find(this.tracks) ?? find(before);
    return { ...event, board: alert?.board ?? null };
  }

  /** Today in the contact centre's time zone, as the history is kept. */
  private today(config: WallboardConfig = this.config()): string {
    return localDate(this.clock(), this.timeZone(config));
  }

  private record(event: AlertEvent, config: WallboardConfig): void {
    const day = this.today(config);
    if (day !== this.historyDay) {
      this.historyDay = day;
      this.history = [];
    }
    this.history.push(event);
    if (this.history.length > MAX_HISTORY) this.history.splice(0, this.history.length - MAX_HISTORY);
    for (const listener of this.listeners) listener(event, this.stepping);
  }

  /** Everything a successor needs to carry on: pending holds, firing alerts and today's history. */
  exportState(): AlertEngineState {
    return { tracks: [...this.tracks], history: this.history, historyDay: this.historyDay };
  }

  importState(state: AlertEngineState): void {
    this.tracks = new Map(state.tracks);
    this.history = [...state.history];
    this.historyDay = state.historyDay;
  }

  /**
   * Forgets every hold and alert (today's history stays): rules that still hold raise their alerts afresh, after
   * their hold, unacknowledged.
   */
  forgetTracks(): void {
    this.tracks = new Map();
  }

  get active(): Alert[] {
    return this.named();
  }

  /** Today's events, oldest first: none once the day they were of has passed (past midnight, after a restart). */
  get todaysHistory(): readonly AlertEvent[] {
    return this.todaysOf({ history: this.history, historyDay: this.historyDay });
  }

  /** Today's events of a saved state (the leader's, read by a follower): none when the state is of another day. */
  todaysOf(state: Pick<AlertEngineState, 'history' | 'historyDay'>): AlertEvent[] {
    return state.historyDay === this.today() ? state.history : [];
  }

  acknowledge(alertId: string, by: string): Alert {
    for (const track of this.tracks.values()) {
      const alert = track.alert;
      if (alert?.id !== alertId) continue;
      if (alert.acknowledgedBy) return alert;
      const at = new Date(this.clock()).toISOString();
      track.alert = { ...alert, acknowledgedBy: by, acknowledgedAt: at };
      this.record(
        this.withScreenBoard({
          alertId,
          ruleId: alert.ruleId,
          metric: alert.metric,
          queueId: alert.queueId,
          level: alert.level,
          kind: 'acknowledged',
          at,
          value: alert.value,
          threshold: alert.threshold,
          by,
        }),
        this.config(),
      );
      return track.alert;
    }
    throw new UnknownAlertError(`No active alert with id ${alertId}: it may have cleared.`);
  }
}
