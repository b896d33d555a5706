/**
 * Bytes on the wire per stream viewer per cycle, in steady state: the stream as it was (every snapshot whole to
 * every viewer) against the stream as it is (a board's view whole once, then one patch per generation), on the
 * same snapshots. The real embedded simulator and the real poller run in-process (as with SIMULATOR_QUEUES and
 * SIMULATOR_AGENTS) and their snapshots are collected; then:
 *   - whole snapshots: each snapshot as `id/event: snapshot/data`, plain and as the stream compresses it
 *     (StreamFrame: deflateRaw, one sync-flushed segment per frame);
 *   - patches: the same snapshots fed to the real ViewStream (the real Views, projectView, diffView and
 *     StreamFrame), with one gzip and one plain viewer of the whole centre and of a board of 50 queues, counting
 *     the bytes it writes to each per generation.
 * Prints mean and p95 per cycle, the ratio new/old (target: at most a tenth), the 50-queue board against the
 * whole centre, and what a new viewer costs once (the view whole). The simulator runs faster than real time
 * (--speed, default 10) with 15-minute intervals so intraday intervals close within the run: each cycle then
 * carries ten times the real-time churn (more agents change state between two snapshots than at 1×), so the
 * patch figures are an upper bound.
 *
 *   npx -y pnpm@12.21.0 --filter @switchboard/server bench:bytes [-- --cycles 75 --speed 10 --sizes 40x300,250x1500 --time-of-day 15:00]
 */
import type { Request, Response } from 'express';
import { diffView, type Delta, type Snapshot } from '@switchboard/shared';
import { ViewStream, StreamFrame } from '../src/http/stream.js';
import { Views } from '../src/views/views.js';
import {
  benchArgs,
  collectSnapshots,
  DEFAULT_TIME_OF_DAY,
  kb,
  mean,
  percentile95 as p95,
} from './collectSnapshots.js';
import { DEFAULT_INSTANCE } from '../src/config/instances.js';
import { wallboardConfigSchema } from '../src/config/schema.js';

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const args = benchArgs();
const CYCLES = Number(args.get('cycles') ?? 75);
const SPEED = Number(args.get('speed') ?? 10);
const WARMUP_CYCLES = Number(args.get('warmup') ?? 15);
const TIME_OF_DAY = args.get('time-of-day') ?? DEFAULT_TIME_OF_DAY;
const BOARD_QUEUES = 50;
const SIZES = (args.get('sizes') ?? '40x300,250x1500').split(',').map((size) => {
  const [queues, agents] = size.split('x').map(Number);
  if (!queues || !agents) throw new Error(`--sizes takes queues x agents, e.g. 250x1500 (got "${size}")`);
  return { queues, agents };
});

/** A stand-in for one HTTP viewer: the request the stream reads and a response that counts what it is sent. */
function fakeViewer(gzip: boolean): { req: Request; res: Response; take(): number } {
  let bytes = 0;
  const req = {
    get: (name: string) =>
      name.toLowerCase() === 'accept-encoding' && gzip ? 'gzip, deflate, br' : undefined,
    acceptsEncodings: () => (gzip ? 'gzip' : 'identity'),
    on: () => req,
    query: {},
  };
  const res = {
    writableLength: 0,
    writeHead: () => res,
    write: (chunk: Buffer) => {
      bytes += chunk.length;
      return true;
    },
    end: () => res,
    destroy: () => res,
  };
  return {
    req: req as unknown as Request,
    res: res as unknown as Response,
    take() {
      const taken = bytes;
      bytes = 0;
      return taken;
    },
  };
}

interface Row {
  size: string;
  cycles: number;
  closes: number;
  oldPlain: number[];
  oldGzip: number[];
  newPlain: number[];
  newGzip: number[];
  boardPlain: number[];
  boardGzip: number[];
  /** Plain bytes per cycle of each part of the whole centre's patch. */
  parts: Record<string, number[]>;
  /** Queues and agents sent per cycle (changed), of how many. */
  changed: { queues: number[]; agents: number[]; ofQueues: number; ofAgents: number };
  /** Per field of a queue: in how many sent queues it changed, summed over the cycles, and its plain bytes. */
  queueFields: Record<string, { changed: number; bytes: number }>;
  /** Plain bytes per cycle of the queues' changed fields alone (what a diff within a queue would send). */
  changedFieldBytes: number[];
  wholeView: { plain: number; gzip: number };
  boardView: { plain: number; gzip: number };
}

