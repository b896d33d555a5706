import { clientFor } from '../simulator/support.js';
import {
  GetCurrentMetricDataCommand,
  type ConnectClient,
  type GetCurrentMetricDataCommandInput,
} from '@aws-sdk/client-connect';
import { snapshotSchema, type Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { RunningWallboard } from '../../src/main.js';
import { Poller, type PollerOptions } from '../../src/poller/poller.js';
import {
  startSimulator,
  type CallRecord,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/simulator/server.js';
import { waitFor } from '../support/wallboard.js';

/** The latest snapshot over HTTP, parsed by the public schema. */
export async function fetchSnapshot(wallboard: RunningWallboard): Promise<Snapshot | undefined> {
  const response = await fetch(`${wallboard.url}/api/v1/snapshot`);
  if (!response.ok) return undefined;
  return snapshotSchema.parse(await response.json());
}

/** The first snapshot newer than `generation` that satisfies `accept`. */
export function snapshotAfter(
  wallboard: RunningWallboard,
  generation: number,
  // A failed cycle publishes a generation too (the last figures, its error): by default, only fresh figures.
  accept: (snapshot: Snapshot) => boolean = (snapshot) => snapshot.sections.queues.error === null,
  timeoutMs = 20_000,
): Promise<Snapshot> {
  return waitFor(
    async () => {
      const snapshot = await fetchSnapshot(wallboard);
      return snapshot && snapshot.generation > generation && accept(snapshot) ? snapshot : undefined;
    },
    `a snapshot after generation ${generation}`,
    timeoutMs,
  );
}

export const isFirstPage = (call: CallRecord) => call.params.NextToken === undefined;

/** A request's parameters without its page token: the pages of one pagination share them. */
export const requestKey = (call: CallRecord) => JSON.stringify({ ...call.params, NextToken: undefined });

/**
 * The fewest GetCurrentMetricData pages a request can take: its result count (the simulator's own
 * ApproximateTotalCount, asked through the real SDK) over 100 a page, and at least one.
 */
export async function minimumPages(
  simulator: RunningSimulator,
  params: Record<string, unknown>,
): Promise<number> {
  const client = clientFor(simulator);
  try {
    const input = {
      ...params,
      InstanceId: simulator.instanceId,
      NextToken: undefined,
    } as GetCurrentMetricDataCommandInput;
    const response = await client.send(new GetCurrentMetricDataCommand(input));
    return Math.max(1, Math.ceil((response.ApproximateTotalCount ?? 0) / 100));
  } finally {
    client.destroy();
  }
}

/**
 * A poller of the simulated instance behind `client`, fast and unthrottled, its simulated clock standing at `now`:
 * a cycle every 200 ms, one discovery and one round of today's figures for the whole test unless asked again.
 */
export function quickPoller(
  client: ConnectClient,
  instanceId: string,
  now: number,
  options: Partial<PollerOptions> = {},
): Poller {
  return new Poller({
    client,
    instanceId,
    intervalMs: 200,
    staleAfterMs: 3_600_000,
    logger: createLogger('silent'),
    clock: () => now,
    discoveryIntervalMs: 600_000,
    historyIntervalMs: 600_000,
    quotas: {
      GetMetricData: { perSecond: 100, burst: 100 },
      GetCurrentMetricData: { perSecond: 100, burst: 100 },
      GetCurrentUserData: { perSecond: 100, burst: 100 },
    },
    ...options,
  });
}

/**
 * A simulator of `options` frozen at `now` (rate limits off) and a quickPoller of it through the real SDK, started
 * before the file's tests and stopped after them: read `simulator` and `poller` from the result inside the tests.
 */
export function polledSimulator(
  now: number,
  options: Omit<SimulatorOptions, 'clock' | 'rateLimits'>,
): { readonly simulator: RunningSimulator; readonly poller: Poller } {
  let simulator: RunningSimulator | undefined;
  let poller: Poller | undefined;
  beforeAll(async () => {
    simulator = await startSimulator({ ...options, clock: () => now, rateLimits: { enabled: false } });
    poller = quickPoller(clientFor(simulator), simulator.instanceId, now);
    poller.start();
  }, 120_000);
  afterAll(async () => {
    poller?.stop();
    await simulator?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the simulator and its poller start before the tests');
    return value;
  };
  return {
    get simulator() {
      return started(simulator);
    },
    get poller() {
      return started(poller);
    },
  };
}
