import { parseArgs } from 'node:util';
import type { Faults } from './faults.js';
import { startSimulator } from './server.js';

/** `pnpm sim`: the simulator on its own, for the wallboard (CONNECT_ENDPOINT) or any other Connect client. */

const usage = `Usage: pnpm sim [options]
  --port N              port to listen on (default 4566; 0 = any free port)
  --host ADDRESS        address to listen on (default 127.0.0.1)
  --queues N            standard queues (default 40)
  --agents N            agents (default 300)
  --seed N              random seed: the same seed gives the same centre and the same day (default 1)
  --speed X             simulated time runs X times faster than real time (default 1)
  --instance-id ID      the instance id to answer for (default 11111111-2222-4333-8444-555555555555)
  --region REGION       region in ARNs (default us-east-1)
  --time-zone ZONE      the centre's time zone, IANA name; today is simulated from local midnight (default UTC)
  --time-of-day HH:MM   run the day's curve and shifts as if it were this local time (a busy demo at any hour);
                        timestamps stay real time
  --staffing PLAN       planned (default: arrivals the shifts answer at 80/20 by Erlang C, less shrinkage) or
                        understaffed (arrivals near the agents' whole capacity: a centre under pressure)
  --no-rate-limits      never answer ThrottlingException for going over the quotas
  --quota OP=R/B        one operation's quota, R a second with a burst of B (repeatable; default: Connect's
                        published quotas, e.g. GetCurrentUserData=2/5, ListUsers=10/10)
  --max-page-size N     return at most N results a page, whatever MaxResults asks
  --deny OP             answer AccessDeniedException to an operation (repeatable), as a narrow IAM policy does
Faults (also at runtime: POST /_sim/faults):
  --throttle-rate F     answer this share (0-1) of requests with ThrottlingException
  --error-rate F        answer this share of requests with InternalServiceException (500)
  --reset-rate F        reset the connection of this share of requests, with no answer (ECONNRESET)
  --latency-ms N        add latency to every answer
  --outage-seconds N    answer 503 to everything for N seconds from start
  --expire-tokens       refuse every NextToken as expired
  --truncate-rate F     cut this share of successful bodies in half
  --malformed-rate F    replace this share of successful bodies with HTML
  --surge QUEUE[:MULTIPLIER[:SECONDS]]   a surge on one queue (id, ARN or name) at start
  --mass-logout F       log out this share of agents at start`;

