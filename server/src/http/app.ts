import { existsSync } from 'node:fs';
import express, { type Express } from 'express';
import type { Snapshot } from '@switchboard/shared';

export interface SnapshotSource {
  readonly latest: Snapshot | null;
}

export interface AppOptions {
  source: SnapshotSource;
  /** The built web app; when present it is served at / so one process and one port is the whole product. */
  webDist?: string;
}

export function createApp({ source, webDist }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', (_req, res) => {
    const ready = source.latest !== null;
    res.status(ready ? 200 : 503).json({ ready });
  });

  app.get('/api/v1/snapshot', (_req, res) => {
    const snapshot = source.latest;
    if (!snapshot) {
      res
        .status(503)
        .set('Retry-After', '2')
        .json({ error: 'No snapshot yet: the first poll of Connect is running.' });
      return;
    }
    res.set('Cache-Control', 'no-store').json(snapshot);
  });

  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'Unknown API path. See the README for the endpoints.' });
  });

  if (webDist && existsSync(webDist)) {
    app.use(express.static(webDist, { index: 'index.html', maxAge: '1h' }));
    app.get('/{*path}', (_req, res) => {
      res.sendFile('index.html', { root: webDist });
    });
  }
  return app;
}
