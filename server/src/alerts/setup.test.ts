import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue, Snapshot } from '@switchboard/shared';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureQueue, fixtureSnapshot } from '../../test/support/snapshotFixture.js';
import { ConfigStore } from '../config/store.js';
import { setupAlerting } from './setup.js';

const logger = pino({ level: 'silent' });
const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

const queue = (id: string, name: string, inQueue: number) =>
  fixtureQueue(id, name, { CONTACTS_IN_QUEUE: inQueue });
const snapshot = (generation: number, queues: Queue[]) =>
  fixtureSnapshot({ generation, fetchedAt: generation * 1000, queues });

async function receiver() {
  const texts: string[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      texts.push((JSON.parse(text) as { text: string }).text);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, texts };
}

describe('alerting', () => {
  it('sends the webhook of a board that lists its queues the raises of the very first snapshot, and of a queue new in one', async () => {
    const hook = await receiver();
    const file = join(mkdtempSync(join(tmpdir(), 'switchboard-alerting-')), 'wallboard.yaml');
    writeFileSync(
      file,
      [
        'boards:',
        '  - id: sales',
        '    title: Sales',
        '    queues: ["Sales*"]',
        `    webhook: { url: "${hook.url}" }`,
        'alerts:',
        '  - id: long-queue',
        '    metric: CONTACTS_IN_QUEUE',
        '    value: 10',
        '',
      ].join('\n'),
    );
    const configStore = await ConfigStore.open(file, logger);
    closers.push(() => configStore.close());
    // As the poller: a snapshot is its latest only once enriched.
    let latest: Snapshot | null = null;
    let now = 1000;
    const alerting = setupAlerting({
      configStore,
      instance: 'default',
      logger,
      latest: () => latest,
      clock: () => now,
    });
    latest = alerting.enrich(snapshot(1, [queue('q1', 'Sales 1', 12), queue('q2', 'Sales 2', 3)]));
    now = 3000;
    // Sales 3 discovered in this one.
    latest = alerting.enrich(
      snapshot(2, [queue('q1', 'Sales 1', 12), queue('q2', 'Sales 2', 3), queue('q3', 'Sales 3', 12)]),
    );
    expect(latest.alerts.map((alert) => alert.queueId).sort()).toEqual(['q1', 'q3']);
    await alerting.notifier.idle();
    expect(hook.texts).toHaveLength(2);
    expect(hook.texts.some((text) => text.includes('Sales 1'))).toBe(true);
    expect(hook.texts.some((text) => text.includes('Sales 3'))).toBe(true);
  });
});
