import { pageStart, slicePage, TOKEN_LIFETIME_MS } from '../pagination.js';
import { nextTokenOf } from '../validation.js';
import type { ContactCentreModel } from '../model.js';

/** What an operation handler gets: the model advanced to now, the parsed request and the fault switches. */
export interface OpContext {
  model: ContactCentreModel;
  nowMs: number;
  region: string;
  /** The body of a POST, parsed; {} for a GET. */
  body: Record<string, unknown>;
  query: URLSearchParams;
  /** Path parameters after the instance id (e.g. the user id of DescribeUser). */
  path: string[];
  /** A fault: every NextToken is refused as expired. */
  expireTokens: boolean;
  /** A fault: pages hold at most this many results. */
  pageCap?: number | undefined;
  /** A fault: a later page of a list gives back the NextToken it was asked with. */
  repeatTokens?: boolean;
  /** A fault: a request without a grouping is answered with the whole instance's figures, whatever its filter. */
  ungroupedAsInstance?: boolean;
  snapshots: SnapshotCache;
}

/**
 * Rows computed for the first page of a pagination, kept so later pages come from the same snapshot as the
 * first, as Connect's do. Entries live as long as a token does; only results with more than one page are kept,
 * and at most 100 of them (the oldest go first, and a later page then comes from the model as it is now).
 */
export class SnapshotCache {
  private readonly entries = new Map<string, { rows: unknown[]; expiresAt: number }>();

  /** Paginations held now. */
  get size(): number {
    return this.entries.size;
  }

  get<T>(key: string, nowMs: number): T[] | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt < nowMs) return undefined;
    return entry.rows as T[];
  }

  set(key: string, rows: unknown[], expiresAt: number, nowMs: number): void {
    // Expired entries go at once: a fast-forwarded simulator would otherwise hold up to 100 dead paginations.
    for (const [old, entry] of this.entries) if (entry.expiresAt < nowMs) this.entries.delete(old);
    this.entries.set(key, { rows, expiresAt });
    if (this.entries.size > 100) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

/**
 * One page of an answer whose rows are worked out once per listing, as Connect's are: the first page builds
 * them (`build`) and, when they run past one page, keeps them as long as a token lives, so later pages come
 * from the same moment. `kind` keeps one operation's listings apart from another's.
 */
export function pagedRows<T>(
  ctx: OpContext,
  kind: string,
  maxResults: number,
  build: () => T[],
): { rows: T[]; pageItems: T[]; nextToken: string | undefined; snapshotAt: number } {
  const { body, nowMs } = ctx;
  const start = pageStart({
    maxResults,
    nextToken: nextTokenOf(body.NextToken),
    params: { ...body, NextToken: undefined },
    nowMs,
    expireTokens: ctx.expireTokens,
  });
  const cacheKey = `${kind}:${start.params}:${start.snapshotAt}`;
  let rows = ctx.snapshots.get<T>(cacheKey, nowMs);
  if (!rows) {
    rows = build();
    if (rows.length > maxResults)
      ctx.snapshots.set(cacheKey, rows, start.snapshotAt + TOKEN_LIFETIME_MS, nowMs);
  }
  const page = slicePage(rows, start, {
    maxResults,
    pageCap: ctx.pageCap,
    nextToken: undefined,
    params: null,
    nowMs,
  });
  return { rows, ...page };
}
