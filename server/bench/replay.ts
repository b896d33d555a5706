/**
 * Replay's figures (docs/replay.md): what recording costs the poller and the stream (cycle time, delivery p99 to
 * stream viewers and the event loop's delay p99, with and without recording, in one run on the same centre),
 * what a day of history takes on disk at 40 queues / 300 agents and at 250 / 1,500 (a 2 s cycle), and how long
 * seeking to a random moment of such a day takes.
 *
 * The day on disk is made of real generations: the wallboard on its embedded simulator runs for a while (with
 * recording on) and its snapshots are kept; a day (43,200 generations at 2 s) is then recorded through the
 * history store from them in turn, each patch the real diff from the generation before, at the keyframe
 * interval of the defaults.
 *
 *   npx -y pnpm@12.21.0 bench:replay [-- --cycles 30 --viewers 20 --seeks 40 --hours 24 --time-of-day 15:00 --cost-only 1]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { diffView, parseStreamEventId, type Snapshot, type ViewPatch } from '@switchboard/shared';
import { parseEnv } from '../src/env.js';
import { History } from '../src/history/recorder.js';
import { sqliteDriver } from '../src/history/sqlite.js';
import { HISTORY_FILE } from '../src/history/store.js';
import { createLogger } from '../src/logger.js';
import { startWebServer } from '../src/main.js';
import { benchArgs, kb } from './collectSnapshots.js';

const args = benchArgs();
const CYCLES = Number(args.get('cycles') ?? 30);
const VIEWERS = Number(args.get('viewers') ?? 20);
const SEEKS = Number(args.get('seeks') ?? 40);
/** The simulated centre's local time when each phase starts: mid-afternoon, most of the day's intervals closed. */
const TIME_OF_DAY = args.get('time-of-day') ?? '15:00';
const CYCLE_MS = 2000;
/** Hours of history recorded for the storage and seek figures: a day unless told (a shorter run to try it out). */
const HOURS = Number(args.get('hours') ?? 24);
const DAY_GENERATIONS = (HOURS * 3600 * 1000) / CYCLE_MS;
/** Replay playing at 10× is timed over 5 minutes of the day from random moments, 10 minutes clear of its end. */
const PLAYING_SPAN_MS = 600_000;
for (const [name, value, least] of [
  ['cycles', CYCLES, 2],
  ['viewers', VIEWERS, 0],
  ['seeks', SEEKS, 1],
] as const)
  if (!Number.isInteger(value) || value < least)
    throw new Error(
      `--${name} must be a whole number of at least ${least} (it is "${args.get(name) ?? value}")`,
    );
if (!(HOURS * 3600 * 1000 >= PLAYING_SPAN_MS && HOURS <= 24 * 31))
  throw new Error(
    `--hours must be from 0.17 (the 10 minutes replay playing is timed over) to 744 (it is "${args.get('hours') ?? HOURS}")`,
  );
const KEYFRAME_MS = 60_000;

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
};
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface Phase {
  recording: boolean;
  /** Milliseconds between one queues fetch published and the next. */
  cycles: number[];
  /** From a generation's assembly to its frame arriving at a viewer. */
  delivery: number[];
  eventLoopP99: number;
  snapshots: Snapshot[];
}

