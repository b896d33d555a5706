import type { Snapshot } from '@switchboard/shared';
import { replaceEqualDeep } from '@tanstack/react-query';
import { idOf } from './snapshotPatch';

/**
 * Structural sharing for the snapshot query and every select on it: one function, because React Query stores
 * the options of whichever observer last ran as the query's own.
 *
 * A new snapshot is shared with the previous one in place: each value equal to the one before is replaced by the
 * one before, so a tile whose queue or agent did not change gets the same object and skips its render. Items with
 * an id are matched by id, not position, so an agent who logs in does not make every agent after them look new.
 * It allocates nothing (React Query's generic comparison copies every changed object and lists the keys of every
 * object and array it visits), which matters at 1,500 agents every two seconds.
 *
 * The snapshot's top-level parts are then settled: a select that returns one of them as it is (the queues, the
 * agents) gets it back without a second comparison, since it is already shared as far as it can be. Selects
 * that build something new (the header's figures, the filters' options) are compared as React Query would.
 */
export function shareSnapshotData(previous: unknown, next: unknown): unknown {
  if (previous === next) return next;
  if (typeof next !== 'object' || next === null) return next;
  if (settled.has(next)) return next;
  if (isSnapshot(next)) {
    const shared = isSnapshot(previous) ? (shareValue(previous, next) as Snapshot) : next;
    settle(shared);
    return shared;
  }
  return replaceEqualDeep(previous, next);
}

const settled = new WeakSet<object>();

function settle(snapshot: Snapshot): void {
  settled.add(snapshot);
  for (const part of Object.values(snapshot)) {
    if (typeof part === 'object' && part !== null) settled.add(part);
  }
}

function isSnapshot(value: unknown): value is Snapshot {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Snapshot>;
  return (
    typeof candidate.generation === 'number' &&
    Array.isArray(candidate.queues) &&
    Array.isArray(candidate.agents)
  );
}

type Plain = Record<string, unknown>;

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** `next`, with every part equal to the same part of `previous` replaced by it; `previous` if all of it is. */
function shareValue(previous: unknown, next: unknown): unknown {
  if (previous === next) return previous;
  if (typeof previous !== 'object' || typeof next !== 'object' || previous === null || next === null) {
    return next;
  }
  const nextIsArray = Array.isArray(next);
  if (nextIsArray !== Array.isArray(previous)) return next;
  if (nextIsArray) return shareArray(previous as unknown[], next as unknown[]);
  if (!isPlain(next) || !isPlain(previous)) return next;
  return shareObject(previous as Plain, next as Plain);
}

function shareObject(previous: Plain, next: Plain): Plain {
  let same = true;
  let keys = 0;
  for (const key in next) {
    if (!Object.hasOwn(next, key)) continue;
    keys += 1;
    const value = next[key];
    const shared = shareValue(previous[key], value);
    if (shared !== value) next[key] = shared;
    if (same && (shared !== previous[key] || (shared === undefined && !Object.hasOwn(previous, key)))) {
      same = false;
    }
  }
  if (!same) return next;
  for (const key in previous) {
    if (Object.hasOwn(previous, key)) keys -= 1;
  }
  return keys === 0 ? previous : next;
}

function shareArray(previous: unknown[], next: unknown[]): unknown[] {
  let same = previous.length === next.length;
  let byId: Map<string | undefined, unknown> | null = null;
  for (let i = 0; i < next.length; i++) {
    const value = next[i];
    let before = previous[i];
    const id = idOf(value);
    if (id !== undefined && idOf(before) !== id) {
      // Something was added or removed before this item: find its previous self by id.
      byId ??= new Map(previous.map((item) => [idOf(item), item]));
      before = byId.get(id);
    }
    const shared = shareValue(before, value);
    if (shared !== value) next[i] = shared;
    if (same && shared !== previous[i]) same = false;
  }
  return same ? previous : next;
}
