import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertRuleSchema } from './alerts.js';
import {
  evaluateFigures,
  evaluateThreshold,
  mergeThresholds,
  thresholdSchema,
  thresholdSetSchema,
  worstState,
} from './thresholds.js';

const inQueue = thresholdSchema.parse({ warn: 5, critical: 10 });
const serviceLevel = thresholdSchema.parse({ warn: 80, critical: 70, direction: 'below' });

describe('evaluateThreshold', () => {
  it('treats higher as worse by default, counting the level itself as reached', () => {
    expect(evaluateThreshold(4, inQueue)).toBe('ok');
    expect(evaluateThreshold(5, inQueue)).toBe('warn');
    expect(evaluateThreshold(9, inQueue)).toBe('warn');
    expect(evaluateThreshold(10, inQueue)).toBe('critical');
  });

  it('treats lower as worse with direction below', () => {
    expect(evaluateThreshold(95, serviceLevel)).toBe('ok');
    expect(evaluateThreshold(80, serviceLevel)).toBe('warn');
    expect(evaluateThreshold(70, serviceLevel)).toBe('critical');
  });

  it('gives no state to a figure Connect could not compute', () => {
    expect(evaluateThreshold(null, inQueue)).toBeNull();
    expect(evaluateThreshold(undefined, inQueue)).toBeNull();
  });

  it('never rates a worse value better than a better one (monotone in the bad direction)', () => {
    const rank = { ok: 0, warn: 1, critical: 2 } as const;
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
        fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
        fc.double({ noNaN: true, min: 0, max: 1e6 }),
        fc.double({ noNaN: true, min: 0, max: 1e6 }),
        fc.constantFrom('above' as const, 'below' as const),
        (a, b, warn, gap, direction) => {
          const threshold =
            direction === 'above'
              ? { warn, critical: warn + gap, direction }
              : { warn, critical: warn - gap, direction };
          const [better, worse] =
            direction === 'above' ? [Math.min(a, b), Math.max(a, b)] : [Math.max(a, b), Math.min(a, b)];
          const stateOf = (v: number) => rank[evaluateThreshold(v, threshold) ?? 'ok'];
          expect(stateOf(worse)).toBeGreaterThanOrEqual(stateOf(better));
        },
      ),
    );
  });
});

describe('thresholdSchema', () => {
  it('refuses a critical level on the good side of warn, and says which way is bad', () => {
    const above = thresholdSchema.safeParse({ warn: 10, critical: 5 });
    expect(above.success).toBe(false);
    expect(above.error?.issues[0]?.message).toMatch(/critical \(5\) must be at least warn \(10\)/);
    const below = thresholdSchema.safeParse({ warn: 70, critical: 80, direction: 'below' });
    expect(below.error?.issues[0]?.message).toMatch(/at most warn/);
  });

  it('refuses unknown keys so a typo does not pass silently', () => {
    expect(thresholdSchema.safeParse({ warn: 1, critical: 2, critcal: 3 }).success).toBe(false);
  });
});

describe('evaluateFigures and mergeThresholds', () => {
  it('lets a queue override replace the default for one metric and keep the others', () => {
    const merged = mergeThresholds(
      { CONTACTS_IN_QUEUE: inQueue, SERVICE_LEVEL_20: serviceLevel },
      { CONTACTS_IN_QUEUE: thresholdSchema.parse({ warn: 1, critical: 2 }) },
    );
    expect(evaluateFigures({ CONTACTS_IN_QUEUE: 2, SERVICE_LEVEL_20: 90, OTHER: 5 }, merged)).toEqual({
      CONTACTS_IN_QUEUE: 'critical',
      SERVICE_LEVEL_20: 'ok',
    });
  });

  it('picks the worst state', () => {
    expect(worstState(['ok', 'critical', 'warn'])).toBe('critical');
    expect(worstState([])).toBe('ok');
  });
});

