import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertEvent } from '@switchboard/shared';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookNotifier } from './webhook.js';

const event = (kind: AlertEvent['kind'], queueId: string | null = 'q1'): AlertEvent => ({
  alertId: `a:${queueId}`,
  ruleId: 'long-queue',
  metric: 'CONTACTS_IN_QUEUE',
  queueId,
  level: 'critical',
  kind,
  at: '2026-11-24T10:00:00.000Z',
  value: 12,
  by: null,
});

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A local webhook receiver that fails the first `failures` requests with 500. */
async function receiver(failures: number) {
  const bodies: unknown[] = [];
  let seen = 0;
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      seen += 1;
      if (seen <= failures) {
        res.writeHead(500).end();
        return;
      }
      bodies.push(JSON.parse(text));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    requests: () => seen,
  };
}

const logger = pino({ level: 'silent' });

describe('WebhookNotifier', () => {
  it('retries a failing webhook with backoff and delivers each event once, in order', async () => {
    const hook = await receiver(2);
    const notifier = new WebhookNotifier([{ boardId: 'all', url: hook.url, queueIds: null }], {
      logger,
      backoffMs: 5,
      queueName: () => 'Sales',
    });
    notifier.notify(event('raised'));
    notifier.notify(event('raised'));
    notifier.notify(event('cleared'));
    await notifier.idle();
    expect(hook.requests()).toBe(4);
    expect(hook.bodies).toEqual([
      { text: expect.stringMatching(/CRITICAL: In queue in queue Sales is 12/) },
      { text: expect.stringMatching(/Cleared: In queue in queue Sales/) },
    ]);
  });

  it('sends only the events of the queues a board shows, and instance-wide events to every board', async () => {
    const hook = await receiver(0);
    const notifier = new WebhookNotifier([{ boardId: 'sales', url: hook.url, queueIds: new Set(['q1']) }], {
      logger,
      backoffMs: 5,
    });
    notifier.notify(event('raised', 'q2'));
    notifier.notify(event('raised', null));
    notifier.notify(event('acknowledged', 'q1'));
    await notifier.idle();
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]).toEqual({ text: expect.stringMatching(/in the contact centre/) });
  });

  it('gives up after the configured attempts without throwing', async () => {
    const hook = await receiver(100);
    const notifier = new WebhookNotifier([{ boardId: 'all', url: hook.url, queueIds: null }], {
      logger,
      backoffMs: 1,
      attempts: 3,
    });
    notifier.notify(event('raised'));
    await notifier.idle();
    expect(hook.requests()).toBe(3);
  });
});