/** Viewers of the stream in this process: each notes when each generation's frame arrives. */
function openViewers(url: string, count: number, arrived: (generation: number, at: number) => void) {
  const requests = Array.from({ length: count }, () => {
    const req = request(`${url}/api/v1/stream`, (res) => {
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = Date.now();
        pending += chunk;
        let end = pending.indexOf('\n\n');
        while (end >= 0) {
          const frame = pending.slice(0, end);
          pending = pending.slice(end + 2);
          // Each event's id names its generation (and instance, and board revision): `id: 120@<instance>`.
          const id = parseStreamEventId(/^id: (\S+)$/m.exec(frame)?.[1] ?? '');
          if (id) arrived(id.generation, now);
          end = pending.indexOf('\n\n');
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', () => undefined);
    req.end();
    return req;
  });
  return () => requests.forEach((req) => req.destroy());
}

async function runPhase(queues: number, agents: number, recording: boolean, keep: boolean): Promise<Phase> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-replay-'));
  const wallboard = await startWebServer(
    parseEnv({
      PORT: '0',
      LOG_LEVEL: 'silent',
      POLL_INTERVAL_MS: String(CYCLE_MS),
      SIMULATOR_QUEUES: String(queues),
      SIMULATOR_AGENTS: String(agents),
      SIMULATOR_TIME_OF_DAY: TIME_OF_DAY,
      HISTORY_ENABLED: String(recording),
      HISTORY_DIR: dir,
      DATA_DIR: dir,
    }),
    { webDist: dir },
  );
  const source = wallboard.instances[0]?.source;
  if (!source) throw new Error('the wallboard started no instance');
  const assembled = new Map<number, number>();
  const delivery: number[] = [];
  let measuring = false;
  const stopViewers = openViewers(wallboard.url, VIEWERS, (generation, at) => {
    const from = assembled.get(generation);
    if (measuring && from !== undefined) delivery.push(at - from);
  });
  const cycles: number[] = [];
  const snapshots: Snapshot[] = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  let seen = 0;
  let measured = 0;
  let lastFetch: number | null = null;
  await new Promise<void>((resolve) => {
    const stop = source.subscribe((snapshot) => {
      seen += 1;
      assembled.set(snapshot.generation, Date.parse(snapshot.generatedAt));
      // A few cycles' warm-up: discovery, the agents' first fetch, the day's series.
      if (
        seen <= 4 ||
        snapshot.sections.agents.fetchedAt === null ||
        snapshot.sections.intraday.fetchedAt === null
      )
        return;
      measured += 1;
      if (!measuring) {
        measuring = true;
        loop.enable();
      }
      const fetched = Date.parse(snapshot.sections.queues.fetchedAt ?? '');
      if (lastFetch !== null && fetched !== lastFetch) cycles.push(fetched - lastFetch);
      lastFetch = fetched;
      if (keep) snapshots.push(snapshot);
      process.stdout.write('.');
      if (measured >= CYCLES) {
        stop();
        resolve();
      }
    });
  });
  loop.disable();
  // The last generation's frames are on their way.
  await new Promise((resolve) => setTimeout(resolve, 300));
  stopViewers();
  await wallboard.stop();
  rmSync(dir, { recursive: true, force: true });
  return { recording, cycles, delivery, eventLoopP99: loop.percentile(99) / 1e6, snapshots };
}

function directoryBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/** Records a day from `snapshots` taken in turn; returns the store (open) and the day's start. */
async function recordDay(
  snapshots: readonly Snapshot[],
): Promise<{ history: History; dir: string; start: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-day-'));
  const start = Date.parse('2026-12-03T00:00:00Z');
  let now = start;
  const history = History.open({
    dataDir: dir,
    retentionDays: 400,
    keyframeMs: KEYFRAME_MS,
    flushMs: 3600_000,
    maxQueued: 1_000_000,
    logger: createLogger('silent'),
    clock: () => now,
  });
  const count = snapshots.length;
  const at = (i: number) => snapshots[i % count] as Snapshot;
  // Each collected generation's patch from the one before it (the last to the first for the wrap-around).
  const patches: ViewPatch[] = snapshots.map((snapshot, i) => diffView(at(i + count - 1), snapshot));
  const base = at(0).generation;
  for (let i = 0; i < DAY_GENERATIONS; i += 1) {
    const generation = base + i;
    const view = { ...at(i), generation };
    const patch = i === 0 ? null : { ...(patches[i % count] as ViewPatch), base: generation - 1, generation };
    history.record('default', view, patch);
    now += CYCLE_MS;
    // A flush a second as the server does would write 1 generation each; 30 a batch keeps the run short.
    if (i % 30 === 29) await history.flush();
    if (i % 3600 === 0) process.stdout.write('.');
  }
  await history.flush();
  return { history, dir, start };
}

/** How long one seek takes, as the API answers it (the view worked out and serialised). */
function timedSeek(history: History, moment: number): number {
  const began = performance.now();
  const found = history.reader.viewAt('default', moment);
  if ('gap' in found) throw new Error(`nothing at ${new Date(moment).toISOString()}`);
  JSON.stringify(found.view);
  return performance.now() - began;
}

/**
 * Seeks to random moments of the day, each in a different minute (so none starts from the view the one before
 * it left), and replay playing at 10× from random moments: a seek every 10 s of the day, as the laptop asks.
 */
function seekTimes(history: History, start: number): { random: number[]; playing: number[] } {
  const minutes = Math.floor((DAY_GENERATIONS * CYCLE_MS) / 60_000);
  const picked = new Set<number>();
  while (picked.size < Math.min(SEEKS, minutes)) picked.add(Math.floor(Math.random() * minutes));
  const random = [...picked].map((minute) =>
    timedSeek(history, start + minute * 60_000 + Math.floor(Math.random() * 60_000)),
  );
  const playing: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const from = start + Math.floor(Math.random() * (DAY_GENERATIONS * CYCLE_MS - PLAYING_SPAN_MS));
    for (let step = 0; step < 30; step += 1) playing.push(timedSeek(history, from + step * 10_000));
  }
  return { random, playing };
}

async function dayFigures(label: string, snapshots: readonly Snapshot[]) {
  process.stdout.write(`\nrecording a day at ${label} `);
  const { history, dir, start } = await recordDay(snapshots);
  await history.close();
  const bytes = directoryBytes(dir);
  const db = sqliteDriver().open(join(dir, HISTORY_FILE), { readonly: true });
  const keyframes = db
    .prepare('SELECT count(*) AS n, avg(length(body)) AS size FROM frames WHERE kind = 1')
    .get() as {
    n: number;
    size: number;
  };
  const patches = db.prepare('SELECT sum(length(body)) AS bytes FROM frames WHERE kind != 1').get() as {
    bytes: number;
  };
  const generations = (db.prepare('SELECT count(*) AS n FROM generations').get() as { n: number }).n;
  db.close();
  const sizes = {
    keyframe: keyframes.size,
    /** A patch's share of the segments it is in. */
    patch: patches.bytes / Math.max(1, generations - keyframes.n),
    whole: JSON.stringify(snapshots[0]).length,
  };
  const reopened = History.open({
    dataDir: dir,
    retentionDays: 400,
    keyframeMs: KEYFRAME_MS,
    logger: createLogger('silent'),
  });
  const seeks = seekTimes(reopened, start);
  await reopened.close();
  rmSync(dir, { recursive: true, force: true });
  return { bytes, seeks, sizes };
}

async function main() {
  console.log(
    `Replay benchmark: ${CYCLES} cycles a phase at a ${CYCLE_MS / 1000} s cycle, ${VIEWERS} stream viewers, ` +
      `${SEEKS} random seeks and 150 playing, a day of ${DAY_GENERATIONS} generations, a keyframe every ${KEYFRAME_MS / 1000} s`,
  );
  const costOnly = args.has('cost-only');
  if (!costOnly) process.stdout.write('\n40 queues / 300 agents, recording ');
  const small = costOnly ? null : await runPhase(40, 300, true, true);
  const phases: Phase[] = [];
  for (const recording of [false, true, false, true]) {
    process.stdout.write(`\n250 queues / 1,500 agents, recording ${recording ? 'on ' : 'off'} `);
    phases.push(await runPhase(250, 1500, recording, recording && phases.every((p) => !p.recording)));
  }
  const large = phases.find((phase) => phase.snapshots.length > 0)?.snapshots ?? [];

  const smallDay = small ? await dayFigures('40 / 300', small.snapshots) : null;
  const largeDay = small ? await dayFigures('250 / 1,500', large) : null;

  console.log('\n\nCost of recording at 250 queues / 1,500 agents (both phases of each, pooled):');
  console.log('| | cycle mean | cycle p99 | delivery p50 | delivery p99 | event-loop delay p99 |');
  console.log('|---|---|---|---|---|---|');
  for (const recording of [false, true]) {
    const of = phases.filter((phase) => phase.recording === recording);
    const cycles = of.flatMap((phase) => phase.cycles);
    const delivery = of.flatMap((phase) => phase.delivery);
    // No frame timed with viewers on the stream is a broken run (the stream's framing changed), not a figure.
    if (VIEWERS > 0 && delivery.length === 0)
      throw new Error(
        `no generation's frame reached the ${VIEWERS} stream viewers: is the stream readable here?`,
      );
    console.log(
      `| recording ${recording ? 'on' : 'off'} | ${ms(mean(cycles))} | ${ms(percentile(cycles, 0.99))} | ` +
        (VIEWERS > 0
          ? `${ms(percentile(delivery, 0.5))} | ${ms(percentile(delivery, 0.99))} | `
          : '– | – | ') +
        `${ms(Math.max(...of.map((phase) => phase.eventLoopP99)))} |`,
    );
  }
  if (!smallDay || !largeDay) return;
  console.log(`\n${HOURS} hours of history (${DAY_GENERATIONS} generations at a 2 s cycle):`);
  console.log(
    '| centre | on disk | a view (JSON) | a keyframe stored | a patch stored | seek mean | seek p95 | seek max | ' +
      'playing at 10×: mean, max a step |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [label, day] of [
    ['40 queues / 300 agents', smallDay],
    ['250 queues / 1,500 agents', largeDay],
  ] as const)
    console.log(
      `| ${label} | ${mb(day.bytes)} | ${kb(day.sizes.whole)} | ${kb(day.sizes.keyframe)} | ` +
        `${kb(day.sizes.patch)} | ${ms(mean(day.seeks.random))} | ${ms(percentile(day.seeks.random, 0.95))} | ` +
        `${ms(Math.max(...day.seeks.random))} | ${ms(mean(day.seeks.playing))}, ${ms(Math.max(...day.seeks.playing))} |`,
    );
  console.log(
    `\nTargets: seek under 200 ms at 250 / 1,500 (${Math.max(...largeDay.seeks.random, ...largeDay.seeks.playing) < 200 ? 'met' : 'missed'}); ` +
      `a day under 100 MB at 40 / 300 (${smallDay.bytes < 100 * 1024 * 1024 ? 'met' : 'missed'}).`,
  );
}

await main();
