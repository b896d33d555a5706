import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { get } from 'node:http';
import { join } from 'node:path';
import { snapshotSchema, type Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../src/main.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from './support/wallboard.js';

// GET /api/v1/snapshot's ETag against an edit of the configuration made within one generation, and the stream
// event id it names.
let simulator: RunningSimulator;
let wallboard: RunningWallboard;
const dir = mkdtempSync(join(tmpdir(), 'switchboard-etag-'));
const configFile = join(dir, 'wallboard.yaml');
const config = (queues: string, other = 'Other') =>
  [
    'boards:',
    '  - id: floor',
    '    title: Floor',
    `    queues: ["${queues}*"]`,
    '  - id: other',
    `    title: ${other}`,
    '',
  ].join('\n');

beforeAll(async () => {
  simulator = await startSimulator({ queues: 12, agents: 20, seed: 4 });
  writeFileSync(configFile, config('Sales'));
  wallboard = await startWebServer(simulatorEnv(simulator, { WALLBOARD_CONFIG: configFile }), {
    credentials: TEST_CREDENTIALS,
  });
  await waitFor(
    async () => (await fetch(`${wallboard.url}/api/v1/snapshot?board=floor`)).ok || undefined,
    'a view',
  );
});

afterAll(async () => {
  await wallboard?.stop();
  await simulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  etag: string;
  body: string;
}

/** GET the board's snapshot, conditional on `etag`: by node:http, as fetch asks for no cache with If-None-Match. */
const read = (etag?: string) =>
  new Promise<Answer>((resolve, reject) => {
    const url = new URL(`${wallboard.url}/api/v1/snapshot?board=floor`);
    get(url, { headers: etag ? { 'If-None-Match': etag } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, etag: String(res.headers.etag ?? ''), body }),
      );
    }).on('error', reject);
  });

describe("the snapshot's ETag", () => {
  it('answers 304 within a generation, and the new view at once after an edit of the configuration', async () => {
    // Each try edits the board's queues between two reads; one that a new generation lands in proves nothing
    // about the edit and is tried again.
    let queues = 'Sales';
    for (let attempt = 0; attempt < 10; attempt++) {
      const first = await read();
      const etag = first.etag;
      const before = snapshotSchema.parse(JSON.parse(first.body));
      const again = await read(etag);
      if (again.status !== 304) continue;
      expect(before.queues.every((q) => q.name.startsWith(queues))).toBe(true);

      queues = queues === 'Sales' ? 'Support' : 'Sales';
      writeFileSync(configFile, config(queues));
      await wallboard.configStore.reload();
      const edited = await read(etag);
      const after: Snapshot | null =
        edited.status === 200 ? snapshotSchema.parse(JSON.parse(edited.body)) : null;
      if (after && after.generation !== before.generation) continue;
      // The same generation, projected under the new configuration.
      expect(edited.status).toBe(200);
      expect(after?.queues.length).toBeGreaterThan(0);
      expect(after?.queues.every((q) => q.name.startsWith(queues))).toBe(true);
      return;
    }
    throw new Error('every try had a new generation between its reads');
  });

  it("stays the same after an edit that leaves the board's view as it was (another board's title)", async () => {
    let title = 'Other';
    for (let attempt = 0; attempt < 10; attempt++) {
      const first = await read();
      const before = snapshotSchema.parse(JSON.parse(first.body));
      const queues = before.queues[0]?.name.startsWith('Support') ? 'Support' : 'Sales';
      title = title === 'Other' ? 'Elsewhere' : 'Other';
      writeFileSync(configFile, config(queues, title));
      await wallboard.configStore.reload();
      const edited = await read(first.etag);
      if (
        edited.status === 200 &&
        snapshotSchema.parse(JSON.parse(edited.body)).generation !== before.generation
      )
        continue;
      expect(edited.status).toBe(304);
      return;
    }
    throw new Error('every try had a new generation between its reads');
  });

  it("names the view's stream event id, its board's revision in it, for a page to resume from", async () => {
    const stream = await fetch(`${wallboard.url}/api/v1/stream?board=floor`);
    const reader = stream.body?.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (reader && !/^id: .+\n/m.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader?.cancel();
    const streamed = /^id: (.+)\n/m.exec(text)?.[1] ?? '';
    expect(streamed).toMatch(/^\d+@[^~]+~[\w-]{12}$/);
    const response = await fetch(`${wallboard.url}/api/v1/snapshot?board=floor`);
    const view = snapshotSchema.parse(await response.json());
    // The generation and instance of the view it answers with, and the revision the stream names.
    expect(response.headers.get('x-stream-event-id')).toBe(
      `${view.generation}@${view.instanceId}~${streamed.split('~')[1] ?? ''}`,
    );
  });
});
