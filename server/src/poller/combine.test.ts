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

  it('says no sum where a queue’s count came without a value, live or today’s, and none for a queue not listed', () => {
    expect(
      instanceRealtime([{ CONTACTS_IN_QUEUE: null }, { CONTACTS_IN_QUEUE: 3 }], {}).CONTACTS_IN_QUEUE,
    ).toBeNull();
    // A queue with no figure at all (left out by Connect): none of it.
    expect(instanceRealtime([{}, { CONTACTS_IN_QUEUE: 3 }], {}).CONTACTS_IN_QUEUE).toBe(3);
    const today = combineHistory(
      [{ CONTACTS_QUEUED: null }, { CONTACTS_QUEUED: 4 }, {}],
      ['CONTACTS_QUEUED'],
    );
    expect(today.CONTACTS_QUEUED).toBeNull();
    expect(combineHistory([{ CONTACTS_QUEUED: 2 }, {}], ['CONTACTS_QUEUED']).CONTACTS_QUEUED).toBe(2);
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

  it('weights QUEUE_ANSWER_TIME by the contacts answered from a queue, not by every contact handled', () => {
    const names = ['CONTACTS_HANDLED', 'QUEUE_ANSWER_TIME', 'HANDLE_TIME'];
    const combined = combineHistory(
      [
        // A queue whose agents also made 90 outbound calls: handled 100, only 10 answered from the queue.
        {
          CONTACTS_HANDLED: 100,
          CONTACTS_HANDLED_INCOMING: 6,
          CALLBACK_CONTACTS_HANDLED: 3,
          API_CONTACTS_HANDLED: 1,
          QUEUE_ANSWER_TIME: 100,
          HANDLE_TIME: 200,
        },
        {
          CONTACTS_HANDLED: 30,
          CONTACTS_HANDLED_INCOMING: 30,
          CALLBACK_CONTACTS_HANDLED: 0,
          API_CONTACTS_HANDLED: 0,
          QUEUE_ANSWER_TIME: 20,
          HANDLE_TIME: 330,
        },
      ],
      names,
    );
    // (100 × 10 + 20 × 30) / 40, where weighting by CONTACTS_HANDLED would say (100 × 100 + 20 × 30) / 130.
    expect(combined.QUEUE_ANSWER_TIME).toBe(40);
    // Handle time is an average over every contact handled, outbound calls included.
    expect(combined.HANDLE_TIME).toBe(230);
    expect(combined.CONTACTS_HANDLED).toBe(130);
  });
});
