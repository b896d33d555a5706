import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryWriter } from '../../src/history/writer.js';

describe('the history writer', () => {
  it('answers every write, and closes, once its thread has died', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-writer-'));
    // A driver that does not load: the thread dies as it starts.
    const writer = new HistoryWriter(join(dir, 'history.sqlite'), join(dir, 'no-such-driver.js'), {
      token: 't',
      host: 'h',
      pid: 1,
      staleMs: 30_000,
    });
    const batch = { frames: [], events: [], states: [] };
    const first = await writer.write(batch, 0);
    expect(first.ok).toBe(false);
    // Asked after it died: answered at once, saying so, rather than never.
    const second = await Promise.race([
      writer.write(batch, 0),
      new Promise<'unanswered'>((resolve) => setTimeout(() => resolve('unanswered'), 2000)),
    ]);
    expect(second).toMatchObject({ ok: false, code: 'worker' });
    const closed = await Promise.race([
      writer.close().then(() => 'closed'),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 2000)),
    ]);
    expect(closed).toBe('closed');
  });
});
