import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv, type Env } from '../../src/env.js';
import type { RunningSimulator } from '../../src/simulator/server.js';

/** Throw-away credentials: the simulator checks that requests are signed, not by whom. */
export const TEST_CREDENTIALS = { accessKeyId: 'TESTKEY', secretAccessKey: 'test-secret' };

/**
 * The server's environment for a test: a free port, quiet logs, pointed at the given simulator, and a
 * history and a data directory of its own (history, alerts and screens of one test never carry into another).
 */
export function simulatorEnv(simulator: RunningSimulator, extra: Record<string, string> = {}): Env {
  return parseEnv({
    PORT: '0',
    CONNECT_INSTANCE_ID: simulator.instanceId,
    AWS_REGION: simulator.region,
    CONNECT_ENDPOINT: simulator.endpoint,
    LOG_LEVEL: 'silent',
    HISTORY_DIR: mkdtempSync(join(tmpdir(), 'switchboard-history-')),
    // And a data directory (the session secret, the screens file): test servers share nothing with the repo's.
    DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-data-')),
    ...extra,
  });
}

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
