import { existsSync } from 'node:fs';
import compression from 'compression';
import express, { type Express, type Request, type Response, type Router } from 'express';
import { STREAM_EVENT_ID_HEADER, streamEventId, type Snapshot } from '@switchboard/shared';
import { MethodNotAllowedError, NotFoundError, UnavailableError } from '../errors.js';
import { allowedMethods } from './allowedMethods.js';
import { createLogger, type Logger } from '../logger.js';
import { errorHandler } from './errorHandler.js';
import { snapshotETag } from './snapshotETag.js';
import { filePath, routePath } from './routePath.js';

export { BadRequestError } from '../errors.js';

/** The stream's path, which compresses itself. */
const STREAM_PATH = '/api/v1/stream';

export interface SnapshotSource {
  readonly latest: Snapshot | null;
  /** What else the view depends on (the configuration it was projected under), for its ETag. */
  readonly revision?: string;
  /** Why there is no snapshot, where it is not that the first poll is running (the shared store unreachable). */
  unavailable?(): UnavailableError | null;
}

export interface AppOptions {
  /** The default source: the first Connect instance. */
  source: SnapshotSource;
  /** With several Connect instances, the source a request asks for (`?instance=`, `?board=`); throws BadRequestError. */
  selectSource?: (req: Request) => SnapshotSource;
  /** Whether every source has a snapshot; by default whether `source` has one. */
  ready?: () => boolean;
  /** The built web app; when present it is served at / so one process and one port is the whole product. */
  webDist?: string;
  /** More API routes (configuration, alerts), mounted before the API's 404. */
  routers?: Router[];
  /** Routes that answer some requests of the routes above first (GET /api/v1/snapshot?at= from history). */
  earlyRouters?: Router[];
  /** Extra facts for /readyz, e.g. a refused configuration edit. */
  readyDetails?: () => Record<string, unknown>;
  /** Headers, access control and request limits, applied before any route. */
  secure?: (app: Express) => void;
  /** Where failures nobody expected are logged (once, with their stack); silent when absent. */
  logger?: Logger;
  /** Who may read /readyz's details (configuration errors name files and keys); others get only `ready`. */
  mayInspect?: (req: Request) => boolean;
  /** Serve the web app's source maps (`*.map`); they are refused with 404 otherwise. */
  serveSourceMaps?: boolean;
}

export function createApp({
  source,
  selectSource,
  ready: isReady,
  webDist,
  routers = [],
  earlyRouters = [],
  readyDetails,
  secure,
  logger,
  mayInspect = () => true,
  serveSourceMaps = false,
}: AppOptions): Express {
  const sourceOf = (req: Request) => selectSource?.(req) ?? source;
  const app = express();
  app.disable('x-powered-by');
  secure?.(app);
  // What a browser loads and asks goes compressed where it takes it (the web app's files are three quarters
  // smaller, a snapshot whole tenfold): not the stream, which compresses each frame once for all its viewers.
  app.use(
    compression({ filter: (req, res) => routePath(req) !== STREAM_PATH && compression.filter(req, res) }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', (req, res) => {
    const ready = isReady?.() ?? source.latest !== null;
    res.set('Cache-Control', 'no-store');
    res.status(ready ? 200 : 503).json(mayInspect(req) ? { ready, ...readyDetails?.() } : { ready });
  });

  for (const router of earlyRouters) app.use(router);

  app.get('/api/v1/snapshot', (req, res) => {
    const source = sourceOf(req);
    const snapshot = source.latest;
    if (!snapshot) {
      const reason = source.unavailable?.();
      if (reason) throw reason;
      throw new UnavailableError(
        'No snapshot yet: the first poll of Connect is running.',
        'no_snapshot_yet',
        2,
      );
    }
    const etag = snapshotETag(snapshot, source.revision);
    // The figures are for signed-in screens only: no shared cache may keep them, and a cached copy is checked.
    // With them, the id the stream gives this view (its generation, instance and board revision): a page that
    // polled resumes the stream from it, with the patches since, where the board is projected as it was.
    res.set({
      'Cache-Control': 'private, no-cache',
      Vary: 'Cookie',
      ETag: etag,
      [STREAM_EVENT_ID_HEADER]: streamEventId(snapshot, source.revision),
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.json(snapshot);
  });

  for (const router of routers) app.use(router);

  // Every API route is above: a path one of them has, asked with another method, is answered 405 with the
  // methods it takes.
  const apiLayers = app.router.stack.length;
  // OPTIONS is answered with those methods (and no CORS headers: no other origin is let in).
  const otherMethod = (req: Request, res: Response, path: string): boolean => {
    const allow = allowedMethods(app.router, apiLayers, path);
    if (allow.length === 0) return false;
    if (req.method !== 'OPTIONS') throw new MethodNotAllowedError(req.method, allow);
    res
      .set('Allow', [...allow, 'OPTIONS'].join(', '))
      .status(204)
      .end();
    return true;
  };
  app.use('/api', (req, res) => {
    if (otherMethod(req, res, req.baseUrl + req.path)) return;
    throw new NotFoundError('Unknown API path. See the README for the endpoints.', 'unknown_path');
  });

  if (webDist && existsSync(webDist)) {
    if (!serveSourceMaps) {
      app.use((req, _res, next) => {
        if (filePath(req).endsWith('.map'))
          throw new NotFoundError('Source maps are not served.', 'not_found');
        next();
      });
    }
    // Every page may need a sign-in: private to the browser, never a shared cache's. The HTML is checked on
    // every load (a new release is picked up at once); the assets' names carry their content's hash.
    app.use(
      express.static(webDist, {
        index: 'index.html',
        setHeaders: (res, path) => {
          res.set(
            'Cache-Control',
            /[\\/]assets[\\/]/.test(path) && !path.endsWith('.html')
              ? 'private, max-age=31536000, immutable'
              : 'private, no-cache',
          );
          res.set('Vary', 'Cookie');
        },
      }),
    );
    app.get('/{*path}', (req, res) => {
      // A file the build does not have (a page of an older build asking for its own chunk after an upgrade) is
      // not found: the page, given HTML for a script, would fail to parse it rather than see a failed load.
      if (/^\/assets\//i.test(filePath(req)))
        throw new NotFoundError('No such file in this build of the web app: reload the page.', 'not_found');
      res.set({ 'Cache-Control': 'private, no-cache', Vary: 'Cookie' });
      res.sendFile('index.html', { root: webDist });
    });
  }
  // Whatever nothing above answered (another method, no web app built) gets the same JSON as any error: 405 for
  // a path of the server's own (`/healthz`, `/metrics`) asked with another method.
  app.use((req, res) => {
    if (otherMethod(req, res, req.path)) return;
    throw new NotFoundError('Nothing here. See the README for the endpoints.', 'not_found');
  });
  app.use(errorHandler(logger ?? createLogger('silent')));
  return app;
}
