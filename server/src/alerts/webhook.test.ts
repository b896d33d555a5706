import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertEvent } from '@switchboard/shared';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookNotifier, webhookMessage } from './webhook.js';

const event = (kind: AlertEvent['kind'], queueId: string | null = 'q1'): AlertEvent => ({
  alertId: `a:${queueId}`,
  ruleId: 'long-queue',
  metric: 'CONTACTS_IN_QUEUE',
  queueId,
  level: 'critical',
  kind,
  at: '2026-11-24T10:00:00.000Z',
  value: 12,
  threshold: 10,
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
      {
        text: ':rotating_light: CRITICAL: In queue on Sales is 12 (limit 10) (since 2026-11-24T10:00:00.000Z)',
      },
      {
        text: ':white_check_mark: Cleared: In queue on Sales is back to 12 (limit 10) (2026-11-24T10:00:00.000Z)',
      },
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
    expect(hook.bodies[0]).toEqual({ text: expect.stringMatching(/In queue for the whole centre is 12/) });
  });

  it("sends a screen's alert to the board its screen showed, and to every board when that has no webhook here", async () => {
    const lobby = await receiver(0);
    const support = await receiver(0);
    const notifier = new WebhookNotifier(
      [
        { boardId: 'lobby', url: lobby.url, queueIds: new Set(['q1']) },
        { boardId: 'support', url: support.url, queueIds: null },
      ],
      { logger, backoffMs: 5, queueName: (id) => `screen ${id.slice(9)}` },
    );
    const screen = {
      ...event('raised', 'screen:t:lobby-tv'),
      metric: 'SCREEN_DISCONNECTED',
      value: 400,
      threshold: 300,
    };
    notifier.notify({ ...screen, alertId: 'a1', board: 'lobby' });
    notifier.notify({ ...screen, alertId: 'a2', queueId: 'screen:t:hall-tv', board: null });
    // A board without a webhook here (another instance's, or removed): every board's, rather than none.
    notifier.notify({ ...screen, alertId: 'a3', queueId: 'screen:t:apac-tv', board: 'apac-floor' });
    await notifier.idle();
    expect(lobby.bodies).toEqual([
      { text: expect.stringContaining('screen lobby-tv') },
      { text: expect.stringContaining('screen hall-tv') },
      { text: expect.stringContaining('screen apac-tv') },
    ]);
    expect(support.bodies).toEqual([
      { text: expect.stringContaining('screen hall-tv') },
      { text: expect.stringContaining('screen apac-tv') },
    ]);
  });

  it('lets go of a webhook no longer configured once its messages are out, and never of a configured one', async () => {
    const old = await receiver(1);
    const kept = await receiver(0);
    const notifier = new WebhookNotifier(
      [
        { boardId: 'sales', url: old.url, queueIds: null },
        { boardId: 'support', url: kept.url, queueIds: null },
      ],
      { logger, backoffMs: 20 },
    );
    notifier.notify(event('raised'));
    expect(notifier.queueCount()).toBe(2);
    // The sales board's webhook is edited away while its message is still being retried: it is still delivered.
    notifier.setTargets([{ boardId: 'support', url: kept.url, queueIds: null }]);
    await notifier.idle();
    expect(old.bodies).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(notifier.queueCount()).toBe(1);
    // Named again, it is sent to again.
    notifier.setTargets([
      { boardId: 'support', url: kept.url, queueIds: null },
      { boardId: 'sales', url: old.url, queueIds: null },
    ]);
    notifier.notify(event('cleared'));
    await notifier.idle();
    expect(old.bodies).toHaveLength(2);
    expect(notifier.queueCount()).toBe(2);
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

  it("writes figures as the screens do, in the board's locale: times as m:ss, service levels as percentages", async () => {
    const hook = await receiver(0);
    const notifier = new WebhookNotifier(
      [{ boardId: 'berlin', url: hook.url, queueIds: null, locale: 'de-DE' }],
      { logger, backoffMs: 5, queueName: () => 'Sales 4' },
    );
    notifier.notify({ ...event('raised'), metric: 'SERVICE_LEVEL_20', value: 60.5, threshold: 75 });
    await notifier.idle();
    expect(hook.bodies).toEqual([
      { text: expect.stringContaining('Service level (20 s) on Sales 4 is 60,5\u00a0% (limit 75\u00a0%)') },
    ]);
  });
});

