import { parseArgs } from 'node:util';
import { startSimulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4566' },
    queues: { type: 'string', default: '40' },
    agents: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    'instance-id': { type: 'string' },
  },
});

function wholeNumber(flag: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${flag} must be a whole number (got "${raw}"). Example: --${flag} 40`);
    process.exit(2);
  }
  return value;
}

const sim = await startSimulator({
  port: wholeNumber('port', values.port),
  queues: wholeNumber('queues', values.queues),
  agents: wholeNumber('agents', values.agents),
  seed: wholeNumber('seed', values.seed),
  ...(values['instance-id'] ? { instanceId: values['instance-id'] } : {}),
});
console.log(`Amazon Connect simulator listening on ${sim.endpoint}`);
console.log(`Instance id: ${sim.instanceId} (region ${sim.region})`);
console.log(
  `Point the wallboard at it: CONNECT_ENDPOINT=${sim.endpoint} CONNECT_INSTANCE_ID=${sim.instanceId}`,
);
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
