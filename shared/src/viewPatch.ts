import { z } from 'zod';
import {
  agentSchema,
  intervalPointSchema,
  queueSchema,
  snapshotSchema,
  type Agent,
  type IntervalPoint,
  type Queue,
  type Snapshot,
} from './snapshot.js';

/**
 * What changed from one view of a board (a snapshot's queues, agents and sections as one board shows them) to
 * the next, as the stream sends it: entities (queues, agents) new or changed whole, by id, and the ids gone;
 * the small top-level fields whole when they changed; an intraday series from the first point that changed.
 * The server works it out once per board and generation; every viewer of the board applies the same patch.
 *
 * An entity-level format rather than RFC 6902 JSON Patch: a queue whose figures moved travels as one object,
 * not as a dozen paths into it, and applying it keeps every unchanged queue and agent the very same object, so
 * memoised tiles skip them by identity (server/bench/patchFormat.ts measures both).
 */

/** Top-level fields sent whole when they change; `generation` comes from the patch itself. */
export const WHOLE_FIELDS = [
  'instanceId',
  'serverBuild',
  'timeZone',
  'generatedAt',
  'serverTime',
  'dataSnapshotTime',
  'stale',
  'cycleMs',
  'sections',
  'summary',
  'alerts',
  'routingProfiles',
  'board',
  'boardStates',
] as const satisfies readonly (keyof Snapshot)[];
export type WholeField = (typeof WHOLE_FIELDS)[number];

/** The optional fields among them: a patch may take one away. */
const OPTIONAL_FIELDS = ['routingProfiles', 'board', 'boardStates'] as const satisfies readonly WholeField[];
type OptionalField = (typeof OPTIONAL_FIELDS)[number];

export interface EntityChanges<T> {
  /** Entities new or changed, whole. */
  upsert?: T[];
  /** Ids of the entities gone. */
  remove?: string[];
  /** Every id in the new order: present when entities were added, removed or reordered. */
  order?: string[];
}

/** A series from the point `from` on: the points before it stay, the rest are these. */
export interface SeriesChange {
  from: number;
  points: IntervalPoint[];
}

export interface IntradayChanges {
  intervalMinutes?: number;
  instance?: SeriesChange;
  queues?: { set?: Record<string, SeriesChange>; remove?: string[] };
}

export interface ViewPatch {
  /** The generation of the view this patch applies to. */
  base: number;
  /** The generation of the view it makes. */
  generation: number;
  set?: Partial<Pick<Snapshot, WholeField>>;
  unset?: OptionalField[];
  queues?: EntityChanges<Queue>;
  agents?: EntityChanges<Agent>;
  intraday?: IntradayChanges;
}

/** A patch that does not fit the view it was given: the viewer needs the whole view again. */
export class PatchError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// Working out a patch (the server, once per board and generation)

/** Each object's JSON, kept while the object lives: an unchanged entity is serialised once, not every cycle. */
const texts = new WeakMap<object, string>();