describe('WebhookNotifier under a failing endpoint, or one that redirects', () => {
  /** A receiver that holds every answer until let go. */
  async function heldReceiver() {
    const texts: string[] = [];
    const held: (() => void)[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () =>
        held.push(() => {
          texts.push((JSON.parse(text) as { text: string }).text);
          res.writeHead(200).end('ok');
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => {
      server.closeAllConnections();
      server.close();
    });
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      texts,
      /** Answers what is held now, and whatever comes until `ms` pass. */
      async release(ms: number) {
        const until = Date.now() + ms;
        while (Date.now() < until) {
          held.splice(0).forEach((answer) => answer());
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      },
    };
  }

  it('drops the oldest waiting message when its backlog is full, so an alert’s clear still goes', async () => {
    const hook = await heldReceiver();
    const notifier = new WebhookNotifier([{ boardId: 'all', url: hook.url, queueIds: null }], {
      logger,
      maxPending: 1,
      timeoutMs: 10_000,
    });
    const of = (queueId: string, kind: AlertEvent['kind']) => ({
      ...event(kind, queueId),
      value: kind === 'raised' ? 12 : 5,
    });
    notifier.notify(of('q1', 'raised')); // on its way, held by the endpoint
    notifier.notify(of('q2', 'raised')); // waiting
    notifier.notify(of('q1', 'cleared')); // the backlog is full: q2's raise goes, not this
    await new Promise((resolve) => setTimeout(resolve, 50));
    await hook.release(200);
    await notifier.idle();
    expect(hook.texts).toHaveLength(2);
    expect(hook.texts[0]).toMatch(/^:rotating_light: CRITICAL: .* on q1/);
    expect(hook.texts[1]).toMatch(/^:white_check_mark: Cleared: .* on q1/);
  });

  it('does not follow a redirect, which would carry the message elsewhere, and says it was refused', async () => {
    const elsewhere = await receiver(0);
    const redirecting = createServer((_req, res) => res.writeHead(307, { location: elsewhere.url }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    closers.push(() => redirecting.close());
    const lines: { msg: string; status?: number }[] = [];
    const captured = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line) as { msg: string; status?: number }) },
    );
    const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hook`;
    const notifier = new WebhookNotifier([{ boardId: 'all', url, queueIds: null }], {
      logger: captured,
      backoffMs: 5,
    });
    notifier.notify(event('raised'));
    await notifier.idle();
    expect(elsewhere.requests()).toBe(0);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'webhook refused the notification', status: 307 }),
    );
  });
});

describe('webhookMessage', () => {
  it('says an alert as the alerts panel does', () => {
    const oldest = { ...event('raised'), metric: 'OLDEST_CONTACT_AGE', value: 455, threshold: 120 };
    expect(webhookMessage(oldest, 'Sales 4', 'en-GB').text).toBe(
      ':rotating_light: CRITICAL: Oldest contact on Sales 4 is 7:35 (limit 2:00) (since 2026-11-24T10:00:00.000Z)',
    );
    const centre = { ...event('raised', null), metric: 'SERVICE_LEVEL_20', value: 60, threshold: 75 };
    expect(webhookMessage(centre, undefined, 'en-GB').text).toContain(
      'Service level (20 s) for the whole centre is 60.0% (limit 75%)',
    );
    expect(webhookMessage({ ...oldest, kind: 'cleared', value: 95 }, 'Sales 4', 'en-GB').text).toBe(
      ':white_check_mark: Cleared: Oldest contact on Sales 4 is back to 1:35 (limit 2:00) (2026-11-24T10:00:00.000Z)',
    );
    // A forecast rule warns before the breach, and says its figure is an estimate.
    const atRisk = {
      ...event('raised'),
      level: 'warn' as const,
      metric: 'FORECAST_SERVICE_LEVEL',
      value: 62.4,
      threshold: 80,
    };
    expect(webhookMessage(atRisk, 'Billing', 'en-GB').text).toBe(
      ':rotating_light: WARN: Forecast service level (estimate) on Billing is 62.4% (limit 80%) (since 2026-11-24T10:00:00.000Z)',
    );
  });

  it('says a queue that is gone is no longer watched, and leaves out a limit an older event lacks', () => {
    const gone = { ...event('cleared'), metric: 'OLDEST_CONTACT_AGE', value: null, threshold: 120 };
    expect(webhookMessage(gone, 'Sales 4').text).toBe(
      ':white_check_mark: Cleared: Oldest contact on Sales 4 is no longer watched (2026-11-24T10:00:00.000Z)',
    );
    const older = { ...event('raised'), metric: 'OLDEST_CONTACT_AGE', value: 455 } as Partial<AlertEvent>;
    delete older.threshold;
    expect(webhookMessage(older as AlertEvent, 'Sales 4').text).toContain(
      'Oldest contact on Sales 4 is 7:35 (since',
    );
  });
});
