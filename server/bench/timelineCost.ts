/**
 * What a timeline costs the server: GET /api/v1/timeline groups the generations recorded over its span into at
 * most 720 buckets, in one SQLite query on the server's main thread. A week of generations at a 2 s cycle
 * (302,400) is written straight into a history file, then timelines of a day, a week and the longest span (31 days,
 * ending with the week) are timed, seven of each, and their medians and slowest printed.
 *
 *   npx -y pnpm@12.21.0 --filter @switchboard/server bench:timeline [-- --days 7 --cycle-ms 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sqliteDriver } from '../src/history/sqlite.js';
import { HistoryReader, SCHEMA } from '../src/history/store.js';

const { values } = parseArgs({
  // pnpm passes on the `--` that separates its own options from the script's.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { days: { type: 'string', default: '7' }, 'cycle-ms': { type: 'string', default: '2000' } },
});
const DAYS = Number(values.days);
const CYCLE_MS = Number(values['cycle-ms']);
if (!(DAYS > 0) || !(CYCLE_MS >= 100))
  throw new Error('--days must be more than 0 and --cycle-ms at least 100');
const DAY_MS = 86_400_000;
const MAX_BUCKETS = 720;

const dir = mkdtempSync(join(tmpdir(), 'switchboard-timeline-'));
try {
  const db = sqliteDriver().open(join(dir, 'history.sqlite'));
  db.exec(SCHEMA);
  const insert = db.prepare(
    'INSERT INTO generations (instance, at, generation, stale, errors) VALUES (?, ?, ?, ?, ?)',
  );
  const start = Date.parse('2026-11-01T00:00:00Z');
  const count = Math.floor((DAYS * DAY_MS) / CYCLE_MS);
  db.exec('BEGIN');
  // One in 500 stale, one in 2,000 with a failing section: the timeline marks both.
  for (let i = 0; i < count; i += 1)
    insert.run(
      'default',
      start + i * CYCLE_MS,
      i + 1,
      i % 500 === 0 ? 1 : 0,
      i % 2000 === 0 ? 'queues' : null,
    );
  db.exec('COMMIT');
  const reader = new HistoryReader(db);
  const end = start + DAYS * DAY_MS;
  console.log(
    `timeline cost: ${count.toLocaleString('en')} generations (${DAYS} days at ${CYCLE_MS} ms), ${cpus().length} cores, ` +
      `load average ${loadavg()[0]?.toFixed(1)}`,
  );
  for (const days of [1, DAYS, 31]) {
    const from = end - days * DAY_MS;
    const bucketMs = Math.ceil((end - from) / MAX_BUCKETS);
    const times: number[] = [];
    for (let run = 0; run < 7; run += 1) {
      const began = performance.now();
      reader.timeline('default', from, end, bucketMs);
      times.push(performance.now() - began);
    }
    times.sort((a, b) => a - b);
    console.log(
      `  ${String(days).padStart(2)} day span: median ${times[3]?.toFixed(1)} ms, slowest ${times[6]?.toFixed(1)} ms`,
    );
  }
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
