import { describe, expect, it } from 'vitest';
import type { SnapshotMeta } from '../../api/useSnapshotSlices';
import { freshness, sectionsBehind } from './StaleBanner';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

function meta(sections: SnapshotMeta['sections']): SnapshotMeta {
  return {
    generation: 1,
    generatedAt: ago(0),
    serverTime: ago(0),
    dataSnapshotTime: ago(0),
    stale: false,
    serverBuild: 'test',
    timeZone: 'UTC',
    queuesFetchedAt: ago(0),
    sectionErrors: [],
    sections,
  };
}

const section = (name: string, ageSeconds: number | null, intervalMs = 0, more = {}) => ({
  name,
  fetchedAt: ageSeconds === null ? null : ago(ageSeconds),
  intervalMs,
  stale: false,
  failing: false,
  ...more,
});

describe('sections behind', () => {
  it('names a section older than the stale limit past its own interval, with its age', () => {
    const behind = sectionsBehind(
      meta([section('agents', 20, 2000), section('today', 40, 30_000), section('intraday', 46, 30_000)]),
      NOW,
      15_000,
    );
    // agents: 20 s > 15 + 2; today: 40 s < 15 + 30; intraday: 46 s > 45.
    expect(behind).toEqual([
      { name: 'agents', ageSeconds: 20, failing: false },
      { name: 'intraday', ageSeconds: 46, failing: false },
    ]);
  });

  it('leaves out the queues, discovery and one not fetched yet; says which are failing', () => {
    const behind = sectionsBehind(
      meta([
        section('queues', 600),
        section('discovery', 600, 60_000),
        section('agents', 600, 2000, { failing: true }),
        section('today', null),
        section('intraday', 600, 30_000),
      ]),
      NOW,
      15_000,
    );
    expect(behind.map((one) => [one.name, one.failing])).toEqual([
      ['agents', true],
      ['intraday', false],
    ]);
    // Failing since a moment ago, its last figures still within the limit: not behind.
    expect(sectionsBehind(meta([section('agents', 3, 2000, { failing: true })]), NOW, 15_000)).toEqual([]);
  });

  it('leaves out what the board does not show: the agents without its agents, the series without its charts', () => {
    const sections = [
      section('agents', 600, 2000),
      section('today', 600, 30_000),
      section('intraday', 600, 30_000),
    ];
    expect(sectionsBehind(meta(sections), NOW, 15_000, ['queues', 'summary']).map((one) => one.name)).toEqual(
      ['today'],
    );
    expect(
      sectionsBehind(meta(sections), NOW, 15_000, ['queues', 'agents', 'charts']).map((one) => one.name),
    ).toEqual(['agents', 'today', 'intraday']);
  });

  it('believes the server when it says a section is stale', () => {
    expect(sectionsBehind(meta([section('agents', 1, 2000, { stale: true })]), NOW, 15_000)).toEqual([
      { name: 'agents', ageSeconds: 1, failing: false },
    ]);
    expect(sectionsBehind(undefined, NOW, 15_000)).toEqual([]);
  });
});

describe('the figures’ freshness', () => {
  const at = (queuesAgeSeconds: number, heardSeconds: number, intervalMs: number): SnapshotMeta => ({
    ...meta([section('queues', queuesAgeSeconds, intervalMs)]),
    queuesFetchedAt: ago(queuesAgeSeconds),
    serverTime: ago(heardSeconds),
  });

  it('is stale past the limit and one refresh interval of the queues, as the server reckons it', () => {
    // A cycle of 20 s, stretched by the rate budget: 16 s old, the server calls it fresh, and so does the page.
    expect(freshness(at(16, 16, 20_000), NOW, 15_000)).toEqual({ stale: false, ageMs: 16_000 });
    expect(freshness(at(36, 0, 20_000), NOW, 15_000).stale).toBe(true);
    // Nothing heard from the server for longer than that: stale, whatever the figures' age says.
    expect(freshness(at(0, 36, 20_000), NOW, 15_000).stale).toBe(true);
    // A 2 s cycle: 18 s old is past 15 + 2.
    expect(freshness(at(18, 0, 2000), NOW, 15_000).stale).toBe(true);
    expect(freshness(at(16, 0, 2000), NOW, 15_000).stale).toBe(false);
    // The server's own word stands.
    expect(freshness({ ...at(0, 0, 2000), stale: true }, NOW, 15_000).stale).toBe(true);
  });

  it("gives the figures' own age, from Connect's time of them, where a slow answer puts it before their receipt", () => {
    // Received 32 s ago, of a moment 40 s ago (the header's "Data as of"): 40 s old, stale by the receipt's age.
    const slow = { ...at(32, 0, 2000), dataSnapshotTime: ago(40) };
    expect(freshness(slow, NOW, 15_000)).toEqual({ stale: true, ageMs: 40_000 });
    // Fresh by the server's rule (received 10 s ago), its age still the figures' own.
    expect(freshness({ ...at(10, 0, 2000), dataSnapshotTime: ago(16) }, NOW, 15_000)).toEqual({
      stale: false,
      ageMs: 16_000,
    });
    // No time from Connect: the receipt's.
    expect(freshness({ ...at(10, 0, 2000), dataSnapshotTime: null }, NOW, 15_000).ageMs).toBe(10_000);
  });
});
