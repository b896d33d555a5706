import type { Queue, Snapshot } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { AlertEngine, UnknownAlertError } from './engine.js';

const config = parseConfig(
  [
    'timeZone: Europe/London',
    'thresholds:',
    '  defaults:',
    '    CONTACTS_IN_QUEUE: { warn: 5, critical: 10 }',
    '  queues:',
    '    Support:',
    '      CONTACTS_IN_QUEUE: { warn: 2, critical: 3 }',
    'boards:',
    '  - id: all',
    '    title: All',
    '  - id: strict',
    '    title: Strict',
    '    queues: [Sales]',
    '    thresholds:',
    '      CONTACTS_IN_QUEUE: { warn: 1, critical: 2 }',
    'alerts:',
    '  - id: long-queue',
    '    metric: CONTACTS_IN_QUEUE',
    '    value: 10',
    '    holdSeconds: 30',
    '    clearAt: 8',
    '',
  ].join('\n'),
  'test.yaml',
);

function queue(id: string, name: string, inQueue: number | null): Queue {
  return {
    id,
    name,
    channels: ['VOICE'],
    realtime: { CONTACTS_IN_QUEUE: inQueue },
    realtimeByChannel: {},
    today: {},
    states: {},
  };
}

/** A snapshot of figures fetched at `fetched` (by default a fetch of its own for each generation). */
function snapshot(generation: number, queues: Queue[], stale = false, fetched = generation): Snapshot {
  const at = new Date(0).toISOString();
  const section = {
    fetchedAt: new Date(fetched * 1000).toISOString(),
    dataSnapshotTime: at,
    error: null,
    stale,
  };
  return {
    instanceId: 'i',
    serverBuild: 'b',
    timeZone: 'UTC',
    generation,
    generatedAt: at,
    serverTime: at,
    dataSnapshotTime: at,
    stale,
    cycleMs: 0,
    sections: { discovery: section, queues: section, agents: section, today: section, intraday: section },
    queues,
    summary: { realtime: {}, today: {}, states: {} },
    agents: [],
    intraday: { intervalMinutes: 30, instance: [], queues: {} },
    alerts: [],
  };
}

