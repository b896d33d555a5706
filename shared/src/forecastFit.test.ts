import { describe, expect, it } from 'vitest';
import { forecastQueue, serviceLevelWith } from './forecast.js';
import {
  MAX_AGENT_SHARE,
  MAX_FORECAST_AGENTS,
  MIN_AGENT_SHARE,
  effectiveAgents,
  fitAgentShare,
  serviceLevelContinuous,
  staffedForTarget,
  type FitInterval,
} from './forecastFit.js';

const HALF_HOUR = 30 * 60_000;
const settings = { serviceLevelSeconds: 20, targetPercent: 80, defaultHandleTimeSeconds: 300 };

/** A half-hour whose realised service level is what Erlang C gives `effective` agents (a continuous count). */
function synthetic(
  index: number,
  contacts: number,
  handle: number,
  staffed: number,
  share: number,
): FitInterval {
  const traffic = (contacts * handle) / 1800;
  return {
    startMs: index * HALF_HOUR,
    endMs: (index + 1) * HALF_HOUR,
    contacts,
    serviceLevel: serviceLevelContinuous(traffic, share * staffed, 20, handle) * 100,
    handleTimeSeconds: handle,
    agentsStaffed: staffed,
  };
}

describe('serviceLevelContinuous and effectiveAgents', () => {
  it('agree with Erlang C at whole counts and lie between them in between', () => {
    const whole10 = serviceLevelWith(8, 10, 20, 180);
    const whole11 = serviceLevelWith(8, 11, 20, 180);
    expect(serviceLevelContinuous(8, 10, 20, 180)).toBeCloseTo(whole10, 12);
    expect(serviceLevelContinuous(8, 11, 20, 180)).toBeCloseTo(whole11, 12);
    expect(serviceLevelContinuous(8, 10.25, 20, 180)).toBeCloseTo(whole10 + 0.25 * (whole11 - whole10), 12);
    // At or below the load the queue grows without end.
    expect(serviceLevelContinuous(8, 8, 20, 180)).toBe(0);
  });

  it('inverts the continuous service level', () => {
    const level = serviceLevelContinuous(12.5, 15.4, 20, 240);
    expect(effectiveAgents(12.5, level, 20, 240, 100)).toBeCloseTo(15.4, 9);
    // Not reached by the limit: the limit.
    expect(effectiveAgents(12.5, 0.999999, 20, 240, 14)).toBe(14);
    expect(effectiveAgents(12.5, 0, 20, 240, 100)).toBe(0);
  });

  it('reads back every level it fits, down to the lowest, where the count lies between the load and the whole count under it', () => {
    for (const traffic of [0.6, 3.33, 7.9, 12.5, 40.2]) {
      for (const level of [0.001, 0.01, 0.1, 0.3, 0.6, 0.95]) {
        const agents = effectiveAgents(traffic, level, 20, 300, 1000);
        expect(agents).toBeGreaterThan(Math.floor(traffic));
        expect(serviceLevelContinuous(traffic, agents, 20, 300)).toBeCloseTo(level, 9);
      }
      // Monotone across the load: never down as agents are added.
      let before = -1;
      for (let agents = Math.floor(traffic); agents <= traffic + 3; agents += 0.05) {
        const level = serviceLevelContinuous(traffic, agents, 20, 300);
        expect(level).toBeGreaterThanOrEqual(before);
        before = level;
      }
    }
  });
});

