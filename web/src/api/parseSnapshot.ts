import { snapshotSchema, type Snapshot } from '@switchboard/shared';

/**
 * Turns the server's JSON text into a checked Snapshot. The full schema check of a 1,500-agent snapshot takes
 * tens of milliseconds while the JIT warms up, so in the browser it runs in a worker and the page only pays
 * for the native JSON.parse.
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

export interface WorkerReply {
  id: number;
  error: string | null;
}

/** Checks in a worker; the page parses the same text natively once the worker says it is sound. */
export function workerParser(worker: Worker): SnapshotParser {
  let nextId = 0;
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
    const waiting = pending.get(event.data.id);
    if (!waiting) return;
    pending.delete(event.data.id);
    if (event.data.error === null) waiting.resolve();
    else waiting.reject(new SnapshotParseError(event.data.error));
  });
  worker.addEventListener('error', () => {
    for (const waiting of pending.values())
      waiting.reject(new SnapshotParseError('The snapshot checker stopped.'));
    pending.clear();
  });
  return {
    async parse(text) {
      const id = nextId++;
      await new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, text });
      });
      return JSON.parse(text) as Snapshot;
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
