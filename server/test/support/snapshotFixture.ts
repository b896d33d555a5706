import type { Queue, Snapshot } from '@switchboard/shared';

/** A voice queue with these live figures (and today's). */
export function fixtureQueue(
  id: string,
  name: string,
  realtime: Queue['realtime'] = {},
  today: Queue['today'] = {},
): Queue {
  return {
    id,
    name,
    channels: ['VOICE'],
    realtime,
    realtimeByChannel: {},
    today,
    states: {},
  };
}

/** A whole instance's snapshot of `queues`, every section fetched at `fetchedAt` (ms), nothing stale. */
export function fixtureSnapshot(
  options: {
    instanceId?: string;
    generation?: number;
    fetchedAt?: number;
    cycleMs?: number;
    queues?: Queue[];
  } = {},
): Snapshot {
  const at = new Date(options.fetchedAt ?? Date.now()).toISOString();
  const section = { fetchedAt: at, dataSnapshotTime: at, error: null, stale: false };
  return {
    instanceId: options.instanceId ?? 'i',
    serverBuild: 'b',
    timeZone: 'UTC',
    generation: options.generation ?? 1,
    generatedAt: at,
    serverTime: at,
    dataSnapshotTime: at,
    stale: false,
    cycleMs: options.cycleMs ?? 2000,
    sections: { discovery: section, queues: section, agents: section, today: section, intraday: section },
    queues: options.queues ?? [],
    summary: { realtime: {}, today: {}, states: {} },
    agents: [],
    intraday: { intervalMinutes: 30, instance: [], queues: {} },
    alerts: [],
  };
}
