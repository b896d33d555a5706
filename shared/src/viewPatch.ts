import { z } from 'zod';
import { CHANNELS, CURRENT_METRIC_NAMES } from './metrics.js';
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
 * the next, as the stream sends it: new entities (queues, agents) whole; changed ones as what changed in them,
 * by id (a Delta: the fields set, the objects within changed, the fields gone); the ids gone; the top-level
 * fields as a Delta too; an intraday series from the first point that changed. The server works it out once
 * per board and generation; every viewer of the board applies the same patch.
 *
 * An entity-level format rather than RFC 6902 JSON Patch: applying it keeps every unchanged queue and agent,
 * and every unchanged part of a changed one, the very same object, so memoised tiles skip them by identity;
 * a changed queue travels as its changed figures only (server/bench/patchFormat.ts measures both).
 */

/** The top-level fields a patch's `top` Delta covers; `generation` comes from the patch itself. */
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
  'boardIntraday',
] as const satisfies readonly (keyof Snapshot)[];
export type WholeField = (typeof WHOLE_FIELDS)[number];

/**
 * How fresh a view is (its `serverTime`, `stale`, and each section's `stale`) is set by every patch whether or not
 * it changed. The server ages a view it serves to a poll as it serves it, and the stream's copy of the same
 * generation when it was published: a page that polled while its stream was down, then resumes the stream from the
 * generation it polled, applies the next patch to the poll's copy, and must not keep the poll's `stale` (or a
 * section's) after it. Only the flags travel every time, not the sections whole: the replay records every patch.
 */
function withFreshness(top: Delta | undefined, next: Snapshot): Delta {
  const delta: Delta = { ...top, s: { ...top?.s, serverTime: next.serverTime, stale: next.stale } };
  if (delta.s && 'sections' in delta.s) return delta;
  const sections = delta.d?.sections;
  const inner: Record<string, Delta> = { ...sections?.d };
  for (const [name, section] of Object.entries(next.sections)) {
    // A section set whole (new to the view) has its flag already.
    if (sections?.s && name in sections.s) continue;
    const changed = inner[name];
    if (changed?.s && 'stale' in changed.s) continue;
    inner[name] = { ...changed, s: { ...changed?.s, stale: section.stale } };
  }
  delta.d = { ...delta.d, sections: { ...sections, d: inner } };
  return delta;
}

/**
 * What changed in an object: `s` the fields set to a new value (arrays and values whole), `d` the fields whose
 * object changed within (a Delta each), `u` the fields gone.
 */
export interface Delta {
  s?: Record<string, unknown>;
  d?: Record<string, Delta>;
  u?: string[];
}

/** A changed entity: its id, and what changed in it. */
export type EntityDelta = Delta & { id: string };

