import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '@switchboard/shared';
import { parseEnv } from '../src/env.js';
import { startWebServer } from '../src/main.js';
import { intradayIntervals, withinLookback } from '../src/poller/time.js';

/**
 * A sequence of real snapshots for the stream benchmarks: the embedded simulator and the real poller in-process
 * (as with SIMULATOR_QUEUES and SIMULATOR_AGENTS, a snapshot every 2 s), faster than real time so intraday
 * intervals (15 minutes) close within a run. After a warm-up (discovery, the first cycles, the day's intervals
 * back-filled), `cycles + 1` consecutive snapshots.
 */
export interface CollectOptions {
  queues: number;
  agents: number;
  cycles: number;
  /** Simulated time runs this many times faster than real time. */
  speed: number;
  /** Snapshots skipped at least, before the day's intervals are in. */
  warmup: number;
  /**
   * The simulated centre's local time when the run starts (HH:MM): the figures depend on it (the day's series
   * grow through the day, the traffic follows its curve), so a run is the same whatever hour it is started at.
   */
  timeOfDay: string;
}

export const INTERVAL_MINUTES = 15;

export async function collectSnapshots(options: CollectOptions): Promise<Snapshot[]> {
  const wallboard = await startWebServer(
    parseEnv({
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-bench-collect-')),
      POLL_INTERVAL_MS: '2000',
      SIMULATOR_QUEUES: String(options.queues),
      SIMULATOR_AGENTS: String(options.agents),
      SIMULATOR_SPEED: String(options.speed),
      SIMULATOR_TIME_OF_DAY: options.timeOfDay,
      INTRADAY_INTERVAL_MINUTES: String(INTERVAL_MINUTES),
    }),
  );
  const source = wallboard.instances[0]?.source;
  if (!source) throw new Error('the wallboard started no instance');
  const snapshots: Snapshot[] = [];
  let seen = 0;
  await new Promise<void>((resolve) => {
    const stop = source.subscribe((snapshot) => {
      seen += 1;
      // The series holds every interval of the day so far (the open one last) once back-filled.
      const now = wallboard.simulator?.now() ?? Date.now();
      const closed =
        intradayIntervals(now, 'UTC', INTERVAL_MINUTES).filter((i) => withinLookback(i.start, now)).length -
        1;
      if (snapshots.length === 0 && (seen <= options.warmup || snapshot.intraday.instance.length < closed))
        return;
      snapshots.push(snapshot);
      process.stdout.write('.');
      if (snapshots.length >= options.cycles + 1) {
        stop();
        resolve();
      }
    });
  });
  process.stdout.write('\n');
  await wallboard.stop();
  return snapshots;
}

/** The simulated time of day a run starts at, unless `--time-of-day HH:MM` says otherwise: a busy afternoon. */
export const DEFAULT_TIME_OF_DAY = '15:00';

/** `--name value` pairs after the script's name (pnpm passes on the `--` that ends its own options). */
export function benchArgs(): Map<string, string> {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2).filter((arg) => arg !== '--');
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i]?.replace(/^--/, '') ?? '', argv[i + 1] ?? '');
  return args;
}

export function percentile95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? NaN;
}

export const mean = (values: readonly number[]) =>
  values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
