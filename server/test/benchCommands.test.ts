import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Every benchmark the README and docs/ document is run here as written, in its smallest form, and must print its
// figures: a benchmark is where a target is measured, and one that has stopped measuring (a stream format it no
// longer reads, options pnpm passes on that it refuses) reports nothing or NaN rather than failing. Those that take
// minutes at any size say what they would do (--dry-run) or are listed with the reason.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const texts = [
  readFileSync(join(root, 'README.md'), 'utf8'),
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => readFileSync(join(root, 'docs', name), 'utf8')),
].join('\n');

/** The documented command of each benchmark script: `bench:poll` → `npx -y pnpm@12.21.0 --filter … bench:poll`. */
const documented = new Map<string, string>();
for (const match of texts.matchAll(
  /npx -y pnpm@12\.21\.0 (?:--filter @switchboard\/server )?(bench:[a-z-]+)/g,
))
  documented.set(match[1] ?? '', match[0]);

/** Benchmarks that take minutes at any size, and why none runs here. */
const NOT_RUN: Record<string, string> = {
  'bench:fanout': '10,000 loopback connections, at its only size',
};

/** Process groups of the runs under way: killed when the file ends, however it ends. */
const running = new Set<number>();
const killGroup = (pid: number) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
};
afterAll(() => running.forEach(killGroup));
process.on('exit', () => running.forEach(killGroup));

/**
 * Two runs at a time: the file runs beside the suite's other files (the quota and fault tests among them wait on
 * real time), on machines of two cores.
 */
let lanes = 2;
const waiting: (() => void)[] = [];
async function inLane<T>(work: () => Promise<T>): Promise<T> {
  if (lanes === 0) await new Promise<void>((resolve) => waiting.push(resolve));
  else lanes -= 1;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else lanes += 1;
  }
}

/** Runs a shell command from the repository's root; resolves with its exit code and output, stdout then stderr. */
function run(
  command: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    // Its own process group, so the benchmark under npx, pnpm and tsx (and the processes it starts) stop with it.
    const child = spawn('bash', ['-c', command], {
      cwd: root,
      detached: true,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid !== undefined) running.add(pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      if (pid !== undefined) killGroup(pid);
      reject(new Error(`"${command}" still ran after 230 s:\n${stdout}\n${stderr}`));
    }, 230_000);
    child.on('error', reject);
    // Anything the benchmark left running (a child it did not stop) is stopped with its group.
    child.on('exit', () => {
      if (pid === undefined) return;
      killGroup(pid);
      running.delete(pid);
    });
    // Once its output has all been read.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: `${stdout}\n${stderr}` });
    });
  });
}

function command(script: string, args: string): string {
  const found = documented.get(script);
  if (!found) throw new Error(`no document names ${script}`);
  return `${found} -- ${args}`;
}

/** The figures a run printed, with what they say checked: finite wherever they are numbers. */
function expectFigures(result: { code: number | null; out: string }, ...patterns: RegExp[]) {
  expect(result.code, result.out).toBe(0);
  for (const pattern of patterns) expect(result.out).toMatch(pattern);
  expect(result.out).not.toMatch(/\bNaN\b|\bInfinity\b/);
}

