import { posix } from 'node:path';
import type { CookieOptions, NextFunction, Request, RequestHandler, Response } from 'express';
import { BadRequestError, ForbiddenError, UnauthorizedError } from '../errors.js';
import { isLocalClient, normaliseAddress } from './loopback.js';
import type { SessionSigner, VerifiedSession } from './sessions.js';
import { tokenBoards, type TokenStore } from './tokens.js';
import { routePath } from '../http/routePath.js';

export type AccessMode = 'open' | 'tokens' | 'proxy';

/**
 * Who is asking, and the boards they may read (`boards`: null for every board; see boardScope.ts). A display
 * token's `board` is its home board, where the screen opens.
 */
export type Identity =
  | { kind: 'open'; boards: null }
  | { kind: 'display'; id: string; board: string | null; boards: readonly string[] | null }
  | { kind: 'supervisor'; name: string; source: 'token' | 'proxy'; boards: readonly string[] | null };

export interface AccessOptions {
  mode: AccessMode;
  tokens: TokenStore | null;
  sessions: SessionSigner | null;
  trustedProxies: readonly string[];
  userHeader: string;
  /**
   * The boards a user named by the proxy may read (null: every board; empty: none), from the configuration's
   * `access`. Unset: every board.
   */
  userBoards?: (user: string) => readonly string[] | null;
}

export const SESSION_COOKIE = 'switchboard_session';
/**
 * The session cookie's name over HTTPS. A browser takes a `__Host-` cookie only from an HTTPS answer, with
 * `Secure`, `Path=/` and no `Domain`: a page on another port of this host, a sibling subdomain or an answer over
 * plain HTTP cannot plant one beside it.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
/** Probes for load balancers and monitoring stay reachable in every mode; they reveal no contact-centre data. */
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const identities = new WeakMap<Request, Identity>();
/** How to tell who a request's sender is now, for a request that outlives its first check (a stream). */
const rechecks = new WeakMap<Request, (req: Request, res: null) => Identity | 'redirected'>();
const OPEN: Identity = { kind: 'open', boards: null };

export function identityOf(req: Request): Identity | undefined {
  return identities.get(req);
}

/**
 * Whether a browser opened the request as a page, in a window or a frame (Fetch Metadata: `Sec-Fetch-Dest` a
 * document or frame, `Sec-Fetch-Mode: navigate`). Browsers send both; a client without `Sec-Fetch-Dest` (an older
 * browser, curl, a script's own HTTP client) is taken at its word.
 */
function openedAsPage(req: Request): boolean {
  const dest = req.get('sec-fetch-dest');
  if (dest === undefined) return true;
  const mode = req.get('sec-fetch-mode');
  return (
    (dest === 'document' || dest === 'iframe' || dest === 'frame') && (mode ?? 'navigate') === 'navigate'
  );
}

/**
 * Whether a page of another origin opened the request (Fetch Metadata): in a frame of its own, or by a link, a
 * form or a script moving the window. The address bar, a bookmark and a kiosk's start-up address send `none`.
 */
function openedFromElsewhere(req: Request): boolean {
  const dest = req.get('sec-fetch-dest');
  const site = req.get('sec-fetch-site');
  if (dest === 'iframe' || dest === 'frame') return site !== 'same-origin';
  return site === 'cross-site' || site === 'same-site';
}

/** When the session a request came with expires (SESSION_TTL_DAYS after it was issued); undefined: none does. */
const sessionEnds = new WeakMap<Request, number>();

export function sessionExpiry(req: Request): number | undefined {
  return sessionEnds.get(req);
}

/**
 * Who a request's sender is now: its credentials checked again against the tokens, sessions and access in force
 * (a stream is open for weeks; a token revoked or a scope narrowed since it opened must reach it). Null: no longer
 * allowed at all. A request with no access control in front of it is open.
 */
export function identityNow(req: Request): Identity | null {
  const identify = rechecks.get(req);
  if (!identify) return identityOf(req) ?? OPEN;
  try {
    const now = identify(req, null);
    return now === 'redirected' ? null : now;
  } catch {
    return null;
  }
}

/** Whether a request came straight from a trusted proxy's address. */
export function fromTrustedProxy(req: Request, proxies: ReadonlySet<string>): boolean {
  return proxies.has(normaliseAddress(req.socket.remoteAddress));
}

/**
 * Whether a request may see operational details (configuration errors with paths, keys and every board's ids;
 * /readyz's instances): a supervisor of every board, or a client on this machine (the Host check keeps a rebound
 * name from passing as one). A supervisor limited to some boards would learn the others from them.
 */
export function mayInspect(req: Request): boolean {
  const identity = identityOf(req);
  return (identity?.kind === 'supervisor' && identity.boards === null) || isLocalClient(req);
}

