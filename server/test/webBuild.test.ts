import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../src/main.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS } from './support/wallboard.js';

// Each replica tells its screens which web app it serves, read from the index.html it serves: a wall whose page
// came from another build (a replica not yet upgraded) loads it again (web/src/views/useReloadOnUpgrade.ts).
let simulator: RunningSimulator;
const running: RunningWallboard[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ queues: 3, agents: 5, seed: 2 });
});

afterAll(async () => {
  await Promise.all(running.map((wallboard) => wallboard.stop()));
  await simulator?.close();
});

/** A built web app of one page naming these files, in a directory of its own. */
function webApp(html: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-web-'));
  mkdirSync(join(dir, 'assets'));
  if (html !== null) writeFileSync(join(dir, 'index.html'), html);
  return dir;
}

async function firstHeartbeat(
  webDist: string,
  started?: RunningWallboard,
): Promise<{ body: Record<string, unknown>; page: string; wallboard: RunningWallboard }> {
  const wallboard =
    started ?? (await startWebServer(simulatorEnv(simulator), { credentials: TEST_CREDENTIALS, webDist }));
  if (!started) running.push(wallboard);
  const page = await (await fetch(`${wallboard.url}/`)).text();
  const response = await fetch(`${wallboard.url}/api/v1/stream`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!/event: heartbeat\ndata: .*\n\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  const data = /event: heartbeat\ndata: (.*)\n\n/.exec(text)?.[1] ?? '{}';
  return { body: JSON.parse(data) as Record<string, unknown>, page, wallboard };
}

describe("a replica's web build", () => {
  it('is named in the heartbeat that opens each stream, from the index.html it serves', async () => {
    const { body, page } = await firstHeartbeat(
      webApp(
        '<!doctype html><head><script type="module" crossorigin src="/assets/index-BLlq0C3c.js"></script>' +
          '<link rel="stylesheet" crossorigin href="/assets/index-hgAJHmRy.css"></head><div id="root"></div>',
      ),
    );
    expect(page).toContain('index-BLlq0C3c.js');
    expect(body).toEqual({
      serverTime: expect.any(String) as unknown,
      webBuild: 'index-BLlq0C3c.js index-hgAJHmRy.css',
    });
  });

  it('follows the index.html served now: the app built again under a running server', async () => {
    const dir = webApp('<script type="module" src="/assets/index-0ldBu1ld.js"></script>');
    const { body, wallboard } = await firstHeartbeat(dir);
    expect(body.webBuild).toBe('index-0ldBu1ld.js');
    writeFileSync(join(dir, 'index.html'), '<script type="module" src="/assets/index-N3wBu1ld.js"></script>');
    // Another modification time, whatever the file system's resolution.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'index.html'), later, later);
    // The file is looked at no more than once a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await firstHeartbeat(dir, wallboard);
    expect(again.page).toContain('index-N3wBu1ld.js');
    expect(again.body.webBuild).toBe('index-N3wBu1ld.js');
  });

  it('is not named where no web app is built, or its page names no hashed file', async () => {
    expect((await firstHeartbeat(webApp(null))).body).not.toHaveProperty('webBuild');
    expect(
      (await firstHeartbeat(webApp('<script type="module" src="/src/main.tsx"></script>'))).body,
    ).not.toHaveProperty('webBuild');
  });
});
