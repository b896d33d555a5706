import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTokenFile } from '../src/security/tokens.js';

// The README's commands are run as written, from the repository's root: a documented command that does not
// work (pnpm's built-in `token` once shadowed the script of that name) fails here. Every shell command the README
// documents is either run below or listed in NOT_RUN with the reason; a new one that is neither fails the last
// test.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'switchboard-readme-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Words a shell command written inline (between backticks, in prose) starts with. */
const INLINE_COMMAND = /^(npx|curl|bash|export|redis-server) /;
/** Fenced code blocks that hold shell commands: no language given, or a shell's. */
const SHELL_FENCE = /^```(sh|bash|shell|console)?$/;

/**
 * The shell commands of a Markdown text: every line of its shell code blocks (a line ending in `\` goes on on
 * the next; `#` comments left out), and the inline commands of its prose. Whitespace is collapsed.
 */
function shellCommands(markdown: string): string[] {
  const commands: string[] = [];
  const prose: string[] = [];
  let fence: 'shell' | 'other' | null = null;
  let pending = '';
  for (const line of markdown.split('\n')) {
    // Fences may be indented (a code block inside a list item).
    if (fence === null && line.trimStart().startsWith('```')) {
      fence = SHELL_FENCE.test(line.trim()) ? 'shell' : 'other';
      continue;
    }
    if (fence !== null && line.trim() === '```') {
      fence = null;
      continue;
    }
    if (fence === 'other') continue;
    if (fence === null) {
      prose.push(line);
      continue;
    }
    const text = `${pending} ${line}`.trim();
    if (text.endsWith('\\')) {
      pending = text.slice(0, -1);
      continue;
    }
    pending = '';
    if (text && !text.startsWith('#')) commands.push(text.replace(/\s+/g, ' '));
  }
  for (const match of prose.join('\n').matchAll(/`([^`]+)`/g)) {
    const text = (match[1] ?? '').replace(/\s+/g, ' ').trim();
    if (INLINE_COMMAND.test(text)) commands.push(text);
  }
  return commands;
}

const commands = shellCommands(readme);
/** Commands a test below runs. */
const ran = new Set<string>();

/** The README's command that starts with `prefix`, as written; read as the tests are collected, it is one a test below runs. */
function documented(prefix: string): string {
  const found = commands.find((command) => command.startsWith(prefix));
  if (!found) throw new Error(`README.md documents no command starting with "${prefix}"`);
  ran.add(found);
  return found;
}

/**
 * Commands the README documents that no test can run, and why. An entry the README no longer documents fails the
 * last test, so the list stays true.
 */
const NOT_RUN: Record<string, string> = {
  // Installs, then builds and starts the wallboard until stopped. scripts/test-all.sh (what the CI runs)
  // installs with the same frozen lockfile and builds; the browser tests start the built server as `start` does.
  'npx -y pnpm@12.21.0 install --frozen-lockfile && npx -y pnpm@12.21.0 start': 'starts a server for good',
  // The same start, named in prose after the Node 22 line (which is run below): it builds and serves until stopped.
  'npx -y pnpm@12.21.0 start': 'starts a server for good',
  // Records a day twice over at two sizes and runs the wallboard for minutes: about nine minutes on 2 cores. Its
  // smallest form runs in benchCommands.test.ts.
  'npx -y pnpm@12.21.0 bench:replay': 'a benchmark of minutes',
  // 10,000 loopback connections from three processes, two rounds each way: about two minutes, on 2 cores.
  'npx -y pnpm@12.21.0 --filter @switchboard/server bench:fanout': 'a benchmark of minutes',
  // The whole suite, this test among it: the CI runs it. It may run apt-get as root.
  'bash scripts/test-all.sh': 'the whole suite',
  // Needs a real Connect instance and AWS credentials.
  'CONNECT_INSTANCE_ID=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee AWS_REGION=eu-west-2 npx -y pnpm@12.21.0 start':
    'a real Connect instance',
  // Fixed ports, Redis and a configuration file in /etc, running until stopped: server/test/cluster.test.ts runs
  // replicas sharing one Redis on ports of its own.
  'redis-server --port 6379 &': 'a Redis server on a fixed port',
  'REDIS_URL=redis://127.0.0.1:6379 PORT=8081 DATA_DIR=data-8081 WALLBOARD_CONFIG=/etc/switchboard/wallboard.yaml npx -y pnpm@12.21.0 --filter @switchboard/server start &':
    'a replica on a fixed port',
  'REDIS_URL=redis://127.0.0.1:6379 PORT=8082 DATA_DIR=data-8082 WALLBOARD_CONFIG=/etc/switchboard/wallboard.yaml npx -y pnpm@12.21.0 --filter @switchboard/server start &':
    'a replica on a fixed port',
};

function run(command: string) {
  // The documented file lives in /etc; the same command writes into a scratch directory here.
  const local = command.replace('/etc/switchboard/tokens.yaml', join(scratch, 'tokens.yaml'));
  return spawnSync('bash', ['-c', local], { cwd: root, encoding: 'utf8', timeout: 120_000 });
}

describe("the README's token commands, exactly as documented", () => {
  // Read while the tests are collected, so the last test knows them whichever tests a run picks.
  const tokensCreate = documented('npx -y pnpm@12.21.0 tokens create');
  it('creates a display token for a board, printed once, into a file only its owner can read', () => {
    const result = run(tokensCreate);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\?token=[A-Za-z0-9_-]{20,}/);
    const file = join(scratch, 'tokens.yaml');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const entries = parseTokenFile(readFileSync(file, 'utf8'), file);
    expect(entries).toEqual([
      expect.objectContaining({ id: 'lobby-tv', board: 'sales-floor', role: 'display' }),
    ]);
  }, 120_000);

  it('revokes it with the documented revoke command', () => {
    // Written in prose, with the file the create command above wrote, and run through the same pnpm.
    const revoke = /`(tokens revoke[^`]*)`/.exec(readme)?.[1];
    if (!revoke) throw new Error('README.md documents no `tokens revoke`');
    const result = run(`npx -y pnpm@12.21.0 ${revoke}`);
    expect(result.status, result.stderr).toBe(0);
    const file = join(scratch, 'tokens.yaml');
    expect(parseTokenFile(readFileSync(file, 'utf8'), file)).toEqual([
      expect.objectContaining({ id: 'lobby-tv', revoked: true }),
    ]);
  }, 120_000);
});

