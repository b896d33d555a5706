import { describe, expect, it } from 'vitest';
import { combineHistory, instanceRealtime } from './combine.js';

describe('instance figures', () => {
  it('sums contacts across queues but takes agent counts from their own requests', () => {
    const total = instanceRealtime(
      [
        { CONTACTS_IN_QUEUE: 3, AGENTS_ONLINE: 10, OLDEST_CONTACT_AGE: 40 },
        { CONTACTS_IN_QUEUE: 2, AGENTS_ONLINE: 10, OLDEST_CONTACT_AGE: 90 },
      ],
      { AGENTS_ONLINE: 12 },
    );
    expect(total.CONTACTS_IN_QUEUE).toBe(5);
    expect(total.AGENTS_ONLINE).toBe(12);
    expect(total.OLDEST_CONTACT_AGE).toBe(90);
  });

  it('weights averages by the contacts they describe and says null when there is nothing to weigh', () => {
    const combined = combineHistory(
      [
        {
          CONTACTS_QUEUED: 10,
          CONTACTS_HANDLED: 8,
          CONTACTS_ABANDONED: 2,
          HANDLE_TIME: 100,
          SERVICE_LEVEL_20: 90,
          ABANDON_TIME: null,
        },
        {
          CONTACTS_QUEUED: 30,
          CONTACTS_HANDLED: 2,
          CONTACTS_ABANDONED: 0,
          HANDLE_TIME: 300,
          SERVICE_LEVEL_20: 50,
          ABANDON_TIME: 12,
        },
      ],
      ['CONTACTS_QUEUED', 'HANDLE_TIME', 'SERVICE_LEVEL_20', 'ABANDON_TIME'],
    );
    expect(combined.CONTACTS_QUEUED).toBe(40);
    expect(combined.HANDLE_TIME).toBe(140);
    expect(combined.SERVICE_LEVEL_20).toBe(60);
    expect(combined.ABANDON_TIME).toBeNull();
  });
});
