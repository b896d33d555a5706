import { describe, expect, it } from 'vitest';
import { makeSnapshot } from '../testing/makeSnapshot';
import { selectQueueOptions } from './useSnapshotSlices';

describe('the queue options for pickers', () => {
  it('stay the same array while every queue keeps its id and name, and follow a rename or a new queue', () => {
    const first = makeSnapshot({ queues: 5, tick: 1 });
    const options = selectQueueOptions(first);
    expect(options).toEqual(first.queues.map(({ id, name }) => ({ id, name })));
    // Every figure moves on; no queue is renamed.
    expect(selectQueueOptions(makeSnapshot({ queues: 5, tick: 2 }))).toBe(options);

    const renamed = makeSnapshot({ queues: 5, tick: 3 });
    renamed.queues[2] = { ...(renamed.queues[2] as (typeof renamed.queues)[number]), name: 'Billing (new)' };
    const afterRename = selectQueueOptions(renamed);
    expect(afterRename).not.toBe(options);
    expect(afterRename[2]).toEqual({ id: renamed.queues[2]?.id, name: 'Billing (new)' });

    const more = selectQueueOptions(makeSnapshot({ queues: 6, tick: 4 }));
    expect(more).toHaveLength(6);
    expect(selectQueueOptions(makeSnapshot({ queues: 6, tick: 5 }))).toBe(more);
  });
});
