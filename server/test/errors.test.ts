import { tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rawRequest } from './support/rawRequest.js';
import { eventually, securitySuite, writeTokenFile } from './support/securitySuite.js';

const suite = securitySuite();
const { start, dir } = suite;

/** A loopback port held by another server until `holder.close()`: a port in use. */
async function holdPort(): Promise<{ holder: Server; taken: number }> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  return { holder, taken: (holder.address() as AddressInfo).port };
}

describe('error answers', () => {
  it('answers bad input with problem details and a stable code, never a stack or a 500', async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>wall</title>');
    const tokensFile = join(dir, 'errors-tokens.yaml');
    writeTokenFile(tokensFile);
    const stderr: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void stderr.push(args);
    try {
      const open = await start({});
      const tokens = await start({ ACCESS_MODE: 'tokens', DISPLAY_TOKENS_FILE: tokensFile });
      const post = (body: string, headers: Record<string, string> = {}) =>
        rawRequest(open.url, {
          method: 'POST',
          path: '/api/v1/alerts/x/acknowledge',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
      const answers = {
        cookie: await rawRequest(tokens.url, {
          path: '/api/v1/config',
          headers: { cookie: 'switchboard_session=%E0%A4%A' },
        }),
        json: await post('{"by": '),
        bare: await post('null'),
        notBrotli: await post('{"by": "me"}', { 'content-encoding': 'br' }),
        notGzip: await post('{"by": "me"}', { 'content-encoding': 'gzip' }),
        large: await post(JSON.stringify({ by: 'x'.repeat(10_000) })),
        path: await rawRequest(open.url, { path: '/%E0%A4%A' }),
        apiPath: await rawRequest(open.url, { path: '/api/v1/intraday/%E0%A4%A' }),
        unknown: await rawRequest(open.url, {
          method: 'PUT',
          path: '/somewhere',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      };
      expect(Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, a.status]))).toEqual({
        cookie: 401,
        json: 400,
        bare: 400,
        notBrotli: 400,
        notGzip: 400,
        large: 413,
        path: 400,
        apiPath: 400,
        unknown: 404,
      });
      for (const answer of [answers.json, answers.bare])
        expect(JSON.parse(answer.body)).toMatchObject({
          code: 'malformed_json',
          detail: expect.stringMatching(/must be a JSON object/),
        });
      for (const answer of [answers.notBrotli, answers.notGzip])
        expect(JSON.parse(answer.body)).toMatchObject({
          code: 'malformed_body_encoding',
          detail: expect.stringMatching(/Content-Encoding/),
        });
      expect(JSON.parse(answers.large.body)).toMatchObject({ code: 'body_too_large' });
      // A path that does not decode is said to be one, with how to write a %.
      for (const answer of [answers.path, answers.apiPath])
        expect(JSON.parse(answer.body)).toMatchObject({
          code: 'malformed_path',
          detail: expect.stringMatching(/%-escape that does not decode.*write a % in a path as %25/),
        });
      for (const [what, answer] of Object.entries(answers)) {
        expect(answer.headers['content-type'], what).toMatch(/^application\/problem\+json/);
        const body = JSON.parse(answer.body) as Record<string, unknown>;
        expect(Object.keys(body).sort(), what).toEqual(['code', 'detail', 'status', 'title', 'type']);
        expect(answer.body, what).not.toMatch(/ at |node_modules|\/work\/|\.ts:/);
      }
    } finally {
      console.error = original;
    }
    expect(stderr).toEqual([]);
  });

  it('logs a failure nobody handled and shuts down gracefully, rather than running on broken', async () => {
    const { spawn } = await import('node:child_process');
    const serverDir = fileURLToPath(new URL('..', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--conditions=development',
        '--import',
        'tsx',
        '--import',
        './test/support/failOnSignal.mjs',
        'src/main.ts',
      ],
      {
        cwd: serverDir,
        env: {
          PATH: process.env.PATH,
          PORT: '0',
          CONNECT_INSTANCE_ID: suite.simulator.instanceId,
          AWS_REGION: suite.simulator.region,
          CONNECT_ENDPOINT: suite.simulator.endpoint,
          AWS_ACCESS_KEY_ID: 'TESTKEY',
          AWS_SECRET_ACCESS_KEY: 'test-secret',
          LOG_LEVEL: 'info',
          DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-unhandled-')),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await eventually(async () => output.includes('wallboard listening'), 'the server to start', 20_000);
      child.kill('SIGUSR2');
      expect(await exited).toBe(1);
    } finally {
      child.kill('SIGKILL');
    }
    expect(output).toMatch(
      /"level":60.*a failure nobody handled.*unhandled promise rejection; shutting down/,
    );
  }, 30_000);

  it('says which port is taken and what to set, and exits, when another process holds PORT', async () => {
    const { spawn } = await import('node:child_process');
    const { holder, taken } = await holdPort();
    try {
      const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/main.ts'], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: {
          PATH: process.env.PATH,
          PORT: String(taken),
          CONNECT_INSTANCE_ID: suite.simulator.instanceId,
          AWS_REGION: suite.simulator.region,
          CONNECT_ENDPOINT: suite.simulator.endpoint,
          AWS_ACCESS_KEY_ID: 'TESTKEY',
          AWS_SECRET_ACCESS_KEY: 'test-secret',
          HISTORY_ENABLED: 'false',
          DATA_DIR: dir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(stderr).toContain(
        `PORT ${taken} on HOST 127.0.0.1 is in use by another process: stop that process, or set PORT to a free port`,
      );
      expect(stderr).not.toMatch(/TypeError|at startWebServer/);
    } finally {
      holder.close();
    }
  }, 30_000);

  it('stops everything it had started when it cannot listen: the embedded simulator, pollers and watchers', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { startWebServer } = await import('../src/main.js');
    const { EnvError, parseEnv } = await import('../src/env.js');
    const { holder, taken } = await holdPort();
    const servers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;
    const before = servers();
    try {
      // No instance configured: the embedded simulator starts, then the listen fails.
      const env = parseEnv({
        PORT: String(taken),
        LOG_LEVEL: 'silent',
        HISTORY_ENABLED: 'false',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-listen-')),
      });
      const failed = await startWebServer(env).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(EnvError);
      expect(String(failed)).toContain(`PORT ${taken} on HOST 127.0.0.1 is in use by another process`);
      // The simulator's server closed with the rest: nothing listens that did not before (servers of the tests
      // before may still be closing: fewer is fine).
      await eventually(async () => servers() <= before, 'the simulator to close', 5000);
    } finally {
      holder.close();
    }
  });

  it('says in the log when Redis does not answer from the start, without its password', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    // A port nothing listens on: taken, then freed.
    const { holder: probe, taken: closed } = await holdPort();
    await new Promise((resolve) => probe.close(resolve));
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/main.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        REDIS_URL: `redis://:LeakCheckRedisPw@127.0.0.1:${closed}`,
        HISTORY_ENABLED: 'false',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-noredis-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(
        async () => output.includes('redis unreachable'),
        'the log to say Redis is unreachable',
        20_000,
      );
      expect(output).toMatch(/"level":40.*ECONNREFUSED.*redis unreachable: REDIS_URL cannot be used/);
      expect(output).not.toContain('LeakCheckRedisPw');
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);

  it('says the shared store is unreachable, not that the first poll is running, on a replica that never reached Redis', async () => {
    const { startWebServer } = await import('../src/main.js');
    const { startSimulator } = await import('../src/simulator/server.js');
    const { simulatorEnv, TEST_CREDENTIALS } = await import('./support/wallboard.js');
    const { holder: probe, taken: closed } = await holdPort();
    await new Promise((resolve) => probe.close(resolve));
    const simulator = await startSimulator({ queues: 3, agents: 5, seed: 2 });
    const server = await startWebServer(
      simulatorEnv(simulator, { REDIS_URL: `redis://127.0.0.1:${closed}` }),
      {
        credentials: TEST_CREDENTIALS,
      },
    );
    try {
      await eventually(
        async () =>
          ((await (await fetch(`${server.url}/readyz`)).json()) as { redis?: string }).redis === 'down',
        'the replica to see Redis down',
        10_000,
      );
      const response = await fetch(`${server.url}/api/v1/snapshot`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('3');
      expect(await response.json()).toMatchObject({
        code: 'no_leader',
        detail: 'The shared store is unreachable; try again in a few seconds.',
      });
    } finally {
      await server.stop();
      await simulator.close();
    }
  }, 30_000);

  it("says SIMULATOR_PORT is in use, naming it, when the embedded simulator's port is taken", async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { startWebServer } = await import('../src/main.js');
    const { EnvError, parseEnv } = await import('../src/env.js');
    const { holder, taken } = await holdPort();
    try {
      const env = parseEnv({
        PORT: '0',
        SIMULATOR_PORT: String(taken),
        LOG_LEVEL: 'silent',
        HISTORY_ENABLED: 'false',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-simport-')),
      });
      const failed = await startWebServer(env).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(EnvError);
      expect(String(failed)).toContain(
        `SIMULATOR_PORT ${taken} is in use by another process: stop that process, set SIMULATOR_PORT to a free port`,
      );
    } finally {
      holder.close();
    }
  });

  it('runs `pnpm start` in production mode', () => {
    const manifest = JSON.parse(
      readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    ) as { scripts: Record<string, string> };
    expect(manifest.scripts.start).toMatch(/NODE_ENV=production /);
  });
});