describe('a threshold set', () => {
  it('gives a threshold without a direction its figure’s own, and says how to mean the other way', () => {
    const set = thresholdSetSchema.parse({
      SERVICE_LEVEL_20: { warn: 80, critical: 70 },
      CONTACTS_IN_QUEUE: { warn: 5, critical: 10 },
    });
    expect(set.SERVICE_LEVEL_20?.direction).toBe('below');
    expect(set.CONTACTS_IN_QUEUE?.direction).toBe('above');
    const refused = thresholdSetSchema.safeParse({ AGENTS_AVAILABLE: { warn: 5, critical: 10 } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['AGENTS_AVAILABLE', 'critical']);
    expect(refused.error?.issues[0]?.message).toMatch(
      /AGENTS_AVAILABLE's.*set direction: above if higher is worse/,
    );
    expect(
      thresholdSetSchema.parse({ AGENTS_AVAILABLE: { warn: 5, critical: 10, direction: 'above' } })
        .AGENTS_AVAILABLE?.direction,
    ).toBe('above');
  });

  it('evaluates the abandon rate from the contacts abandoned and queued', () => {
    const set = thresholdSetSchema.parse({ ABANDON_RATE: { warn: 5, critical: 10 } });
    expect(evaluateFigures({ CONTACTS_QUEUED: 100, CONTACTS_ABANDONED: 7 }, set).ABANDON_RATE).toBe('warn');
    expect(evaluateFigures({ CONTACTS_QUEUED: 100, CONTACTS_ABANDONED: 30 }, set).ABANDON_RATE).toBe(
      'critical',
    );
    expect(evaluateFigures({ CONTACTS_QUEUED: 0, CONTACTS_ABANDONED: 0 }, set)).toEqual({});
  });
});

describe('a threshold or rule on a misspelt figure', () => {
  it('is refused with the name it may have meant', () => {
    const threshold = thresholdSetSchema.safeParse({ CONTACT_IN_QUEUE: { warn: 5, critical: 10 } });
    expect(threshold.success).toBe(false);
    expect(threshold.error?.issues[0]?.path).toEqual(['CONTACT_IN_QUEUE']);
    expect(threshold.error?.issues[0]?.message).toMatch(
      /CONTACT_IN_QUEUE is not a figure.*Did you mean CONTACTS_IN_QUEUE\?/,
    );
    const rule = alertRuleSchema.safeParse({ id: 'typo', metric: 'SERVICE_LEVL_20', value: 80 });
    expect(rule.success).toBe(false);
    expect(rule.error?.issues[0]?.path).toEqual(['metric']);
    expect(rule.error?.issues[0]?.message).toMatch(/Did you mean SERVICE_LEVEL_20\?/);
    // A service level Connect cannot count (1 to 604800 s), or seconds it would echo back otherwise, is refused:
    // one such threshold would fail every GetMetricData request, or never match its figure.
    for (const [metric, message] of [
      ['SERVICE_LEVEL_0', /SERVICE_LEVEL_0: Connect counts a service level within 1 to 604800 seconds/],
      ['SERVICE_LEVEL_604801', /within 1 to 604800 seconds \(7 days\).*e\.g\. SERVICE_LEVEL_20/],
      [
        'SERVICE_LEVEL_020',
        /SERVICE_LEVEL_020: write the seconds without leading zeros, as SERVICE_LEVEL_20/,
      ],
    ] as const) {
      const set = thresholdSetSchema.safeParse({ [metric]: { warn: 80, critical: 70 } });
      expect(set.error?.issues[0]?.message, metric).toMatch(message);
      const onRule = alertRuleSchema.safeParse({ id: 'sl', metric, value: 80 });
      expect(onRule.error?.issues[0]?.message, metric).toMatch(message);
    }
    expect(thresholdSetSchema.safeParse({ SERVICE_LEVEL_604800: { warn: 80, critical: 70 } }).success).toBe(
      true,
    );
    // Any service level threshold, the wallboard's own figures, and the forecast are figures.
    expect(thresholdSetSchema.safeParse({ SERVICE_LEVEL_45: { warn: 80, critical: 70 } }).success).toBe(true);
    expect(thresholdSetSchema.safeParse({ ABANDON_RATE: { warn: 5, critical: 10 } }).success).toBe(true);
    expect(alertRuleSchema.safeParse({ id: 'f', metric: 'FORECAST_SERVICE_LEVEL', value: 80 }).success).toBe(
      true,
    );
    // The forecast takes rules, not thresholds: nothing on a tile is coloured by it.
    const forecast = thresholdSetSchema.safeParse({ FORECAST_SERVICE_LEVEL: { warn: 80, critical: 70 } });
    expect(forecast.error?.issues[0]?.message).toMatch(/takes alert rules .* not thresholds/);
    // A screen's figures are for screen alert rules only.
    expect(alertRuleSchema.safeParse({ id: 's', metric: 'SCREEN_STALE', value: 60 }).success).toBe(false);
  });
});