describe('the documented benchmarks', () => {
  it('documents every benchmark script the server has, and names no other', () => {
    const scripts = Object.keys(
      (
        JSON.parse(readFileSync(join(root, 'server', 'package.json'), 'utf8')) as {
          scripts: Record<string, string>;
        }
      ).scripts,
    ).filter((script) => script.startsWith('bench:'));
    expect(scripts.length).toBeGreaterThan(8);
    expect([...documented.keys()].sort()).toEqual(scripts.sort());
  });

  it('runs, or says why not, every one of them', () => {
    const covered = new Set([...RUNS.map((run) => run.script), ...Object.keys(NOT_RUN)]);
    expect([...documented.keys()].filter((script) => !covered.has(script))).toEqual([]);
  });

  it('names browser benchmarks that exist: each `-g` or file filter picks at least one', async () => {
    // Minutes each at any size (two builds side by side, windows of 20 s): only their names are checked here.
    const filters = [...texts.matchAll(/`((?:[A-Z_]+=\S+ )*npx playwright test -c bench[^`]*)`/g)].map(
      (match) => (match[1] ?? '').replace(/\s+/g, ' '),
    );
    expect(filters.length).toBeGreaterThan(5);
    // The workspace's sources, as the tests read them: listing needs no build.
    const listed = await run('cd e2e && npx playwright test -c bench --list', {
      NODE_OPTIONS: '--conditions=development',
    });
    expect(listed.code, listed.out).toBe(0);
    const titles = listed.out.split('\n').filter((line) => line.includes(' › '));
    expect(titles.length).toBeGreaterThan(5);
    for (const filter of filters) {
      const grep = /-g (?:"([^"]+)"|(\S+))/.exec(filter);
      const file = /-c bench ([\w.-]+)/.exec(filter)?.[1];
      const picked = grep
        ? titles.filter((title) => new RegExp(grep[1] ?? grep[2] ?? '').test(title))
        : file
          ? titles.filter((title) => title.trim().startsWith(file))
          : titles;
      expect(picked.length, filter).toBeGreaterThan(0);
    }
  }, 60_000);

  // Most of each run is waiting for the poller's 2 s cycles, so they run side by side, two at a time.
  describe.concurrent('each in its smallest form', () => {
    for (const { script, args, env, check } of RUNS)
      it(
        `${script} ${args}`,
        async () => check(await inLane(() => run(command(script, args), env))),
        300_000,
      );
  });
});

interface Run {
  script: string;
  args: string;
  env?: Record<string, string>;
  check: (result: { code: number | null; out: string }) => void;
}

// Longest first: two lanes, and the longest (replay, about 80 s alone) sets the file's length.
const RUNS: Run[] = [
  {
    // Both sizes' phases (recording off and on) and a twelfth of an hour recorded: about 75 s alone on 2 cores.
    script: 'bench:replay',
    args: '--cycles 3 --viewers 2 --seeks 3 --hours 0.2',
    check: (result) => {
      expectFigures(result, /Targets: seek under 200 ms/);
      // Each phase's viewers timed the generations' frames.
      expect(result.out).toMatch(/\| recording off \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+ ms \|/);
      expect(result.out).toMatch(/\| recording on \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+ ms \|/);
    },
  },
  {
    script: 'bench:bytes',
    args: '--cycles 2 --sizes 10x30 --time-of-day 01:00',
    check: (result) =>
      expectFigures(result, /a new viewer's first frame \(the view whole\): whole centre gzip [\d.]+ KB/),
  },
  {
    script: 'bench:patch-format',
    args: '--cycles 2 --size 10x30 --time-of-day 01:00',
    check: (result) => expectFigures(result, /entity-level \(viewPatch\.ts\)/, /RFC 6902, applied in place/),
  },
  {
    script: 'bench:viewers',
    args: '20x1',
    env: { BENCH_MEASURE_MS: '4000' },
    check: (result) =>
      expectFigures(
        result,
        /20 viewers on 1 replica/,
        /delivery \(snapshot ready → the generation's frame received\): p50 \d+ ms, p99 \d+ ms/,
      ),
  },
  {
    script: 'bench:poll',
    args: '--seconds 8 --sizes 10',
    check: (result) => {
      expectFigures(result, /view \/ patch p50, max KB/);
      const row = JSON.parse(/^\{"queues".*$/m.exec(result.out)?.[0] ?? '{}') as Record<string, number>;
      // Two generations at least reached the stream's viewer, each read by applying its patch.
      expect(row.cycles).toBeGreaterThanOrEqual(2);
      expect(row.ageP95Ms).toBeGreaterThan(0);
      expect(row.viewKB).toBeGreaterThan(0);
      expect(row.patchKB).toBeGreaterThan(0);
    },
  },
  {
    script: 'bench:timeline',
    args: '--days 1 --cycle-ms 60000',
    check: (result) => expectFigures(result, /1 day span: median [\d.]+ ms, slowest [\d.]+ ms/),
  },
  {
    script: 'bench:sim',
    args: '--dry-run',
    check: (result) => expectFigures(result, /would pre-simulate a day of 500 queues/),
  },
  {
    script: 'bench:forecast',
    args: '--dry-run',
    check: (result) => expectFigures(result, /would time the forecast of a 250-queue snapshot/),
  },
  {
    script: 'bench:forecast-backtest',
    args: '--dry-run',
    check: (result) => expectFigures(result, /would simulate a day of 40 queues and 300 agents/),
  },
];
