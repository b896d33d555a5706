import { existsSync } from 'node:fs';
import express, { type ErrorRequestHandler, type Express, type Request, type Router } from 'express';
import type { Snapshot } from '@switchboard/shared';
import { snapshotETag } from './streamETag.js';

export interface SnapshotSource {
  readonly latest: Snapshot | null;
}

/** A request the server understood but cannot serve as asked (an unknown instance or board): answered 400. */
export class BadRequestError extends Error {}

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
  /** Extra facts for /readyz, e.g. a refused configuration edit. */
  readyDetails?: () => Record<string, unknown>;
  /** Headers, access control and request limits, applied before any route. */
  secure?: (app: Express) => void;
}

export function createApp({
  source,
  selectSource,
  ready: isReady,
  webDist,
  routers = [],
  readyDetails,
  secure,
}: AppOptions): Express {
  const sourceOf = (req: Request) => selectSource?.(req) ?? source;
  const app = express();
  app.disable('x-powered-by');
  secure?.(app);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', (_req, res) => {
    const ready = isReady?.() ?? source.latest !== null;
    res.status(ready ? 200 : 503).json({ ready, ...readyDetails?.() });
  });

  app.get('/api/v1/snapshot', (req, res) => {
    const snapshot = sourceOf(req).latest;
    if (!snapshot) {
      res
        .status(503)
        .set('Retry-After', '2')
        .json({ error: 'No snapshot yet: the first poll of Connect is running.' });
      return;
    }
    const etag = snapshotETag(snapshot);
    res.set({ 'Cache-Control': 'no-cache', ETag: etag });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.json(snapshot);
  });

  for (const router of routers) app.use(router);

  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'Unknown API path. See the README for the endpoints.' });
  });

  const badRequest: ErrorRequestHandler = (error, _req, res, next) => {
    if (!(error instanceof BadRequestError)) {
      next(error);
      return;
    }
    res.status(400).json({ error: error.message });
  };
  app.use(badRequest);

  if (webDist && existsSync(webDist)) {
    app.use(express.static(webDist, { index: 'index.html', maxAge: '1h' }));
    app.get('/{*path}', (_req, res) => {
      res.sendFile('index.html', { root: webDist });
    });
  }
  return app;
}