/** Every value the request's cookies give a name, in the order sent (a browser sends the longest path first). */
function readCookies(req: Request, name: string): string[] {
  const values: string[] = [];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      values.push(decodeURIComponent(rest.join('=')));
    } catch {
      // A malformed escape is no session, not a failure of the server.
    }
  }
  return values;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The user a trusted proxy names. Node reads header bytes as Latin-1; the proxy sends UTF-8, so the bytes are
 * decoded again. A header given twice is refused, not joined into "alice, bob".
 */
function proxyUser(req: Request, header: string): string {
  const values = req.headersDistinct[header.toLowerCase()] ?? [];
  if (values.length > 1)
    throw new BadRequestError(
      `The proxy sent ${header} ${values.length} times; it must name one user.`,
      'duplicate_user_header',
    );
  const raw = values[0];
  if (!raw) throw new UnauthorizedError('the proxy did not say who you are.', 'no_proxy_user');
  let name: string;
  try {
    name = strictUtf8.decode(Buffer.from(raw, 'latin1')).trim();
  } catch {
    throw new BadRequestError(`The proxy's ${header} is not valid UTF-8.`, 'bad_user_header');
  }
  if (!name || name.length > 200 || /\p{Cc}/u.test(name))
    throw new BadRequestError(
      `The proxy's ${header} must be a name of 1 to 200 characters.`,
      'bad_user_header',
    );
  return name;
}

/**
 * Where a token exchange sends the browser: the requested path in its normalised form, without the token.
 * `/x/..//evil.example/` must become `/evil.example/`, never the protocol-relative `//evil.example/`.
 */
