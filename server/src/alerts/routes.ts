import type { Alert, AlertEvent } from '@switchboard/shared';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { BadRequestError } from '../errors.js';
import { identityOf, requireSupervisor } from '../security/access.js';

const acknowledgeBody = z
  .object({
    by: z
      .string({ error: 'by must be a string: the name of the supervisor acknowledging the alert' })
      .trim()
      .min(1, 'by must not be empty: give the name of the supervisor acknowledging the alert')
      .max(100, 'by must be at most 100 characters')
      // Shown on every screen's alert list and in the history: a line feed or an escape would garble them.
      .refine((by) => !/\p{Cc}/u.test(by), 'by must not hold control characters (line feeds, tabs, escapes)')
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
        throw new BadRequestError(
          parsed.error.issues.map((issue) => issue.message).join('; '),
          'invalid_body',
        );
      }
      // Behind a proxy or with a supervisor token the server knows who is asking; only an open wallboard
      // (loopback by default) takes the name from the request.
      const identity = identityOf(req);
      const by = identity?.kind === 'supervisor' ? identity.name : parsed.data.by;
      if (!by) {
        throw new BadRequestError(
          'by is required: the name of the supervisor acknowledging the alert',
          'name_required',
        );
      }
      // Unknown alerts and a missing leader are typed errors, answered by the error handler.
      res.json(await backend.acknowledge(String(req.params.id), by));
    },
  );

  return router;
}
