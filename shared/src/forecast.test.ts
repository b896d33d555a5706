import { describe, expect, it } from 'vitest';
import {
  agentsForTarget,
  arrivalRate,
  combineForecasts,
  erlangB,
  erlangC,
  forecastAtRisk,
  forecastQueue,
  forecastSchema,
  forecastShortfall,
  serviceLevelWith,
  type ArrivalInterval,
} from './forecast.js';
import { MAX_FORECAST_AGENTS } from './forecastFit.js';

/** Erlang C by its textbook sum of A^k/k!, in logs: an independent check for small sizes. */
function erlangCDirect(a: number, n: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < n; k += 1) {
    term *= a / k;
    sum += term;
  }
  const top = ((term * a) / n) * (n / (n - a));
  return top / (sum + top);
}

describe('Erlang C', () => {
  // Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"
  // (callcentrehelper.com/erlang-c-formula-example-121281.htm): 100 calls in 30 minutes, 180 s average handle
  // time, 80% in 20 s. Traffic intensity 10 erlangs; with 11 agents the probability of waiting is 68.21% and
  // the service level 39%; 14 agents are the fewest reaching the target (88.8%).
  it('reproduces the Call Centre Helper worked example', () => {
    const traffic = (100 / 1800) * 180;
    expect(traffic).toBeCloseTo(10, 12);
    expect(erlangC(traffic, 11)).toBeCloseTo(0.6821, 4);
    expect(serviceLevelWith(traffic, 11, 20, 180)).toBeCloseTo(0.39, 2);
    expect(serviceLevelWith(traffic, 13, 20, 180)).toBeLessThan(0.8);
    expect(serviceLevelWith(traffic, 14, 20, 180)).toBeCloseTo(0.888, 3);
    expect(agentsForTarget(traffic, 20, 180, 80)).toBe(14);
  });

  // Westbay Engineers, "The Erlang-C formula" (erlang.com), the step-by-step example: 360 calls per half hour,
  // 4-minute calls, 55 agents, 15 s target answer time. 48 erlangs, occupancy 87.3%, probability of waiting
  // 23.9%, average speed of answer 8.2 s, service level 84.6%.
  it('reproduces the Westbay step-by-step example', () => {
    const traffic = (360 / 30) * 4;
    expect(traffic / 55).toBeCloseTo(0.873, 3);
    const c = erlangC(traffic, 55);
    expect(c).toBeCloseTo(0.2387, 4);
    expect((c * 240) / (55 - traffic)).toBeCloseTo(8.2, 1);
    expect(serviceLevelWith(traffic, 55, 15, 240)).toBeCloseTo(0.846, 3);
  });

  // Koole, "Call Center Mathematics" (2013), §4.2: Erlang B's recursion B(n) = aB(n−1)/(n + aB(n−1)) and
  // C = sB/(s − a(1 − B)) are the numerically stable way to compute both; the textbook sum agrees at small sizes.
  it('agrees with the textbook sum where that can be computed', () => {
    for (const [a, n] of [
      [0.5, 1],
      [2, 5],
      [10, 12],
      [48, 55],
      [99.5, 110],
    ] as const) {
      expect(erlangC(a, n)).toBeCloseTo(erlangCDirect(a, n), 10);
    }
    // Erlang B table values: 10 erlangs on 14 lines block 5.68%, 2 erlangs on 5 lines 3.67%.
    expect(erlangB(10, 14)).toBeCloseTo(0.0568, 4);
    expect(erlangB(2, 5)).toBeCloseTo(0.0367, 4);
  });

  it('stays finite and sensible at contact-centre sizes, where A^N/N! overflows', () => {
    // 24,000 contacts an hour of 5 minutes: 2,000 erlangs.
    const c = erlangC(2000, 2050);
    expect(Number.isFinite(c)).toBe(true);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
    const required = agentsForTarget(2000, 20, 300, 80);
    expect(required).not.toBeNull();
    expect(required).toBeGreaterThan(2000);
    expect(required).toBeLessThan(2100);
    expect(serviceLevelWith(2000, required as number, 20, 300)).toBeGreaterThanOrEqual(0.8);
    expect(serviceLevelWith(2000, (required as number) - 1, 20, 300)).toBeLessThan(0.8);
  });

  it('predicts no service at all with as many agents as erlangs or fewer', () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(serviceLevelWith(10, 9, 20, 180)).toBe(0);
    expect(serviceLevelWith(10, 0, 20, 180)).toBe(0);
  });

  it('needs no agents for no traffic, and gives up on a target no count reaches', () => {
    expect(agentsForTarget(0, 20, 180, 80)).toBe(0);
    expect(agentsForTarget(5, 20, 180, 100)).toBeNull();
    expect(agentsForTarget(5, 20, 180, 0)).toBe(0);
  });
});

