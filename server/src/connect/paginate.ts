import {
  MalformedResponseError,
  markLaterPageError,
  SnapshotChangedError,
  type ConnectOperation,
} from './errors.js';

/** Connect accepts at most 100 queues (or routing profiles, or agents) in one filter. */
export const MAX_FILTER_VALUES = 100;
/** The metrics operations return at most 100 results a page. */
export const MAX_METRIC_RESULTS = 100;
/** SearchUsers returns at most 500 users a page (its MaxResults, 1 to 500). */
export const MAX_SEARCH_RESULTS = 500;
/** ListRoutingProfileQueues returns at most 100 queue lines a page. */
export const MAX_PROFILE_QUEUE_RESULTS = 100;
/** List operations return up to 1000 a page: fewer calls than the default of 100. */
export const MAX_LIST_RESULTS = 1000;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Pages one pagination may take: 10,000 pages, a million rows at 100 a page, far beyond any instance's quotas
 * (its queues, users and routing profiles number thousands at most). A pagination past it is a loop.
 */
export const MAX_PAGES = 10_000;

export interface Page<Item> {
  items: Item[];
  nextToken: string | undefined;
  dataSnapshotTime?: Date | null;
}

export interface Pages<Item> {
  items: Item[];
  /** The one DataSnapshotTime every page shared, when the operation gives one. */
  dataSnapshotTime: Date | null;
  calls: number;
}

/**
 * Follows NextToken to the end. `fetchPage` must send the same parameters every time, only the token changes:
 * Connect rejects a token used with other parameters. Pages that disagree on DataSnapshotTime would mix two
 * moments in one figure set, so the whole pagination starts again (once) rather than keep them.
 */
export async function collectPages<Item>(
  operation: ConnectOperation,
  fetchPage: (nextToken: string | undefined) => Promise<Page<Item>>,
  restarts = 1,
): Promise<Pages<Item>> {
  let calls = 0;
  for (let attempt = 0; ; attempt += 1) {
    const items: Item[] = [];
    let dataSnapshotTime: Date | null = null;
    let nextToken: string | undefined;
    let mixed = false;
    // A token given back twice would have the same pages asked for ever: the section fails and says so.
    const tokens = new Set<string>();
    let pages = 0;
    do {
      let page: Page<Item>;
      try {
        page = await fetchPage(nextToken);
      } catch (error) {
        if (nextToken !== undefined) markLaterPageError(error);
        throw error;
      }
      calls += 1;
      pages += 1;
      // A page without DataSnapshotTime (optional in Connect's response) says nothing of its moment: only two
      // times that differ show two moments.
      const pageTime = page.dataSnapshotTime ?? null;
      if (pageTime !== null && dataSnapshotTime && dataSnapshotTime.getTime() !== pageTime.getTime()) {
        mixed = true;
        break;
      }
      if (pageTime !== null) dataSnapshotTime = pageTime;
      items.push(...page.items);
      nextToken = page.nextToken || undefined;
      if (nextToken !== undefined) {
        if (tokens.has(nextToken))
          throw new MalformedResponseError(operation, `the same NextToken again after ${pages} pages`);
        if (pages >= MAX_PAGES)
          throw new MalformedResponseError(operation, `a NextToken still after ${pages} pages`);
        tokens.add(nextToken);
      }
    } while (nextToken);
    if (!mixed) return { items, dataSnapshotTime, calls };
    if (attempt >= restarts) throw new SnapshotChangedError(operation);
  }
}