function textOf(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

function same(a: unknown, b: unknown): boolean {
  return a === b || textOf(a) === textOf(b);
}

function diffEntities<T extends { id: string }>(
  prev: readonly T[],
  next: readonly T[],
): EntityChanges<T> | undefined {
  const before = new Map(prev.map((entity) => [entity.id, entity]));
  const upsert: T[] = [];
  for (const entity of next) {
    const old = before.get(entity.id);
    if (!old || !same(old, entity)) upsert.push(entity);
  }
  const present = new Set(next.map((entity) => entity.id));
  const remove = prev.filter((entity) => !present.has(entity.id)).map((entity) => entity.id);
  const reordered =
    prev.length !== next.length || next.some((entity, i) => prev[i]?.id !== entity.id) || remove.length > 0;
  if (upsert.length === 0 && !reordered) return undefined;
  return {
    ...(upsert.length > 0 ? { upsert } : {}),
    ...(remove.length > 0 ? { remove } : {}),
    ...(reordered ? { order: next.map((entity) => entity.id) } : {}),
  };
}

function diffSeries(
  prev: readonly IntervalPoint[],
  next: readonly IntervalPoint[],
): SeriesChange | undefined {
  let from = 0;
  while (from < prev.length && from < next.length && same(prev[from], next[from])) from += 1;
  if (from === prev.length && from === next.length) return undefined;
  return { from, points: next.slice(from) };
}

function diffIntraday(prev: Snapshot['intraday'], next: Snapshot['intraday']): IntradayChanges | undefined {
  const changes: IntradayChanges = {};
  if (prev.intervalMinutes !== next.intervalMinutes) changes.intervalMinutes = next.intervalMinutes;
  const instance = diffSeries(prev.instance, next.instance);
  if (instance) changes.instance = instance;
  const set: Record<string, SeriesChange> = {};
  for (const [id, series] of Object.entries(next.queues)) {
    const change = diffSeries(prev.queues[id] ?? [], series);
    if (change || !(id in prev.queues)) set[id] = change ?? { from: 0, points: [] };
  }
  const remove = Object.keys(prev.queues).filter((id) => !(id in next.queues));
  if (Object.keys(set).length > 0 || remove.length > 0)
    changes.queues = {
      ...(Object.keys(set).length > 0 ? { set } : {}),
      ...(remove.length > 0 ? { remove } : {}),
    };
  return Object.keys(changes).length > 0 ? changes : undefined;
}

/** What turns `prev` into `next`. */
export function diffView(prev: Snapshot, next: Snapshot): ViewPatch {
  const patch: ViewPatch = { base: prev.generation, generation: next.generation };
  const set: Partial<Record<WholeField, unknown>> = {};
  const unset: OptionalField[] = [];
  for (const field of WHOLE_FIELDS) {
    const value = next[field];
    if (value === undefined) {
      if (prev[field] !== undefined) unset.push(field as OptionalField);
    } else if (!same(prev[field], value)) {
      set[field] = value;
    }
  }
  if (Object.keys(set).length > 0) patch.set = set as ViewPatch['set'];
  if (unset.length > 0) patch.unset = unset;
  const queues = diffEntities(prev.queues, next.queues);
  if (queues) patch.queues = queues;
  const agents = diffEntities(prev.agents, next.agents);
  if (agents) patch.agents = agents;
  const intraday = diffIntraday(prev.intraday, next.intraday);
  if (intraday) patch.intraday = intraday;
  return patch;
}

// ---------------------------------------------------------------------------------------------------------
// Applying a patch (every viewer)

function applyEntities<T extends { id: string }>(
  list: readonly T[],
  changes: EntityChanges<T> | undefined,
  what: string,
): T[] {
  if (!changes) return list as T[];
  const upserted = new Map((changes.upsert ?? []).map((entity) => [entity.id, entity]));
  if (changes.order) {
    if (new Set(changes.order).size !== changes.order.length)
      throw new PatchError(`the patch orders a ${what} twice`);
    const before = new Map(list.map((entity) => [entity.id, entity]));
    return changes.order.map((id) => {
      const entity = upserted.get(id) ?? before.get(id);
      if (!entity)
        throw new PatchError(`the patch orders ${what} "${id}", which neither it nor the view has`);
      return entity;
    });
  }
  const gone = new Set(changes.remove ?? []);
  let found = 0;
  const next: T[] = [];
  for (const entity of list) {
    if (gone.has(entity.id)) continue;
    const replacement = upserted.get(entity.id);
    if (replacement) found += 1;
    next.push(replacement ?? entity);
  }
  if (found !== upserted.size)
    throw new PatchError(`the patch adds ${what}s without saying where they go in the order`);
  return next;
}

function applySeries(series: readonly IntervalPoint[], change: SeriesChange, what: string): IntervalPoint[] {
  if (change.from > series.length)
    throw new PatchError(
      `the patch continues the ${what} series at point ${change.from} of ${series.length}`,
    );
  return [...series.slice(0, change.from), ...change.points];
}

function applyIntraday(
  intraday: Snapshot['intraday'],
  changes: IntradayChanges | undefined,
): Snapshot['intraday'] {
  if (!changes) return intraday;
  let queues = intraday.queues;
  if (changes.queues) {
    const gone = new Set(changes.queues.remove ?? []);
    queues = Object.fromEntries(Object.entries(queues).filter(([id]) => !gone.has(id)));
    for (const [id, change] of Object.entries(changes.queues.set ?? {}))
      queues[id] = applySeries(queues[id] ?? [], change, `queue ${id}'s intraday`);
  }
  return {
    intervalMinutes: changes.intervalMinutes ?? intraday.intervalMinutes,
    instance: changes.instance
      ? applySeries(intraday.instance, changes.instance, 'intraday')
      : intraday.instance,
    queues,
  };
}

/**
 * The view after `patch`. Everything the patch does not touch stays the same object, so a tile memoised on
 * its queue skips an unchanged one by identity. Throws PatchError when the patch is not for this view.
 */
export function applyPatch(view: Snapshot, patch: ViewPatch): Snapshot {
  if (patch.base !== view.generation)
    throw new PatchError(`the patch applies to generation ${patch.base}, the view is at ${view.generation}`);
  const unset = new Set<string>(patch.unset ?? []);
  const kept =
    unset.size === 0
      ? view
      : (Object.fromEntries(Object.entries(view).filter(([key]) => !unset.has(key))) as Snapshot);
  return {
    ...kept,
    ...patch.set,
    generation: patch.generation,
    queues: applyEntities(view.queues, patch.queues, 'queue'),
    agents: applyEntities(view.agents, patch.agents, 'agent'),
    intraday: applyIntraday(view.intraday, patch.intraday),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Checking a patch as it arrives: its envelope and what it carries, never the rest of the view

const entityChanges = <T extends z.ZodType>(entity: T) =>
  z
    .object({
      upsert: z.array(entity).optional(),
      remove: z.array(z.string()).optional(),
      order: z.array(z.string()).optional(),
    })
    .strict();

const seriesChange = z.object({ from: z.number().int().nonnegative(), points: z.array(intervalPointSchema) });

export const viewPatchSchema = z
  .object({
    base: z.number().int().nonnegative(),
    generation: z.number().int().nonnegative(),
    set: snapshotSchema
      .pick(Object.fromEntries(WHOLE_FIELDS.map((f) => [f, true])) as never)
      .partial()
      .optional(),
    unset: z.array(z.enum(OPTIONAL_FIELDS)).optional(),
    queues: entityChanges(queueSchema).optional(),
    agents: entityChanges(agentSchema).optional(),
    intraday: z
      .object({
        intervalMinutes: z.number().int().positive().optional(),
        instance: seriesChange.optional(),
        queues: z
          .object({
            set: z.record(z.string(), seriesChange).optional(),
            remove: z.array(z.string()).optional(),
          })
          .optional(),
      })
      .optional(),
  })
  .strict();

/** Checks a parsed patch: its shape, and each queue, agent and point it carries against the snapshot's schema. */
export function checkPatch(value: unknown): ViewPatch {
  const parsed = viewPatchSchema.safeParse(value);
  if (parsed.success) return parsed.data as ViewPatch;
  const issue = parsed.error.issues[0];
  throw new PatchError(
    `the server sent a patch this page cannot read (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown field'})`,
  );
}
