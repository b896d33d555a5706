import { ConnectClient } from '@aws-sdk/client-connect';
import { afterAll, beforeAll } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/server.js';
/** A real SDK client pointed at the simulator, without retries so every answer is seen as it is. */
export function clientFor(sim: { endpoint: string; region: string }): ConnectClient {
  return new ConnectClient({
    region: sim.region,
    endpoint: sim.endpoint,
    credentials: { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator-secret' },
    maxAttempts: 1,
  });
}

/** Runs `call` and returns the error it throws, failing the test when it succeeds. */
export async function failure(
  call: () => Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await call();
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

/** The CURRENT_METRICS list with the unit Connect requires for each. */
export const ALL_CURRENT_METRICS = [
  ['AGENTS_ONLINE', 'COUNT'],
  ['AGENTS_AVAILABLE', 'COUNT'],
  ['AGENTS_ON_CALL', 'COUNT'],
  ['AGENTS_ON_CONTACT', 'COUNT'],
  ['AGENTS_STAFFED', 'COUNT'],
  ['AGENTS_AFTER_CONTACT_WORK', 'COUNT'],
  ['AGENTS_NON_PRODUCTIVE', 'COUNT'],
  ['AGENTS_ERROR', 'COUNT'],
  ['CONTACTS_IN_QUEUE', 'COUNT'],
  ['CONTACTS_SCHEDULED', 'COUNT'],
  ['SLOTS_ACTIVE', 'COUNT'],
  ['SLOTS_AVAILABLE', 'COUNT'],
  ['OLDEST_CONTACT_AGE', 'SECONDS'],
  ['ESTIMATED_WAIT_TIME', 'SECONDS'],
].map(([Name, Unit]) => ({ Name, Unit })) as { Name: never; Unit: never }[];

/**
 * Every current metric but ESTIMATED_WAIT_TIME, which Connect documents only filtered by Queues and Channels and
 * grouped by [QUEUE, CHANNEL]: what a request with any other grouping may ask for.
 */
export const CURRENT_METRICS_BUT_ESTIMATE = ALL_CURRENT_METRICS.filter(
  (m) => (m.Name as string) !== 'ESTIMATED_WAIT_TIME',
);

export function valueOf(
  row: { Collections?: { Metric?: { Name?: string }; Value?: number }[] } | undefined,
  name: string,
): number | null {
  const collection = row?.Collections?.find((c) => c.Metric?.Name === name);
  return collection ? (collection.Value ?? null) : null;
}

/**
 * A simulator of `options` on a clock the test owns (`now`, which the tests move), rate limits off, and a client
 * of it through the real SDK: started before the file's tests, closed after them.
 */
export function clockedSimulator(
  startMs: number,
  options: Omit<SimulatorOptions, 'clock' | 'rateLimits'>,
): { now: number; readonly sim: RunningSimulator; readonly client: ConnectClient } {
  let sim: RunningSimulator | undefined;
  let client: ConnectClient | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the simulator starts before the tests');
    return value;
  };
  const run = {
    now: startMs,
    get sim() {
      return started(sim);
    },
    get client() {
      return started(client);
    },
  };
  beforeAll(async () => {
    sim = await startSimulator({ ...options, clock: () => run.now, rateLimits: { enabled: false } });
    client = clientFor(sim);
  });
  afterAll(async () => {
    client?.destroy();
    await sim?.close();
  });
  return run;
}