export function exchangeLocation(originalUrl: string, board: string | null | undefined): string {
  const query = originalUrl.indexOf('?');
  const rawPath = query < 0 ? originalUrl : originalUrl.slice(0, query);
  // Browsers read a backslash in a path as a slash: `/\evil.example` would be `//evil.example` to them.
  const path = `/${posix.normalize(`/${rawPath.replaceAll('\\', '/')}`).replace(/^\/+/, '')}`;
  const search = new URLSearchParams(query < 0 ? '' : originalUrl.slice(query + 1));
  search.delete('token');
  if (board && !search.has('board')) search.set('board', board);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

function sessionCookie(req: Request, sessions: SessionSigner): CookieOptions {
  const secure = req.secure;
  return {
    httpOnly: true,
    secure,
    // Cross-site iframes (FRAME_ANCESTORS) need SameSite=None, which browsers take only with Secure; writes are
    // protected by the Origin check (csrf.ts) whatever this says.
    sameSite: secure ? 'none' : 'lax',
    path: '/',
    maxAge: sessions.policy.ttlMs,
  };
}

function sessionCookieName(req: Request): string {
  return req.secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/**
 * The session a request's cookies hold: the first of them that verifies, so a stray cookie of the same name
 * (planted under a longer path by a page on another port, or left by an older session) never hides a valid one.
 * Over HTTPS a secure cookie, where there is one, is the only one read: a plain one beside it could be planted.
 */
function heldSession(
  req: Request,
  sessions: SessionSigner,
  store: TokenStore,
): { session: VerifiedSession; cookie: string; name: string } | null {
  const secure = req.secure ? readCookies(req, SECURE_SESSION_COOKIE) : [];
  const [name, cookies] =
    secure.length > 0 ? [SECURE_SESSION_COOKIE, secure] : [SESSION_COOKIE, readCookies(req, SESSION_COOKIE)];
  for (const cookie of cookies) {
    const session = sessions.verify(cookie, store.entries);
    if (session) return { session, cookie, name };
  }
  return null;
}

/**
 * Sets the session cookie under this connection's name; over HTTPS under the plain name too, which this build
 * never reads beside a secure one, so that a replica of an earlier build (a rolling upgrade, a rollback) still
 * finds the screen's session.
 */
function setSession(req: Request, res: Response, value: string, sessions: SessionSigner): void {
  const options = sessionCookie(req, sessions);
  res.cookie(sessionCookieName(req), value, options);
  if (req.secure) res.cookie(SESSION_COOKIE, value, options);
}

/** Who is asking: decided once per request, before any route. Refusals are typed errors. */
export function accessControl(options: AccessOptions): RequestHandler {
  const proxies = new Set(options.trustedProxies.map(normaliseAddress));

  // `res` null: a check again later (identityNow), which sets no cookie and exchanges no token.
  const identify = (req: Request, res: Response | null): Identity | 'redirected' => {
    if (options.mode === 'open') return { kind: 'open', boards: null };

    if (options.mode === 'proxy') {
      if (!fromTrustedProxy(req, proxies))
        throw new ForbiddenError('requests must come through the authenticating proxy.', 'not_from_proxy');
      const name = proxyUser(req, options.userHeader);
      const boards = options.userBoards?.(name) ?? null;
      if (boards?.length === 0)
        throw new ForbiddenError(
          `${name} may read no board of this wallboard: ask for them to be listed under access.users in its configuration file.`,
          'no_board_allowed',
        );
      return { kind: 'supervisor', name, source: 'proxy', boards };
    }

    const store = options.tokens;
    const sessions = options.sessions;
    if (!store || !sessions) throw new ForbiddenError('no display tokens are configured.', 'no_tokens');
    if (req.query.token !== undefined && typeof req.query.token !== 'string')
      throw new BadRequestError(
        'token must be given once, as ?token=<token> (the address holds it more than once, or as a list).',
        'bad_token_parameter',
      );
    const presented = req.query.token;
    const isPage = req.method === 'GET' && !routePath(req).startsWith('/api/');
    // Only a page takes a token: anywhere else, "this screen needs a token" would answer one that was given.
    if (res && presented !== undefined && !isPage)
      throw new BadRequestError(
        '?token= is exchanged only when a page of the wallboard is opened, not on /api/ or in a change: open the ' +
          'wallboard at /?token=<token> once (it sets the session cookie), then send that cookie with each request.',
        'token_not_exchanged_here',
      );
    if (res && presented !== undefined && isPage) {
      // Only as a page opened (a browser says how a request was made): an image or script on another site that
      // names the address with a token would otherwise swap the session of whoever's browser loads it.
      if (!openedAsPage(req))
        throw new BadRequestError(
          '?token= is exchanged only when the wallboard is opened as a page (the address bar, a link, or an ' +
            'iframe), not by an image, a script or a fetch.',
          'token_not_exchanged_here',
        );
      const entry = store.verifyToken(presented);
      if (!entry)
        throw new UnauthorizedError(
          'this token is not valid, or it was revoked. Ask for a new one.',
          'invalid_token',
        );
      // Exchange the token once for an HttpOnly cookie, and take it out of the address bar and history. Opened
      // from a page elsewhere (a frame of it, its link or its script), a session this browser already holds stays
      // as it is: another site that names the address with a token of its own must not swap the session of
      // whoever's browser opens it. Typed in the address bar, or followed from the wallboard's own pages, the
      // token is taken.
      const held = openedFromElsewhere(req) ? heldSession(req, sessions, store) : null;
      if (!held) setSession(req, res, sessions.mint(entry), sessions);
      // The board the page opens on: the token's, where the session it leaves holds may read it; else the kept
      // session's own, rather than a page it would be refused.
      const wanted = entry.board ?? tokenBoards(entry)?.[0];
      const kept = held?.session;
      const board =
        kept && wanted !== undefined && kept.boards !== null && !kept.boards.includes(wanted)
          ? (kept.entry.board ?? kept.boards[0])
          : wanted;
      res.redirect(302, exchangeLocation(req.originalUrl, board));
      return 'redirected';
    }
    const held = heldSession(req, sessions, store);
    const session: VerifiedSession | null = held?.session ?? null;
    if (!session) {
      throw new UnauthorizedError(
        'this screen needs a display token: open the wallboard address with ?token=<token>.',
        'no_session',
      );
    }
    // A screen in use keeps its session: a cookie past its renewal age is swapped for a new one.
    if (res && sessions.needsRenewal(session)) setSession(req, res, sessions.mint(session.entry), sessions);
    // Over HTTPS, a session under the plain name (a cookie from before the secure name, or from plain HTTP) is
    // given the secure one as it is, its age kept.
    else if (res && held && held.name !== sessionCookieName(req)) setSession(req, res, held.cookie, sessions);
    if (res) sessionEnds.set(req, session.issuedAt + sessions.policy.ttlMs);
    // The scope comes from the token's entry as the file says now, not from the cookie: an edit applies at once.
    const { entry, boards } = session;
    return entry.role === 'supervisor'
      ? { kind: 'supervisor', name: entry.name ?? entry.id, source: 'token', boards }
      : { kind: 'display', id: entry.id, board: entry.board ?? null, boards };
  };

  return (req: Request, res: Response, next: NextFunction) => {
    if (PUBLIC_PATHS.has(req.path)) {
      // Probes need no identity, but a supervisor's is noted: it may see /readyz's details.
      if (options.mode !== 'tokens' || req.query.token === undefined) {
        try {
          const identity = identify(req, res);
          if (identity !== 'redirected') identities.set(req, identity);
        } catch {
          // anonymous
        }
      }
      next();
      return;
    }
    const identity = identify(req, res);
    if (identity === 'redirected') return;
    identities.set(req, identity);
    rechecks.set(req, identify);
    next();
  };
}

/** Writes (acknowledging alerts) need an identified supervisor; a display token only shows the wall. */
export const requireSupervisor: RequestHandler = (req, _res, next) => {
  const identity = identityOf(req);
  if (identity?.kind === 'supervisor' || identity?.kind === 'open') {
    next();
    return;
  }
  throw new ForbiddenError(
    'Acknowledging alerts needs a supervisor sign-in; a display token cannot do it.',
    'supervisor_required',
  );
};
