import type { Snapshot } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { makeSnapshot } from '../testing/makeSnapshot';
import { applyPatch, diffSnapshot, jsonEqual } from './snapshotPatch';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
type Plain = Record<string, unknown>;

/** Diffs as the worker does (on its own parse) and applies as the page does (to its own snapshot). */
function roundTrip(before: Snapshot, after: Snapshot) {
  const patch = diffSnapshot(copy(before) as Plain, copy(after) as Plain, 1);
  return { patch, result: applyPatch(before, patch) };
}

describe('jsonEqual', () => {
  it('compares parsed JSON deeply, keys in any order', () => {
    expect(jsonEqual({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(jsonEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual({ a: null }, { a: 0 })).toBe(false);
  });
});

describe('snapshot patches', () => {
  const before = makeSnapshot({ queues: 8, agents: 50 });

  it('rebuild the next snapshot exactly, taking every unchanged part from the one before', () => {
    const after = copy(before);
    after.generation += 1;
    after.serverTime = '2026-03-02T10:30:02.000Z';
    const agent = after.agents[7];
    if (!agent) throw new Error('no agent');
    agent.status = 'Meeting';
    const { patch, result } = roundTrip(before, after);
    expect(result).toEqual(after);
    expect(patch.same).toEqual(expect.arrayContaining(['summary', 'intraday', 'sections', 'alerts']));
    // Only the agent's changed field crosses; no whole item does.
    expect(JSON.parse(patch.lists.agents?.edits ?? '[]')).toEqual([[7, { status: 'Meeting' }, []]]);
    expect(JSON.parse(patch.lists.agents?.changed ?? '[]')).toEqual([]);
    expect(JSON.parse(patch.lists.queues?.changed ?? '[]')).toEqual([]);
    expect(JSON.parse(patch.lists.queues?.edits ?? '[]')).toEqual([]);
    expect(result.summary).toBe(before.summary);
    expect(result.intraday).toBe(before.intraday);
    result.queues.forEach((queue, i) => expect(queue).toBe(before.queues[i]));
    result.agents.forEach((item, i) => {
      if (i === 7) expect(item).not.toBe(before.agents[7]);
      else expect(item).toBe(before.agents[i]);
    });
    // The changed agent's other fields are the previous agent's own objects.
    expect(result.agents[7]?.routingProfile).toBe(before.agents[7]?.routingProfile);
    expect(result.agents[7]?.contacts).toBe(before.agents[7]?.contacts);
  });

  it('send a changed item as the fields that changed, appeared or went', () => {
    const after = copy(before);
    const queue = after.queues[2] as Snapshot['queues'][number] & { note?: string };
    queue.realtime.CONTACTS_IN_QUEUE = 42;
    queue.note = 'new field';
    delete (after.agents[3] as Partial<Snapshot['agents'][number]>).hierarchyGroup;
    const { patch, result } = roundTrip(before, after);
    expect(result).toEqual(after);
    expect(JSON.parse(patch.lists.queues?.edits ?? '[]')).toEqual([
      [2, { realtime: queue.realtime, note: 'new field' }, []],
    ]);
    expect(JSON.parse(patch.lists.agents?.edits ?? '[]')).toEqual([[3, {}, ['hierarchyGroup']]]);
    expect('hierarchyGroup' in (result.agents[3] as object)).toBe(false);
    expect(result.queues[2]?.today).toBe(before.queues[2]?.today);
    expect(result.queues[2]?.realtime).not.toBe(before.queues[2]?.realtime);
  });

  it('follow agents and queues by id when some come, go or move', () => {
    const after = copy(before);
    const [first] = after.agents.splice(0, 1);
    after.agents.splice(10, 0, { ...(first as Snapshot['agents'][number]), id: 'agent-new' });
    after.agents.push(first as Snapshot['agents'][number]);
    after.queues.reverse();
    const { patch, result } = roundTrip(before, after);
    expect(result).toEqual(after);
    // The new agent comes whole; the ones that moved are kept as they are.
    expect(JSON.parse(patch.lists.agents?.changed ?? '[]')).toHaveLength(1);
    expect(JSON.parse(patch.lists.agents?.edits ?? '[]')).toEqual([]);
    expect(result.agents.at(-1)).toBe(before.agents[0]);
    expect(result.queues[0]).toBe(before.queues.at(-1));
  });

  it('carry fields that appear, change or go', () => {
    const after = copy(before) as Snapshot & { extra?: number };
    after.extra = 3;
    delete after.boardStates;
    after.summary.realtime.CONTACTS_IN_QUEUE = 999;
    after.agents = [];
    const { patch, result } = roundTrip(before, after);
    expect(result).toEqual(after);
    expect(patch.same).not.toContain('summary');
    expect('boardStates' in result).toBe(false);
  });

  it('refuse a patch that does not fit the snapshot it is applied to', () => {
    const after = copy(before);
    after.agents[0] = { ...(after.agents[0] as Snapshot['agents'][number]), status: 'Meeting' };
    const patch = diffSnapshot(copy(before) as Plain, copy(after) as Plain, 1);
    expect(() => applyPatch({ ...before, agents: before.agents.slice(0, 3) }, patch)).toThrow(/agents/);
  });
});
