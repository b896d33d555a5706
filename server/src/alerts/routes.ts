import express, { Router } from 'express';
import { z } from 'zod';
import { identityOf, requireSupervisor } from '../security/access.js';
import { UnknownAlertError, type AlertEngine } from './engine.js';

const acknowledgeBody = z
  .object({
    by: z
      .string({ error: 'by is required: the name of the supervisor acknowledging the alert' })
      .trim()
      .min(1, 'by must not be empty: give the name of the supervisor acknowledging the alert')
      .max(100, 'by must be at most 100 characters')
      .optional(),
  })
  .strict();

export function alertsRouter(engine: AlertEngine): Router {
  const router = Router();

  router.get('/api/v1/alerts', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ alerts: engine.active });
  });

  router.get('/api/v1/alerts/history', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ events: engine.todaysHistory });
  });

  router.post(
    '/api/v1/alerts/:id/acknowledge',
    requireSupervisor,
    express.json({ limit: '4kb' }),
    (req, res) => {
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
        res.json(engine.acknowledge(String(req.params.id), by));
      } catch (error) {
        if (error instanceof UnknownAlertError) {
          res.status(404).json({ error: error.message });
          return;
        }
        throw error;
      }
    },
  );

  return router;
}
