import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '../support/test.js';
import { freePort, startTestServer, type TestServer } from '../support/server.js';

/**
 * Never wrong in silence: the wallboard runs against a separate simulator, which the test stops. The figures
 * stay on screen, dimmed, under a banner that says how old they are; when Connect returns, so does the wall.
 */
const simulatorCli = fileURLToPath(new URL('../../server/dist/simulator/cli.js', import.meta.url));
const INSTANCE = '11111111-2222-4333-8444-555555555555';

let simulatorPort: number;
let simulator: ChildProcess | null = null;
let server: TestServer;

async function startSimulator(): Promise<void> {
  const child = spawn(
    process.execPath,
    [simulatorCli, '--port', String(simulatorPort), '--queues', '6', '--agents', '20'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  simulator = child;
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve();
    });
  });
}

async function stopSimulator(): Promise<void> {
  const child = simulator;
  simulator = null;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test.beforeAll(async () => {
  simulatorPort = await freePort();
  await startSimulator();
  server = await startTestServer({
    CONNECT_INSTANCE_ID: INSTANCE,
    AWS_REGION: 'us-east-1',
    CONNECT_ENDPOINT: `http://127.0.0.1:${simulatorPort}`,
    AWS_ACCESS_KEY_ID: 'SIMULATOR',
    AWS_SECRET_ACCESS_KEY: 'simulator-secret',
    STALE_AFTER_MS: '3000',
    POLL_INTERVAL_MS: '1000',
  });
});
test.afterAll(async () => {
  await server?.stop();
  await stopSimulator();
});

test('Connect stops answering: stale banner with the age, dimmed figures kept; recovery by itself', async ({
  page,
}) => {
  for (const view of ['/', '/?view=wall']) {
    await page.goto(`${server.url}${view}`);
    await expect(page.locator('[data-queue-id]')).toHaveCount(6);
    await expect(page.getByTestId('stale-banner')).toHaveCount(0);
  }

  await stopSimulator();
  const banner = page.getByTestId('stale-banner');
  await expect(banner).toBeVisible({ timeout: 15_000 });
  await expect(banner).toContainText(/Figures are stale: \d+:\d\d old/);
  // The figures stay, dimmed, and their age keeps counting.
  await expect(page.locator('[data-queue-id]')).toHaveCount(6);
  await expect(page.locator('main')).toHaveClass(/dimmed/);
  // The header, connected still, does not say Live over them.
  await expect(page.locator('.connection')).toHaveText('▲Connected, figures stale');
  const age = async () => {
    const match = /(\d+):(\d\d) old/.exec((await banner.textContent()) ?? '');
    return match ? Number(match[1]) * 60 + Number(match[2]) : -1;
  };
  const first = await age();
  await expect.poll(age, { timeout: 5000 }).toBeGreaterThan(first);

  await startSimulator();
  await expect(banner).toHaveCount(0, { timeout: 20_000 });
  await expect(page.locator('main')).not.toHaveClass(/dimmed/);
  await expect(page.locator('.connection')).toHaveText('●Live');
});

test('the wallboard server goes away: the page says the connection is lost and keeps the last figures', async ({
  page,
}) => {
  await page.goto(`${server.url}/`);
  await expect(page.locator('[data-queue-id]')).toHaveCount(6);
  await server.stop();
  await expect(page.locator('.connection')).toHaveText(/Connection lost/, { timeout: 15_000 });
  await expect(page.getByTestId('stale-banner')).toContainText(/Connection to the wallboard server lost/, {
    timeout: 15_000,
  });
  await expect(page.locator('[data-queue-id]')).toHaveCount(6);
  await server.restart();
  await expect(page.locator('.connection')).toHaveText(/Live/, { timeout: 20_000 });
});
