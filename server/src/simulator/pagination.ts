import { createHash } from 'node:crypto';
import { invalidParameter, invalidRequest } from './errors.js';

/**
 * Connect's pagination rules: a token expires 5 minutes after it was issued, must be reused with exactly the
 * parameters of the first request, and every page of one pagination shares the first page's snapshot time. The
 * first two are documented for GetCurrentMetricData and GetMetricData; the listings' references say only to use
 * the token of the previous response, and the simulator holds them to the same rules, stricter than documented.
 */
export const TOKEN_LIFETIME_MS = 5 * 60_000;

interface TokenBody {
  offset: number;
  params: string;
  issuedAt: number;
  snapshotAt: number;
}

export function paramsFingerprint(params: unknown): string {
  return createHash('sha256').update(JSON.stringify(params)).digest('base64url').slice(0, 16);
}

export function issueToken(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function readToken(token: string, params: string, nowMs: number, forceExpired = false): TokenBody {
  let body: Partial<TokenBody>;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
  } catch {
    throw invalidRequest('The NextToken is not valid.');
  }
  if (
    typeof body.offset !== 'number' ||
    typeof body.issuedAt !== 'number' ||
    typeof body.snapshotAt !== 'number' ||
    typeof body.params !== 'string'
  ) {
    throw invalidRequest('The NextToken is not valid.');
  }
  if (forceExpired || nowMs - body.issuedAt > TOKEN_LIFETIME_MS) {
    throw invalidRequest('The NextToken has expired.');
  }
  if (body.params !== params) {
    throw invalidParameter('The NextToken was issued for a request with different parameters.');
  }
  return { offset: body.offset, params: body.params, issuedAt: body.issuedAt, snapshotAt: body.snapshotAt };
}

export interface PageOptions {
  maxResults: number;
  nextToken: string | undefined;
  /** Every request parameter but the token (and MaxResults is part of it: changing it is a change). */
  params: unknown;
  nowMs: number;
  /** A fault: treat every token as expired. */
  expireTokens?: boolean;
  /** A fault: pages hold at most this many results, whatever `maxResults` allows. */
  pageCap?: number | undefined;
  /** A fault: a later page gives back the token it was asked with, not the next page's. */
  repeatToken?: boolean;
}

/** Where a request starts: the first page, or the page a valid token points at. */
export function pageStart(options: PageOptions): { offset: number; snapshotAt: number; params: string } {
  const params = paramsFingerprint(options.params);
  if (!options.nextToken) return { offset: 0, snapshotAt: options.nowMs, params };
  const token = readToken(options.nextToken, params, options.nowMs, options.expireTokens);
  return { offset: token.offset, snapshotAt: token.snapshotAt, params };
}

/** Slices `items` into one page, issuing a token for the next page when there is one. */
export function page<T>(
  items: T[],
  options: PageOptions,
): { pageItems: T[]; nextToken: string | undefined; snapshotAt: number } {
  const start = pageStart(options);
  return slicePage(items, start, options);
}

export function slicePage<T>(
  items: T[],
  start: { offset: number; snapshotAt: number; params: string },
  options: PageOptions,
): { pageItems: T[]; nextToken: string | undefined; snapshotAt: number } {
  const end = start.offset + Math.min(options.maxResults, options.pageCap ?? Number.POSITIVE_INFINITY);
  const nextToken =
    end >= items.length
      ? undefined
      : options.repeatToken && options.nextToken
        ? options.nextToken
        : issueToken({
            offset: end,
            params: start.params,
            issuedAt: options.nowMs,
            snapshotAt: start.snapshotAt,
          });
  return { pageItems: items.slice(start.offset, end), nextToken, snapshotAt: start.snapshotAt };
}
