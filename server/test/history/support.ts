import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Queue, Snapshot } from '@switchboard/shared';
import { sqliteDriver } from '../../src/history/sqlite.js';
import { HISTORY_FILE } from '../../src/history/store.js';
import { createLogger } from '../../src/logger.js';

function queue(id: string, inQueue: number): Queue {
  return {
    id,
    name: id,
    channels: ['VOICE'],
    realtime: { CONTACTS_IN_QUEUE: inQueue },
    realtimeByChannel: {},
    today: {},
    states: {},
  };
}

/** A whole instance's view at `generation` (its time too, in ms), stale or with a failing section on demand. */
export function view(generation: number, stale = false, error = false): Snapshot {
  const at = new Date(generation).toISOString();
  const section = { fetchedAt: at, dataSnapshotTime: at, error: null, stale };
  return {
    instanceId: 'i',
    serverBuild: 'b',
    timeZone: 'UTC',
    generation,
    generatedAt: at,
    serverTime: at,
    dataSnapshotTime: at,
    stale,
    cycleMs: 0,
    sections: {
      discovery: section,
      queues: error ? { ...section, error: { code: 'Throttled', message: 'slow down', at } } : section,
      agents: section,
      today: section,
      intraday: section,
    },
    queues: [queue('q1', generation % 7), queue('q2', 1)],
    summary: { realtime: {}, today: {}, states: {} },
    agents: [],
    intraday: { intervalMinutes: 30, instance: [], queues: {} },
    alerts: [],
  };
}

/** The generations recorded in the history file in `dir`, in time order. */
export function generationsIn(dir: string): number[] {
  const db = sqliteDriver().open(join(dir, HISTORY_FILE), { readonly: true });
  try {
    return db
      .prepare<{ generation: number }>('SELECT generation FROM generations ORDER BY at, generation')
      .all()
      .map((row) => row.generation);
  } finally {
    db.close();
  }
}

/** A JSON logger at `info` whose lines the test reads. */
export function capturedLogger() {
  const lines: string[] = [];
  const logger = createLogger('info', {
    format: 'json',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  });
  return { logger, lines };
}

const serverDir = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/recordUntilKilled.ts', import.meta.url));

/**
 * Starts a process recording into `dir` (fixtures/recordUntilKilled.ts: a wallboard on its embedded simulator,
 * and a second recorder writing every few milliseconds); `recording` resolves once it records.
 */
export function startRecording(dir: string) {
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

/** The generations of `instance` recorded in the history file in `dir`. */
export function frameCount(dir: string, instance: string): number {
  const db = sqliteDriver().open(join(dir, HISTORY_FILE), { readonly: true });
  try {
    return (
      db.prepare<{ n: number }>('SELECT count(*) AS n FROM generations WHERE instance = ?').get(instance)
        ?.n ?? 0
    );
  } finally {
    db.close();
  }
}
