import { snapshotSchema, type Snapshot } from '@switchboard/shared';
import { diffSnapshot, type SnapshotPatch } from './snapshotPatch';
import type { EventSourceLike } from './stream';

/**
 * Turns the server's JSON text into a checked Snapshot. The full schema check of a 1,500-agent snapshot takes
 * tens of milliseconds while the JIT warms up, so in the browser it runs in a worker, which also works out
 * what changed (snapshotPatch.ts): the page parses only that.
 */
export interface SnapshotParser {
  parse(text: string): Promise<Snapshot>;
  /**
   * Opens the push stream where this parser checks snapshots (checkerWorker.ts): its snapshot events carry
   * what `parse` needs, which need not be the text.
   */
  openStream?(url: string): EventSourceLike;
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