describe('fitAgentShare', () => {
  it("recovers a known share from synthetic Erlang C intervals, whatever each one's load and staffing", () => {
    const intervals = [
      synthetic(0, 120, 240, 60, 0.3),
      synthetic(1, 150, 200, 70, 0.3),
      synthetic(2, 90, 300, 55, 0.3),
      synthetic(3, 200, 180, 80, 0.3),
    ];
    const fit = fitAgentShare(intervals, { serviceLevelSeconds: 20 });
    expect(fit?.intervals).toBe(4);
    expect(fit?.share).toBeCloseTo(0.3, 6);
  });

  it('reads only the latest intervals with enough contacts, weighted by their contacts', () => {
    const intervals = [
      synthetic(0, 100, 240, 40, 0.9),
      synthetic(1, 100, 240, 40, 0.5),
      // Too few contacts to say anything: passed over.
      synthetic(2, 5, 240, 40, 1.5),
      synthetic(3, 200, 240, 45, 0.7),
    ];
    const fit = fitAgentShare(intervals, { serviceLevelSeconds: 20, intervals: 2, minimumContacts: 10 });
    expect(fit?.intervals).toBe(2);
    expect(fit?.share).toBeCloseTo((100 * 0.5 + 200 * 0.7) / 300, 6);
  });

  it('looks back no further than its lookback', () => {
    const intervals = [synthetic(0, 100, 240, 40, 0.9), synthetic(5, 100, 240, 40, 0.5)];
    expect(fitAgentShare(intervals, { serviceLevelSeconds: 20, lookbackMinutes: 120 })).toMatchObject({
      intervals: 1,
      share: expect.closeTo(0.5, 6) as number,
    });
    expect(fitAgentShare(intervals, { serviceLevelSeconds: 20 })?.intervals).toBe(2);
  });

  it('keeps the share within its bounds, and a realised 100% or 0% finite', () => {
    const perfect: FitInterval = {
      startMs: 0,
      endMs: HALF_HOUR,
      contacts: 40,
      serviceLevel: 100,
      handleTimeSeconds: 200,
      agentsStaffed: 3,
    };
    const high = fitAgentShare([perfect], { serviceLevelSeconds: 20 });
    expect(high?.share).toBeLessThanOrEqual(MAX_AGENT_SHARE);
    expect(high?.share).toBeGreaterThan(1);
    const none = fitAgentShare([{ ...perfect, serviceLevel: 0, agentsStaffed: 400 }], {
      serviceLevelSeconds: 20,
    });
    expect(none?.share).toBe(MIN_AGENT_SHARE);
  });

  /** A half-hour the fit can use. */
  const usable: FitInterval = {
    startMs: 0,
    endMs: HALF_HOUR,
    contacts: 50,
    serviceLevel: 80,
    handleTimeSeconds: 200,
    agentsStaffed: 9,
  };

  it('has nothing to fit on without usable intervals', () => {
    expect(fitAgentShare([], { serviceLevelSeconds: 20 })).toBeNull();
    // Each missing one thing the fit needs, or with too few contacts to say anything.
    const unusable: FitInterval[] = [
      { ...usable, serviceLevel: null },
      { ...usable, agentsStaffed: null },
      { ...usable, handleTimeSeconds: null },
      { ...usable, agentsStaffed: 0 },
      { ...usable, contacts: 3 },
    ];
    expect(fitAgentShare(unusable, { serviceLevelSeconds: 20 })).toBeNull();
  });

  it('fits on no interval whose figures no queue has, and never gives a share that is not a number', () => {
    expect(fitAgentShare([usable], { serviceLevelSeconds: 20 })).not.toBeNull();
    // Corrupted answers: more agents than any centre staffs, a load beyond them, contacts past what a sum holds.
    for (const corrupted of [
      { ...usable, agentsStaffed: MAX_FORECAST_AGENTS + 1 },
      { ...usable, handleTimeSeconds: 1e7 },
      { ...usable, contacts: 1e308 },
    ])
      expect(fitAgentShare([corrupted], { serviceLevelSeconds: 20 }), JSON.stringify(corrupted)).toBeNull();
  });
});

describe('staffedForTarget', () => {
  it('is the fewest staffed whose effective share reaches the target', () => {
    const staffed = staffedForTarget(10, 0.25, 20, 180, 80, 1000);
    expect(staffed).not.toBeNull();
    const s = staffed as number;
    expect(serviceLevelContinuous(10, 0.25 * s, 20, 180)).toBeGreaterThanOrEqual(0.8 - 1e-9);
    expect(serviceLevelContinuous(10, 0.25 * (s - 1), 20, 180)).toBeLessThan(0.8);
    expect(staffedForTarget(10, 0.25, 20, 180, 100, 1000)).toBeNull();
    expect(staffedForTarget(0, 0.25, 20, 180, 80, 1000)).toBe(0);
  });
});

