import { forecastQueue, type Queue, type Snapshot } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { ForecastState, withForecast, type LatestIntervals } from './forecast.js';

const MIN = 60_000;
const config = parseConfig(
  [
    'serviceLevel:',
    '  thresholdSeconds: 30',
    '  targetPercent: 90',
    'forecast:',
    '  defaultHandleTimeSeconds: 200',
    '',
  ].join('\n'),
  'forecast.yaml',
);

const queue = (id: string, staffed: number, handleTime: number | null, handled: number): Queue => ({
  id,
  name: id,
  channels: ['VOICE'],
  realtime: { AGENTS_STAFFED: staffed },
  realtimeByChannel: {},
  today: { HANDLE_TIME: handleTime, CONTACTS_HANDLED: handled },
  states: {},
});

const snapshot = (queues: Queue[]): Snapshot =>
  ({ queues, summary: { realtime: { AGENTS_STAFFED: 12 }, today: {}, states: {} } }) as unknown as Snapshot;

/** The arrivals both forecasts below are expected from: 60 queued in the first half-hour, 30 in the next 10 minutes. */
const SIXTY_THEN_THIRTY = [
  { startMs: 0, endMs: 30 * MIN, contactsQueued: 60 },
  { startMs: 30 * MIN, endMs: 40 * MIN, contactsQueued: 30 },
];