describe("the README's token command for a supervisor limited to boards", () => {
  const supervisor = documented('npx -y pnpm@12.21.0 tokens create --id floor-leads');
  it('creates a supervisor token that reads the boards it lists', () => {
    const result = run(supervisor);
    expect(result.status, result.stderr).toBe(0);
    const file = join(scratch, 'tokens.yaml');
    expect(parseTokenFile(readFileSync(file, 'utf8'), file)).toContainEqual(
      expect.objectContaining({
        id: 'floor-leads',
        role: 'supervisor',
        name: 'Floor leads',
        boards: ['sales-floor', 'retention'],
      }),
    );
  }, 120_000);
});

describe("the README's other commands, as documented", () => {
  // Read while the tests are collected, so the last test knows them whichever tests a run picks.
  const node22 = documented('export PATH="$(npx -y -p node@22');
  const simulator = documented('npx -y pnpm@12.21.0 sim --port 4566');
  const fault = documented('curl -XPOST localhost:4566/_sim/faults');
  const benchSim = documented('npx -y pnpm@12.21.0 --filter @switchboard/server bench:sim');
  const benchViewers = documented('npx -y pnpm@12.21.0 --filter @switchboard/server bench:viewers');
  it("puts Node 22 first on the PATH with npm's node package", () => {
    const result = run(`${node22}\nnode --version`);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^v22\.\d+\.\d+$/);
  }, 120_000);

  it('runs the simulator alone, and sets a fault on it with the documented curl', async () => {
    // Its own process group, so the simulator under npx, pnpm and tsx stops with it.
    const child = spawn('bash', ['-c', simulator], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = '';
        const timer = setTimeout(() => reject(new Error(`no endpoint printed in 60 s:\n${text}`)), 60_000);
        const read = (chunk: Buffer) => {
          text += chunk.toString();
          if (/Controls \(loopback only\)/.test(text)) {
            clearTimeout(timer);
            resolve(text);
          }
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
        child.on('exit', (code) => reject(new Error(`the simulator exited with ${code}:\n${text}`)));
      });
      expect(output).toContain('Amazon Connect simulator listening on http://127.0.0.1:4566');
      expect(output).toMatch(/40 queues, 300 agents, seed 1/);
      const result = run(fault);
      expect(result.status, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ faults: { errorRate: 0.2 } });
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
  }, 90_000);

  it('names the simulator benchmark, which says what it would measure with --dry-run', () => {
    const result = run(`${benchSim} -- --dry-run`);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/would pre-simulate a day of 500 queues and 2000 agents/);
  }, 60_000);

  it('names the viewers benchmark, whose documented scenarios it takes (with --dry-run)', () => {
    // The brackets mark the scenarios as optional: the documented ones are given, and the run stops at the plan.
    const result = run(`${benchViewers.replace(/[[\]]/g, '')} --dry-run`);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').slice(-4)).toEqual([
      '1000 viewers on 1 replica, gzip',
      '10000 viewers on 1 replica, gzip',
      '10000 viewers on 1 replica, plain',
      '10000 viewers on 2 replicas, gzip',
    ]);
  }, 60_000);

  it('names only scripts the workspace has where it says `pnpm <script>` for short', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
        .scripts,
    );
    const shorthand = [...readme.matchAll(/`pnpm ([a-z][\w:-]*)[^`]*`/g)].map((match) => match[1] ?? '');
    expect(shorthand.length).toBeGreaterThan(5);
    for (const script of shorthand) expect(scripts, `pnpm ${script}`).toContain(script);
  });
});

describe('every shell command of the README', () => {
  it('finds the commands of shell blocks and prose, and leaves other blocks and words alone', () => {
    const sample = [
      'Run `npx -y pnpm@12.21.0 lint` then `pnpm lint`, `SOAK_HOURS=120` or `node`.',
      '```',
      'FOO=1 npx -y pnpm@12.21.0 start \\',
      '  --flag',
      '# a comment',
      '',
      'bash scripts/x.sh',
      '```',
      '```yaml',
      'boards: []',
      '```',
      '```bash',
      'curl -s localhost:1/x',
      '```',
    ].join('\n');
    expect(shellCommands(sample)).toEqual([
      'FOO=1 npx -y pnpm@12.21.0 start --flag',
      'bash scripts/x.sh',
      'curl -s localhost:1/x',
      'npx -y pnpm@12.21.0 lint',
    ]);
  });

  it('is run by a test above, or listed as one a test cannot run', () => {
    expect(commands.length).toBeGreaterThan(8);
    const neither = commands.filter((command) => !ran.has(command) && !(command in NOT_RUN));
    expect(neither, 'documented commands neither run nor listed in NOT_RUN').toEqual([]);
    const stale = Object.keys(NOT_RUN).filter((command) => !commands.includes(command));
    expect(stale, 'NOT_RUN lists commands the README no longer documents').toEqual([]);
  });
});
