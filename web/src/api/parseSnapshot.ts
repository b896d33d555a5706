import { snapshotSchema, type Snapshot } from '@switchboard/shared';
import { applyPatch, diffSnapshot, type SnapshotPatch } from './snapshotPatch';

/**
 * Turns the server's JSON text into a checked Snapshot. The full schema check of a 1,500-agent snapshot takes
 * tens of milliseconds while the JIT warms up, so in the browser it runs in a worker, which also works out
 * what changed (snapshotPatch.ts): the page parses only that.
 */
export interface SnapshotParser {
  parse(text: string): Promise<Snapshot>;
  close(): void;
}

export class SnapshotParseError extends Error {}

export function checkSnapshot(value: unknown): Snapshot {
  const parsed = snapshotSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SnapshotParseError(
    `The server sent a snapshot this page cannot read (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown field'}).`,
  );
}

/** Parses on the calling thread: for tests and for browsers without module workers. */
export function inlineParser(): SnapshotParser {
  return {
    parse: (text) => Promise.resolve().then(() => checkSnapshot(JSON.parse(text))),
    close: () => undefined,
  };
}

export interface WorkerRequest {
  id: number;
  text: string;
}

export interface WorkerReply {
  id: number;
  error: string | null;
  /** What changed since the last snapshot the worker passed; null for the first, or when that failed. */
  patch: SnapshotPatch | null;
}

/**
 * The worker's side: checks each snapshot and answers with what changed since the last good one. Kept apart
 * from the worker's message plumbing so tests can drive it.
 */
export function snapshotChecker(): (request: WorkerRequest) => WorkerReply {
  let last: { id: number; value: Record<string, unknown> } | null = null;
  return ({ id, text }) => {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(text) as Record<string, unknown>;
      checkSnapshot(value);
    } catch (failure) {
      return { id, error: failure instanceof Error ? failure.message : String(failure), patch: null };
    }
    const patch = last ? diffSnapshot(last.value, value, last.id) : null;
    last = { id, value };
    return { id, error: null, patch };
  };
}

/** What a worker needs to be for workerParser: a real Worker, or a stand-in in tests. */
export type WorkerLike = Pick<Worker, 'postMessage' | 'terminate' | 'addEventListener'>;

/**
 * Checks in a worker. The page then builds the snapshot from the worker's patch: the last snapshot's
 * unchanged parts as they are, and a parse of the changed ones. Without a patch (the first snapshot) it
 * parses the text it sent.
 */
export function workerParser(worker: WorkerLike): SnapshotParser {
  let nextId = 0;
  let last: { id: number; snapshot: Snapshot } | null = null;
  const pending = new Map<
    number,
    { text: string; resolve: (snapshot: Snapshot) => void; reject: (error: Error) => void }
  >();
  worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (reply.error !== null) {
      waiting.reject(new SnapshotParseError(reply.error));
      return;
    }
    let snapshot: Snapshot;
    try {
      snapshot =
        reply.patch && last && reply.patch.base === last.id
          ? applyPatch(last.snapshot, reply.patch)
          : (JSON.parse(waiting.text) as Snapshot);
    } catch {
      // A patch that does not fit (it never should): the text itself is the truth.
      snapshot = JSON.parse(waiting.text) as Snapshot;
    }
    // Built here, in reply order, so each patch meets the snapshot it was made against.
    last = { id: reply.id, snapshot };
    waiting.resolve(snapshot);
  });
  worker.addEventListener('error', () => {
    for (const waiting of pending.values())
      waiting.reject(new SnapshotParseError('The snapshot checker stopped.'));
    pending.clear();
  });
  return {
    parse(text) {
      const id = nextId++;
      return new Promise<Snapshot>((resolve, reject) => {
        pending.set(id, { text, resolve, reject });
        const request: WorkerRequest = { id, text };
        worker.postMessage(request);
      });
    },
    close: () => worker.terminate(),
  };
}

export function defaultParser(): SnapshotParser {
  if (typeof Worker === 'undefined') return inlineParser();
  try {
    return workerParser(new Worker(new URL('./snapshot.worker.ts', import.meta.url), { type: 'module' }));
  } catch {
    return inlineParser();
  }
}
