import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ListQueuesCommand } from '@aws-sdk/client-connect';
import { afterEach, describe, expect, it } from 'vitest';
import { clientFor } from './support.js';

const cli = fileURLToPath(new URL('../../src/simulator/cli.ts', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

function run(args: string[]): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve) => {
    child = spawn(process.execPath, ['--import', 'tsx', '--conditions=development', cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // tsx is the server package's dependency: resolve it from there.
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Controls \(loopback only\)/.test(output)) resolve({ output, code: null });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ output, code }));
  });
}

describe('pnpm sim', () => {
  it('starts with its flags and prints the endpoint and instance id the SDK can use', async () => {
    const { output } = await run(
      ['--port', '0', '--queues', '9', '--agents', '30', '--seed', '4', '--speed', '2'].concat([
        '--instance-id',
        'cli-test-instance',
        '--time-zone',
        'Europe/London',
        '--surge',
        'Sales:3:60',
      ]),
    );
    const endpoint = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    expect(output).toContain('Instance id: cli-test-instance');
    expect(output).toContain('9 queues, 30 agents, seed 4, speed 2x, time zone Europe/London');
    const client = clientFor({
      endpoint: endpoint ?? '',
      region: 'us-east-1',
      instanceId: 'cli-test-instance',
    } as never);
    const queues = await client.send(
      new ListQueuesCommand({ InstanceId: 'cli-test-instance', QueueTypes: ['STANDARD'] }),
    );
    expect(queues.QueueSummaryList).toHaveLength(9);
    client.destroy();
  });

  it('refuses a bad flag with a message that names it, and exits 2', async () => {
    const { output, code } = await run(['--port', '0', '--agents', 'many']);
    expect(code).toBe(2);
    expect(output).toContain('--agents must be a number');
  });
});
