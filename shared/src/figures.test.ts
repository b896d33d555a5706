import { describe, expect, it } from 'vitest';
import {
  DESCRIBED_FIGURES,
  isTodayFigure,
  NO_DATA,
  alertSentence,
  figureDescriptor,
  figureFormatter,
  forecastAdvice,
  forecastShortfallText,
  formatDuration,
} from './figures.js';
import { CURRENT_METRICS, CURRENT_METRIC_NAMES, metricLabel } from './metrics.js';
import { thresholdSchema } from './thresholds.js';

/** Intl writes some separators as no-break spaces: compare on plain ones. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('figure descriptors', () => {
  it('name, shorten and unit every current metric, in the unit Connect reports it in', () => {
    for (const name of CURRENT_METRIC_NAMES) {
      const figure = figureDescriptor(name);
      expect(figure.label, name).not.toBe(name);
      expect(figure.unit, name).toBe(CURRENT_METRICS[name] === 'SECONDS' ? 'duration' : 'count');
    }
    expect(figureDescriptor('AGENTS_AVAILABLE')).toEqual({
      metric: 'AGENTS_AVAILABLE',
      label: 'Available',
      shortLabel: 'Avail',
      unit: 'count',
      bad: 'below',
    });
    expect(figureDescriptor('AGENTS_AFTER_CONTACT_WORK').shortLabel).toBe('ACW');
    expect(figureDescriptor('QUEUE_ANSWER_TIME')).toMatchObject({ shortLabel: 'ASA', unit: 'duration' });
    expect(figureDescriptor('CONTACTS_IN_QUEUE').shortLabel).toBe('In queue');
  });

  it('are worked out once per metric, and cannot be changed by a caller', () => {
    expect(figureDescriptor('SERVICE_LEVEL_30')).toBe(figureDescriptor('SERVICE_LEVEL_30'));
    expect(figureDescriptor('SOMETHING_NEW')).toBe(figureDescriptor('SOMETHING_NEW'));
    expect(Object.isFrozen(figureDescriptor('AGENTS_AVAILABLE'))).toBe(true);
    // Any number of names, as a configuration may hold, each described as its own.
    for (let n = 0; n < 600; n += 1)
      expect(figureDescriptor(`SERVICE_LEVEL_${n}`).shortLabel).toBe(`SL ${n}s`);
  });

  it('describe a service level of any threshold as a percentage where lower is worse', () => {
    expect(figureDescriptor('SERVICE_LEVEL_20')).toEqual({
      metric: 'SERVICE_LEVEL_20',
      label: 'Service level (20 s)',
      shortLabel: 'SL 20s',
      unit: 'percent',
      bad: 'below',
    });
    expect(figureDescriptor('SERVICE_LEVEL_604800').label).toBe('Service level (604800 s)');
    expect(figureDescriptor('OCCUPANCY').unit).toBe('percent');
  });

  it('say which way is bad as the default thresholds do, and as a threshold without direction takes it', () => {
    // The server's default thresholds (server/src/config/schema.ts, DEFAULT_THRESHOLDS).
    expect(figureDescriptor('CONTACTS_IN_QUEUE').bad).toBe('above');
    expect(figureDescriptor('OLDEST_CONTACT_AGE').bad).toBe('above');
    expect(figureDescriptor('SERVICE_LEVEL_20').bad).toBe('below');
    // A figure this build does not know takes the thresholds' default direction.
    const unknown = figureDescriptor('SOMETHING_NEW');
    expect(unknown).toEqual({
      metric: 'SOMETHING_NEW',
      label: 'SOMETHING_NEW',
      shortLabel: 'SOMETHING_NEW',
      unit: 'count',
      bad: thresholdSchema.parse({ warn: 1, critical: 2 }).direction,
    });
  });

  it('are where metricLabel reads its words, and never answer for an inherited property name', () => {
    for (const name of DESCRIBED_FIGURES) expect(metricLabel(name)).toBe(figureDescriptor(name).label);
    expect(figureDescriptor('toString').label).toBe('toString');
    expect(figureDescriptor('__proto__').unit).toBe('count');
  });
});

describe('formatDuration', () => {
  it('writes m:ss under an hour and h:mm:ss from an hour, rounded to the second', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(455)).toBe('7:35');
    expect(formatDuration(59.5)).toBe('1:00');
    expect(formatDuration(3599.4)).toBe('59:59');
    expect(formatDuration(3600)).toBe('1:00:00');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(100 * 3600 + 1)).toBe('100:00:01');
  });

  it('shows no data for null, NaN and infinity, and a negative time as nought', () => {
    expect(formatDuration(null)).toBe(NO_DATA);
    expect(formatDuration(undefined)).toBe(NO_DATA);
    expect(formatDuration(Number.NaN)).toBe(NO_DATA);
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe(NO_DATA);
    expect(formatDuration(-3)).toBe('0:00');
    expect(NO_DATA).toBe('–');
  });
});

describe('figureFormatter', () => {
  it("writes counts and percentages in the locale's numbers", () => {
    const gb = figureFormatter('en-GB');
    expect(gb.locale).toBe('en-GB');
    expect(gb.count(1234)).toBe('1,234');
    expect(gb.count(2.6)).toBe('3');
    expect(gb.percent(71.5)).toBe('71.5%');
    expect(gb.percent(60)).toBe('60%');
    expect(gb.percent(66.666)).toBe('66.7%');
    const de = figureFormatter('de-DE');
    expect(plain(de.count(1234))).toBe('1.234');
    expect(plain(de.percent(71.5))).toBe('71,5 %');
  });

  it('writes each figure in its own unit', () => {
    const format = figureFormatter('en-GB');
    expect(format.figure('OLDEST_CONTACT_AGE', 455)).toBe('7:35');
    expect(format.figure('QUEUE_ANSWER_TIME', 3725)).toBe('1:02:05');
    expect(format.figure('SERVICE_LEVEL_20', 60)).toBe('60.0%');
    // A measured percentage keeps its decimal, so a column of them lines up; a setting (a target) is as given.
    expect([format.figure('ABANDON_RATE', 85), format.figure('ABANDON_RATE', 77.14)]).toEqual([
      '85.0%',
      '77.1%',
    ]);
    expect(format.percent(80)).toBe('80%');
    // The whole is "100%": "100.0%" overflowed the wall's queue lines.
    expect([format.figure('SERVICE_LEVEL_20', 100), format.figure('SERVICE_LEVEL_20', 99.96)]).toEqual([
      '100%',
      '100%',
    ]);
    expect(format.figure('SERVICE_LEVEL_20', 99.94)).toBe('99.9%');
    expect(format.figure('ABANDON_RATE', 4.25)).toBe('4.3%');
    expect(format.figure('CONTACTS_IN_QUEUE', 12)).toBe('12');
    expect(format.figure('SOMETHING_NEW', 1500)).toBe('1,500');
  });

  it('shows no data for null, undefined, NaN and infinity in every unit, and keeps a negative count', () => {
    const format = figureFormatter('en-GB');
    for (const metric of ['CONTACTS_IN_QUEUE', 'OLDEST_CONTACT_AGE', 'SERVICE_LEVEL_20']) {
      for (const value of [null, undefined, Number.NaN, Number.NEGATIVE_INFINITY]) {
        expect(format.figure(metric, value), `${metric} ${String(value)}`).toBe(NO_DATA);
      }
    }
    expect(format.count(-2)).toBe('-2');
  });

  it('writes every whole count as the locale writes it, however many it has seen, -0 included', () => {
    const gb = figureFormatter('en-GB');
    const direct = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
    for (let value = -50; value < 6000; value += 1) expect(gb.count(value)).toBe(direct.format(value));
    // After more values than it keeps (4,096), it still writes each as the locale does.
    for (const value of [0, 1234, 5999, -50]) expect(gb.count(value)).toBe(direct.format(value));
    // A map takes -0 for 0: each still reads as the formatter writes it.
    expect(gb.count(-0)).toBe(direct.format(-0));
    expect(gb.count(0)).toBe('0');
    expect(gb.count(-0)).toBe(direct.format(-0));
  });

  it("falls back to the runtime's locale for a malformed one, and builds each locale once", () => {
    expect(figureFormatter('not a locale!').count(5)).toBe('5');
    expect(figureFormatter(undefined).locale).toBe(new Intl.NumberFormat().resolvedOptions().locale);
    expect(figureFormatter('en-GB')).toBe(figureFormatter('en-GB'));
  });
});

describe('alertSentence', () => {
  const format = figureFormatter('en-GB');

  it('says an alert as the tiles write its figure and its limit', () => {
    expect(
      alertSentence({ metric: 'OLDEST_CONTACT_AGE', value: 455, threshold: 120 }, 'Sales 4', format),
    ).toBe('Oldest contact on Sales 4 is 7:35 (limit 2:00)');
    expect(alertSentence({ metric: 'SERVICE_LEVEL_20', value: 60, threshold: 75 }, null, format)).toBe(
      'Service level (20 s) for the whole centre is 60.0% (limit 75%)',
    );
    expect(
      alertSentence({ metric: 'CONTACTS_IN_QUEUE', value: 1200, threshold: 1000 }, 'Sales', format),
    ).toBe('In queue on Sales is 1,200 (limit 1,000)');
  });

  it('says no data for a figure without one, and leaves out a limit it does not have', () => {
    expect(
      alertSentence({ metric: 'OLDEST_CONTACT_AGE', value: null, threshold: 120 }, 'Sales', format),
    ).toBe('Oldest contact on Sales is – (limit 2:00)');
    expect(alertSentence({ metric: 'OLDEST_CONTACT_AGE', value: 90 }, 'Sales', format, 'is back to')).toBe(
      'Oldest contact on Sales is back to 1:30',
    );
  });
});

describe('the forecast in words', () => {
  const format = figureFormatter('en-GB');
  // The blend's: its figure may part from its staffing, and the advice says why.
  const forecast = {
    model: 'erlang-c-blend',
    arrivalsPerHour: 240,
    handleTimeSeconds: 250,
    agentsStaffed: 14,
    serviceLevelSeconds: 20,
    targetPercent: 80,
    predictedServiceLevel: 62.4,
    agentsRequired: 17,
  };

  it('says what the queue needs and what that rests on', () => {
    expect(forecastAdvice(forecast, format)).toBe(
      'Needs 3 more agents for 80% in 20 s: 240 contacts/h, 4:10 handle time, 14 staffed',
    );
    expect(forecastAdvice({ ...forecast, agentsRequired: 15 }, format)).toBe(
      'Needs 1 more agent for 80% in 20 s: 240 contacts/h, 4:10 handle time, 14 staffed',
    );
    expect(forecastAdvice({ ...forecast, agentsRequired: 12, predictedServiceLevel: 86.1 }, format)).toBe(
      'Enough agents for 80% in 20 s (12 needed): 240 contacts/h, 4:10 handle time, 14 staffed',
    );
    // Staffed enough by the model, and still below target: the blended-in last interval holds it there. The two
    // figures on the drill-down never read "62.4% predicted" above a bare "Enough agents".
    expect(forecastAdvice({ ...forecast, agentsRequired: 12 }, format)).toBe(
      "Staffed for 80% in 20 s by the model (12 needed), but the last interval's service level holds the forecast below it: 240 contacts/h, 4:10 handle time, 14 staffed",
    );
    // And the other way: short by the model, predicted above target for now.
    expect(forecastAdvice({ ...forecast, predictedServiceLevel: 86.1 }, format)).toBe(
      "Needs 3 more agents for 80% in 20 s by the model, though the last interval's service level lifts the forecast above it for now: 240 contacts/h, 4:10 handle time, 14 staffed",
    );
    // Any other model's figure parts from its staffing only by rounding (79.997% shows as 80%): the blend is not
    // blamed for it.
    expect(
      forecastAdvice(
        { ...forecast, model: 'erlang-c', predictedServiceLevel: 80, agentsRequired: 15 },
        format,
      ),
    ).toBe('Needs 1 more agent for 80% in 20 s: 240 contacts/h, 4:10 handle time, 14 staffed');
    // A handle time that is the configured default says so.
    expect(forecastAdvice({ ...forecast, handleTimeAssumed: true, agentsRequired: 15 }, format)).toBe(
      'Needs 1 more agent for 80% in 20 s: 240 contacts/h, 4:10 handle time (assumed: too few contacts handled today), 14 staffed',
    );
    // No contacts coming (no prediction): the staffing alone.
    expect(forecastAdvice({ ...forecast, predictedServiceLevel: null }, format)).toBe(
      'Needs 3 more agents for 80% in 20 s: 240 contacts/h, 4:10 handle time, 14 staffed',
    );
  });

  it('never says the staffing suffices beside a forecast below target, nor that it falls short beside one above', () => {
    for (const predictedServiceLevel of [0, 41.5, 79.99, 80, 80.01, 96, 100])
      for (const agentsRequired of [0, 10, 13, 14, 15, 30]) {
        const advice = forecastAdvice({ ...forecast, predictedServiceLevel, agentsRequired }, format) ?? '';
        const below = predictedServiceLevel < 80;
        if (advice.startsWith('Enough agents')) expect(below).toBe(false);
        if (advice.startsWith('Needs') && !advice.includes('lifts the forecast above it'))
          expect(below).toBe(true);
        expect(advice.startsWith('Needs')).toBe(agentsRequired > 14);
      }
    expect(forecastAdvice({ ...forecast, arrivalsPerHour: null }, format)).toBeNull();
  });

  it('says the centre-wide shortfall, and nothing when there is none', () => {
    expect(forecastShortfallText(forecast, format)).toBe('Short 3 agents for 80% in 20 s');
    expect(forecastShortfallText({ ...forecast, agentsRequired: 14 }, format)).toBeNull();
    expect(forecastShortfallText({ ...forecast, agentsStaffed: null }, format)).toBeNull();
    // A centre's: where the agents are short.
    expect(forecastShortfallText(forecast, format, 1)).toBe('Short 3 agents on 1 queue for 80% in 20 s');
    expect(forecastShortfallText(forecast, format, 2)).toBe(
      'Short up to 3 agents on 2 queues for 80% in 20 s',
    );
  });

  it('writes a forecast alert the way every other alert is written', () => {
    expect(
      alertSentence({ metric: 'FORECAST_SERVICE_LEVEL', value: 62.4, threshold: 80 }, 'Billing', format),
    ).toBe('Forecast service level (estimate) on Billing is 62.4% (limit 80%)');
  });
});

describe("today's figures", () => {
  it('are those GetMetricData brings, and the abandon rate worked out from them; no real-time one', () => {
    for (const metric of [
      'SERVICE_LEVEL_20',
      'SERVICE_LEVEL_60',
      'CONTACTS_HANDLED',
      'QUEUE_ANSWER_TIME',
      'ABANDON_RATE',
    ])
      expect(isTodayFigure(metric), metric).toBe(true);
    for (const metric of [...CURRENT_METRIC_NAMES, 'FORECAST_SERVICE_LEVEL', 'SERVICE_LEVEL', 'SCREEN_STALE'])
      expect(isTodayFigure(metric), metric).toBe(false);
  });
});