const MIN = 60_000;
const series = (...queued: (number | null)[]): ArrivalInterval[] =>
  queued.map((contactsQueued, i) => ({ startMs: i * 30 * MIN, endMs: (i + 1) * 30 * MIN, contactsQueued }));

describe('arrivalRate', () => {
  it('averages the latest hour, the open interval pro-rated by its time so far', () => {
    const day = series(10, 60, 80);
    // The open interval has run 10 minutes with 20 queued.
    day.push({ startMs: 90 * MIN, endMs: 100 * MIN, contactsQueued: 20 });
    // Back from the open one until an hour is covered: 20 + 80 + 60 over 70 minutes.
    expect(arrivalRate(day)).toBeCloseTo((160 / 70) * 60, 9);
  });

  it('says nothing with less than a quarter of an hour of today, or a gap in the window', () => {
    expect(arrivalRate([{ startMs: 0, endMs: 10 * MIN, contactsQueued: 5 }])).toBeNull();
    expect(arrivalRate([])).toBeNull();
    expect(arrivalRate(series(10, null))).toBeNull();
    expect(arrivalRate(series(null, 10, 10))).toBe(20);
  });
});

const settings = { serviceLevelSeconds: 20, targetPercent: 80, defaultHandleTimeSeconds: 300 };

/** A queue with `perHalfHour` queued in each of the last two half-hours (150 handled today). */
const steadyQueue = (perHalfHour: number, handleTimeSeconds: number, agentsStaffed: number) =>
  forecastQueue(
    { series: series(perHalfHour, perHalfHour), handleTimeSeconds, contactsHandled: 150, agentsStaffed },
    settings,
  );

describe('forecastQueue', () => {
  it('predicts the service level with the agents staffed and the fewest agents for the target', () => {
    // 200 queued an hour for the last hour, 180 s handle time: 10 erlangs, as in Call Centre Helper's example.
    const forecast = steadyQueue(100, 180, 11);
    expect(forecastSchema.parse(forecast)).toEqual(forecast);
    expect(forecast.arrivalsPerHour).toBe(200);
    expect(forecast.handleTimeSeconds).toBe(180);
    expect(forecast.predictedServiceLevel).toBeCloseTo(39, 0);
    expect(forecast.agentsRequired).toBe(14);
    expect(forecastShortfall(forecast)).toBe(3);
    expect(forecastAtRisk(forecast)).toBe(true);
  });

  it('takes the configured handle time until today has enough of its own', () => {
    const forecast = forecastQueue(
      { series: series(100, 100), handleTimeSeconds: 30, contactsHandled: 2, agentsStaffed: 20 },
      settings,
    );
    expect(forecast.handleTimeSeconds).toBe(300);
  });

  it('leaves out what it cannot know rather than guess', () => {
    const noSeries = forecastQueue(
      { series: undefined, handleTimeSeconds: 180, contactsHandled: 100, agentsStaffed: 5 },
      settings,
    );
    expect(noSeries.arrivalsPerHour).toBeNull();
    expect(noSeries.predictedServiceLevel).toBeNull();
    expect(noSeries.agentsRequired).toBeNull();
    const noAgents = forecastQueue(
      { series: series(10, 10), handleTimeSeconds: 180, contactsHandled: 100, agentsStaffed: null },
      settings,
    );
    expect(noAgents.agentsRequired).not.toBeNull();
    expect(noAgents.predictedServiceLevel).toBeNull();
    expect(forecastShortfall(noAgents)).toBeNull();
    const quiet = forecastQueue(
      { series: series(0, 0), handleTimeSeconds: null, contactsHandled: 0, agentsStaffed: 3 },
      settings,
    );
    expect(quiet.arrivalsPerHour).toBe(0);
    expect(quiet.predictedServiceLevel).toBeNull();
    expect(quiet.agentsRequired).toBe(0);
    expect(forecastAtRisk(quiet)).toBe(false);
  });
});

