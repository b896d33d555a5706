import type { Request } from 'express';

/**
 * A request's path as Express matches it to a route: routes ignore case and take a trailing slash, so
 * `/API/V1/STREAM` and `/api/v1/stream/` reach the stream as `/api/v1/stream` does. A check made before routing
 * (a limit, an exemption) compares this, not the path as sent, or another spelling would pass it by.
 */
export function routePath(req: Pick<Request, 'path'>): string {
  const path = req.path.toLowerCase();
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/**
 * A path as a static file is looked up: percent-escapes decoded (`a.js%2Emap` is `a.js.map`), and in lower case.
 * A path that does not decode is returned as it is: no file has that name.
 */
export function filePath(req: Pick<Request, 'path'>): string {
  try {
    return decodeURIComponent(req.path).toLowerCase();
  } catch {
    return req.path.toLowerCase();
  }
}
