import { Router, type Request } from 'express';
import type { IntervalPoint } from '@switchboard/shared';
import { NotFoundError } from '../errors.js';

export interface IntradaySource {
  /** The poller's own series, or with Redis the leader's, asked from whichever replica took the request. */
  queueIntraday(queueId: string): IntervalPoint[] | null | Promise<IntervalPoint[] | null>;
}

/**
 * GET /api/v1/intraday/:queueId: one queue's series for today, every figure, for instances too large to carry
 * every queue's series in the snapshot (see `intraday.queues`, filled up to 100 queues).
 */
export function intradayRouter(select: (req: Request) => IntradaySource): Router {
  const router = Router();
  router.get('/api/v1/intraday/:queueId', async (req, res) => {
    // With Redis, a follower asks the leader; no leader gives 503 with Retry-After (NoLeaderError).
    const series = await select(req).queueIntraday(req.params.queueId);
    if (!series)
      throw new NotFoundError(`Unknown queue "${req.params.queueId}" on this instance.`, 'unknown_queue');
    res.set('Cache-Control', 'no-store').json({ queueId: req.params.queueId, points: series });
  });
  return router;
}
