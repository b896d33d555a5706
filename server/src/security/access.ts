import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TokenStore } from './tokens.js';

export type AccessMode = 'open' | 'tokens' | 'proxy';

export type Identity =
  | { kind: 'open' }
  | { kind: 'display'; id: string; board: string | null }
  | { kind: 'supervisor'; name: string };

export interface AccessOptions {
  mode: AccessMode;
  tokens: TokenStore | null;
  trustedProxies: readonly string[];
  userHeader: string;
}

export const SESSION_COOKIE = 'switchboard_session';
/** Probes for load balancers and monitoring stay reachable in every mode; they reveal no contact-centre data. */
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const identities = new WeakMap<Request, Identity>();

export function identityOf(req: Request): Identity | undefined {
  return identities.get(req);
}

function normaliseAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

function refuse(req: Request, res: Response, status: 401 | 403, message: string): void {
  if (req.path.startsWith('/api/')) {
    res.status(status).json({ error: message });
    return;
  }
  res.status(status).type('text/plain').send(`Switchboard: ${message}\n`);
}

/** Who is asking: decided once per request, before any route. */
export function accessControl(options: AccessOptions): RequestHandler {
  const proxies = new Set(options.trustedProxies.map(normaliseAddress));
  return (req: Request, res: Response, next: NextFunction) => {
    if (PUBLIC_PATHS.has(req.path)) return next();

    if (options.mode === 'open') {
      identities.set(req, { kind: 'open' });
      return next();
    }

    if (options.mode === 'proxy') {
      if (!proxies.has(normaliseAddress(req.socket.remoteAddress))) {
        return refuse(req, res, 403, 'requests must come through the authenticating proxy.');
      }
      const user = req.headers[options.userHeader.toLowerCase()];
      const name = Array.isArray(user) ? user[0] : user;
      if (!name || name.length > 200) return refuse(req, res, 401, 'the proxy did not say who you are.');
      identities.set(req, { kind: 'supervisor', name });
      return next();
    }

    const store = options.tokens;
    if (!store) return refuse(req, res, 403, 'no display tokens are configured.');
    const presented = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (presented !== undefined && req.method === 'GET' && !req.path.startsWith('/api/')) {
      const entry = store.verifyToken(presented);
      if (!entry)
        return refuse(req, res, 401, 'this token is not valid, or it was revoked. Ask for a new one.');
      // Exchange the token once for an HttpOnly cookie, and take it out of the address bar and history.
      const secure = req.secure;
      res.cookie(SESSION_COOKIE, store.sessionFor(entry), {
        httpOnly: true,
        secure,
        sameSite: secure ? 'none' : 'lax',
        path: '/',
        maxAge: 400 * 24 * 3600 * 1000,
      });
      const url = new URL(req.originalUrl, 'http://wallboard');
      url.searchParams.delete('token');
      if (entry.board && !url.searchParams.has('board')) url.searchParams.set('board', entry.board);
      res.redirect(302, `${url.pathname}${url.search}`);
      return;
    }
    const session = readCookie(req, SESSION_COOKIE);
    const entry = session ? store.verifySession(session) : null;
    if (!entry) {
      return refuse(
        req,
        res,
        401,
        'this screen needs a display token: open the wallboard address with ?token=<token>.',
      );
    }
    identities.set(
      req,
      entry.role === 'supervisor'
        ? { kind: 'supervisor', name: entry.name ?? entry.id }
        : { kind: 'display', id: entry.id, board: entry.board ?? null },
    );
    return next();
  };
}

/** Writes (acknowledging alerts) need an identified supervisor; a display token only shows the wall. */
export const requireSupervisor: RequestHandler = (req, res, next) => {
  const identity = identityOf(req);
  if (identity?.kind === 'supervisor' || identity?.kind === 'open') return next();
  res
    .status(403)
    .json({ error: 'Acknowledging alerts needs a supervisor sign-in; a display token cannot do it.' });
};
