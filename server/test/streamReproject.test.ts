import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../src/security/tokens.js';
import { eventually, securitySuite, signIn } from './support/securitySuite.js';
import { waitFor } from './support/wallboard.js';

/**
 * A board narrowed in the configuration is served narrowed on the stream as on the snapshot at once, not only from
 * the next generation: while none comes (a stalled poll, a follower whose leader is gone) a new viewer of the
 * board's stream would otherwise be sent the queues it no longer shows.
 */
const suite = securitySuite();
const lobbyToken = 'lobby-display-token-with-entropy-0000000000000001';
const configFile = join(suite.dir, 'reproject-wallboard.yaml');
const tokensFile = join(suite.dir, 'reproject-tokens.yaml');
const config = (queues: string) => `boards:\n  - { id: lobby, title: Lobby, queues: [${queues}] }\n`;

/** A stream's events as they come, each `event: snapshot`'s view parsed. */
async function openStream(url: string, cookie: string) {
  const response = await fetch(url, { headers: { cookie } });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    /** The next `event: snapshot` on it. */
    async nextView(): Promise<Snapshot> {
      for (;;) {
        const match = /event: snapshot\n(?:id: [^\n]*\n)?data: (.*)\n/.exec(text);
        if (match) {
          text = text.slice((match.index ?? 0) + match[0].length);
          return JSON.parse(match[1] ?? '') as Snapshot;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        text += decoder.decode(value, { stream: true });
      }
    },
    close: () => reader.cancel(),
  };
}

const names = (view: Snapshot) => view.queues.map((q) => q.name).sort();

describe('a board narrowed in the configuration', () => {
  it('is streamed narrowed at once to a new viewer and to those it had, with no new generation', async () => {
    writeFileSync(configFile, config('Sales, Support'));
    writeFileSync(
      tokensFile,
      `tokens:\n  - { id: lobby-tv, role: display, board: lobby, sha256: ${hashToken(lobbyToken)} }\n`,
    );
    const wallboard = await suite.start({
      WALLBOARD_CONFIG: configFile,
      ACCESS_MODE: 'tokens',
      DISPLAY_TOKENS_FILE: tokensFile,
      POLL_INTERVAL_MS: '1000',
    });
    const cookie = await signIn(wallboard, lobbyToken);
    const stream = `${wallboard.url}/api/v1/stream?board=lobby`;
    await waitFor(async () => {
      const response = await fetch(`${wallboard.url}/api/v1/snapshot?board=lobby`, { headers: { cookie } });
      return response.ok && ((await response.json()) as Snapshot).queues.length === 2 ? true : undefined;
    }, 'both queues on the board');
    const watching = await openStream(stream, cookie);
    expect(names(await watching.nextView())).toEqual(['Sales', 'Support']);

    // No new generation from here on (here, the poller stopped); the board is narrowed to one queue.
    wallboard.poller.stop();
    writeFileSync(configFile, config('Sales'));
    await eventually(
      async () => {
        const response = await fetch(`${wallboard.url}/api/v1/snapshot?board=lobby`, { headers: { cookie } });
        return ((await response.json()) as Snapshot).queues.length === 1;
      },
      'the snapshot to follow the edit',
      10_000,
    );
    const arriving = await openStream(stream, cookie);
    expect(names(await arriving.nextView())).toEqual(['Sales']);
    // The viewer it had is sent the board as it is now, whole.
    expect(names(await watching.nextView())).toEqual(['Sales']);
    await Promise.all([watching.close(), arriving.close()]);
  }, 60_000);
});
