import type { ConnectClient } from '@aws-sdk/client-connect';
import { startOfLocalDay } from '@switchboard/shared/timeZone';
import { describe, expect, it } from 'vitest';
import type { ConnectContext } from '../connect/context.js';
import { History } from './history.js';

const QUEUES = ['q-1', 'q-2', 'q-3'];

/** GetMetricData through a stub client: every queue asked, CONTACTS_HANDLED one per minute of the range. */
function context(): ConnectContext {
  const client = {
    send: async (command: { input: { StartTime?: Date; EndTime?: Date; Groupings?: string[] } }) => {
      const { StartTime, EndTime, Groupings } = command.input;
      if (!Groupings) return { MetricResults: [] };
      const minutes = ((EndTime?.getTime() ?? 0) - (StartTime?.getTime() ?? 0)) / 60_000;
      return {
        MetricResults: QUEUES.map((id) => ({
          Dimensions: { Queue: { Id: id } },
          Collections: [{ Metric: { Name: 'CONTACTS_HANDLED', Unit: 'COUNT' }, Value: minutes }],
        })),
      };
    },
  } as unknown as ConnectClient;
  return { client, instanceId: 'instance', send: (_operation, call) => call() };
}

/** A context that counts the requests sent through it. */
function counted(): { ctx: ConnectContext; sent: () => number } {
  const inner = context();
  let sent = 0;
  return {
    ctx: {
      ...inner,
      send: (operation, call) => {
        sent += 1;
        return inner.send(operation, call);
      },
    },
    sent: () => sent,
  };
}

describe("today's figures", () => {
  it('keep only the ranges that stand now, not every range of the day as its end moved on', async () => {
    const timeZone = 'Europe/London';
    const history = new History({ timeZone, serviceLevelThresholds: [20], intervalMinutes: 30 });
    const ctx = context();
    const day = startOfLocalDay(Date.parse('2026-12-03T12:00:00Z'), timeZone);
    for (let now = day + 10 * 60_000; now < day + 24 * 3600_000; now += 5 * 60_000)
      await history.refreshToday(ctx, QUEUES, now);
    // Twelve answers an hour, one of them read again: the rest are let go as the range moves on.
    expect(history['ranges'].size).toBe(1);
    // The figures are the last range's: up to 23:55, the last boundary before the last refresh.
    expect(history.today.get('q-1')?.CONTACTS_HANDLED).toBe(23 * 60 + 55);
  });

  it("in the day's last minute, keep the range asked in the minutes before, or ask it if never", async () => {
    const timeZone = 'UTC';
    const day = Date.parse('2026-12-03T00:00:00Z');
    const lastMinute = day + 24 * 3600_000 - 30_000;
    // Asked at 23:56 (the range up to 23:55), then not again at 23:59:30, a minute short of Connect's 24 hours.
    const asked = counted();
    const history = new History({ timeZone, serviceLevelThresholds: [20], intervalMinutes: 30 });
    await history.refreshToday(asked.ctx, QUEUES, day + 24 * 3600_000 - 4 * 60_000);
    const before = asked.sent();
    await history.refreshToday(asked.ctx, QUEUES, lastMinute);
    expect(asked.sent()).toBe(before);
    expect(history.today.get('q-1')?.CONTACTS_HANDLED).toBe(23 * 60 + 55);
    expect(history.missingSince).toBeNull();
    // A server started in that minute asks it all the same, rather than show no figures for today.
    const fresh = counted();
    const started = new History({ timeZone, serviceLevelThresholds: [20], intervalMinutes: 30 });
    await started.refreshToday(fresh.ctx, QUEUES, lastMinute);
    expect(fresh.sent()).toBeGreaterThan(0);
    expect(started.today.get('q-1')?.CONTACTS_HANDLED).toBe(23 * 60 + 55);
    expect(started.missingSince).toBeNull();
  });
});

