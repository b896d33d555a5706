import { describe, expect, it } from 'vitest';
import { INTERVAL_MS, Q, queueValue } from './history.js';
import { ContactCentreModel } from './model.js';

/**
 * A surge posted as a scenario event brings its extra callers over exactly its own duration (not rounded to
 * the model's 5-minute intervals) and, with a ramp, builds up rather than starting at full strength.
 * Late morning in UTC: the arrival curve is on its plateau, so a queue's rate is its peak rate.
 */

const MINUTE = 60_000;
const lateMorning = Date.UTC(2026, 0, 5, 11, 0);

function model(): ContactCentreModel {
  return new ContactCentreModel({
    instanceId: '11111111-2222-4333-8444-555555555555',
    region: 'us-east-1',
    accountId: '123456789012',
    queues: 6,
    agents: 90,
    seed: 7,
    startMs: lateMorning,
    timeZone: 'UTC',
  });
}

function queued(sim: ContactCentreModel, queueIndex: number, fromMs: number, toMs: number): number[] {
  return sim.history.between(fromMs, toMs).map((interval) => queueValue(interval, queueIndex, Q.ARRIVED));
}

describe('simulator surge', () => {
  it('adds the extra arrivals of its own duration, even when it ends just past an interval midpoint', () => {
    const sim = model();
    const queue = sim.catalog.queues.find((candidate) => candidate.channel === 'VOICE');
    if (!queue) throw new Error('no voice queue');
    // From 10 s before an interval ends to 10 s past the next interval's midpoint: 170 s.
    const postedAt = lateMorning + INTERVAL_MS - 10_000;
    const durationMs = 170_000;
    sim.advanceTo(postedAt);
    sim.surge(queue.index, 40, durationMs);
    sim.advanceTo(lateMorning + 2 * INTERVAL_MS);

    const total = queued(sim, queue.index, lateMorning, lateMorning + 2 * INTERVAL_MS).reduce(
      (a, b) => a + b,
      0,
    );
    const extra = (queue.peakArrivalsPerHour * 39 * durationMs) / 3_600_000;
    const usualAtMost = (queue.peakArrivalsPerHour * 1.25 * 2 * INTERVAL_MS) / 3_600_000;
    expect(total).toBeGreaterThan(extra * 0.8);
    expect(total).toBeLessThan(extra * 1.2 + usualAtMost);
  });

  it('builds up over its ramp and stops when it ends', () => {
    const sim = model();
    const queue = sim.catalog.queues.find((candidate) => candidate.channel === 'VOICE');
    if (!queue) throw new Error('no voice queue');
    sim.advanceTo(lateMorning);
    sim.surge(queue.index, 40, 30 * MINUTE, 30 * MINUTE);
    sim.advanceTo(lateMorning + 35 * MINUTE);

    const perInterval = queued(sim, queue.index, lateMorning, lateMorning + 30 * MINUTE);
    expect(perInterval).toHaveLength(6);
    const [first = 0, second = 0] = perInterval;
    const last = perInterval.at(-1) ?? 0;
    // About 1/12 of the full extra rate in the first interval, 3/12 in the second, 11/12 in the last.
    expect(second).toBeGreaterThan(first);
    expect(last).toBeGreaterThan(4 * first);
    // After the surge only the usual arrivals remain, and the callbacks some of the surge's callers chose.
    const full = (queue.peakArrivalsPerHour * 40 * INTERVAL_MS) / 3_600_000;
    const [after = 0] = queued(sim, queue.index, lateMorning + 30 * MINUTE, lateMorning + 35 * MINUTE);
    expect(after).toBeLessThan(full / 2);
  });
});

/**
 * The premise of the browser's alert test (e2e/tests/alerts.spec.ts): its centre (6 queues, 90 agents,
 * understaffed, the default seed) in the late morning, a surge of 20 times for six simulated minutes with a
 * minute's ramp on whichever voice queue is calm. That test's clock starts in the 11 o'clock hour and runs ten
 * times real time, so the surge starts a few simulated minutes later: starts from 11:03 to 12:12 are tried (12:12
 * is 13 simulated minutes, 78 s, after a start at 11:59). Its page sees the queue every 2 s, 20 simulated
 * seconds, and its alert holds for 5 s, 50 simulated seconds. Every calm voice queue, at every start tried, must be
 * seen at warn twice on the way (whatever moment the page's updates fall on, it is at warn for one of them), stay
 * at critical for three times the hold or more, and drain below the clearing level.
 */
describe('the alert test surge', () => {
  const WARN = 10;
  const CRITICAL = 45;
  const CLEAR_AT = 30;
  const HOLD_SIM_SECONDS = 50;
  const STEP_SECONDS = 20;

  it('takes every calm voice queue through warn, holds it at critical, then lets it drain', () => {
    const options = {
      instanceId: '11111111-2222-4333-8444-555555555555',
      region: 'us-east-1',
      accountId: '123456789012',
      queues: 6,
      agents: 90,
      seed: 1,
      staffing: 'understaffed' as const,
      startMs: Date.UTC(2026, 0, 5, 0, 0),
      timeZone: 'UTC',
    };
    const voice = new ContactCentreModel(options).catalog.queues.filter((queue) => queue.channel === 'VOICE');
    expect(voice.length).toBeGreaterThan(1);
    const failures: string[] = [];
    let tried = 0;
    for (let minute = 3; minute <= 72; minute += 3) {
      const start = Date.UTC(2026, 0, 5, 11, minute);
      const at = new Date(start).toISOString().slice(11, 16);
      for (const queue of voice) {
        const sim = new ContactCentreModel(options);
        sim.advanceTo(start);
        const waiting = () => sim.queues[queue.index]?.waiting.length ?? 0;
        if (waiting() >= WARN) continue;
        tried += 1;
        sim.surge(queue.index, 20, 6 * MINUTE, MINUTE);
        let warnSeen = 0;
        let reachedCritical = false;
        let criticalSince = -1;
        let longest = 0;
        let drained = false;
        for (let seconds = STEP_SECONDS; seconds <= 900; seconds += STEP_SECONDS) {
          sim.advanceTo(start + seconds * 1000);
          const now = waiting();
          if (now >= CRITICAL) {
            reachedCritical = true;
            if (criticalSince < 0) criticalSince = seconds;
            longest = Math.max(longest, seconds - criticalSince);
          } else criticalSince = -1;
          if (!reachedCritical && now >= WARN) warnSeen += 1;
          if (reachedCritical && now <= CLEAR_AT) drained = true;
        }
        if (warnSeen < 2 || longest < 3 * HOLD_SIM_SECONDS || !drained)
          failures.push(
            `${at} queue ${queue.index}: warn ${warnSeen}, critical for ${longest} s, drained ${drained}`,
          );
      }
    }
    expect(tried).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  });
});
