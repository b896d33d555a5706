import { describe, expect, it } from 'vitest';
import { makeSnapshot } from '../testing/makeSnapshot';
import { QUEUE_NOT_ON_BOARD } from '@switchboard/shared';
import { queueLabel, selectQueueOptions, selectQueuesShort } from './useSnapshotSlices';

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

describe("a contact's queue", () => {
  const names = new Map([['q1', 'Sales']]);
  it('is named where the view has it, and said to be off the board where a board of some queues has it not', () => {
    expect(queueLabel(names, null, 'q1')).toBe('Sales');
    expect(queueLabel(names, ['q1'], 'q1')).toBe('Sales');
    expect(queueLabel(names, ['q1'], 'q9')).toBe('Not on this board');
    // The whole instance, or a queue of the board the view does not have yet: unknown.
    expect(queueLabel(names, null, 'q9')).toBe('Unknown queue');
    expect(queueLabel(names, ['q1', 'q9'], 'q9')).toBe('Unknown queue');
    expect(queueLabel(names, ['q1'], null)).toBe('No queue');
    // A contact the server says is from a queue the board does not show, without saying which.
    expect(queueLabel(names, ['q1'], QUEUE_NOT_ON_BOARD)).toBe('Not on this board');
  });
});

describe('the queues short of agents', () => {
  it('counts the queues whose forecast needs more agents than are staffed, and no others', () => {
    const view = makeSnapshot({ queues: 4 });
    const forecast = {
      model: 'erlang-c' as const,
      arrivalsPerHour: 60,
      handleTimeSeconds: 300,
      agentsStaffed: 5,
      serviceLevelSeconds: 20,
      targetPercent: 80,
      predictedServiceLevel: 70,
      agentsRequired: 7,
    };
    const [a, b, c, d] = view.queues;
    if (!a || !b || !c || !d) throw new Error('fixture has too few queues');
    const queues = [
      { ...a, forecast },
      { ...b, forecast: { ...forecast, agentsRequired: 5 } },
      { ...c, forecast: { ...forecast, agentsRequired: null } },
      { ...d, forecast: { ...forecast, agentsRequired: 9 } },
    ];
    expect(selectQueuesShort({ ...view, queues })).toBe(2);
    expect(selectQueuesShort({ ...view, queues: queues.map(({ forecast: _, ...queue }) => queue) })).toBe(0);
  });
});
