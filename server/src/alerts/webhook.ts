import type { AlertEvent } from '@switchboard/shared';
import { metricLabel } from '@switchboard/shared';
import PQueue from 'p-queue';
import type { Logger } from '../logger.js';

export interface WebhookTarget {
  boardId: string;
  url: string;
  /** Which queues the board shows (null: all); instance-wide alerts go to every board. */
  queueIds: ReadonlySet<string> | null;
}

export interface WebhookOptions {
  logger: Logger;
  /** Attempts per message, backing off exponentially from `backoffMs`. */
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  /** At most this many messages wait per webhook; beyond it the oldest waiting one is dropped and logged. */
  maxPending?: number;
  queueName?: (queueId: string) => string | undefined;
}

/** JSON that both Slack and Microsoft Teams incoming webhooks accept: a `text` field. */
export function webhookMessage(event: AlertEvent, queueName: string | undefined): { text: string } {
  const where = event.queueId ? `queue ${queueName ?? event.queueId}` : 'the contact centre';
  const what = metricLabel(event.metric);
  const value = event.value === null ? 'no data' : String(event.value);
  const text =
    event.kind === 'raised'
      ? `:rotating_light: ${event.level.toUpperCase()}: ${what} in ${where} is ${value} (since ${event.at})`
      : `:white_check_mark: Cleared: ${what} in ${where} is back to ${value} (${event.at})`;
  return { text };
}

/**
 * Sends raise and clear events to each board's webhook, with retries and backoff, once per event, in order,
 * and never on the poller's path: `notify` only queues the message.
 */
export class WebhookNotifier {
  private readonly queues = new Map<string, PQueue>();
  private readonly sent = new Set<string>();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly maxPending: number;

  constructor(
    private targets: WebhookTarget[],
    private readonly options: WebhookOptions,
  ) {
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxPending = options.maxPending ?? 100;
  }

  setTargets(targets: WebhookTarget[]): void {
    this.targets = targets;
  }

  notify(event: AlertEvent): void {
    if (event.kind === 'acknowledged') return;
    for (const target of this.targets) {
      if (event.queueId && target.queueIds && !target.queueIds.has(event.queueId)) continue;
      const key = `${target.url}|${event.alertId}|${event.kind}`;
      if (this.sent.has(key)) continue;
      this.sent.add(key);
      // Forget old keys so the set stays bounded over months of running.
      if (this.sent.size > 10_000) this.sent.delete(this.sent.values().next().value as string);
      const queue = this.queueFor(target.url);
      if (queue.size >= this.maxPending) {
        this.options.logger.warn(
          { boardId: target.boardId },
          'webhook backlog full; dropping this notification',
        );
        continue;
      }
      const body = webhookMessage(event, event.queueId ? this.options.queueName?.(event.queueId) : undefined);
      void queue.add(() => this.deliver(target, body, event));
    }
  }

  /** Resolves once every queued message was delivered or given up on. */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.onIdle()));
  }

  private queueFor(url: string): PQueue {
    let queue = this.queues.get(url);
    if (!queue) {
      queue = new PQueue({ concurrency: 1 });
      this.queues.set(url, queue);
    }
    return queue;
  }

  private async deliver(target: WebhookTarget, body: { text: string }, event: AlertEvent): Promise<void> {
    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (response.ok) return;
        // A 4xx other than 429 will not get better by retrying.
        if (response.status < 500 && response.status !== 429) {
          this.options.logger.error(
            { boardId: target.boardId, status: response.status },
            'webhook refused the notification',
          );
          return;
        }
      } catch {
        // A network error or timeout: retried below.
      }
      if (attempt < this.attempts)
        await new Promise((resolve) => setTimeout(resolve, this.backoffMs * 2 ** (attempt - 1)));
    }
    // The URL may hold a secret token: log the board, never the URL.
    this.options.logger.error(
      { boardId: target.boardId, alertId: event.alertId },
      'webhook notification failed after retries',
    );
  }
}
