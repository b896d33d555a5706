import type { Snapshot } from '@switchboard/shared';
import { Router } from 'express';
import type { Logger } from '../logger.js';
import { publicConfig, resolveQueueRefs } from '../config/boards.js';
import { ConfigStore } from '../config/store.js';
import { AlertEngine } from './engine.js';
import { alertsRouter, type AlertsBackend } from './routes.js';
import { WebhookNotifier, type WebhookTarget } from './webhook.js';

export interface Alerting {
  configStore: ConfigStore;
  engine: AlertEngine;
  notifier: WebhookNotifier;
  /** Applied to every snapshot before it is published. */
  enrich: (snapshot: Snapshot) => Snapshot;
  /** GET /api/v1/config and the alert endpoints. */
  router: Router;
  close(): void;
}

/**
 * Boards, thresholds and alerts: loads the configuration file (a broken one throws ConfigFileError), watches
 * it for edits, evaluates every snapshot and sends webhook notifications off the poller's path.
 */
export async function setupAlerting(options: {
  configFile: string | undefined;
  staleAfterMs: number;
  logger: Logger;
  latest: () => Snapshot | null;
  clock?: () => number;
  /** Where the alert endpoints go when several replicas share the work; by default this process's engine. */
  backend?: () => AlertsBackend | undefined;
}): Promise<Alerting> {
  const { logger } = options;
  const configStore = await ConfigStore.open(options.configFile, logger);
  configStore.watch();
  const engine = new AlertEngine(() => configStore.current, options.clock);
  const queues = () => options.latest()?.queues ?? [];

  const webhookTargets = (): WebhookTarget[] =>
    configStore.current.boards.flatMap((board) =>
      board.webhook
        ? [
            {
              boardId: board.id,
              url: board.webhook.url,
              queueIds: board.queues === 'all' ? null : new Set(resolveQueueRefs(board.queues, queues())),
            },
          ]
        : [],
    );
  // Targets are resolved when an event is sent, against the queues of that moment.
  const notifier = new WebhookNotifier([], {
    logger,
    queueName: (id) => queues().find((q) => q.id === id)?.name,
  });
  engine.onEvent((event) => {
    logger.info(
      { alertId: event.alertId, kind: event.kind, level: event.level, queueId: event.queueId },
      'alert',
    );
    notifier.setTargets(webhookTargets());
    notifier.notify(event);
  });

  const router = Router();
  router.get('/api/v1/config', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(
      publicConfig(configStore.current, queues(), {
        staleAfterMs: options.staleAfterMs,
        configError: configStore.error,
      }),
    );
  });
  const local: AlertsBackend = {
    active: () => engine.active,
    history: () => [...engine.todaysHistory],
    acknowledge: (id, by) => engine.acknowledge(id, by),
  };
  const backend = () => options.backend?.() ?? local;
  router.use(
    alertsRouter({
      active: () => backend().active(),
      history: () => backend().history(),
      acknowledge: (id, by) => backend().acknowledge(id, by),
    }),
  );

  return { configStore, engine, notifier, enrich: engine.enrich, router, close: () => configStore.close() };
}
