import type { Request, RequestHandler } from 'express';
import { AppError, ForbiddenError } from '../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameOrigin(origin: string, req: Request): boolean {
  try {
    // req.host: the Host header, or X-Forwarded-Host from a trusted proxy; with its port.
    return new URL(origin).host.toLowerCase() === req.host.toLowerCase();
  } catch {
    return false; // "null" (a sandboxed frame, a file) or garbage
  }
}

/**
 * Against cross-site request forgery, for every write (acknowledgements now, any later one by default): a browser
 * says where a request comes from (Sec-Fetch-Site, Origin), and a write from another origin, even another port of
 * the same host, is refused. Writes must be `application/json`, which a form or a `no-cors` fetch cannot send
 * without a CORS preflight, which this server never answers; a DELETE, which neither can send at all, has no body. Clients that are not browsers send neither header
 * and are judged by their credentials alone.
 */
export function sameOriginWrites(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const site = req.get('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin')
      throw new ForbiddenError(
        `Changes are accepted only from the wallboard's own pages, not from a ${site} request.`,
        'cross_origin_write',
      );
    const origin = req.get('origin');
    if (origin !== undefined && !sameOrigin(origin, req))
      throw new ForbiddenError(
        "Changes are accepted only from the wallboard's own pages, not from another origin.",
        'cross_origin_write',
      );
    // A DELETE carries no body, and no page of another origin can send one without a preflight (it is not among
    // the methods a form or a no-cors fetch may use), so it needs no JSON to prove it.
    if (req.method !== 'DELETE' && !/^application\/json\s*(;|$)/i.test(req.get('content-type') ?? ''))
      throw new AppError(
        415,
        'json_required',
        'Changes must be sent as JSON, with Content-Type: application/json.',
      );
    next();
  };
}