describe('withForecast', () => {
  it("forecasts every queue from today's latest intervals and the configured service level", () => {
    const asked: number[] = [];
    const history: LatestIntervals = {
      latestIntervals(minutes) {
        asked.push(minutes);
        return [
          { start: 0, end: 30 * MIN, byQueue: new Map([['busy', { CONTACTS_QUEUED: 60 }]]) },
          { start: 30 * MIN, end: 40 * MIN, byQueue: new Map([['busy', { CONTACTS_QUEUED: 30 }]]) },
        ];
      },
    };
    const result = withForecast(
      snapshot([queue('busy', 8, 240, 50), queue('quiet', 4, null, 0)]),
      history,
      config,
    );
    expect(asked).toEqual([60]);
    const [busy, quiet] = result.queues;
    // 90 queued over 40 minutes: 135 an hour.
    expect(busy?.forecast).toEqual(
      forecastQueue(
        {
          series: SIXTY_THEN_THIRTY,
          handleTimeSeconds: 240,
          contactsHandled: 50,
          agentsStaffed: 8,
        },
        { serviceLevelSeconds: 30, targetPercent: 90, defaultHandleTimeSeconds: 200 },
      ),
    );
    expect(busy?.forecast).toMatchObject({
      arrivalsPerHour: 135,
      serviceLevelSeconds: 30,
      targetPercent: 90,
    });
    // A queue Connect left out of the intervals had no contacts; with none handled, the configured handle time.
    expect(quiet?.forecast).toMatchObject({ arrivalsPerHour: 0, handleTimeSeconds: 200, agentsRequired: 0 });
    expect(result.summary.forecast).toMatchObject({ arrivalsPerHour: 135, agentsStaffed: 12 });
  });

  it('has no arrival rate for a queue Connect listed without its contacts queued, rather than none queued', () => {
    const history: LatestIntervals = {
      latestIntervals: () => [
        { start: 0, end: 30 * MIN, byQueue: new Map([['busy', { CONTACTS_QUEUED: 60 }]]) },
        // Listed, with another figure, but no CONTACTS_QUEUED (a Value Connect left out, or gave as null).
        {
          start: 30 * MIN,
          end: 40 * MIN,
          byQueue: new Map([['busy', { CONTACTS_QUEUED: null, HANDLE_TIME: 200 }]]),
        },
      ],
    };
    const [busy] = withForecast(snapshot([queue('busy', 8, 240, 50)]), history, config).queues;
    expect(busy?.forecast).toMatchObject({ arrivalsPerHour: null, predictedServiceLevel: null });
    const absent: LatestIntervals = {
      latestIntervals: () => [
        { start: 0, end: 30 * MIN, byQueue: new Map([['busy', { CONTACTS_QUEUED: 60 }]]) },
        { start: 30 * MIN, end: 40 * MIN, byQueue: new Map([['busy', { HANDLE_TIME: 200 }]]) },
      ],
    };
    const [again] = withForecast(snapshot([queue('busy', 8, 240, 50)]), absent, config).queues;
    expect(again?.forecast?.arrivalsPerHour).toBeNull();
  });

  it('reads no arrival rate from intervals that are out of date, and says so', () => {
    const history: LatestIntervals = {
      latestIntervals: () => [
        { start: 0, end: 30 * MIN, byQueue: new Map([['busy', { CONTACTS_QUEUED: 60 }]]) },
        { start: 30 * MIN, end: 40 * MIN, byQueue: new Map([['busy', { CONTACTS_QUEUED: 30 }]]) },
      ],
    };
    // The intervals were fetched at 0:40; they refresh every 30 s, and the figures' stale limit is 15 s.
    const at = (fetchedMinutes: number, nowMinutes: number): Snapshot =>
      ({
        ...snapshot([queue('busy', 8, 240, 50)]),
        generatedAt: new Date(nowMinutes * MIN).toISOString(),
        sections: {
          intraday: { fetchedAt: new Date(fetchedMinutes * MIN).toISOString(), intervalMs: 30_000 },
        },
      }) as unknown as Snapshot;
    // A slow cycle or two (a minute past the 45-s limit of the figures) is not enough: five minutes is.
    for (const minutes of [40.5, 41.5, 44.9]) {
      const fresh = withForecast(at(40, minutes), history, config, undefined, 15_000);
      expect(fresh.queues[0]?.forecast).toMatchObject({ arrivalsPerHour: 135 });
      expect(fresh.queues[0]?.forecast?.intervalsStale).toBeUndefined();
    }
    expect(withForecast(at(40, 45.1), history, config, undefined, 15_000).queues[0]?.forecast).toMatchObject({
      intervalsStale: true,
    });
    // Two hours on, no fetch since: nothing predicted from a rate two hours old.
    const stale = withForecast(at(40, 160), history, config, undefined, 15_000);
    expect(stale.queues[0]?.forecast).toMatchObject({
      arrivalsPerHour: null,
      predictedServiceLevel: null,
      agentsRequired: null,
      intervalsStale: true,
    });
    expect(stale.summary.forecast).toMatchObject({ arrivalsPerHour: null, intervalsStale: true });
  });

  it('says nothing before the intervals are fetched', () => {
    const result = withForecast(snapshot([queue('q', 5, 200, 20)]), { latestIntervals: () => [] }, config);
    expect(result.queues[0]?.forecast).toMatchObject({ arrivalsPerHour: null, predictedServiceLevel: null });
    expect(result.summary.forecast?.predictedServiceLevel).toBeNull();
  });

  it('records the agents staffed in each interval, and corrects the forecast on the closed ones', () => {
    const state = new ForecastState();
    const byQueue = (queued: number, level: number | null) =>
      new Map([['busy', { CONTACTS_QUEUED: queued, HANDLE_TIME: 240, SERVICE_LEVEL_30: level }]]);
    let latest = [{ start: 0, end: 10 * MIN, byQueue: byQueue(20, 70) }];
    const history: LatestIntervals = { latestIntervals: () => latest };
    // Two snapshots in the first half-hour, with 10 and then 14 agents staffed: 12 on average.
    withForecast(snapshot([queue('busy', 10, 240, 50)]), history, config, state);
    const first = withForecast(snapshot([queue('busy', 14, 240, 50)]), history, config, state);
    // Nothing closed yet: nothing to fit on, plain Erlang C.
    expect(first.queues[0]?.forecast?.model).toBe('erlang-c');
    expect(state.staffedIn(0, 'busy')).toBe(12);
    latest = [
      { start: 0, end: 30 * MIN, byQueue: byQueue(60, 70) },
      { start: 30 * MIN, end: 40 * MIN, byQueue: byQueue(30, null) },
    ];
    const next = withForecast(snapshot([queue('busy', 16, 240, 50)]), history, config, state);
    expect(state.staffedIn(30 * MIN, 'busy')).toBe(16);
    expect(next.queues[0]?.forecast).toEqual(
      forecastQueue(
        {
          series: SIXTY_THEN_THIRTY,
          handleTimeSeconds: 240,
          contactsHandled: 50,
          agentsStaffed: 16,
          fit: [
            {
              startMs: 0,
              endMs: 30 * MIN,
              contacts: 60,
              serviceLevel: 70,
              handleTimeSeconds: 240,
              agentsStaffed: 12,
            },
          ],
        },
        { serviceLevelSeconds: 30, targetPercent: 90, defaultHandleTimeSeconds: 200 },
      ),
    );
    expect(next.queues[0]?.forecast?.model).toBe('erlang-c-blend');
    expect(next.summary.forecast?.model).toBe('erlang-c-blend');
    // A new day: yesterday's intervals are forgotten.
    latest = [{ start: 24 * 60 * MIN, end: 24 * 60 * MIN + 5 * MIN, byQueue: byQueue(5, null) }];
    withForecast(snapshot([queue('busy', 3, 240, 50)]), history, config, state);
    expect(state.intervals).toBe(1);
  });

  it('records the agents staffed in the first minutes of an interval against it, not the whole one before', () => {
    const state = new ForecastState();
    const byQueue = (queued: number, level: number | null) =>
      new Map([['busy', { CONTACTS_QUEUED: queued, HANDLE_TIME: 240, SERVICE_LEVEL_30: level }]]);
    let latest = [
      { start: 0, end: 30 * MIN, byQueue: byQueue(60, 70) },
      { start: 30 * MIN, end: 55 * MIN, byQueue: byQueue(50, null) },
    ];
    const history: LatestIntervals = { intervalMs: 30 * MIN, latestIntervals: () => latest };
    withForecast(snapshot([queue('busy', 12, 240, 50)]), history, config, state);
    expect(state.staffedIn(30 * MIN, 'busy')).toBe(12);
    // 1:00 to 1:05: the intervals end at 1:00, the last one (0:30 to 1:00) whole. The agents staffed now are the
    // running interval's (from 1:00), and 0:30 is closed: fitted on, and blended in as the last interval.
    latest = [
      { start: 0, end: 30 * MIN, byQueue: byQueue(60, 70) },
      { start: 30 * MIN, end: 60 * MIN, byQueue: byQueue(60, 80) },
    ];
    const early = withForecast(snapshot([queue('busy', 20, 240, 50)]), history, config, state);
    expect(state.staffedIn(30 * MIN, 'busy')).toBe(12);
    expect(state.staffedIn(60 * MIN, 'busy')).toBe(20);
    expect(early.queues[0]?.forecast?.model).toBe('erlang-c-blend');
    // From 1:05 the running interval is listed, and its agents staffed carry on from those minutes.
    latest = [...latest, { start: 60 * MIN, end: 65 * MIN, byQueue: byQueue(10, null) }];
    withForecast(snapshot([queue('busy', 22, 240, 50)]), history, config, state);
    expect(state.staffedIn(60 * MIN, 'busy')).toBe(21);
    expect(state.staffedIn(30 * MIN, 'busy')).toBe(12);
  });

  it('records the agents staffed after an interval turned against the new one, before the history lists it', () => {
    const state = new ForecastState();
    const byQueue = (queued: number) => new Map([['busy', { CONTACTS_QUEUED: queued, HANDLE_TIME: 240 }]]);
    // 1:00:10, and the history was last fetched at 0:59: its last interval is 0:30 to 0:55, as then.
    const latest = [
      { start: 0, end: 30 * MIN, byQueue: byQueue(60) },
      { start: 30 * MIN, end: 55 * MIN, byQueue: byQueue(50) },
    ];
    const history: LatestIntervals = { intervalMs: 30 * MIN, latestIntervals: () => latest };
    const at = (ms: number, staffed: number) => ({
      ...snapshot([queue('busy', staffed, 240, 50)]),
      generatedAt: new Date(ms).toISOString(),
    });
    withForecast(at(59 * MIN, 12), history, config, state);
    withForecast(at(60 * MIN + 10_000, 30), history, config, state);
    expect(state.staffedIn(30 * MIN, 'busy')).toBe(12);
    expect(state.staffedIn(60 * MIN, 'busy')).toBe(30);
  });

  it('refits only when the history replaces a closed interval', () => {
    const state = new ForecastState();
    let fits = 0;
    const fit = () => {
      fits += 1;
      return { share: { share: 0.5, intervals: 1 }, last: undefined };
    };
    const figures = new Map([['q', { CONTACTS_QUEUED: 40 }]]);
    state.useClosed([{ start: 0, byQueue: figures }]);
    state.fitted('q', fit);
    state.useClosed([{ start: 0, byQueue: figures }]);
    expect(state.fitted('q', fit).share?.share).toBe(0.5);
    expect(fits).toBe(1);
    // Refetched: the same interval with new figures.
    state.useClosed([{ start: 0, byQueue: new Map(figures) }]);
    state.fitted('q', fit);
    expect(fits).toBe(2);
  });
});
