import { createHash } from 'node:crypto';
import { ServiceError, invalidParameter } from './errors.js';

/**
 * Connect's pagination rules: a token expires 5 minutes after it was issued, must be reused with exactly the
 * parameters of the first request, and every page of one pagination shares the first page's snapshot time.
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

export function readToken(token: string, params: string, nowMs: number): TokenBody {
  let body: TokenBody;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as TokenBody;
  } catch {
    throw new ServiceError('InvalidRequestException', 'The NextToken is not valid.');
  }
  if (typeof body.offset !== 'number' || typeof body.issuedAt !== 'number') {
    throw new ServiceError('InvalidRequestException', 'The NextToken is not valid.');
  }
  if (nowMs - body.issuedAt > TOKEN_LIFETIME_MS) {
    throw new ServiceError('InvalidRequestException', 'The NextToken has expired.');
  }
  if (body.params !== params) {
    throw invalidParameter('The NextToken was issued for a request with different parameters.');
  }
  return body;
}

/** Slices `items` into one page, issuing a token for the next page when there is one. */
export function page<T>(
  items: T[],
  options: { maxResults: number; nextToken: string | undefined; params: unknown; nowMs: number },
): { pageItems: T[]; nextToken: string | undefined; snapshotAt: number } {
  const params = paramsFingerprint(options.params);
  const start = options.nextToken
    ? readToken(options.nextToken, params, options.nowMs)
    : { offset: 0, snapshotAt: options.nowMs };
  const end = start.offset + options.maxResults;
  const nextToken =
    end < items.length
      ? issueToken({ offset: end, params, issuedAt: options.nowMs, snapshotAt: start.snapshotAt })
      : undefined;
  return { pageItems: items.slice(start.offset, end), nextToken, snapshotAt: start.snapshotAt };
}
