import { tmpdir } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';

// Distinctive fake credentials: if any of these strings shows up anywhere a browser or a log reader can see,
// a secret has leaked.
const SECRETS = {
  AWS_ACCESS_KEY_ID: 'ASIAZZLEAKCHECK0000X',
  AWS_SECRET_ACCESS_KEY: 'leak/check+Secret/Key0000000000000000000',
  AWS_SESSION_TOKEN: 'LeakCheckSessionToken/Zm9vYmFyYmF6cXV4',
};

const serverDir = fileURLToPath(new URL('..', import.meta.url));
let simulator: RunningSimulator;
let child: ChildProcess;
let output = '';
let baseUrl = '';

beforeAll(async () => {
  simulator = await startSimulator({ queues: 8, agents: 20, seed: 4 });
  child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      CONNECT_INSTANCE_ID: simulator.instanceId,
      AWS_REGION: simulator.region,
      CONNECT_ENDPOINT: simulator.endpoint,
      LOG_LEVEL: 'trace',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-secrets-')),
      ...SECRETS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 20_000;
  while (!baseUrl && Date.now() < deadline) {
    baseUrl = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1] ?? '';
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!baseUrl) throw new Error(`server did not start:\n${output}`);
}, 30_000);

afterAll(async () => {
  child?.kill('SIGTERM');
  await simulator?.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('credentials never leave the server', () => {
  it('keeps them out of every response, header and log line, and out of the web bundle', async () => {
    const paths = [
      '/api/v1/snapshot',
      '/api/v1/config',
      '/api/v1/alerts',
      '/api/v1/alerts/history',
      '/api/v1/nope',
      '/api/v1/snapshot?debug=1',
      '/healthz',
      '/readyz',
      '/',
    ];
    const deadline = Date.now() + 15_000;
    while ((await fetch(`${baseUrl}/readyz`)).status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The server did call Connect with the credentials: the simulator saw signed requests for them.
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);

    let seen = output;
    for (const path of paths) {
      const response = await fetch(`${baseUrl}${path}`);
      seen += JSON.stringify([...response.headers]) + (await response.text());
    }
    const ack = await fetch(`${baseUrl}/api/v1/alerts/x/acknowledge`, { method: 'POST', body: '{not json' });
    seen += JSON.stringify([...ack.headers]) + (await ack.text());
    seen += output;

    const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));
    let bundle = '';
    try {
      bundle = filesUnder(webDist)
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n');
    } catch {
      // The web app is not built in this run; the browser suite checks the bundle it serves.
    }

    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(seen.includes(secret), `${name} leaked into a response or the log`).toBe(false);
      expect(bundle.includes(secret), `${name} leaked into the web bundle`).toBe(false);
    }
    expect(output.length).toBeGreaterThan(0);
  });
});
