import type { Queue, Snapshot } from '@switchboard/shared';
import type { Logger } from '../logger.js';
import { resolveQueueRefs } from '../config/boards.js';
import { configForInstance } from '../config/instances.js';
import type { WallboardConfig } from '../config/schema.js';
import type { ConfigStore } from '../config/store.js';
import { SCREEN_ALERT_PREFIX } from '@switchboard/shared';
import { AlertEngine, type ScreenWatch } from './engine.js';
import type { AlertsBackend } from './routes.js';
import { WebhookNotifier, type WebhookTarget } from './webhook.js';

/** One Connect instance's thresholds and alerts. */
export interface Alerting {
  engine: AlertEngine;
  notifier: WebhookNotifier;
  /** Applied to every snapshot before it is published. */
  enrich: (snapshot: Snapshot) => Snapshot;
  /** This process's engine, for the alert endpoints when no other replica is in charge. */
  local: AlertsBackend;
  /** Evaluates the screen alert rules on these screens, and names them in webhook messages. */
  watchScreens(screens: ScreenWatch & { label(key: string): string }): void;
}

/**
 * Thresholds and alerts of one Connect instance: evaluates every snapshot against the configuration in force
 * (every rule, and the boards bound to this instance) and sends webhook notifications off the poller's path.
 */
export function setupAlerting(options: {
  configStore: ConfigStore;
  /** The instance's id in the configuration. */
  instance: string;
  logger: Logger;
  latest: () => Snapshot | null;
  clock?: () => number;
  /** The contact centre's time zone (TIME_ZONE, else the file's): where "today" of the alert history starts. */
  timeZone?: (config: WallboardConfig) => string;
}): Alerting {
  const { logger, configStore, instance } = options;
  const config = () => configForInstance(configStore.current, instance);
  const engine = new AlertEngine(config, options.clock, options.timeZone);
  // The queues of the snapshot an event came with (one the rules stepped on is not the latest until enriched, and
  // a queue discovered in it is in no snapshot before), else of the latest.
  let eventQueues: readonly Queue[] | null = null;
  const queues = () => eventQueues ?? options.latest()?.queues ?? [];

  const webhookTargets = (): WebhookTarget[] =>
    config().boards.flatMap((board) =>
      board.webhook
        ? [
            {
              boardId: board.id,
              url: board.webhook.url,
              queueIds: board.queues === 'all' ? null : new Set(resolveQueueRefs(board.queues, queues())),
              locale: board.locale ?? config().locale,
            },
          ]
        : [],
    );
  // Targets are resolved when an event is sent, against the queues of that moment.
  let screenLabel: ((key: string) => string) | null = null;
  const notifier = new WebhookNotifier([], {
    logger,
    queueName: (id) =>
      id.startsWith(SCREEN_ALERT_PREFIX)
        ? `screen ${screenLabel?.(id.slice(SCREEN_ALERT_PREFIX.length)) ?? id.slice(SCREEN_ALERT_PREFIX.length)}`
        : queues().find((q) => q.id === id)?.name,
  });
  engine.onEvent((event, snapshot) => {
    logger.info(
      // The instance is in the logger's own fields (instances.ts): not written twice on the line.
      { alertId: event.alertId, kind: event.kind, level: event.level, queueId: event.queueId },
      'alert',
    );
    eventQueues = snapshot?.queues ?? null;
    try {
      notifier.setTargets(webhookTargets());
      notifier.notify(event);
    } finally {
      eventQueues = null;
    }
  });

  const local: AlertsBackend = {
    active: () => engine.active,
    history: () => [...engine.todaysHistory],
    acknowledge: (id, by) => engine.acknowledge(id, by),
  };
  return {
    engine,
    notifier,
    enrich: engine.enrich,
    local,
    watchScreens(screens) {
      screenLabel = (key) => screens.label(key);
      engine.watchScreens(screens);
    },
  };
}
