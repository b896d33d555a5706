import type { Snapshot } from '@switchboard/shared';
import { Router, type Request } from 'express';
import { publicConfig } from '../config/boards.js';
import type { ConfigStore } from '../config/store.js';
import { identityOf } from '../security/access.js';
import { scopedPublicConfig } from '../security/boardScope.js';

/** What a supervisor limited to some boards is told of a refused edit: why would name the other boards. */
const REFUSED_EDIT =
  "why is not given here, as it names other boards: the server's log, and a supervisor of every board, see it.";

/** GET /api/v1/config: the public configuration of every instance, its boards resolved against their queues. */
export function configRouter(options: {
  configStore: ConfigStore;
  staleAfterMs: number;
  /** The latest snapshot of an instance (by its id), whose queues its boards resolve against. */
  latest: (instance: string) => Snapshot | null;
  /**
   * Whether a request may see why an edit of the file was refused (paths, keys, other boards' ids): as /readyz's
   * details, a supervisor of every board or a client on this machine. A supervisor limited to some boards is told
   * only that it was.
   */
  mayInspect: (req: Request) => boolean;
}): Router {
  const { configStore } = options;
  const router = Router();
  router.get('/api/v1/config', (req, res) => {
    const config = publicConfig(configStore.current, (instance) => options.latest(instance)?.queues ?? [], {
      staleAfterMs: options.staleAfterMs,
      configError:
        configStore.error === null || options.mayInspect(req)
          ? configStore.error
          : identityOf(req)?.kind === 'supervisor'
            ? REFUSED_EDIT
            : null,
    });
    // A board-scoped screen learns only the boards it may read.
    res.set('Cache-Control', 'no-store').json(scopedPublicConfig(req, config));
  });
  return router;
}