function measure(label: string, snapshots: Snapshot[]): Row {
  const [first, ...rest] = snapshots;
  if (!first) throw new Error('no snapshots collected');
  const board = wallboardConfigSchema.parse({
    boards: [
      { id: 'all', title: 'Contact centre', queues: 'all' },
      {
        id: 'fifty',
        title: `${BOARD_QUEUES} queues`,
        queues: first.queues.slice(0, BOARD_QUEUES).map((queue) => queue.id),
      },
    ],
  });
  const views = new Views(() => board, DEFAULT_INSTANCE);
  let latest: Snapshot | null = first;
  const listeners = new Set<(snapshot: Snapshot) => void>();
  const feed = {
    get latest() {
      return latest;
    },
    subscribe(listener: (snapshot: Snapshot) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const stream = new ViewStream(feed, { views, heartbeatMs: 3_600_000 });
  const viewers = {
    wholeGzip: fakeViewer(true),
    wholePlain: fakeViewer(false),
    boardGzip: fakeViewer(true),
    boardPlain: fakeViewer(false),
  };
  stream.handle(viewers.wholeGzip.req, viewers.wholeGzip.res, null);
  stream.handle(viewers.wholePlain.req, viewers.wholePlain.res, null);
  stream.handle(viewers.boardGzip.req, viewers.boardGzip.res, 'fifty');
  stream.handle(viewers.boardPlain.req, viewers.boardPlain.res, 'fifty');
  // What a new viewer is sent once: the retry line and the view whole.
  const wholeView = { gzip: viewers.wholeGzip.take(), plain: viewers.wholePlain.take() };
  const boardView = { gzip: viewers.boardGzip.take(), plain: viewers.boardPlain.take() };

  const row: Row = {
    size: label,
    cycles: rest.length,
    closes: 0,
    oldPlain: [],
    oldGzip: [],
    newPlain: [],
    newGzip: [],
    boardPlain: [],
    boardGzip: [],
    parts: {},
    changed: { queues: [], agents: [], ofQueues: first.queues.length, ofAgents: first.agents.length },
    queueFields: {},
    changedFieldBytes: [],
    wholeView,
    boardView,
  };
  let before = first;
  for (const snapshot of rest) {
    if (snapshot.intraday.instance.length > before.intraday.instance.length) row.closes += 1;
    const patch = diffView(before, snapshot) as unknown as Record<string, unknown>;
    for (const part of ['top', 'queues', 'agents', 'intraday']) {
      const list = (row.parts[part] ??= []);
      list.push(patch[part] === undefined ? 0 : JSON.stringify(patch[part]).length);
    }
    type Changes = { upsert?: unknown[]; update?: ({ id: string } & Delta)[] };
    const queuePatch = patch.queues as Changes | undefined;
    const agentPatch = patch.agents as Changes | undefined;
    const changedCount = (changes: Changes | undefined) =>
      (changes?.upsert?.length ?? 0) + (changes?.update?.length ?? 0);
    row.changed.queues.push(changedCount(queuePatch));
    row.changed.agents.push(changedCount(agentPatch));
    // Which of a changed queue's fields changed, and what the changes weigh as they travel.
    const now = new Map(snapshot.queues.map((queue) => [queue.id, queue as Record<string, unknown>]));
    let fieldBytes = 0;
    for (const { id, s: set, d: deeper } of queuePatch?.update ?? []) {
      for (const field of [...Object.keys(set ?? {}), ...Object.keys(deeper ?? {})]) {
        const stats = (row.queueFields[field] ??= { changed: 0, bytes: 0 });
        stats.changed += 1;
        stats.bytes += JSON.stringify(now.get(id)?.[field] ?? null).length;
      }
      fieldBytes += JSON.stringify({ s: set, d: deeper }).length;
    }
    row.changedFieldBytes.push(fieldBytes);
    before = snapshot;
    // As the stream was: the snapshot whole, serialised and compressed as one frame.
    const old = new StreamFrame(
      `id: ${snapshot.generation}\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`,
    );
    row.oldPlain.push(old.plain.length);
    row.oldGzip.push(old.gzip.length);
    // As it is: the real stream, one viewer of each kind (a handful of viewers are written in one slice).
    latest = snapshot;
    for (const listener of listeners) listener(snapshot);
    row.newGzip.push(viewers.wholeGzip.take());
    row.newPlain.push(viewers.wholePlain.take());
    row.boardGzip.push(viewers.boardGzip.take());
    row.boardPlain.push(viewers.boardPlain.take());
  }
  stream.close();
  return row;
}

console.log(
  `Stream bytes per viewer per cycle: embedded simulator at ${SPEED}× real time from ${TIME_OF_DAY} of its day, ` +
    `15-minute intervals, a snapshot every 2 s, ${CYCLES} cycles measured per size`,
);
const rows: Row[] = [];
for (const { queues, agents } of SIZES) {
  const label = `${queues} queues / ${agents.toLocaleString('en')} agents`;
  process.stdout.write(`${label}: `);
  rows.push(
    measure(
      label,
      await collectSnapshots({
        queues,
        agents,
        cycles: CYCLES,
        speed: SPEED,
        warmup: WARMUP_CYCLES,
        timeOfDay: TIME_OF_DAY,
      }),
    ),
  );
}

const figure = (values: number[]) => `${kb(mean(values))} / ${kb(p95(values))}`;
for (const row of rows) {
  console.log(`\n${row.size}: ${row.cycles} cycles, ${row.closes} with an intraday interval closing`);
  console.table({
    'whole snapshot (before)': {
      'gzip mean / p95': figure(row.oldGzip),
      'plain mean / p95': figure(row.oldPlain),
    },
    'patch, whole centre': {
      'gzip mean / p95': figure(row.newGzip),
      'plain mean / p95': figure(row.newPlain),
    },
    [`patch, board of ${BOARD_QUEUES} queues`]: {
      'gzip mean / p95': figure(row.boardGzip),
      'plain mean / p95': figure(row.boardPlain),
    },
  });
  const ratio = (a: number[], b: number[]) => (mean(a) / mean(b)).toFixed(3);
  console.log(
    `  new/old per cycle, whole centre: gzip ${ratio(row.newGzip, row.oldGzip)} (target ≤ 0.1),` +
      ` plain ${ratio(row.newPlain, row.oldPlain)};` +
      ` ${BOARD_QUEUES}-queue board against the whole centre's patches: gzip ${ratio(row.boardGzip, row.newGzip)},` +
      ` plain ${ratio(row.boardPlain, row.newPlain)}`,
  );
  console.log(
    `  the whole centre's patch, plain, mean per cycle: ` +
      Object.entries(row.parts)
        .map(([part, sizes]) => `${part} ${kb(mean(sizes))}`)
        .join(', '),
  );
  const sent = sum(row.changed.queues);
  console.log(
    `  sent per cycle (changed): queues ${mean(row.changed.queues).toFixed(0)} of ${row.changed.ofQueues},` +
      ` agents ${mean(row.changed.agents).toFixed(0)} of ${row.changed.ofAgents}; in the queues sent, the share` +
      ' that changed of each field (its mean size): ' +
      Object.entries(row.queueFields)
        .map(
          ([field, stats]) =>
            `${field} ${((100 * stats.changed) / Math.max(1, sent)).toFixed(0)}% (${(stats.bytes / Math.max(1, sent)).toFixed(0)} B)`,
        )
        .join(', '),
  );
  console.log(
    `  the queues' changed fields alone, plain, mean per cycle: ${kb(mean(row.changedFieldBytes))}` +
      ` (whole queues: ${kb(mean(row.parts.queues ?? []))})`,
  );
  const closing = row.oldGzip.map((_, i) => i).filter((i) => (row.newGzip[i] ?? 0) > 3 * mean(row.newGzip));
  console.log(
    `  cycles with a patch over 3× the mean (interval closes, history rounds): ${closing.length};` +
      ` the largest patch: gzip ${kb(Math.max(...row.newGzip))}, plain ${kb(Math.max(...row.newPlain))}`,
  );
  console.log(
    `  a new viewer's first frame (the view whole): whole centre gzip ${kb(row.wholeView.gzip)},` +
      ` plain ${kb(row.wholeView.plain)}; ${BOARD_QUEUES}-queue board gzip ${kb(row.boardView.gzip)},` +
      ` plain ${kb(row.boardView.plain)}`,
  );
}
process.exit(0);