describe('AlertEngine', () => {
  it('puts each figure state in the snapshot, with per-queue overrides and per-board states', () => {
    const engine = new AlertEngine(
      () => config,
      () => 0,
    );
    const out = engine.enrich(
      snapshot(1, [queue('q1', 'Sales', 3), queue('q2', 'Support', 3), queue('q3', 'Billing', null)]),
    );
    expect(out.queues.map((q) => q.states.CONTACTS_IN_QUEUE)).toEqual(['ok', 'critical', undefined]);
    expect(out.boardStates).toEqual({ strict: { q1: { CONTACTS_IN_QUEUE: 'critical' } } });
  });

  it('raises an alert after the hold time, lists it, records it in history and lets a supervisor acknowledge it', () => {
    let now = 0;
    const engine = new AlertEngine(
      () => config,
      () => now,
    );
    const seen: string[] = [];
    engine.onEvent((event) => seen.push(event.kind));
    expect(engine.enrich(snapshot(1, [queue('q1', 'Sales', 12)])).alerts).toEqual([]);
    now = 30_000;
    const out = engine.enrich(snapshot(2, [queue('q1', 'Sales', 12)]));
    expect(out.alerts).toMatchObject([{ ruleId: 'long-queue', queueId: 'q1', level: 'critical', value: 12 }]);
    const id = out.alerts[0]?.id ?? '';
    const acknowledged = engine.acknowledge(id, 'Dana');
    expect(acknowledged).toMatchObject({
      acknowledgedBy: 'Dana',
      acknowledgedAt: new Date(30_000).toISOString(),
    });
    expect(engine.enrich(snapshot(3, [queue('q1', 'Sales', 12)])).alerts[0]?.acknowledgedBy).toBe('Dana');
    now = 40_000;
    expect(engine.enrich(snapshot(4, [queue('q1', 'Sales', 8)])).alerts).toEqual([]);
    expect(engine.todaysHistory.map((e) => e.kind)).toEqual(['raised', 'acknowledged', 'cleared']);
    // Each event carries the rule's level, so a webhook can say "(limit 10)" as the alerts panel does.
    expect(engine.todaysHistory.map((e) => e.threshold)).toEqual([10, 10, 10]);
    expect(seen).toEqual(['raised', 'acknowledged', 'cleared']);
    expect(() => engine.acknowledge(id, 'Dana')).toThrow(UnknownAlertError);
  });

  it("lists no event of yesterday as today's, past midnight or after a restart the next day", () => {
    // 23:59:00 in London (winter: UTC), then one minute past midnight with no new event.
    let now = Date.parse('2026-12-04T23:59:00Z');
    const engine = new AlertEngine(
      () => config,
      () => now,
    );
    engine.enrich(snapshot(1, [queue('q1', 'Sales', 12)]));
    now += 30_000;
    engine.enrich(snapshot(2, [queue('q1', 'Sales', 12)]));
    expect(engine.todaysHistory.map((e) => e.kind)).toEqual(['raised']);
    const saved = engine.exportState();

    now = Date.parse('2026-12-05T00:01:00Z');
    engine.enrich(snapshot(3, [queue('q1', 'Sales', 12)]));
    expect(engine.todaysHistory).toEqual([]);
    // The alert itself still fires: only the day's history starts afresh.
    expect(engine.active).toHaveLength(1);

    // A server started the next day on yesterday's saved state, and a follower reading the leader's.
    const restarted = new AlertEngine(
      () => config,
      () => now,
    );
    restarted.importState(saved);
    expect(restarted.todaysHistory).toEqual([]);
    expect(restarted.todaysOf(saved)).toEqual([]);
    expect(engine.todaysOf({ ...saved, historyDay: '2026-12-05' })).toHaveLength(1);
  });

  it("clears at midnight an alert on today's figures raised the day before: the day's figures start again", () => {
    const slConfig = parseConfig(
      [
        'timeZone: Europe/London',
        'alerts:',
        '  - id: centre-sl',
        '    metric: SERVICE_LEVEL_20',
        '    direction: below',
        '    value: 80',
        '    holdSeconds: 0',
        '    scope: instance',
        '  - id: long-queue',
        '    metric: CONTACTS_IN_QUEUE',
        '    value: 10',
        '    holdSeconds: 0',
        '',
      ].join('\n'),
      'sl.yaml',
    );
    let now = Date.parse('2026-12-04T23:58:00Z');
    const engine = new AlertEngine(
      () => slConfig,
      () => now,
    );
    const at = (generation: number, serviceLevel: number | null): Snapshot => {
      const s = snapshot(generation, [queue('q1', 'Sales', 12)], false, now / 1000);
      return { ...s, summary: { ...s.summary, today: { SERVICE_LEVEL_20: serviceLevel } } };
    };
    expect(
      engine
        .enrich(at(1, 71.5))
        .alerts.map((a) => a.ruleId)
        .sort(),
    ).toEqual(['centre-sl', 'long-queue']);
    // Past midnight: today's service level is none yet (no contact of the new day has closed).
    now = Date.parse('2026-12-05T00:00:02Z');
    const after = engine.enrich(at(2, null));
    // Yesterday's service level alert clears; the queue waiting now still is waiting.
    expect(after.alerts.map((a) => a.ruleId)).toEqual(['long-queue']);
    expect(engine.todaysHistory.map((e) => [e.ruleId, e.kind])).toEqual([['centre-sl', 'cleared']]);
    // Today's own figure below the limit raises it again, as a new day's alert.
    now += 60_000;
    expect(
      engine
        .enrich(at(3, 62))
        .alerts.map((a) => a.ruleId)
        .sort(),
    ).toEqual(['centre-sl', 'long-queue']);
  });

  it('turns the history over at midnight in TIME_ZONE where it overrides the file', () => {
    // The file says London; TIME_ZONE says New York, where 00:01 UTC is still the evening before.
    let now = Date.parse('2026-12-04T23:59:00Z');
    const engine = new AlertEngine(
      () => config,
      () => now,
      () => 'America/New_York',
    );
    engine.enrich(snapshot(1, [queue('q1', 'Sales', 12)]));
    now += 30_000;
    engine.enrich(snapshot(2, [queue('q1', 'Sales', 12)]));
    now = Date.parse('2026-12-05T00:01:00Z');
    engine.enrich(snapshot(3, [queue('q1', 'Sales', 12)]));
    expect(engine.todaysHistory.map((e) => e.kind)).toEqual(['raised']);
    now = Date.parse('2026-12-05T05:01:00Z');
    expect(engine.todaysHistory).toEqual([]);
  });

  it('keeps a screen alert carried over from before a restart raised until the screens are watched', () => {
    const withScreens = parseConfig(
      ['screenAlerts:', '  - id: screen-down', '    states: [disconnected]', '    minutes: 5', ''].join('\n'),
      'test.yaml',
    );
    let now = 1_000_000;
    const engine = new AlertEngine(
      () => withScreens,
      () => now,
    );
    // Raised by the process before the restart, and restored from the history store.
    const queueId = 'screen:b:reception-tv-000000000000';
    const alert = {
      id: `screen-down:${queueId}:1`,
      ruleId: 'screen-down',
      metric: 'SCREEN_DISCONNECTED',
      queueId,
      level: 'critical' as const,
      since: new Date(1).toISOString(),
      value: 400,
      threshold: 300,
      acknowledgedBy: null,
      acknowledgedAt: null,
    };
    engine.importState({
      tracks: [[`screen-down|${queueId}`, { pendingSince: null, alert }]],
      history: [],
      historyDay: '',
    });
    // Another instance's start held the screens back past this instance's first poll.
    expect(engine.enrich(snapshot(1, [queue('q1', 'Sales', 0)])).alerts).toMatchObject([{ id: alert.id }]);
    expect(engine.todaysHistory).toEqual([]);

    let seconds = 900;
    let board: string | null | undefined = 'lobby';
    engine.watchScreens({
      observe: () => [{ key: queueId.slice(7), seconds }],
      label: () => 'Reception TV',
      boardOf: () => board,
    });
    now += 1000;
    // Named, and with the board the screen shows, whose view it goes with.
    expect(engine.enrich(snapshot(2, [queue('q1', 'Sales', 0)])).alerts).toMatchObject([
      { id: alert.id, value: 900, subject: 'screen Reception TV', board: 'lobby' },
    ]);
    // The board it was raised on stays with it: a screen reconnecting on no board, or forgotten, does not move it.
    board = null;
    now += 1000;
    expect(engine.enrich(snapshot(3, [queue('q1', 'Sales', 0)])).alerts).toMatchObject([{ board: 'lobby' }]);
    engine.acknowledge(alert.id, 'Dana');
    board = undefined;
    seconds = 0;
    now += 1000;
    expect(engine.enrich(snapshot(4, [queue('q1', 'Sales', 0)])).alerts).toEqual([]);
    expect(engine.todaysHistory.map((event) => [event.kind, event.board])).toEqual([
      ['acknowledged', 'lobby'],
      ['cleared', 'lobby'],
    ]);
  });

  it('does not count a republished or stale snapshot as evidence for a hold', () => {
    let now = 0;
    const engine = new AlertEngine(
      () => config,
      () => now,
    );
    engine.enrich(snapshot(1, [queue('q1', 'Sales', 12)]));
    now = 40_000;
    // Republished (a failed cycle publishes a new generation of the same figures): not new evidence.
    expect(engine.enrich(snapshot(2, [queue('q1', 'Sales', 12)], false, 1)).alerts).toEqual([]);
    expect(engine.enrich(snapshot(3, [queue('q1', 'Sales', 12)], true)).alerts).toEqual([]);
    expect(engine.enrich(snapshot(4, [queue('q1', 'Sales', 12)])).alerts).toHaveLength(1);
  });

  it('starts a hold again after the figures stopped coming for longer than a minute', () => {
    let now = 0;
    const engine = new AlertEngine(
      () => config,
      () => now,
    );
    engine.enrich(snapshot(1, [queue('q1', 'Sales', 12)]));
    // No fresh fetch for 61 s (an outage): the first figure after it is the start of a hold, not its end.
    now = 61_000;
    expect(engine.enrich(snapshot(2, [queue('q1', 'Sales', 12)])).alerts).toEqual([]);
    now = 61_000 + 29_000;
    expect(engine.enrich(snapshot(3, [queue('q1', 'Sales', 12)])).alerts).toEqual([]);
    now = 61_000 + 30_000;
    expect(engine.enrich(snapshot(4, [queue('q1', 'Sales', 12)])).alerts).toHaveLength(1);
  });

  it("holds a rule on today's figures only while they keep coming, and keeps its alert while they do not", () => {
    const rules = parseConfig(
      [
        'alerts:',
        '  - id: low-sl',
        '    metric: SERVICE_LEVEL_20',
        '    value: 70',
        '    holdSeconds: 300',
        '',
      ].join('\n'),
      'sl.yaml',
    );
    let now = 0;
    let todayFetched = 0;
    const engine = new AlertEngine(
      () => rules,
      () => now,
    );
    /** The queues fetched now, today's figures (the service level at 60%) fetched at `todayFetched`. */
    const step = () => {
      const base = snapshot(now / 1000 + 1, [
        { ...queue('q1', 'Sales', 1), today: { SERVICE_LEVEL_20: 60 } },
      ]);
      const today = {
        ...base.sections.today,
        fetchedAt: new Date(todayFetched).toISOString(),
        intervalMs: 30_000,
      };
      return engine.enrich({ ...base, cycleMs: 2000, sections: { ...base.sections, today } });
    };
    // GetMetricData fails from the start: its figures are 90 s old at 90 s, and the hold ends there.
    for (now = 0; now <= 600_000; now += 2000) expect(step().alerts).toEqual([]);
    // Fetched again, and every 30 s from then: the hold starts now, and raises five minutes on.
    const back = now;
    for (; now < back + 300_000; now += 2000) {
      todayFetched = now - ((now - back) % 30_000);
      expect(step().alerts).toEqual([]);
    }
    todayFetched = now - ((now - back) % 30_000);
    expect(step().alerts).toHaveLength(1);
    // Failing again: the alert it raised stays, though no hold could start now.
    now += 600_000;
    expect(step().alerts).toHaveLength(1);
  });

  it('starts again a hold carried over without the time it was last seen (state saved by an older build)', () => {
    let now = 100_000;
    const engine = new AlertEngine(
      () => config,
      () => now,
    );
    engine.importState({
      tracks: [[`long-queue|q1`, { pendingSince: 0, alert: null }]],
      history: [],
      historyDay: '',
    });
    expect(engine.enrich(snapshot(1, [queue('q1', 'Sales', 12)])).alerts).toEqual([]);
    now += 30_000;
    expect(engine.enrich(snapshot(2, [queue('q1', 'Sales', 12)])).alerts).toHaveLength(1);
  });

  it('fires a forecast rule when the predicted service level stays under its value, and clears as the others do', () => {
    const forecastConfig = parseConfig(
      [
        'alerts:',
        '  - id: at-risk',
        '    metric: FORECAST_SERVICE_LEVEL',
        '    direction: below',
        '    level: warn',
        '    value: 80',
        '    holdSeconds: 300',
        '    clearAt: 85',
        '  - id: centre-at-risk',
        '    metric: FORECAST_SERVICE_LEVEL',
        '    direction: below',
        '    value: 75',
        '    scope: instance',
        '',
      ].join('\n'),
      'forecast.yaml',
    );
    let now = 0;
    const engine = new AlertEngine(
      () => forecastConfig,
      () => now,
    );
    const predicted = (value: number | null): Queue => ({
      ...queue('q1', 'Billing', 2),
      forecast: {
        model: 'erlang-c',
        arrivalsPerHour: 240,
        handleTimeSeconds: 250,
        agentsStaffed: 14,
        serviceLevelSeconds: 20,
        targetPercent: 80,
        predictedServiceLevel: value,
        agentsRequired: 17,
      },
    });
    const withCentre = (generation: number, q: Queue, centre: number | null): Snapshot => {
      const s = snapshot(generation, [q]);
      return {
        ...s,
        summary: {
          ...s.summary,
          forecast: { ...(q.forecast as NonNullable<Queue['forecast']>), predictedServiceLevel: centre },
        },
      };
    };
    expect(engine.enrich(withCentre(1, predicted(62), 90)).alerts).toEqual([]);
    // Fresh figures every 30 s: a hold survives no gap of over a minute without them.
    for (let n = 1; n < 10; n += 1) {
      now = n * 30_000;
      expect(engine.enrich(withCentre(100 + n, predicted(70), 90)).alerts).toEqual([]);
    }
    now = 299_000;
    expect(engine.enrich(withCentre(2, predicted(70), 90)).alerts).toEqual([]);
    now = 300_000;
    expect(engine.enrich(withCentre(3, predicted(70), 90)).alerts).toMatchObject([
      {
        ruleId: 'at-risk',
        metric: 'FORECAST_SERVICE_LEVEL',
        queueId: 'q1',
        level: 'warn',
        value: 70,
        threshold: 80,
      },
    ]);
    // Too little data to say is not recovery; back above 85 clears.
    now = 310_000;
    expect(engine.enrich(withCentre(4, predicted(null), 90)).alerts).toHaveLength(1);
    now = 320_000;
    expect(engine.enrich(withCentre(5, predicted(82), 90)).alerts).toHaveLength(1);
    now = 330_000;
    expect(engine.enrich(withCentre(6, predicted(86), 90)).alerts).toEqual([]);
    // The instance rule reads the centre's forecast.
    now = 340_000;
    expect(engine.enrich(withCentre(7, predicted(90), 70)).alerts).toMatchObject([
      { ruleId: 'centre-at-risk', queueId: null, value: 70 },
    ]);
    expect(engine.todaysHistory.map((e) => `${e.ruleId}:${e.kind}`)).toEqual([
      'at-risk:raised',
      'at-risk:cleared',
      'centre-at-risk:raised',
    ]);
  });

  it('refuses a forecast rule that takes a higher forecast as worse, naming the fix', () => {
    expect(() =>
      parseConfig(
        [
          'alerts:',
          '  - id: odd',
          '    metric: FORECAST_SERVICE_LEVEL',
          '    direction: above',
          '    value: 80',
          '',
        ].join('\n'),
        'odd.yaml',
      ),
    ).toThrow(/direction: below/);
    // Unset, the direction is the figure's own: a lower forecast is worse.
    const config = parseConfig(
      ['alerts:', '  - id: risk', '    metric: FORECAST_SERVICE_LEVEL', '    value: 80', ''].join('\n'),
      'risk.yaml',
    );
    expect(config.alerts[0]?.direction).toBe('below');
  });
});
