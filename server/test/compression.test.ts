import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../src/main.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from './support/wallboard.js';

// What a browser loads and asks goes compressed where it says it takes it; the stream compresses itself, once.
let simulator: RunningSimulator;
let wallboard: RunningWallboard;
const script = `export const figures = [${Array.from({ length: 4000 }, (_, i) => `"queue ${i}"`).join(', ')}];\n`;

beforeAll(async () => {
  simulator = await startSimulator({ queues: 40, agents: 100, seed: 3 });
  const webDist = mkdtempSync(join(tmpdir(), 'switchboard-web-'));
  mkdirSync(join(webDist, 'assets'));
  writeFileSync(join(webDist, 'assets', 'index-abc123.js'), script);
  writeFileSync(join(webDist, 'index.html'), '<!doctype html><div id="root"></div>');
  wallboard = await startWebServer(simulatorEnv(simulator), { credentials: TEST_CREDENTIALS, webDist });
});

afterAll(async () => {
  await wallboard?.stop();
  await simulator?.close();
});

/** The response's head and raw body (as sent: nothing decoded), with or without `Accept-Encoding: gzip`. */
function raw(path: string, gzip: boolean): Promise<{ response: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(`${wallboard.url}${path}`, { headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => resolve({ response, body: Buffer.concat(parts) }));
      response.on('error', reject);
    }).on('error', reject);
  });
}

describe('compression', () => {
  it("gzips the web app's files for a browser that takes it, and sends them as they are to one that does not", async () => {
    const zipped = await raw('/assets/index-abc123.js', true);
    expect(zipped.response.headers['content-encoding']).toBe('gzip');
    expect(zipped.response.headers.vary).toMatch(/Accept-Encoding/i);
    expect(zipped.response.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(gunzipSync(zipped.body).toString()).toBe(script);
    expect(zipped.body.length).toBeLessThan(script.length / 4);
    const plain = await raw('/assets/index-abc123.js', false);
    expect(plain.response.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
  });

  it('gzips a snapshot whole', async () => {
    await waitFor(
      async () => (await fetch(`${wallboard.url}/api/v1/snapshot`)).ok || undefined,
      'a snapshot',
    );
    const zipped = await raw('/api/v1/snapshot', true);
    expect(zipped.response.headers['content-encoding']).toBe('gzip');
    const snapshot = JSON.parse(gunzipSync(zipped.body).toString()) as { queues: unknown[] };
    expect(snapshot.queues).toHaveLength(40);
  });

  it('leaves the stream to compress itself: its frames are gzipped once, not twice', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const request = get(
        `${wallboard.url}/api/v1/stream`,
        { headers: { 'accept-encoding': 'gzip' } },
        (response) => {
          expect(response.headers['content-encoding']).toBe('gzip');
          let seen = '';
          const gunzip = createGunzip();
          gunzip.on('data', (part: Buffer) => {
            seen += part.toString();
            if (/event: snapshot\n/.test(seen)) {
              request.destroy();
              resolve(seen);
            }
          });
          gunzip.on('error', reject);
          response.pipe(gunzip);
        },
      );
      request.on('error', (error) => {
        if (!request.destroyed) reject(error);
      });
    });
    expect(text).toMatch(/event: snapshot\n/);
  });
});
