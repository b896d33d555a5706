import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INSTANCE } from '../../src/config/instances.js';
import { History } from '../../src/history/recorder.js';
import { sqliteDriver } from '../../src/history/sqlite.js';
import { HistoryReader, HISTORY_FILE } from '../../src/history/store.js';
import { createLogger } from '../../src/logger.js';
import { frameCount, startRecording } from './support.js';

describe('a crash while recording', () => {
  it('leaves the store readable: killed mid-write, it opens, checks clean and replays to its last commit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-crash-'));
    let before = 0;
    for (let round = 0; round < 2; round += 1) {
      const { child, recording, exited } = startRecording(dir);
      await recording;
      // Until the server has recorded a few generations of its own, then at a moment no write expects.
      const deadline = Date.now() + 20_000;
      while (frameCount(dir, DEFAULT_INSTANCE) < before + 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 300));
      const seenBeforeKill = frameCount(dir, 'stress');
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const db = sqliteDriver().open(join(dir, HISTORY_FILE));
      expect(db.prepare<{ integrity_check: string }>('PRAGMA integrity_check').get()?.integrity_check).toBe(
        'ok',
      );
      const reader = new HistoryReader(db);
      for (const instance of [DEFAULT_INSTANCE, 'stress']) {
        const last = db
          .prepare<{ at: number; generation: number }>(
            'SELECT at, generation FROM generations WHERE instance = ? ORDER BY at DESC, generation DESC LIMIT 1',
          )
          .get(instance);
        if (!last) throw new Error(`nothing recorded for ${instance}`);
        const found = reader.viewAt(instance, last.at);
        if ('gap' in found) throw new Error(`nothing replayed for ${instance} at its last frame`);
        expect(found.view.generation).toBe(last.generation);
      }
      // Whatever a reader saw committed before the kill is still there.
      expect(frameCount(dir, 'stress')).toBeGreaterThanOrEqual(seenBeforeKill);
      before = frameCount(dir, DEFAULT_INSTANCE);
      reader.close();
    }
    // And a recorder carries on in the same file.
    const history = History.open({
      dataDir: dir,
      retentionDays: 1,
      keyframeMs: 1000,
      logger: createLogger('silent'),
    });
    await history.close();
  }, 90_000);
});
