/**
 * The stream's patch format against RFC 6902 JSON Patch (fast-json-patch), on the same real snapshots (the
 * embedded simulator and the real poller, 250 queues and 1,500 agents by default; see collectSnapshots.ts).
 * For each format, per cycle: the server's time to work out the patch, its size (plain, and compressed as the
 * stream sends it: one sync-flushed deflate segment per frame), the time to parse and apply it (Node, as a proxy
 * for the browser), whether the result equals the next snapshot, and how many queues and agents the applied view
 * keeps as the very same objects (what memoised tiles skip by identity):
 *   - ours (shared/src/viewPatch.ts): diffView, then checkPatch and applyPatch on the parsed patch;
 *   - RFC 6902 applied in place (fast-json-patch applyPatch, mutateDocument true): every object stays the same
 *     object, changed or not, so identity no longer says what changed;
 *   - RFC 6902 applied to a copy (mutateDocument false): a deep copy per patch, no object kept.
 *
 *   npx -y pnpm@12.21.0 --filter @switchboard/server bench:patch-format [-- --cycles 40 --speed 10 --size 250x1500 --time-of-day 15:00]
 */
import { constants as zlib, deflateRawSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import jsonPatch from 'fast-json-patch';
import { applyPatch, checkPatch, diffView, type Snapshot } from '@switchboard/shared';
import {
  benchArgs,
  collectSnapshots,
  DEFAULT_TIME_OF_DAY,
  kb,
  mean,
  percentile95,
} from './collectSnapshots.js';

const args = benchArgs();
const CYCLES = Number(args.get('cycles') ?? 40);
const SPEED = Number(args.get('speed') ?? 10);
const [QUEUES = 250, AGENTS = 1500] = (args.get('size') ?? '250x1500').split('x').map(Number);

interface Figures {
  diffMs: number[];
  plain: number[];
  gzip: number[];
  applyMs: number[];
  /** Queues and agents of the applied view that are the previous view's very objects. */
  kept: number[];
  /** Of those, the ones whose content changed (identity then hides the change). */
  keptChanged: number[];
  mismatches: number;
}
const empty = (): Figures => ({
  diffMs: [],
  plain: [],
  gzip: [],
  applyMs: [],
  kept: [],
  keptChanged: [],
  mismatches: 0,
});

const gzipped = (text: string) =>
  deflateRawSync(Buffer.from(text), { finishFlush: zlib.Z_SYNC_FLUSH }).length;
const frame = (generation: number, data: string) => `id: ${generation}\nevent: patch\ndata: ${data}\n\n`;
/** JSON with every object's keys sorted: equal content, whatever the order its keys were set in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
const entities = (view: Snapshot): object[] => [...view.queues, ...view.agents];

/** How many of `next`'s queues and agents are `prev`'s objects, and how many of those changed in content. */
function identity(prev: object[], prevTexts: Map<object, string>, next: Snapshot): [number, number] {
  const before = new Set(prev);
  let kept = 0;
  let changed = 0;
  for (const entity of entities(next)) {
    if (!before.has(entity)) continue;
    kept += 1;
    if (prevTexts.get(entity) !== JSON.stringify(entity)) changed += 1;
  }
  return [kept, changed];
}

console.log(
  `Patch formats: embedded simulator of ${QUEUES} queues and ${AGENTS.toLocaleString('en')} agents at ${SPEED}× ` +
    `real time, a snapshot every 2 s, ${CYCLES} cycles`,
);
const snapshots = await collectSnapshots({
  queues: QUEUES,
  agents: AGENTS,
  cycles: CYCLES,
  speed: SPEED,
  warmup: 15,
  timeOfDay: args.get('time-of-day') ?? DEFAULT_TIME_OF_DAY,
});
const [first, ...rest] = snapshots;
if (!first) throw new Error('no snapshots collected');
const ours = empty();
/** checkPatch on our parsed patch (the browser checks each patch against the schema before applying it). */
const checkMs: number[] = [];
const inPlace = empty();
const copied = empty();

// Each receiver holds its own view, parsed from the wire as a browser's is.
let ourView = JSON.parse(JSON.stringify(first)) as Snapshot;
let inPlaceView = JSON.parse(JSON.stringify(first)) as Snapshot;
let copiedView = JSON.parse(JSON.stringify(first)) as Snapshot;
let before = first;
const textsOf = (view: Snapshot) => new Map(entities(view).map((e) => [e, JSON.stringify(e)]));

for (const next of rest) {
  const expected = canonical(next);

  // Ours: the server's diff (its per-object text cache warm from the cycle before, as in the stream).
  let start = performance.now();
  const patch = diffView(before, next);
  const ourText = JSON.stringify(patch);
  ours.diffMs.push(performance.now() - start);
  ours.plain.push(ourText.length);
  ours.gzip.push(gzipped(frame(next.generation, ourText)));
  let prevEntities = entities(ourView);
  let prevTexts = textsOf(ourView);
  start = performance.now();
  const parsed = JSON.parse(ourText) as unknown;
  const checkStart = performance.now();
  const checked = checkPatch(parsed);
  const checkEnd = performance.now();
  ourView = applyPatch(ourView, checked);
  ours.applyMs.push(performance.now() - start - (checkEnd - checkStart));
  checkMs.push(checkEnd - checkStart);
  let [kept, changed] = identity(prevEntities, prevTexts, ourView);
  ours.kept.push(kept);
  ours.keptChanged.push(changed);
  if (canonical(ourView) !== expected) ours.mismatches += 1;

  // RFC 6902: the same diff by fast-json-patch.
  start = performance.now();
  const operations = jsonPatch.compare(before, next);
  const rfcText = JSON.stringify(operations);
  const diffMs = performance.now() - start;
  for (const figures of [inPlace, copied]) {
    figures.diffMs.push(diffMs);
    figures.plain.push(rfcText.length);
    figures.gzip.push(gzipped(frame(next.generation, rfcText)));
  }
  prevEntities = entities(inPlaceView);
  prevTexts = textsOf(inPlaceView);
  start = performance.now();
  inPlaceView = jsonPatch.applyPatch(
    inPlaceView,
    JSON.parse(rfcText) as jsonPatch.Operation[],
    false,
    true,
  ).newDocument;
  inPlace.applyMs.push(performance.now() - start);
  [kept, changed] = identity(prevEntities, prevTexts, inPlaceView);
  inPlace.kept.push(kept);
  inPlace.keptChanged.push(changed);
  if (canonical(inPlaceView) !== expected) inPlace.mismatches += 1;

  prevEntities = entities(copiedView);
  prevTexts = textsOf(copiedView);
  start = performance.now();
  copiedView = jsonPatch.applyPatch(
    copiedView,
    JSON.parse(rfcText) as jsonPatch.Operation[],
    false,
    false,
  ).newDocument;
  copied.applyMs.push(performance.now() - start);
  [kept, changed] = identity(prevEntities, prevTexts, copiedView);
  copied.kept.push(kept);
  copied.keptChanged.push(changed);
  if (canonical(copiedView) !== expected) copied.mismatches += 1;

  before = next;
}

const entityCount = mean(rest.map((s) => s.queues.length + s.agents.length));
const unchanged = mean(
  rest.map((next, i) => {
    const prev = snapshots[i];
    if (!prev) return 0;
    const texts = new Map(entities(prev).map((e) => [(e as { id: string }).id, JSON.stringify(e)]));
    return entities(next).filter((e) => texts.get((e as { id: string }).id) === JSON.stringify(e)).length;
  }),
);
const ms = (values: number[]) => `${mean(values).toFixed(1)} / ${percentile95(values).toFixed(1)} ms`;
const bytes = (values: number[]) => `${kb(mean(values))} / ${kb(percentile95(values))}`;
const row = (figures: Figures) => ({
  'diff (server) mean / p95': ms(figures.diffMs),
  'plain mean / p95': bytes(figures.plain),
  'gzip mean / p95': bytes(figures.gzip),
  'parse + apply mean / p95': ms(figures.applyMs),
  'kept identical (changed among them)': `${mean(figures.kept).toFixed(0)} (${mean(figures.keptChanged).toFixed(0)})`,
  'result ≠ next': figures.mismatches,
});
console.log(
  `\n${rest.length} cycles; per cycle, of ${entityCount.toFixed(0)} queues and agents, ${unchanged.toFixed(0)} unchanged` +
    ` (whole snapshot ${kb(JSON.stringify(first).length)})`,
);
console.table({
  'entity-level (viewPatch.ts)': row(ours),
  'RFC 6902, applied in place': row(inPlace),
  'RFC 6902, applied to a copy': row(copied),
});
console.log(
  `  the entity-level apply checks the queues and agents it changes as it makes them; checkPatch (the patch's` +
    ` shape and its new entities) takes ${ms(checkMs)} more. RFC 6902 operations carry paths and values a` +
    ' schema cannot check without the document: nothing is checked.',
);
process.exit(0);