export interface EntityChanges<T> {
  /** Entities new to the view, whole. */
  upsert?: T[];
  /** Entities that changed: what changed in each. */
  update?: EntityDelta[];
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
  /** What changed among the top-level fields (WHOLE_FIELDS). */
  top?: Delta;
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What changed from `prev` to `next` (among `keys`, by default every field of either), or undefined if nothing. */
export function diffObject(
  prev: Readonly<Record<string, unknown>>,
  next: Readonly<Record<string, unknown>>,
  keys?: readonly string[],
): Delta | undefined {
  const set: Record<string, unknown> = {};
  const deeper: Record<string, Delta> = {};
  const gone: string[] = [];
  for (const key of keys ?? new Set([...Object.keys(prev), ...Object.keys(next)])) {
    const before = prev[key];
    const after = next[key];
    if (after === undefined) {
      if (before !== undefined) gone.push(key);
      continue;
    }
    if (same(before, after)) continue;
    const inner = isObject(before) && isObject(after) ? diffObject(before, after) : undefined;
    if (inner) deeper[key] = inner;
    else set[key] = after;
  }
  const delta: Delta = {};
  if (Object.keys(set).length > 0) delta.s = set;
  if (Object.keys(deeper).length > 0) delta.d = deeper;
  if (gone.length > 0) delta.u = gone;
  return delta.s || delta.d || delta.u ? delta : undefined;
}

function diffEntities<T extends { id: string }>(
  prev: readonly T[],
  next: readonly T[],
): EntityChanges<T> | undefined {
  const before = new Map(prev.map((entity) => [entity.id, entity]));
  const upsert: T[] = [];
  const update: EntityDelta[] = [];
  for (const entity of next) {
    const old = before.get(entity.id);
    if (!old) upsert.push(entity);
    else if (!same(old, entity)) {
      const delta = diffObject(
        old as unknown as Record<string, unknown>,
        entity as unknown as Record<string, unknown>,
      );
      if (delta) update.push({ id: entity.id, ...delta });
    }
  }
  const present = new Set(next.map((entity) => entity.id));
  const remove = prev.filter((entity) => !present.has(entity.id)).map((entity) => entity.id);
  const reordered =
    prev.length !== next.length || next.some((entity, i) => prev[i]?.id !== entity.id) || remove.length > 0;
  if (upsert.length === 0 && update.length === 0 && !reordered) return undefined;
  return {
    ...(upsert.length > 0 ? { upsert } : {}),
    ...(update.length > 0 ? { update } : {}),
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
  patch.top = withFreshness(
    diffObject(
      prev as unknown as Record<string, unknown>,
      next as unknown as Record<string, unknown>,
      WHOLE_FIELDS,
    ),
    next,
  );
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

/** `value` with `delta` applied: a new object along the changed paths, every other part the same object. */
export function applyDelta<T>(value: T, delta: Delta, what: string): T {
  if (!isObject(value))
    throw new PatchError(`the patch changes fields within ${what}, which is not an object`);
  // Written with plain loops: a patch may change every queue of a centre, each a few levels deep. Fields gone
  // are left out rather than deleted, which would slow every later read of the object.
  const gone = delta.u && delta.u.length > 0 ? new Set(delta.u) : undefined;
  const next: Record<string, unknown> = gone
    ? Object.fromEntries(Object.entries(value).filter(([key]) => !gone.has(key)))
    : { ...value };
  const inner = delta.d;
  if (inner)
    for (const key in inner) next[key] = applyDelta(next[key], inner[key] as Delta, `${what}.${key}`);
  const set = delta.s;
  if (set) for (const key in set) next[key] = set[key];
  return next as T;
}

/** Checks the fields of an entity a patch changed (those its delta names), against the entity's schema. */
type Check<T> = (entity: T, delta: Delta, what: string) => T;

function applyEntities<T extends { id: string }>(
  list: readonly T[],
  changes: EntityChanges<T> | undefined,
  what: string,
  check: Check<T>,
): T[] {
  if (!changes) return list as T[];
  // New entities were checked whole with the patch (checkPatch); changed ones are checked where they changed.
  const upserted = new Map<string, T>();
  for (const entity of changes.upsert ?? []) upserted.set(entity.id, entity);
  const changed = new Map<string, EntityDelta>();
  for (const delta of changes.update ?? []) {
    if (changed.has(delta.id)) throw new PatchError(`the patch changes ${what} "${delta.id}" twice`);
    changed.set(delta.id, delta);
  }
  const made = (entity: T): T => {
    const delta = changed.get(entity.id);
    return delta
      ? check(applyDelta(entity, delta, `${what} ${entity.id}`), delta, `${what} ${entity.id}`)
      : entity;
  };
  if (changes.order) {
    if (new Set(changes.order).size !== changes.order.length)
      throw new PatchError(`the patch orders a ${what} twice`);
    const before = new Map(list.map((entity) => [entity.id, entity]));
    const missing = [...changed.keys()].find((id) => !upserted.has(id) && !before.has(id));
    if (missing !== undefined)
      throw new PatchError(`the patch changes ${what} "${missing}", which the view does not have`);
    return changes.order.map((id) => {
      const entity = upserted.get(id) ?? before.get(id);
      if (!entity)
        throw new PatchError(`the patch orders ${what} "${id}", which neither it nor the view has`);
      return made(entity);
    });
  }
  // No new order: the view's entities in their order, one pass, without a map of all of them.
  const gone = changes.remove?.length ? new Set(changes.remove) : undefined;
  const placed = new Set<string>();
  const next: T[] = [];
  for (const entity of list) {
    const { id } = entity;
    // A change to an entity the patch also removes is no contradiction; a new one it removes has no place.
    if (changed.has(id)) placed.add(id);
    if (gone?.has(id)) continue;
    if (upserted.has(id)) placed.add(id);
    next.push(made(upserted.get(id) ?? entity));
  }
  for (const id of upserted.keys())
    if (!placed.has(id))
      throw new PatchError(`the patch adds ${what}s without saying where they go in the order`);
  for (const id of changed.keys())
    if (!placed.has(id))
      throw new PatchError(`the patch changes ${what} "${id}", which the view does not have`);
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

/** Null when the value is good, else where in it (a path, empty for the value itself) it is not. */
type FieldCheck = (value: unknown) => string | null;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isFigure = (value: unknown) => value === null || (typeof value === 'number' && Number.isFinite(value));
/** The first entry of a record that fails `good`, as its key; '' when the value is no record; null if none. */
function firstBad(value: unknown, good: (key: string, entry: unknown) => string | null): string | null {
  if (!isRecord(value)) return '';
  for (const key in value) {
    const bad = good(key, value[key]);
    if (bad !== null) return bad === '' ? key : `${key}.${bad}`;
  }
  return null;
}
const REALTIME_NAMES: ReadonlySet<string> = new Set(CURRENT_METRIC_NAMES);
const CHANNEL_NAMES: ReadonlySet<string> = new Set(CHANNELS);
const FIGURE_STATES: ReadonlySet<unknown> = new Set(['ok', 'warn', 'critical']);
const figures =
  (keys?: ReadonlySet<string>): FieldCheck =>
  (value) =>
    firstBad(value, (key, figure) => ((!keys || keys.has(key)) && isFigure(figure) ? null : ''));
const realtimeFigures = figures(REALTIME_NAMES);

/**
 * Checks written by hand for the fields that change on nearly every patch (a queue's figures and states): the
 * same rules as their schemas, at a fraction of the cost, since a patch may change every queue of a centre.
 */
const QUEUE_FIELD_CHECKS: Record<string, FieldCheck> = {
  realtime: realtimeFigures,
  today: figures(),
  realtimeByChannel: (value) =>
    firstBad(value, (channel, inner) => (CHANNEL_NAMES.has(channel) ? realtimeFigures(inner) : '')),
  states: (value) => firstBad(value, (_key, state) => (FIGURE_STATES.has(state) ? null : '')),
};

/** Checks the fields a delta touched, each against its own schema (or its check above), never the rest. */
function fieldCheck<T>(
  shape: Readonly<Record<string, z.ZodType>>,
  fast: Readonly<Record<string, FieldCheck>> = {},
): Check<T> {
  const checkField = (record: Record<string, unknown>, field: string, what: string) => {
    // Own fields only: a patch may name any key, `__proto__` and `toString` among them.
    const schema = Object.hasOwn(shape, field) ? shape[field] : undefined;
    if (!schema) throw new PatchError(`the patch changes "${field}" of ${what}, which has no such field`);
    const value = record[field];
    const quick = Object.hasOwn(fast, field) ? fast[field] : undefined;
    let where: string | null;
    let message = 'not a valid value';
    if (quick) where = quick(value);
    else {
      const parsed = schema.safeParse(value);
      const issue = parsed.success ? undefined : parsed.error.issues[0];
      where = parsed.success ? null : (issue?.path.join('.') ?? '');
      message = issue?.message ?? message;
    }
    if (where === null) return;
    throw new PatchError(
      `the patch makes ${what} one this page cannot read (${where ? `${field}.${where}` : field}: ${message})`,
    );
  };
  return (entity, delta, what) => {
    const record = entity as Record<string, unknown>;
    if (delta.s) for (const field in delta.s) checkField(record, field, what);
    if (delta.d) for (const field in delta.d) checkField(record, field, what);
    if (delta.u) for (const field of delta.u) checkField(record, field, what);
    return entity;
  };
}

const checkQueue = fieldCheck<Queue>(queueSchema.shape, QUEUE_FIELD_CHECKS);
const checkAgent = fieldCheck<Agent>(agentSchema.shape);
const topSchema = snapshotSchema.pick(Object.fromEntries(WHOLE_FIELDS.map((f) => [f, true])) as never);
/** The schema of some of the top-level fields, made once per set of them: a patch changes the same few each cycle. */
const topSchemas = new Map<string, z.ZodType>();
function topSchemaOf(fields: readonly string[]): z.ZodType {
  const key = [...new Set(fields)].sort().join(' ');
  let schema = topSchemas.get(key);
  if (!schema) {
    schema = topSchema.pick(Object.fromEntries(fields.map((field) => [field, true])) as never);
    // Bounded however patches vary: there are 2^15 sets of top-level fields, a patch changes a handful.
    if (topSchemas.size >= 64) topSchemas.clear();
    topSchemas.set(key, schema);
  }
  return schema;
}

/**
 * The view after `patch`. Everything the patch does not touch stays the same object, so a tile memoised on
 * its queue skips an unchanged one by identity. What it makes or changes (queues, agents, top-level fields) is
 * checked against the snapshot's schema, and nothing else: the cost follows the changes. Throws PatchError when
 * the patch is not for this view or makes something this page cannot read.
 */
export function applyPatch(view: Snapshot, patch: ViewPatch): Snapshot {
  if (patch.base !== view.generation)
    throw new PatchError(`the patch applies to generation ${patch.base}, the view is at ${view.generation}`);
  let top: Snapshot = view;
  if (patch.top) {
    const fields = [
      ...Object.keys(patch.top.s ?? {}),
      ...Object.keys(patch.top.d ?? {}),
      ...(patch.top.u ?? []),
    ];
    const unknown = fields.find((field) => !(WHOLE_FIELDS as readonly string[]).includes(field));
    if (unknown) throw new PatchError(`the patch changes "${unknown}", which is not a field it may change`);
    top = applyDelta(view, patch.top, 'the view');
    const parsed = topSchemaOf(fields).safeParse(top);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PatchError(
        `the patch makes a view this page cannot read (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown field'})`,
      );
    }
  }
  return {
    ...top,
    generation: patch.generation,
    queues: applyEntities(view.queues, patch.queues, 'queue', checkQueue),
    agents: applyEntities(view.agents, patch.agents, 'agent', checkAgent),
    intraday: applyIntraday(view.intraday, patch.intraday),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Checking a patch as it arrives: its envelope and what it carries, never the rest of the view

/** A Delta's shape (what it changes is checked as it is applied): written by hand, as a patch may hold thousands. */
function isDelta(value: unknown, depth = 0): boolean {
  if (!isRecord(value) || depth > 8) return false;
  for (const key in value) {
    const part = value[key];
    if (key === 's') {
      if (!isRecord(part)) return false;
    } else if (key === 'd') {
      if (!isRecord(part)) return false;
      for (const inner in part) if (!isDelta(part[inner], depth + 1)) return false;
    } else if (key === 'u') {
      if (!Array.isArray(part) || !part.every((field) => typeof field === 'string')) return false;
    } else if (!(key === 'id' && depth === 0)) return false;
  }
  return true;
}

const deltaSchema = z.custom<Delta>((value) => isDelta(value), 'a delta has only s, d and u');
const isEntityDelta = (value: unknown) =>
  isDelta(value) && typeof (value as { id?: unknown }).id === 'string';
/**
 * The changed entities, checked as one value (a patch may change thousands, and zod's cost is per element); a
 * bad one is named by its place in the list.
 */
const entityDeltasSchema = z
  .custom<EntityDelta[]>((value) => Array.isArray(value), 'expected a list of changed entities')
  .check((ctx) => {
    const at = ctx.value.findIndex((entity) => !isEntityDelta(entity));
    if (at !== -1)
      ctx.issues.push({
        code: 'custom',
        input: ctx.value[at],
        path: [at],
        message: 'a changed entity has its id, and only s, d and u',
      });
  });

const entityChanges = <T extends z.ZodType>(entity: T) =>
  z
    .object({
      upsert: z.array(entity).optional(),
      update: entityDeltasSchema.optional(),
      remove: z.array(z.string()).optional(),
      order: z.array(z.string()).optional(),
    })
    .strict();

const seriesChange = z.object({ from: z.number().int().nonnegative(), points: z.array(intervalPointSchema) });

export const viewPatchSchema = z
  .object({
    base: z.number().int().nonnegative(),
    generation: z.number().int().nonnegative(),
    top: deltaSchema.optional(),
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

/**
 * Checks a parsed patch's shape, and the new queues, agents and points it carries against the snapshot's
 * schema; what it changes within them is checked as applyPatch makes it.
 */
export function checkPatch(value: unknown): ViewPatch {
  const parsed = viewPatchSchema.safeParse(value);
  if (parsed.success) return parsed.data as ViewPatch;
  const issue = parsed.error.issues[0];
  throw new PatchError(
    `the server sent a patch this page cannot read (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown field'})`,
  );
}