describe('forecastQueue with today’s intervals', () => {
  // 120 contacts in each half-hour: 240 an hour, 4-minute handle time, 16 erlangs.
  const series = [0, 1].map((i) => ({
    startMs: i * HALF_HOUR,
    endMs: (i + 1) * HALF_HOUR,
    contactsQueued: 120,
  }));
  const base = { series, handleTimeSeconds: 240, contactsHandled: 200, agentsStaffed: 60 };

  it('forecasts with the fitted share of the agents staffed now', () => {
    const fit = [synthetic(0, 120, 240, 60, 0.35), synthetic(1, 120, 240, 60, 0.35)];
    const fitted = forecastQueue({ ...base, fit }, { ...settings, model: 'erlang-c-fitted' });
    expect(fitted.model).toBe('erlang-c-fitted');
    // The same load and staffing as the intervals fitted on: their service level again.
    expect(fitted.predictedServiceLevel).toBeCloseTo(fit[1]?.serviceLevel ?? NaN, 1);
    const plain = forecastQueue(base, settings);
    expect(plain.model).toBe('erlang-c');
    expect(plain.predictedServiceLevel).toBeGreaterThan(fitted.predictedServiceLevel ?? 100);
    // Staffed agents needed at that share: more than Erlang C's count of whole agents.
    expect(fitted.agentsRequired).toBeGreaterThan(plain.agentsRequired ?? Infinity);
  });

  it("averages the fitted forecast with the last interval's realised service level (the default model)", () => {
    const fit = [synthetic(0, 120, 240, 60, 0.35), { ...synthetic(1, 120, 240, 60, 0.35), serviceLevel: 50 }];
    const fitted = forecastQueue({ ...base, fit }, { ...settings, model: 'erlang-c-fitted' });
    const blend = forecastQueue({ ...base, fit }, settings);
    expect(blend.model).toBe('erlang-c-blend');
    expect(blend.predictedServiceLevel).toBeCloseTo(((fitted.predictedServiceLevel ?? NaN) + 50) / 2, 1);
    expect(blend.agentsRequired).toBe(fitted.agentsRequired);
  });

  it('blends in the last interval only when it had as many contacts as an interval the share is fitted on', () => {
    const quiet = { ...synthetic(2, 1, 240, 60, 0.35), serviceLevel: 0 };
    const fit = [synthetic(0, 120, 240, 60, 0.35), synthetic(1, 120, 240, 60, 0.35), quiet];
    const fitted = forecastQueue({ ...base, fit }, { ...settings, model: 'erlang-c-fitted' });
    const blend = forecastQueue({ ...base, fit }, settings);
    // One contact answered late is a realised 0%: blended in, it would halve the forecast.
    expect(blend.model).toBe('erlang-c-fitted');
    expect(blend.predictedServiceLevel).toBe(fitted.predictedServiceLevel);
    const busy = forecastQueue({ ...base, fit: [...fit.slice(0, 2), { ...quiet, contacts: 10 }] }, settings);
    expect(busy.model).toBe('erlang-c-blend');
  });

  it('predicts nothing answered with no agent staffed, whatever the last interval realised', () => {
    const fit = [synthetic(0, 120, 240, 60, 0.35), { ...synthetic(1, 120, 240, 60, 0.35), serviceLevel: 90 }];
    const none = forecastQueue({ ...base, agentsStaffed: 0, fit }, settings);
    expect(none.predictedServiceLevel).toBe(0);
    expect(none.model).toBe('erlang-c-fitted');
    // With agents staffed it blends as before.
    expect(forecastQueue({ ...base, fit }, settings).model).toBe('erlang-c-blend');
  });

  it('falls back to plain Erlang C with no fitted history', () => {
    const plain = forecastQueue(base, settings);
    const few = forecastQueue({ ...base, fit: [synthetic(0, 4, 240, 60, 0.35)] }, settings);
    expect(few).toEqual(plain);
    expect(forecastQueue({ ...base, fit: [] }, settings)).toEqual(plain);
  });
});