describe('combineForecasts', () => {
  it('adds arrivals and agents required, and weights service level and handle time by arrivals', () => {
    const a = steadyQueue(100, 180, 11);
    const b = steadyQueue(50, 240, 10);
    const centre = combineForecasts([a, b], 18, settings);
    expect(centre.arrivalsPerHour).toBe(300);
    expect(centre.handleTimeSeconds).toBeCloseTo((200 * 180 + 100 * 240) / 300, 9);
    expect(centre.predictedServiceLevel).toBeCloseTo(
      (200 * (a.predictedServiceLevel as number) + 100 * (b.predictedServiceLevel as number)) / 300,
      9,
    );
    // The distinct agents staffed, plus what each queue is short of its own target.
    expect(centre.agentsRequired).toBe(18 + (forecastShortfall(a) ?? 0) + (forecastShortfall(b) ?? 0));
    expect(centre.agentsStaffed).toBe(18);
  });

  it('says nothing for the centre while a queue has no arrival rate', () => {
    const a = steadyQueue(100, 180, 11);
    const b = forecastQueue(
      { series: undefined, handleTimeSeconds: 180, contactsHandled: 150, agentsStaffed: 11 },
      settings,
    );
    const centre = combineForecasts([a, b], 20, settings);
    expect(centre.arrivalsPerHour).toBeNull();
    expect(centre.predictedServiceLevel).toBeNull();
    expect(centre.agentsRequired).toBeNull();
    expect(combineForecasts([], 0, settings).arrivalsPerHour).toBeNull();
  });
});

describe('combineForecasts at the edges', () => {
  it('says a centre whose every queue reaches its target needs no more agents than it has', () => {
    const forecasts = [0, 1, 2].map(() => steadyQueue(40, 240, 30));
    for (const forecast of forecasts) expect(forecastShortfall(forecast)).toBe(0);
    // Thirty agents shared by the three queues: each queue counts all thirty, the centre them once.
    const centre = combineForecasts(forecasts, 30, settings);
    expect(centre.agentsRequired).toBe(30);
    expect(forecastShortfall(centre)).toBe(0);
  });

  it('adds the queues short of their target, and nothing for the queues with agents to spare', () => {
    const short = steadyQueue(200, 300, 5);
    const spare = steadyQueue(10, 300, 40);
    expect(forecastShortfall(short)).toBeGreaterThan(0);
    const centre = combineForecasts([short, spare], 45, settings);
    expect(forecastShortfall(centre)).toBe(forecastShortfall(short));
  });

  it('keeps the centre within 0 to 100 however the sums round', () => {
    // Rates whose weighted mean of 100s comes out a hair above 100 in floating point.
    const rates = [16.8, 13.6, 15.2, 8.8, 12, 23.2, 8, 20.8, 11.2, 21.6, 8, 13.6];
    const forecasts = rates.map((rate) => ({
      model: 'erlang-c' as const,
      arrivalsPerHour: rate,
      handleTimeSeconds: 300,
      agentsStaffed: 20,
      serviceLevelSeconds: 20,
      targetPercent: 80,
      predictedServiceLevel: 100,
      agentsRequired: 3,
    }));
    const centre = combineForecasts(forecasts, 60, settings);
    expect(centre.predictedServiceLevel).toBe(100);
    expect(forecastSchema.parse(centre)).toEqual(centre);
  });
});

