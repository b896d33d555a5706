import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS } from './support/wallboard.js';

// A production server pointed at a real instance never loads the simulator, so its deployment may leave
// dist/simulator out. The built server (CI builds before the tests) is copied without that folder, next to the
// real dist so that it finds the same node_modules, and started with CONNECT_INSTANCE_ID: it must start, serve,
// and say it is waiting for Connect, not fail to find a module.
const server = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(server, 'dist');
const copy = mkdtempSync(join(server, '.without-simulator-'));
const history = mkdtempSync(join(tmpdir(), 'switchboard-without-simulator-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(copy, { recursive: true, force: true });
  rmSync(history, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('the built server with a Connect instance configured', () => {
  it('starts and serves without dist/simulator', async () => {
    expect(
      existsSync(join(built, 'main.js')),
      'server/dist/main.js is missing: build first (npx -y pnpm@12.21.0 run build)',
    ).toBe(true);
    cpSync(built, join(copy, 'dist'), {
      recursive: true,
      filter: (source) => !source.startsWith(join(built, 'simulator')),
    });
    cpSync(join(server, 'package.json'), join(copy, 'package.json'));
    expect(existsSync(join(copy, 'dist', 'simulator'))).toBe(false);
    const [port, connect] = await Promise.all([freePort(), freePort()]);
    let output = '';
    child = spawn(process.execPath, [join(copy, 'dist', 'main.js')], {
      cwd: copy,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        CONNECT_INSTANCE_ID: '11111111-2222-3333-4444-555555555555',
        AWS_REGION: 'eu-west-2',
        // Nothing listens there: Connect's calls fail, the server keeps running and says so.
        CONNECT_ENDPOINT: `http://127.0.0.1:${connect}`,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        HISTORY_DIR: history,
        DATA_DIR: history,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let exited: number | null = null;
    child.on('exit', (code) => (exited = code ?? -1));

    const deadline = Date.now() + 30_000;
    let health: Response | undefined;
    while (Date.now() < deadline && exited === null) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (health?.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(exited, `the server exited:\n${output}`).toBeNull();
    expect(health?.status, output).toBe(200);
    // Connect does not answer: still alive, and once discovery has failed, ready to take screens and tell them
    // why there are no figures (every section waits on discovery, whose error answers them).
    let ready: Response | undefined;
    while (Date.now() < deadline && ready?.status !== 200) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (ready?.status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(ready?.status, output).toBe(200);
    const snapshot = (await (await fetch(`http://127.0.0.1:${port}/api/v1/snapshot`)).json()) as {
      stale: boolean;
      sections: { discovery: { error: { message: string } | null } };
    };
    expect(snapshot.stale).toBe(true);
    expect(snapshot.sections.discovery.error?.message).toBeTruthy();
    expect(output).not.toMatch(/ERR_MODULE_NOT_FOUND|simulator/i);
  }, 60_000);
});
