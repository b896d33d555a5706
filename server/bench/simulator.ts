/**
 * What the simulator costs: CPU per simulated hour for a large centre, the time to pre-simulate a whole day,
 * and the share of one core it takes running live under a wallboard's polling.
 * Targets: a day of a 2,000-agent centre in under 5 s; live under 5% of one core.
 * Run: pnpm --filter @switchboard/server bench:sim (`-- --dry-run`: say what it would measure and stop; the
 * README's test runs the documented command so).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ContactCentreModel } from '../src/simulator/model.js';

const QUEUES = 500;
const AGENTS = 2000;
const HOUR = 3_600_000;
const dayStart = Date.parse('2026-11-24T00:00:00Z');

if (process.argv.includes('--dry-run')) {
  console.log(
    `would pre-simulate a day of ${QUEUES} queues and ${AGENTS} agents, then run the simulator live under polling`,
  );
  process.exit(0);
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

// 1. Pre-simulating a whole day, hour by hour.
const built = process.cpuUsage();
const wallStart = performance.now();
const model = new ContactCentreModel({
  instanceId: 'bench',
  region: 'us-east-1',
  accountId: '123456789012',
  queues: QUEUES,
  agents: AGENTS,
  seed: 1,
  startMs: dayStart,
});
const buildMs = cpuMs(built);
const perHour: number[] = [];
for (let h = 1; h <= 24; h += 1) {
  const before = process.cpuUsage();
  model.advanceTo(dayStart + h * HOUR);
  perHour.push(cpuMs(before));
}
const dayWallMs = performance.now() - wallStart;
const dayCpuMs = perHour.reduce((a, b) => a + b, 0) + buildMs;
const peak = Math.max(...perHour);
const figures = model.figures(dayStart + 24 * HOUR);
console.log(`centre: ${QUEUES} queues, ${AGENTS} agents, ${model.eventsProcessed} events in the day`);
console.log(
  `pre-simulate a day: ${(dayWallMs / 1000).toFixed(2)} s wall, ${(dayCpuMs / 1000).toFixed(2)} s CPU (target < 5 s)`,
);
console.log(
  `CPU per simulated hour: mean ${(dayCpuMs / 24).toFixed(0)} ms, busiest hour ${peak.toFixed(0)} ms ` +
    `(= ${((peak / HOUR) * 100).toFixed(3)}% of a core when live)`,
);
console.log(
  `end of day: ${figures.instance.AGENTS_ONLINE} agents online, ${figures.instance.CONTACTS_IN_QUEUE} in queue`,
);

// 2. Live: the simulator in a process of its own, at real time, with a wallboard polling it every 2 s (all
// queues in chunks of 100, and the agents of the first 100 queues). Its CPU is read from /proc, so the polling
// client's own cost is not counted.
const cli = fileURLToPath(new URL('../src/simulator/cli.ts', import.meta.url));
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--conditions=development', cli, '--port', '0', '--queues', String(QUEUES)].concat([
    '--agents',
    String(AGENTS),
    '--no-rate-limits',
    '--time-zone',
    'Europe/London',
  ]),
  { stdio: ['ignore', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('..', import.meta.url)) },
);
const endpoint = await new Promise<string>((resolve, reject) => {
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /listening on (http:\/\/\S+)/.exec(output);
    const instance = /Instance id: (\S+)/.exec(output);
    if (match?.[1] && instance?.[1]) resolve(`${match[1]}|${instance[1]}`);
  });
  child.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
});
const [simEndpoint = '', instanceId = ''] = endpoint.split('|');

/** CPU seconds used so far by a process, from /proc (Linux); null elsewhere. */
function processCpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

const headers = { authorization: 'AWS4-HMAC-SHA256 Credential=bench', 'content-type': 'application/json' };
const post = (path: string, body: unknown) =>
  fetch(`${simEndpoint}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) =>
    r.text(),
  );
const queueIds = (
  JSON.parse(
    await fetch(`${simEndpoint}/queues-summary/${instanceId}?queueTypes=STANDARD&maxResults=1000`, {
      headers,
    }).then((r) => r.text()),
  ) as { QueueSummaryList: { Id: string }[] }
).QueueSummaryList.map((q) => q.Id);
async function pollOnce(): Promise<void> {
  for (let i = 0; i < queueIds.length; i += 100) {
    await post(`/metrics/current/${instanceId}`, {
      Filters: { Queues: queueIds.slice(i, i + 100) },
      Groupings: ['QUEUE'],
      CurrentMetrics: [
        { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
        { Name: 'AGENTS_ONLINE', Unit: 'COUNT' },
        { Name: 'AGENTS_AVAILABLE', Unit: 'COUNT' },
        { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' },
      ],
      MaxResults: 100,
    });
  }
  let token: string | undefined;
  do {
    const page = JSON.parse(
      await post(`/metrics/userdata/${instanceId}`, {
        Filters: { Queues: queueIds.slice(0, 100) },
        MaxResults: 100,
        ...(token ? { NextToken: token } : {}),
      }),
    ) as { NextToken?: string };
    token = page.NextToken;
  } while (token);
}
await pollOnce();
const liveSeconds = 30;
const cpuBefore = processCpuSeconds(child.pid ?? 0);
const liveWall = performance.now();
let polls = 0;
while (performance.now() - liveWall < liveSeconds * 1000) {
  const started = performance.now();
  await pollOnce();
  polls += 1;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 2000 - (performance.now() - started))));
}
const cpuAfter = processCpuSeconds(child.pid ?? 0);
const liveWallMs = performance.now() - liveWall;
if (cpuBefore === null || cpuAfter === null) {
  console.log('live: no /proc on this system, so the simulator process CPU cannot be read');
} else {
  console.log(
    `live for ${(liveWallMs / 1000).toFixed(0)} s with ${polls} polls of ${queueIds.length} queues: ` +
      `${((((cpuAfter - cpuBefore) * 1000) / liveWallMs) * 100).toFixed(1)}% of a core (target < 5%)`,
  );
}
child.kill('SIGTERM');
