import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INSTANCE } from '../../src/config/instances.js';
import { History } from '../../src/history/recorder.js';
import { sqliteDriver } from '../../src/history/sqlite.js';
import { HistoryReader, HISTORY_FILE } from '../../src/history/store.js';
import { createLogger } from '../../src/logger.js';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/recordUntilKilled.ts', import.meta.url));

/** Starts the recording process and resolves once it records. */
function startRecording(dir: string) {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', fixture, dir], {
    cwd: serverDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const recording = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('recording')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the recording process exited (${code}): ${stderr}`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  return { child, recording, exited };
}

const frameCount = (dir: string, instance: string) => {
  const db = sqliteDriver().open(join(dir, HISTORY_FILE), { readonly: true });
  try {
    return (
      db.prepare<{ n: number }>('SELECT count(*) AS n FROM generations WHERE instance = ?').get(instance)
        ?.n ?? 0
    );
  } finally {
    db.close();
  }
};

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
