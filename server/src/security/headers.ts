import type { Express, Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { BadRequestError, TooManyRequestsError } from '../errors.js';
import { fromTrustedProxy, identityOf } from './access.js';
import { normaliseAddress } from './loopback.js';
import { routePath } from '../http/routePath.js';

export interface HeaderOptions {
  /** Origins allowed to embed the wallboard in an iframe (CSP frame-ancestors); none but itself by default. */
  frameAncestors: readonly string[];
}

/**
 * Security headers for every response: a Content-Security-Policy with no inline scripts and the configured
 * frame ancestors, a strict referrer policy, and no CORS headers at all (closed by default: only the
 * wallboard's own pages read its API).
 */
export function securityHeaders({ frameAncestors }: HeaderOptions): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // Charts position their elements with style attributes; no inline <style> or script is allowed.
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'", ...frameAncestors],
      },
    },
    // frame-ancestors supersedes X-Frame-Options, which cannot list other origins.
    xFrameOptions: false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // An embedding page on another origin must still be able to frame us.
    crossOriginOpenerPolicy: false,
    strictTransportSecurity: false,
  });
}

/**
 * Strict-Transport-Security on answers that came over HTTPS (directly, or through a trusted proxy's
 * X-Forwarded-Proto), when HSTS_MAX_AGE is set: browsers then refuse plain HTTP to this host.
 */
export function strictTransportSecurity(maxAgeSeconds: number): RequestHandler {
  return (req, res, next) => {
    if (maxAgeSeconds > 0 && req.secure)
      res.set('Strict-Transport-Security', `max-age=${maxAgeSeconds}; includeSubDomains`);
    next();
  };
}

/**
 * Whose budget a request spends. Behind a trusted proxy every request comes from the proxy's address, so it is
 * the signed-in user's (or screen's) own, or else the forwarded client address; otherwise the client address.
 */
export function rateLimitKey(trustedProxies: readonly string[]): (req: Request) => string {
  const proxies = new Set(trustedProxies.map(normaliseAddress));
  return (req) => {
    if (fromTrustedProxy(req, proxies)) {
      const identity = identityOf(req);
      if (identity?.kind === 'supervisor') return `user:${identity.name}`;
      if (identity?.kind === 'display') return `screen:${identity.id}`;
    }
    // req.ip is the forwarded client only when the socket is a trusted proxy (Express's "trust proxy").
    return `ip:${ipKeyGenerator(req.ip ?? '')}`;
  };
}

/**
 * Limits on the server's own endpoints. Viewers never cause Connect calls (the poller runs on its own
 * schedule), so these only stop one client from hogging the server.
 */
export function rateLimits(
  app: Express,
  options: {
    readsPerMinute: number;
    writesPerMinute: number;
    historyReadsPerMinute: number;
    trustedProxies: readonly string[];
  },
): void {
  // Reads and changes count apart: a supervisor who has read the wall all minute can still acknowledge an alert.
  const reads = (req: Request) => ['GET', 'HEAD', 'OPTIONS'].includes(req.method);
  // The recorded history besides: a timeline of days is tens of milliseconds of the server's one thread, and a
  // moment's view a keyframe to decompress, so a client gets fewer of them than of other reads (a replay playing
  // asks one moment a second, a laptop its timeline once a minute).
  const historyReads = (req: Request) =>
    reads(req) &&
    (routePath(req) === '/v1/timeline' || (routePath(req) === '/v1/snapshot' && req.query.at !== undefined));
  const limiter = (
    kind: 'requests' | 'changes' | 'reads of the recorded history',
    limit: number,
    counts: (req: Request) => boolean,
    setting = kind === 'changes' ? 'API_WRITES_PER_MINUTE' : 'API_READS_PER_MINUTE',
  ) =>
    rateLimit({
      windowMs: 60_000,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // The stream is one long request: counting it like a poll would be meaningless. Screens' reports have
      // a limit of their own, per screen (displays/routes.ts): a wall of screens behind one address is normal.
      skip: (req) => !counts(req) || ['/v1/stream', '/v1/displays/report'].includes(routePath(req)),
      keyGenerator: rateLimitKey(options.trustedProxies),
      handler: (_req, _res, next) => {
        next(
          new TooManyRequestsError(
            `Too many ${kind} from you (${setting}); slow down and retry shortly.`,
            'rate_limited',
            60,
          ),
        );
      },
    });
  app.use('/api', limiter('requests', options.readsPerMinute, reads));
  app.use(
    '/api',
    limiter(
      'reads of the recorded history',
      options.historyReadsPerMinute,
      historyReads,
      'HISTORY_READS_PER_MINUTE',
    ),
  );
  app.use(
    '/api',
    limiter('changes', options.writesPerMinute, (req) => !reads(req)),
  );
}

/** Query parameters each API path accepts; any other is refused with 400 and a message naming it. */
export function strictQuery(allowed: Readonly<Record<string, readonly string[]>>): RequestHandler {
  return (req, _res, next) => {
    const path = routePath(req)
      .replace(/\/[^/]+\/acknowledge$/, '/:id/acknowledge')
      .replace(/^\/v1\/intraday\/[^/]+$/, '/v1/intraday/:queueId');
    const accepted = allowed[path] ?? [];
    for (const key of Object.keys(req.query)) {
      if (!accepted.includes(key)) {
        const takes =
          accepted.length > 0 ? `it takes ${accepted.map((k) => `"${k}"`).join(', ')}` : 'it takes none';
        throw new BadRequestError(
          `Unknown query parameter "${key}" for ${req.baseUrl}${req.path}: ${takes}.`,
          'unknown_query_parameter',
        );
      }
    }
    next();
  };
}