const { values } = parseArgs({
  options: {
    help: { type: 'boolean' },
    port: { type: 'string', default: '4566' },
    host: { type: 'string', default: '127.0.0.1' },
    queues: { type: 'string', default: '40' },
    agents: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    speed: { type: 'string', default: '1' },
    'instance-id': { type: 'string' },
    region: { type: 'string' },
    'time-zone': { type: 'string', default: 'UTC' },
    'time-of-day': { type: 'string' },
    staffing: { type: 'string', default: 'planned' },
    'no-rate-limits': { type: 'boolean' },
    quota: { type: 'string', multiple: true },
    'max-page-size': { type: 'string' },
    deny: { type: 'string', multiple: true },
    'throttle-rate': { type: 'string' },
    'error-rate': { type: 'string' },
    'reset-rate': { type: 'string' },
    'latency-ms': { type: 'string' },
    'outage-seconds': { type: 'string' },
    'expire-tokens': { type: 'boolean' },
    'truncate-rate': { type: 'string' },
    'malformed-rate': { type: 'string' },
    surge: { type: 'string' },
    'mass-logout': { type: 'string' },
  },
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

function number(
  flag: string,
  raw: string | undefined,
  { min = 0, max = Number.MAX_SAFE_INTEGER, whole = false } = {},
) {
  const value = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(value) || value < min || value > max) {
    fail(`--${flag} must be a number from ${min} to ${max} (got "${raw}").`);
  }
  if (whole && !Number.isInteger(value)) fail(`--${flag} must be a whole number (got "${raw}").`);
  return value;
}

const optional = (flag: keyof typeof values, options: Parameters<typeof number>[2] = {}) => {
  const raw = values[flag];
  return typeof raw === 'string' ? number(flag, raw, options) : undefined;
};

const faultFlags: Faults = {
  throttleRate: optional('throttle-rate', { max: 1 }),
  errorRate: optional('error-rate', { max: 1 }),
  resetRate: optional('reset-rate', { max: 1 }),
  latencyMs: optional('latency-ms', { max: 120_000, whole: true }),
  outageSeconds: optional('outage-seconds', { max: 86_400 }),
  expireTokens: values['expire-tokens'],
  truncateRate: optional('truncate-rate', { max: 1 }),
  malformedRate: optional('malformed-rate', { max: 1 }),
  maxPageSize: optional('max-page-size', { min: 1, max: 1000, whole: true }),
  deniedOperations: values.deny,
};
const faults = Object.fromEntries(
  Object.entries(faultFlags).filter(([, value]) => value !== undefined),
) as Faults;

const quotas = Object.fromEntries(
  (values.quota ?? []).map((text) => {
    const match = /^([A-Za-z0-9]+)=(\d+(?:\.\d+)?)\/(\d+)$/.exec(text);
    const rate = Number(match?.[2]);
    const burst = Number(match?.[3]);
    if (!match || rate <= 0 || burst < 1)
      fail(`--quota must be OPERATION=RATE/BURST, e.g. --quota GetCurrentUserData=2/5 (got "${text}").`);
    return [match[1] as string, { rate, burst }];
  }),
);

const staffing = values.staffing;
if (staffing !== 'planned' && staffing !== 'understaffed')
  fail(`--staffing must be planned or understaffed (got "${staffing}").`);

let sim;
try {
  sim = await startSimulator({
    port: number('port', values.port, { max: 65_535, whole: true }),
    host: values.host,
    queues: number('queues', values.queues, { min: 1, max: 5000, whole: true }),
    agents: number('agents', values.agents, { max: 20_000, whole: true }),
    seed: number('seed', values.seed, { whole: true }),
    speed: number('speed', values.speed, { min: 0.01, max: 3600 }),
    timeZone: values['time-zone'],
    ...(values['time-of-day'] ? { timeOfDay: values['time-of-day'] } : {}),
    staffing,
    ...(values['instance-id'] ? { instanceId: values['instance-id'] } : {}),
    ...(values.region ? { region: values.region } : {}),
    rateLimits: { enabled: !values['no-rate-limits'], operations: quotas },
    faults,
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

if (values.surge) {
  const [queue = '', multiplier, seconds] = values.surge.split(':');
  sim.scenario({
    surge: {
      queue,
      multiplier: multiplier ? number('surge multiplier', multiplier, { min: 1, max: 50 }) : 4,
      durationSeconds: seconds ? number('surge seconds', seconds, { min: 1, max: 86_400 }) : 900,
    },
  });
}
if (values['mass-logout']) {
  sim.scenario({ massLogout: { fraction: number('mass-logout', values['mass-logout'], { max: 1 }) } });
}

console.log(`Amazon Connect simulator listening on ${sim.endpoint}`);
console.log(`Instance id: ${sim.instanceId} (region ${sim.region})`);
console.log(
  `${sim.model.queues.length} queues, ${sim.model.agents.length} agents, seed ${values.seed}, ` +
    `speed ${values.speed}x, time zone ${values['time-zone']}`,
);
console.log(
  `Point the wallboard at it: CONNECT_ENDPOINT=${sim.endpoint} CONNECT_INSTANCE_ID=${sim.instanceId} AWS_REGION=${sim.region}`,
);
console.log(
  `Controls (loopback only): ${sim.endpoint}/_sim/faults, ${sim.endpoint}/_sim/calls, ${sim.endpoint}/_sim/figures`,
);
const running = sim;
const stop = () => void running.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