describe('the intraday intervals', () => {
  // A contact counts in the interval of its disconnect once its after-contact work ends: an interval fetched as it
  // closed may still grow. Polled without a break it is fetched again among the recent ones; one fetched too soon
  // and then left (the poller stopped an hour) is fetched again, once, and is then kept.
  it('fetches again an interval fetched too soon after its end to hold every contact of it', async () => {
    const timeZone = 'UTC';
    const history = new History({ timeZone, serviceLevelThresholds: [20], intervalMinutes: 30 });
    const closedAt = Date.parse('2026-11-24T02:00:00Z');
    const { ctx } = counted();
    await history.refreshIntraday(ctx, QUEUES, closedAt);
    const asked = (now: number) => history.dueIntervals(now).map((i) => new Date(i.start).toISOString());
    // An hour and a half on: 01:30–02:00 is no longer among the three recent ones, and was fetched as it closed.
    const later = closedAt + 90 * 60_000;
    expect(asked(later)).toContain('2026-11-24T01:30:00.000Z');
    // 01:00–01:30 was fetched half an hour after its end: settled.
    expect(asked(later)).not.toContain('2026-11-24T01:00:00.000Z');
    await history.refreshIntraday(ctx, QUEUES, later);
    expect(asked(later + 30_000)).not.toContain('2026-11-24T01:30:00.000Z');
    expect(history.backfillPending(later + 30_000)).toBe(false);
  });

  it("drops yesterday's figures and intervals the moment the day turns, before today's are fetched", async () => {
    const history = new History({
      timeZone: 'Europe/London',
      serviceLevelThresholds: [20],
      intervalMinutes: 30,
    });
    const evening = Date.parse('2026-12-04T23:50:00Z');
    const { ctx } = counted();
    await history.refreshToday(ctx, QUEUES, evening);
    await history.refreshIntraday(ctx, QUEUES, evening);
    expect(history.today.get('q-1')?.CONTACTS_HANDLED).toBeGreaterThan(0);
    expect(history.intraday(QUEUES, [], 0).instance.length).toBeGreaterThan(0);
    // Still the same day: nothing goes.
    expect(history.rollOver(evening + 5 * 60_000)).toBe(false);
    expect(history.today.size).toBe(QUEUES.length);
    // Past midnight, before any round: no figures, rather than yesterday's totals as today's.
    expect(history.rollOver(Date.parse('2026-12-05T00:00:01Z'))).toBe(true);
    expect(history.today.size).toBe(0);
    expect(history.todayInstance).toEqual({});
    expect(history.intraday(QUEUES, [], 0).instance).toEqual([]);
  });

  it('keeps nothing of a fetch begun before midnight and answered after the day turned', async () => {
    const history = new History({
      timeZone: 'Europe/London',
      serviceLevelThresholds: [20],
      intervalMinutes: 30,
    });
    const evening = Date.parse('2026-12-04T23:59:50Z');
    const midnight = Date.parse('2026-12-05T00:00:01Z');
    // Connect answers each request only once the day has turned (a snapshot published meanwhile rolls it over).
    const inner = context();
    const slow: ConnectContext = {
      ...inner,
      send: async (operation, call) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        history.rollOver(midnight);
        return inner.send(operation, call);
      },
    };
    await expect(history.refreshToday(slow, QUEUES, evening)).resolves.toBe(false);
    expect(history.today.size).toBe(0);
    expect(history.todayInstance).toEqual({});
    await history.refreshIntraday(slow, QUEUES, evening);
    expect(history.intraday(QUEUES, [], 0).instance).toEqual([]);
    // The new day's, asked again, are kept.
    await expect(history.refreshToday(inner, QUEUES, midnight)).resolves.toBe(true);
    expect(history.today.size).toBe(QUEUES.length);
  });

  it('counts the day’s intervals still to fetch, a few a round, newest first, down to none', async () => {
    const history = new History({ timeZone: 'UTC', serviceLevelThresholds: [20], intervalMinutes: 30 });
    // Started at 10:10: 20 intervals closed today and the open one; the three recent ones and six older a round.
    const now = Date.parse('2026-11-24T10:10:00Z');
    expect(history.missingIntervals(now)).toBe(21);
    const { ctx } = counted();
    const left: number[] = [];
    do {
      await history.refreshIntraday(ctx, QUEUES, now);
      left.push(history.missingIntervals(now));
    } while (history.backfillPending(now) && left.length < 10);
    expect(left).toEqual([12, 6, 0]);
    // The earliest are the last in.
    expect(history.intraday(QUEUES, [], 0).instance[0]?.start).toBe('2026-11-24T00:00:00.000Z');
  });
});
