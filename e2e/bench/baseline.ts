import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The web app as an earlier commit built it, for the benchmark to run beside the current build: a throwaway git
 * worktree of the commit under the OS temp dir, its packages installed (offline from the store when it can), its
 * web app built, the build kept by commit and the worktree removed. A second run finds the build and returns at
 * once.
 *
 * The commit: `BASELINE_COMMIT` (any name git understands), else DEFAULT_BASELINE, the build before the stream
 * sent patches. Run alone to build it ahead of the benchmark: `node --experimental-strip-types bench/baseline.ts`
 * from e2e/ (Node 22.6 or later; Node 20 builds it from the benchmark's setup).
 */
export const DEFAULT_BASELINE = 'dd137de';

const PNPM = ['-y', 'pnpm@12.21.0'];
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cacheRoot = join(tmpdir(), 'switchboard-bench-baseline');

function log(message: string): void {
  console.log(`[baseline] ${message}`);
}

function run(command: string, args: string[], options: SpawnSyncOptions = {}): { ok: boolean; out: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  return { ok: result.status === 0, out: `${String(result.stdout ?? '')}${String(result.stderr ?? '')}` };
}

function git(args: string[]): string {
  const result = run('git', ['-C', repoRoot, ...args]);
  if (!result.ok) throw new Error(`git ${args.join(' ')} failed:\n${result.out.trim()}`);
  return result.out.trim();
}

/** The commit the benchmark compares against: BASELINE_COMMIT, else DEFAULT_BASELINE. */
export function baselineCommit(): string {
  return process.env.BASELINE_COMMIT?.trim() || DEFAULT_BASELINE;
}

/** Builds (or finds) the web app of `commit` and returns its dist directory. */
export function baselineDist(commit = baselineCommit()): string {
  let sha: string;
  try {
    sha = git(['rev-parse', '--verify', `${commit}^{commit}`]);
  } catch {
    throw new Error(
      `BASELINE_COMMIT "${commit}" is not a commit of this repository: set it to a commit id, tag or branch that ` +
        '`git rev-parse` knows (fetch it first if it is only on a remote).',
    );
  }
  const short = sha.slice(0, 12);
  const cached = join(cacheRoot, sha);
  const dist = join(cached, 'dist');
  const done = join(cached, 'built');
  if (existsSync(done) && existsSync(join(dist, 'index.html'))) {
    log(`${short}: using the build in ${dist}`);
    return dist;
  }

  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const tree = join(cached, 'tree');
  rmSync(cached, { recursive: true, force: true });
  mkdirSync(cached, { recursive: true });
  // A worktree left by a run that was stopped half way.
  git(['worktree', 'prune']);
  log(`${short}: checking out into ${tree}`);
  git(['worktree', 'add', '--detach', '--force', tree, sha]);
  try {
    const inTree: SpawnSyncOptions = { cwd: tree, stdio: ['ignore', 'pipe', 'pipe'] };
    log(`${short}: installing packages (offline, from the store) [${elapsed()}]`);
    let install = run('npx', [...PNPM, 'install', '--frozen-lockfile', '--offline'], inTree);
    if (!install.ok) {
      log(`${short}: the store lacks some packages; installing from the registry [${elapsed()}]`);
      install = run('npx', [...PNPM, 'install', '--frozen-lockfile'], inTree);
    }
    if (!install.ok) throw new Error(`installing the packages of ${short} failed:\n${install.out.trim()}`);
    log(`${short}: building the web app [${elapsed()}]`);
    const build = run('npx', [...PNPM, '--filter', '@switchboard/web', 'run', 'build'], inTree);
    if (!build.ok) throw new Error(`building the web app of ${short} failed:\n${build.out.trim()}`);
    cpSync(join(tree, 'web', 'dist'), dist, { recursive: true });
    writeFileSync(done, `${sha}\n`);
  } finally {
    log(`${short}: removing the worktree [${elapsed()}]`);
    const removed = run('git', ['-C', repoRoot, 'worktree', 'remove', '--force', tree]);
    if (!removed.ok) {
      rmSync(tree, { recursive: true, force: true });
      git(['worktree', 'prune']);
    }
  }
  log(`${short}: built in ${elapsed()}, kept in ${dist}`);
  return dist;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) baselineDist();
