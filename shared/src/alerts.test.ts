import { describe, expect, it } from 'vitest';
import { FORECAST_SERVICE_LEVEL } from './forecast.js';
import {
  activeAlerts,
  alertRuleSchema,
  ruleFigure,
  ruleQuiet,
  stepAlerts,
  type AlertTrack,
  type Observation,
} from './alerts.js';

const longQueue = alertRuleSchema.parse({
  id: 'long-queue',
  metric: 'CONTACTS_IN_QUEUE',
  value: 10,
  holdSeconds: 30,
  clearAt: 8,
});
const lowServiceLevel = alertRuleSchema.parse({
  id: 'low-sl',
  metric: 'SERVICE_LEVEL_20',
  direction: 'below',
  level: 'warn',
  value: 70,
  clearAt: 75,
  scope: 'instance',
});

/** Feeds a series of (second, value) observations for one queue through the rule; returns what happened. */
function run(rule: typeof longQueue, series: [number, number | null][], queueId: string | null = 'q1') {
  let tracks = new Map<string, AlertTrack>();
  const log: string[] = [];
  for (const [second, value] of series) {
    const observations: Observation[] = [{ ruleId: rule.id, queueId, value }];
    const step = stepAlerts(tracks, [rule], observations, second * 1000);
    tracks = step.tracks;
    for (const event of step.events) log.push(`${second}:${event.kind}`);
  }
  return { log, tracks };
}

describe('stepAlerts', () => {
  it('fires only once the figure has been held beyond the level for the hold time', () => {
    expect(
      run(longQueue, [
        [0, 12],
        [10, 15],
        [29, 11],
        [30, 11],
      ]).log,
    ).toEqual(['30:raised']);
  });

  it('restarts the hold when the figure dips back before it fires', () => {
    expect(
      run(longQueue, [
        [0, 12],
        [20, 9],
        [25, 12],
        [50, 12],
        [55, 12],
      ]).log,
    ).toEqual(['55:raised']);
  });

  it('does not flap while the figure hovers between the clear level and the firing level', () => {
    const series: [number, number][] = [
      [0, 10],
      [30, 10],
      [31, 9],
      [32, 10],
      [33, 9],
      [34, 10],
      [40, 8],
    ];
    expect(run(longQueue, series).log).toEqual(['30:raised', '40:cleared']);
  });

  it('keeps a firing alert through missing data, and restarts a pending hold', () => {
    expect(
      run(longQueue, [
        [0, 12],
        [30, 12],
        [31, null],
        [60, 12],
      ]).log,
    ).toEqual(['30:raised']);
    expect(
      run(longQueue, [
        [0, 12],
        [20, null],
        [40, 12],
        [60, 12],
      ]).log,
    ).toEqual([]);
  });

  it('handles lower-is-worse figures with an immediate rule', () => {
    expect(
      run(
        lowServiceLevel,
        [
          [0, 80],
          [5, 70],
          [6, 72],
          [7, 75],
        ],
        null,
      ).log,
    ).toEqual(['5:raised', '7:cleared']);
  });

  it('clears the alert of a queue that is no longer observed', () => {
    const { tracks } = run(longQueue, [
      [0, 20],
      [30, 20],
    ]);
    const step = stepAlerts(tracks, [longQueue], [], 40_000);
    expect(step.events.map((e) => e.kind)).toEqual(['cleared']);
    expect(activeAlerts(step.tracks)).toEqual([]);
  });

  it('clears the alert of a rule edited under the same id, and holds the rule as it is now from the start', () => {
    const { tracks } = run(longQueue, [
      [0, 20],
      [30, 20],
    ]);
    expect(activeAlerts(tracks)).toHaveLength(1);
    const edited = alertRuleSchema.parse({
      id: 'long-queue',
      metric: 'OLDEST_CONTACT_AGE',
      level: 'warn',
      value: 120,
      holdSeconds: 30,
    });
    const step = stepAlerts(tracks, [edited], [{ ruleId: 'long-queue', queueId: 'q1', value: 455 }], 31_000);
    expect(step.events.map((e) => [e.kind, e.metric, e.threshold])).toEqual([
      ['cleared', 'CONTACTS_IN_QUEUE', 10],
    ]);
    expect(activeAlerts(step.tracks)).toEqual([]);
    const later = stepAlerts(
      step.tracks,
      [edited],
      [{ ruleId: 'long-queue', queueId: 'q1', value: 455 }],
      61_000,
    );
    expect(activeAlerts(later.tracks)).toMatchObject([
      { metric: 'OLDEST_CONTACT_AGE', level: 'warn', threshold: 120, value: 455 },
    ]);
    // A hold under way starts again when the rule is edited: time on the old figure is not time on the new.
    const pending = stepAlerts(
      new Map(),
      [longQueue],
      [{ ruleId: 'long-queue', queueId: 'q1', value: 20 }],
      0,
    );
    const onNew = stepAlerts(
      pending.tracks,
      [edited],
      [{ ruleId: 'long-queue', queueId: 'q1', value: 455 }],
      29_000,
    );
    const afterHold = stepAlerts(
      onNew.tracks,
      [edited],
      [{ ruleId: 'long-queue', queueId: 'q1', value: 455 }],
      31_000,
    );
    expect(afterHold.events).toEqual([]);
    // So does an edit of the direction alone.
    const below = alertRuleSchema.parse({ ...edited, direction: 'below' });
    const turned = stepAlerts(
      later.tracks,
      [below],
      [{ ruleId: 'long-queue', queueId: 'q1', value: 100 }],
      61_500,
    );
    expect(turned.events.map((e) => e.kind)).toEqual(['cleared']);
    // An edit that keeps the figure, level and limit (a longer hold, another clearing level) keeps the alert.
    const calmer = alertRuleSchema.parse({ ...edited, holdSeconds: 600, clearAt: 100 });
    const kept = stepAlerts(
      later.tracks,
      [calmer],
      [{ ruleId: 'long-queue', queueId: 'q1', value: 400 }],
      62_000,
    );
    expect(kept.events).toEqual([]);
    expect(activeAlerts(kept.tracks)).toHaveLength(1);
  });

  it('carries the current value and the level on the active alert', () => {
    const { tracks } = run(longQueue, [
      [0, 20],
      [30, 21],
      [31, 25],
    ]);
    expect(activeAlerts(tracks)).toMatchObject([
      {
        ruleId: 'long-queue',
        queueId: 'q1',
        level: 'critical',
        value: 25,
        threshold: 10,
        since: new Date(30_000).toISOString(),
      },
    ]);
  });
});

