import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { hashToken, type TokenEntry } from '../../src/security/tokens.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS } from './wallboard.js';

/** The security tests' tokens: a supervisor's and a display's. */
export const SECRET = 'a-session-secret-for-tests-0000000000000000';
export const supervisorToken = 'supervisor-token-with-enough-entropy-00000000003';
export const displayToken = 'display-token-with-enough-entropy-000000000004';
export const dana: TokenEntry = {
  id: 'dana',
  role: 'supervisor',
  name: 'Dana Scully',
  sha256: hashToken(supervisorToken),
  revoked: false,
};

export function writeTokenFile(file: string): void {
  writeFileSync(
    file,
    [
      'tokens:',
      `  - { id: dana, role: supervisor, name: Dana Scully, sha256: ${dana.sha256} }`,
      `  - { id: lobby-tv, role: display, sha256: ${hashToken(displayToken)} }`,
      '',
    ].join('\n'),
  );
}

export const cookieOf = (setCookie: string | null) => (setCookie ?? '').split(';')[0] ?? '';

/** Opens the wallboard with `?token=` and returns the session cookie it answers with. */
export async function signIn(wallboard: RunningWallboard, token: string): Promise<string> {
  const exchange = await fetch(`${wallboard.url}/?token=${token}`, { redirect: 'manual' });
  expect(exchange.status).toBe(302);
  return cookieOf(exchange.headers.get('set-cookie'));
}

export async function eventually(
  probe: () => Promise<boolean>,
  what: string,
  timeoutMs = 8000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface SecuritySuite {
  readonly simulator: RunningSimulator;
  /** Wallboards started by the current test, stopped after it. */
  readonly running: RunningWallboard[];
  /** A scratch directory of the file's own (also the web root the wallboards serve). */
  readonly dir: string;
  /** A wallboard on the suite's simulator, with a scratch DATA_DIR, and `extra` on top of the test environment. */
  start(extra: Record<string, string>, options?: { webDist?: string }): Promise<RunningWallboard>;
  /** A wallboard as `start` makes one, in ACCESS_MODE=tokens with a token file of its own holding the suite's two. */
  startWithTokens(extra?: Record<string, string>): Promise<RunningWallboard>;
}

/** One simulator per test file, and wallboards per test: registers the hooks and returns the suite. */
export function securitySuite(): SecuritySuite {
  let simulator: RunningSimulator | undefined;
  const running: RunningWallboard[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-security-'));
  let tokenFiles = 0;
  beforeAll(async () => {
    simulator = await startSimulator({ queues: 5, agents: 10, seed: 2 });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await simulator?.close();
  });
  const suite: SecuritySuite = {
    get simulator() {
      if (!simulator) throw new Error('the simulator starts in beforeAll');
      return simulator;
    },
    running,
    dir,
    async start(extra, options = {}) {
      const wallboard = await startWebServer(
        simulatorEnv(suite.simulator, { DATA_DIR: join(dir, 'data'), ...extra }),
        { credentials: TEST_CREDENTIALS, webDist: options.webDist ?? dir },
      );
      running.push(wallboard);
      return wallboard;
    },
    startWithTokens(extra = {}) {
      tokenFiles += 1;
      const file = join(dir, `suite-tokens-${tokenFiles}.yaml`);
      writeTokenFile(file);
      return suite.start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: file, ...extra });
    },
  };
  return suite;
}
