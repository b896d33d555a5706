import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { FAKE_CREDENTIALS, SERVER_LOG, TRAFFIC_DIR } from '../support/secrets.js';

/**
 * Runs after the whole suite (a dependent project): the suite's server held distinctive fake AWS credentials
 * from its environment. None of them may appear in any response body or header a browser saw, in the server's
 * log, or in the built web app.
 */

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('the AWS credentials never reached a browser, a log line or the web bundle', () => {
  const traffic = readdirSync(TRAFFIC_DIR)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => readFileSync(join(TRAFFIC_DIR, name), 'utf8').split('\n').filter(Boolean));
  // The suite really ran and was recorded: pages, API answers and streamed snapshots.
  expect(traffic.length).toBeGreaterThan(5);
  expect(traffic.some((line) => line.includes('/api/v1/') && line.includes('\\"queues\\":['))).toBe(true);
  const log = readFileSync(SERVER_LOG, 'utf8');
  expect(log.length).toBeGreaterThan(0);

  const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));
  expect(existsSync(webDist)).toBe(true);
  const bundle = filesUnder(webDist).map((file) => readFileSync(file, 'utf8'));

  for (const [name, secret] of Object.entries(FAKE_CREDENTIALS)) {
    const leaks = traffic.filter((line) => line.includes(secret)).map((line) => line.slice(0, 200));
    expect(leaks, `${name} reached a browser`).toEqual([]);
    expect(log.includes(secret), `${name} is in the server's log`).toBe(false);
    expect(
      bundle.some((text) => text.includes(secret)),
      `${name} is in the web bundle`,
    ).toBe(false);
  }
});
