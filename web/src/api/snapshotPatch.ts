import type { Snapshot } from '@switchboard/shared';

/**
 * What changed between two snapshots, worked out in the snapshot checker's worker so the page parses only
 * that. The worker has parsed and checked the whole snapshot anyway; the page used to parse all of it again
 * (about 660 KB at 1,500 agents) and then compare it with the one before, object by object, to keep unchanged
 * tiles from redrawing. With a patch, the page takes every unchanged queue, agent and section from the
 * snapshot before as it is, and parses only the rest.
 *
 * - `same`: top-level fields equal to the previous snapshot's.
 * - `lists`: the queues and the agents, item by item: `keep[i]` is the position in the previous list of the
 *   new list's item `i` (the same id), or -1 when that item is new; the -1 items, in order, are the JSON array
 *   `changed`. An item kept but not equal has an edit in `edits`: its fields that changed or appeared, and
 *   the names of those that went. Only those fields are parsed; the rest are the previous item's own.
 * - `rest`: every other top-level field, as JSON.
 * - `base`: the request whose snapshot this patch is relative to.
 */
export interface ListPatch {
  keep: Int32Array;
  changed: string;
  /** JSON: `[i, fields, gone]` for each kept item `i` that changed, in order of `i`. */
  edits: string;
}

/** An item kept with some of its fields changed: its position, the new fields, the fields that went. */
type Edit = [number, Plain, string[]];

export interface SnapshotPatch {
  base: number;
  same: string[];
  lists: Record<string, ListPatch>;
  rest: string;
}

type Plain = Record<string, unknown>;

/** The lists of items with an id, diffed item by item. */
const LISTS = new Set(['queues', 'agents']);

/** Deep equality of two parsed JSON values, allocating nothing. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Plain;
  const y = b as Plain;
  let keys = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key)) continue;
    keys += 1;
    if (!Object.hasOwn(y, key) || !jsonEqual(x[key], y[key])) return false;
  }
  for (const key in y) if (Object.hasOwn(y, key)) keys -= 1;
  return keys === 0;
}

/** An item's `id`, when it has a string one: queues and agents are matched by it. */
export function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fields of `after` that differ from `before`'s, and the names of `before`'s fields `after` lacks. */
function editOf(at: number, before: Plain, after: Plain): Edit {
  const fields: Plain = {};
  const gone: string[] = [];
  for (const key in after) {
    if (!Object.hasOwn(after, key)) continue;
    if (!Object.hasOwn(before, key) || !jsonEqual(before[key], after[key])) fields[key] = after[key];
  }
  for (const key in before) if (Object.hasOwn(before, key) && !Object.hasOwn(after, key)) gone.push(key);
  return [at, fields, gone];
}

/** `item` without the fields named. */
function without(item: Plain, names: readonly string[]): Plain {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !names.includes(key)));
}

function diffList(before: readonly unknown[], after: readonly unknown[]): ListPatch {
  const keep = new Int32Array(after.length);
  const changed: unknown[] = [];
  const edits: Edit[] = [];
  let positions: Map<string, number> | null = null;
  for (let i = 0; i < after.length; i++) {
    const item = after[i];
    const id = idOf(item);
    let j = i;
    if (id === undefined || idOf(before[i]) !== id) {
      // Something was added or removed before this item: look its previous self up by id.
      positions ??= new Map(before.map((previous, k) => [idOf(previous) ?? `#${k}`, k]));
      j = id === undefined ? -1 : (positions.get(id) ?? -1);
    }
    const previous = j >= 0 ? before[j] : undefined;
    if (j >= 0 && jsonEqual(previous, item)) {
      keep[i] = j;
    } else if (isPlain(previous) && isPlain(item)) {
      keep[i] = j;
      edits.push(editOf(i, previous, item));
    } else {
      keep[i] = -1;
      changed.push(item);
    }
  }
  return { keep, changed: JSON.stringify(changed), edits: JSON.stringify(edits) };
}

/** The patch that turns `previous` (the snapshot of request `base`) into `next`. Both are parsed JSON. */
export function diffSnapshot(previous: Plain, next: Plain, base: number): SnapshotPatch {
  const same: string[] = [];
  const lists: Record<string, ListPatch> = {};
  const rest: Plain = {};
  for (const key in next) {
    if (!Object.hasOwn(next, key)) continue;
    const before = previous[key];
    const value = next[key];
    if (LISTS.has(key) && Array.isArray(before) && Array.isArray(value)) {
      lists[key] = diffList(before, value);
    } else if (Object.hasOwn(previous, key) && jsonEqual(before, value)) {
      same.push(key);
    } else {
      rest[key] = value;
    }
  }
  return { base, same, lists, rest: JSON.stringify(rest) };
}

/**
 * The next snapshot, from the previous one and a patch: unchanged parts are the previous snapshot's own
 * objects, so React Query's sharing finds them identical at once.
 */
export function applyPatch(previous: Snapshot, patch: SnapshotPatch): Snapshot {
  const before = previous as unknown as Plain;
  const next = JSON.parse(patch.rest) as Plain;
  for (const key of patch.same) next[key] = before[key];
  for (const key of Object.keys(patch.lists)) {
    const list = patch.lists[key];
    const items = before[key];
    if (!list || !Array.isArray(items))
      throw new Error(`The snapshot patch has a list "${key}" with no base.`);
    const changed = JSON.parse(list.changed) as unknown[];
    const out: unknown[] = new Array(list.keep.length);
    let c = 0;
    for (let i = 0; i < list.keep.length; i++) {
      const j = list.keep[i] ?? -1;
      if (j >= 0) {
        if (j >= items.length) throw new Error(`The snapshot patch keeps ${key}[${j}], which is not there.`);
        out[i] = items[j];
      } else {
        out[i] = changed[c++];
      }
    }
    if (c !== changed.length) throw new Error(`The snapshot patch's ${key} do not add up.`);
    for (const [at, fields, gone] of JSON.parse(list.edits) as Edit[]) {
      const base = out[at];
      if (!isPlain(base) || (list.keep[at] ?? -1) < 0)
        throw new Error(`The snapshot patch edits ${key}[${at}], which it does not keep.`);
      // The previous item's unchanged fields, as they are, with the changed ones in their place.
      out[at] = gone.length === 0 ? { ...base, ...fields } : { ...without(base, gone), ...fields };
    }
    next[key] = out;
  }
  return next as unknown as Snapshot;
}
