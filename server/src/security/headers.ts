import type { Express, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';

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
 * Limits on the server's own endpoints. Viewers never cause Connect calls (the poller runs on its own
 * schedule), so these only stop one client from hogging the server.
 */
export function rateLimits(app: Express, options: { readsPerMinute: number; writesPerMinute: number }): void {
  const message = (what: string) => ({
    error: `Too many ${what} from this address; slow down and retry shortly.`,
  });
  app.use(
    '/api',
    rateLimit({
      windowMs: 60_000,
      limit: (req) => (req.method === 'GET' ? options.readsPerMinute : options.writesPerMinute),
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // The stream is one long request: counting it like a poll would be meaningless.
      skip: (req) => req.path === '/v1/stream',
      message: (req: { method: string }) => message(req.method === 'GET' ? 'requests' : 'changes'),
    }),
  );
}

/** Query parameters each API path accepts; any other is refused with 400 and a message naming it. */
export function strictQuery(allowed: Readonly<Record<string, readonly string[]>>): RequestHandler {
  return (req, res, next) => {
    const path = req.path
      .replace(/\/[^/]+\/acknowledge$/, '/:id/acknowledge')
      .replace(/^\/v1\/intraday\/[^/]+$/, '/v1/intraday/:queueId');
    const accepted = allowed[path] ?? [];
    for (const key of Object.keys(req.query)) {
      if (!accepted.includes(key)) {
        const takes =
          accepted.length > 0 ? `it takes ${accepted.map((k) => `"${k}"`).join(', ')}` : 'it takes none';
        res
          .status(400)
          .json({ error: `Unknown query parameter "${key}" for ${req.baseUrl}${req.path}: ${takes}.` });
        return;
      }
    }
    next();
  };
}
