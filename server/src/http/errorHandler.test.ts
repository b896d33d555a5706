import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { createLogger } from '../logger.js';
import { errorHandler, problem } from './errorHandler.js';

describe('problem details', () => {
  it('carries extension members beside the standard ones, which an extension never replaces', () => {
    expect(
      problem(404, 'not_recorded', 'Nothing was recorded then.', {
        at: '2026-12-04T10:00:00.000Z',
        before: null,
        status: 200,
        detail: 'other words',
      }),
    ).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'not_recorded',
      detail: 'Nothing was recorded then.',
      at: '2026-12-04T10:00:00.000Z',
      before: null,
    });
  });
});

/** A logger writing JSON, and the lines it wrote, parsed. */
function loggedLines() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', {
    format: 'json',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  });
  return { logger, lines };
}

describe('refusals in the log', () => {
  it('logs a refusal once a minute per client and code, with the path but never its query', async () => {
    const { logger, lines } = loggedLines();
    let now = 1_000_000;
    const app = express();
    app.get('/', () => {
      throw new UnauthorizedError('this token is not valid, or it was revoked.', 'invalid_token');
    });
    app.get('/api/v1/snapshot', () => {
      throw new ForbiddenError('this screen reads board lobby only.', 'board_not_allowed');
    });
    app.get('/fine', (_req, res) => res.end('ok'));
    app.use(errorHandler(logger, () => now));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.status);
    try {
      expect(await get('/?token=guess-0000')).toBe(401);
      expect(await get('/?token=guess-0001')).toBe(401);
      expect(await get('/api/v1/snapshot?board=sales')).toBe(403);
      expect(await get('/fine')).toBe(200);
      now += 30_000;
      expect(await get('/?token=guess-0002')).toBe(401);
      now += 30_000;
      expect(await get('/?token=guess-0003')).toBe(401);
    } finally {
      server.close();
    }
    const refused = lines.filter(
      (line) => line.msg === 'request refused (logged once a minute per client and code)',
    );
    expect(refused).toEqual([
      expect.objectContaining({ client: '127.0.0.1', status: 401, code: 'invalid_token', path: '/' }),
      expect.objectContaining({ status: 403, code: 'board_not_allowed', path: '/api/v1/snapshot' }),
      // A minute on: the two since the first, counted.
      expect.objectContaining({ code: 'invalid_token', alsoRefusedSince: 2 }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/guess|sales/);
  });

  it('counts an IPv6 client by its /56, and past 50 lines a minute sums up the rest in one line', async () => {
    const { logger, lines } = loggedLines();
    let now = 1_000_000;
    const app = express();
    // The client's address as a proxy says it, so the test can be many clients.
    app.set('trust proxy', true);
    app.get('/', () => {
      throw new UnauthorizedError('this token is not valid, or it was revoked.', 'invalid_token');
    });
    app.use(errorHandler(logger, () => now));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const from = (client: string) =>
      fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-forwarded-for': client } }).then((r) => r.status);
    try {
      // One host trying tokens from address after address of its network: one line.
      for (let i = 1; i <= 20; i += 1) expect(await from(`2001:db8:1:${i.toString(16)}::${i}`)).toBe(401);
      // Eighty clients in a minute: fifty lines, the rest summed up when the next minute's first comes.
      for (let i = 1; i <= 80; i += 1) await from(`198.51.100.${i}`);
      now += 60_000;
      await from('203.0.113.1');
    } finally {
      server.close();
    }
    const refused = lines.filter(
      (line) => line.msg === 'request refused (logged once a minute per client and code)',
    );
    expect(refused[0]).toMatchObject({ client: '2001:db8:1::/56' });
    expect(refused.filter((line) => String(line.client).startsWith('2001:'))).toHaveLength(1);
    expect(refused.slice(0, 50).map((line) => line.client)).toContain('198.51.100.49');
    expect(
      lines.find(
        (line) => line.msg === 'more requests refused in the last minute than are logged one by one',
      ),
    ).toMatchObject({ refused: 31, clients: 31 });
    expect(refused.at(-1)).toMatchObject({ client: '203.0.113.1' });
  });
});
