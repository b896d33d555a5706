import type { Alert, AlertEvent } from '@switchboard/shared';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { NoLeaderError, UnknownAlertOnLeader } from '../cluster/cluster.js';
import { identityOf, requireSupervisor } from '../security/access.js';
import { UnknownAlertError } from './engine.js';

const acknowledgeBody = z
  .object({
    by: z
      .string({ error: 'by must be a string: the name of the supervisor acknowledging the alert' })
      .trim()
      .min(1, 'by must not be empty: give the name of the supervisor acknowledging the alert')
      .max(100, 'by must be at most 100 characters')
      .optional(),
  })
  .strict();

/**
 * Where the alert endpoints read and write. With several replicas, alerts are evaluated by the replica that
 * polls; the others read the alerts of the snapshot they serve and carry acknowledgements to it.
 */
export interface AlertsBackend {
  active(): Alert[];
  history(): AlertEvent[] | Promise<AlertEvent[]>;
  acknowledge(alertId: string, by: string): Alert | Promise<Alert>;
}

/** `backendOf` picks the Connect instance a request asks for (`?instance=`, `?board=`). */
export function alertsRouter(backendOf: (req: Request) => AlertsBackend): Router {
  const router = Router();

  router.get('/api/v1/alerts', (req, res) => {
    res.set('Cache-Control', 'no-store').json({ alerts: backendOf(req).active() });
  });

  router.get('/api/v1/alerts/history', async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ events: await backendOf(req).history() });
  });

  router.post(
    '/api/v1/alerts/:id/acknowledge',
    requireSupervisor,
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const backend = backendOf(req);
      const parsed = acknowledgeBody.safeParse(req.body ?? {});
      if (!parsed.success) {
        res.status(400).json({ error: parsed.error.issues.map((issue) => issue.message).join('; ') });
        return;
      }
      // Behind a proxy or with a supervisor token the server knows who is asking; only an open wallboard
      // (loopback by default) takes the name from the request.
      const identity = identityOf(req);
      const by = identity?.kind === 'supervisor' ? identity.name : parsed.data.by;
      if (!by) {
        res.status(400).json({ error: 'by is required: the name of the supervisor acknowledging the alert' });
        return;
      }
      try {
        res.json(await backend.acknowledge(String(req.params.id), by));
      } catch (error) {
        if (error instanceof UnknownAlertError || error instanceof UnknownAlertOnLeader) {
          res.status(404).json({ error: error.message });
          return;
        }
        if (error instanceof NoLeaderError) {
          res.status(503).set('Retry-After', '3').json({ error: error.message });
          return;
        }
        throw error;
      }
    },
  );

  return router;
}