describe('alertRuleSchema', () => {
  it('refuses a clear level on the wrong side of the firing level', () => {
    const result = alertRuleSchema.safeParse({
      id: 'x',
      metric: 'CONTACTS_IN_QUEUE',
      value: 10,
      clearAt: 12,
    });
    expect(result.error?.issues[0]?.message).toMatch(/clearAt \(12\) must be below value \(10\)/);
  });
});

describe('a rule without a direction', () => {
  it('takes its figure’s own: a service level alerts when it falls, never when it rises', () => {
    const rule = alertRuleSchema.parse({ id: 'sl', metric: 'SERVICE_LEVEL_20', value: 75 });
    expect(rule.direction).toBe('below');
    const at = (value: number) => stepAlerts(new Map(), [rule], [{ ruleId: 'sl', queueId: null, value }], 0);
    expect(at(96).events).toEqual([]);
    expect(at(70).events.map((event) => event.kind)).toEqual(['raised']);
    // Given, it stands: a rule that means higher is worse says so.
    expect(
      alertRuleSchema.parse({ id: 'q', metric: 'AGENTS_AVAILABLE', value: 30, direction: 'above' }).direction,
    ).toBe('above');
    expect(alertRuleSchema.parse({ id: 'q', metric: 'CONTACTS_IN_QUEUE', value: 10 }).direction).toBe(
      'above',
    );
  });

  it('clears a forecast alert once no contacts are coming, rather than hold it through the night', () => {
    const rule = alertRuleSchema.parse({
      id: 'forecast',
      metric: FORECAST_SERVICE_LEVEL,
      value: 80,
      direction: 'below',
      clearAt: 85,
    });
    const observe = (forecast: { predictedServiceLevel: number | null; arrivalsPerHour: number | null }) => {
      const figures = { realtime: {}, today: {}, forecast };
      return {
        ruleId: 'forecast',
        queueId: null,
        value: ruleFigure(FORECAST_SERVICE_LEVEL, figures),
        quiet: ruleQuiet(FORECAST_SERVICE_LEVEL, figures),
      };
    };
    // At close: nobody staffed, the last hour's contacts still in the arrival rate: 0% predicted, raised.
    const closing = stepAlerts(
      new Map(),
      [rule],
      [observe({ predictedServiceLevel: 0, arrivalsPerHour: 240 })],
      0,
    );
    expect(closing.events.map((event) => event.kind)).toEqual(['raised']);
    // An hour on, no contacts coming: nothing predicted, nothing at risk: cleared, with no made-up figure.
    const night = stepAlerts(
      closing.tracks,
      [rule],
      [observe({ predictedServiceLevel: null, arrivalsPerHour: 0 })],
      3_600_000,
    );
    expect(night.events.map((event) => [event.kind, event.value])).toEqual([['cleared', null]]);
    // Not known (no arrival rate yet): a missing figure, which keeps a firing alert as before.
    expect(observe({ predictedServiceLevel: null, arrivalsPerHour: null })).toMatchObject({
      value: null,
      quiet: false,
    });
    const unknown = stepAlerts(
      closing.tracks,
      [rule],
      [observe({ predictedServiceLevel: null, arrivalsPerHour: null })],
      3_600_000,
    );
    expect(unknown.events).toEqual([]);
  });

  it('watches the abandon rate, which the wallboard works out from the contacts abandoned and queued', () => {
    expect(
      ruleFigure('ABANDON_RATE', { realtime: {}, today: { CONTACTS_QUEUED: 200, CONTACTS_ABANDONED: 30 } }),
    ).toBe(15);
    expect(
      ruleFigure('ABANDON_RATE', { realtime: {}, today: { CONTACTS_QUEUED: 0, CONTACTS_ABANDONED: 0 } }),
    ).toBeNull();
  });
});