describe('the forecast against corrupted answers', () => {
  it('leaves out a count of agents staffed that no centre has, rather than count up to it', () => {
    const quiet = forecastQueue(
      { series: series(0, 0), handleTimeSeconds: 180, contactsHandled: 100, agentsStaffed: 1e20 },
      settings,
    );
    expect(quiet.agentsStaffed).toBeNull();
    expect(forecastSchema.safeParse(quiet).success).toBe(true);
    const busy = steadyQueue(100, 180, MAX_FORECAST_AGENTS + 1);
    expect(busy.agentsStaffed).toBeNull();
    expect(busy.predictedServiceLevel).toBeNull();
    expect(busy.agentsRequired).toBe(14);
    expect(steadyQueue(100, 180, MAX_FORECAST_AGENTS).predictedServiceLevel).toBe(100);
    const centre = combineForecasts([steadyQueue(100, 180, 11)], 1e20, settings);
    expect(centre.agentsStaffed).toBeNull();
    expect(centre.agentsRequired).toBeNull();
    expect(forecastSchema.safeParse(centre).success).toBe(true);
  });

  it('says when its handle time is the configured default, not today’s, and so does a centre made only of such', () => {
    const early = forecastQueue(
      { series: series(100, 100), handleTimeSeconds: 600, contactsHandled: 9, agentsStaffed: 9 },
      settings,
    );
    expect(early).toMatchObject({ handleTimeSeconds: 300, handleTimeAssumed: true });
    const measured = forecastQueue(
      { series: series(100, 100), handleTimeSeconds: 600, contactsHandled: 10, agentsStaffed: 9 },
      settings,
    );
    expect(measured.handleTimeSeconds).toBe(600);
    expect(measured.handleTimeAssumed).toBeUndefined();
    expect(combineForecasts([early, early], 18, settings).handleTimeAssumed).toBe(true);
    // Most of the centre's contacts on queues with a handle time of their own: measured; the other way, assumed.
    const busyMeasured = forecastQueue(
      { series: series(300, 300), handleTimeSeconds: 600, contactsHandled: 10, agentsStaffed: 9 },
      settings,
    );
    expect(combineForecasts([early, busyMeasured], 18, settings).handleTimeAssumed).toBeUndefined();
    const busyEarly = forecastQueue(
      { series: series(300, 300), handleTimeSeconds: 600, contactsHandled: 9, agentsStaffed: 9 },
      settings,
    );
    expect(combineForecasts([busyEarly, measured], 18, settings).handleTimeAssumed).toBe(true);
  });

  it('gives no staffing figures for a load beyond any staffing', () => {
    // 200 queued an hour at 10^7 s each: over half a million erlangs.
    const forecast = steadyQueue(100, 1e7, 20);
    expect(forecast.agentsRequired).toBeNull();
    expect(forecast.predictedServiceLevel).toBeNull();
    expect(forecastSchema.safeParse(forecast).success).toBe(true);
  });

  it('shows no figure past what a number holds, and takes no handle time that would show as that or as 0', () => {
    // Today's handle time is then taken as missing: the configured one stands in.
    const huge = forecastQueue(
      { series: undefined, handleTimeSeconds: 1e308, contactsHandled: 100, agentsStaffed: 5 },
      settings,
    );
    expect(huge.handleTimeSeconds).toBe(settings.defaultHandleTimeSeconds);
    expect(forecastSchema.safeParse(huge).success).toBe(true);
    const tiny = forecastQueue(
      { series: series(100, 100), handleTimeSeconds: 0.001, contactsHandled: 100, agentsStaffed: 5 },
      settings,
    );
    expect(tiny.handleTimeSeconds).toBe(settings.defaultHandleTimeSeconds);
    expect(forecastSchema.safeParse(tiny).success).toBe(true);
    const overflowing = { ...steadyQueue(100, 180, 11), arrivalsPerHour: 1e308 };
    const centre = combineForecasts([overflowing, overflowing], 20, settings);
    expect(centre.arrivalsPerHour).toBeNull();
    expect(centre.handleTimeSeconds).toBeNull();
    expect(forecastSchema.safeParse(centre).success).toBe(true);
  });
});
