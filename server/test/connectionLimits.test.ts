import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HEADERS_TIMEOUT_MS } from '../src/http/connectionLimits.js';
import { eventually, securitySuite } from './support/securitySuite.js';

const { start } = securitySuite();

/** A connection to the wallboard that has sent nothing yet, and what it has been answered, once it closes. */
function opened(url: string): Promise<{ socket: Socket; closed: Promise<string> }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const closed = new Promise<string>((done) => socket.once('close', () => done(answer)));
    socket.once('error', () => undefined);
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Whether the server answers a request on a connection of its own now. */
async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

describe('connections a client address may hold', () => {
  it('closes a new one on arrival beyond CONNECTIONS_PER_ADDRESS, and takes them again once some close', async () => {
    const wallboard = await start({ CONNECTIONS_PER_ADDRESS: '4' });
    const idle = await Promise.all([1, 2, 3, 4].map(() => opened(wallboard.url)));
    const refused = await opened(wallboard.url);
    // Closed by the server with nothing said, before any byte of a request.
    await expect(refused.closed).resolves.toBe('');
    expect(await answers(wallboard.url)).toBe(false);

    idle[0]?.socket.destroy();
    await eventually(() => answers(wallboard.url), 'a connection taken again');
    for (const { socket } of idle) socket.destroy();
    await eventually(
      async () =>
        /^switchboard_connections_refused_total [1-9]/m.test(
          await fetch(`${wallboard.url}/metrics`).then(
            (r) => r.text(),
            () => '',
          ),
        ),
      'the refusals counted',
    );
  });

  it('does not limit a trusted proxy, through which every client comes', async () => {
    const wallboard = await start({ CONNECTIONS_PER_ADDRESS: '2', TRUSTED_PROXIES: '127.0.0.1' });
    const idle = await Promise.all([1, 2, 3, 4].map(() => opened(wallboard.url)));
    expect(await answers(wallboard.url)).toBe(true);
    for (const { socket } of idle) socket.destroy();
  });

  it(
    'closes a connection whose headers do not arrive within the time a screen or proxy takes',
    async () => {
      const wallboard = await start({});
      const { socket, closed } = await opened(wallboard.url);
      const started = Date.now();
      // A request's first line, then headers a byte at a time, slower than any client sends them.
      socket.write('GET /healthz HTTP/1.1\r\n');
      const trickle = setInterval(() => socket.write('X'), 500);
      const answer = await closed;
      clearInterval(trickle);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      // Node checks the deadline once a second (TIMEOUT_CHECK_MS), not every 30 s as by default.
      expect(Date.now() - started).toBeLessThan(HEADERS_TIMEOUT_MS + 5000);
    },
    HEADERS_TIMEOUT_MS + 15_000,
  );
});
