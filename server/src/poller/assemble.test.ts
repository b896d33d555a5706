import { describe, expect, it } from 'vitest';
import { toQueues } from './assemble.js';

const ref = (id: string) => ({ id, arn: `arn:${id}`, name: id });

describe('toQueues', () => {
  it('reads a queue Connect left out as zero, and keeps the channels a queue has shown today', () => {
    const [busy, quiet] = toQueues(
      [ref('busy'), ref('quiet')],
      {
        byQueue: new Map([['busy', { CONTACTS_IN_QUEUE: 4 }]]),
        byQueueChannel: new Map([['busy', { VOICE: { CONTACTS_IN_QUEUE: 4 } }]]),
        totals: {},
        asked: new Set(['busy', 'quiet']),
      },
      new Map([['busy', new Set(['VOICE', 'CHAT'] as const)]]),
      new Map([['busy', { CONTACTS_QUEUED: 10 }]]),
    );
    expect(busy?.realtime.CONTACTS_IN_QUEUE).toBe(4);
    expect(busy?.channels).toEqual(['VOICE', 'CHAT']);
    expect(busy?.realtimeByChannel.CHAT?.CONTACTS_IN_QUEUE).toBe(0);
    expect(busy?.today.CONTACTS_QUEUED).toBe(10);
    expect(quiet?.realtime.CONTACTS_IN_QUEUE).toBe(0);
    expect(quiet?.realtime.ESTIMATED_WAIT_TIME).toBeNull();
    expect(quiet?.channels).toEqual([]);
  });

  it('shows an email queue by its channel with no per-channel line, since Connect cannot be asked for one', () => {
    const [email] = toQueues(
      [ref('email')],
      {
        byQueue: new Map([['email', { CONTACTS_IN_QUEUE: 3 }]]),
        byQueueChannel: new Map(),
        totals: {},
        asked: new Set(['email']),
      },
      new Map([['email', new Set(['EMAIL'] as const)]]),
      new Map(),
    );
    expect(email?.channels).toEqual(['EMAIL']);
    expect(email?.realtime.CONTACTS_IN_QUEUE).toBe(3);
    expect(email?.realtimeByChannel).toEqual({});
  });

  it('gives no figures, not zeros, to a queue the request did not name (discovered since it was sent)', () => {
    const [known, found] = toQueues(
      [ref('known'), ref('found')],
      { byQueue: new Map(), byQueueChannel: new Map(), totals: {}, asked: new Set(['known']) },
      new Map([
        ['known', new Set(['VOICE'] as const)],
        ['found', new Set(['VOICE'] as const)],
      ]),
      new Map(),
    );
    expect(known?.realtime.CONTACTS_IN_QUEUE).toBe(0);
    expect(known?.realtimeByChannel.VOICE?.CONTACTS_IN_QUEUE).toBe(0);
    expect(found?.realtime).toEqual({});
    expect(found?.realtimeByChannel).toEqual({});
  });
});
