import type { AlertEvent } from '@switchboard/shared';
import {
  SCREEN_ALERT_PREFIX,
  alertPlace,
  alertSentence,
  figureDescriptor,
  figureFormatter,
} from '@switchboard/shared';
import PQueue from 'p-queue';
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '../logger.js';

export interface WebhookTarget {
  boardId: string;
  url: string;
  /** Which queues the board shows (null: all); instance-wide alerts go to every board. */
  queueIds: ReadonlySet<string> | null;
  /** The board's locale (else the file's), so the message writes numbers as the board's screens do. */
  locale?: string;
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

/**
 * JSON that both Slack and Microsoft Teams incoming webhooks accept: a `text` field. The figure is written as
 * the screens write it ("Oldest contact on Sales 4 is 7:35 (limit 2:00)"), in the board's locale.
 */
export function webhookMessage(
  event: AlertEvent,
  queueName: string | undefined,
  locale?: string,
): { text: string } {
  const format = figureFormatter(locale);
  const where = event.queueId ? (queueName ?? event.queueId) : null;
  // Older events (carried over from a replica of an earlier version) may lack the threshold: no limit then.
  const figure = {
    metric: event.metric,
    value: event.value,
    threshold: event.threshold as number | undefined,
  };
  let text: string;
  if (event.kind === 'raised') {
    text = `:rotating_light: ${event.level.toUpperCase()}: ${alertSentence(figure, where, format)} (since ${event.at})`;
  } else if (event.value === null) {
    // Cleared because its queue or rule is gone, not because the figure recovered.
    const { label } = figureDescriptor(event.metric);
    text = `:white_check_mark: Cleared: ${label} ${alertPlace(where)} is no longer watched (${event.at})`;
  } else {
    text = `:white_check_mark: Cleared: ${alertSentence(figure, where, format, 'is back to')} (${event.at})`;
  }
  return { text };
}

/** A webhook's 4xx answer (other than 429): retrying will not change it. */
class RefusedError extends Error {
  constructor(readonly status: number) {
    super(`webhook refused the notification (${status})`);
  }
}

/**
 * Sends raise and clear events to each board's webhook, with retries and backoff, once per event, in order,
 * and never on the poller's path: `notify` only queues the message.
 */
export class WebhookNotifier {
  private readonly queues = new Map<string, PQueue>();
  /** Each queue's messages not yet started, oldest first: the one dropped when the backlog is full. */
  private readonly waiting = new WeakMap<PQueue, { dropped: boolean }[]>();
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

  /**
   * The boards' webhooks after a configuration reload. A URL no longer configured has its queue let go once the
   * messages already in it are delivered or given up on, so months of edits do not keep a queue per URL ever named.
   */
  setTargets(targets: WebhookTarget[]): void {
    this.targets = targets;
    for (const [url, queue] of this.queues) {
      if (targets.some((target) => target.url === url)) continue;
      void queue.onIdle().then(() => {
        const unused = !this.targets.some((target) => target.url === url);
        if (unused && this.queues.get(url) === queue && queue.size === 0 && queue.pending === 0)
          this.queues.delete(url);
      });
    }
  }

  /** How many URLs have a queue: the configured ones that were ever sent to, and any still finishing. */
  queueCount(): number {
    return this.queues.size;
  }

  notify(event: AlertEvent): void {
    if (event.kind === 'acknowledged') return;
    // A screen's alert goes to the board its screen showed, or to every board where that board has no webhook
    // here (none named, a board of another Connect instance, one removed since), as the centre's own go to every
    // board, and a queue's to the boards that show the queue.
    const onScreen = event.queueId?.startsWith(SCREEN_ALERT_PREFIX) ?? false;
    const screenBoard =
      onScreen && this.targets.some((target) => target.boardId === event.board) ? event.board : null;
    for (const target of this.targets) {
      if (screenBoard && screenBoard !== target.boardId) continue;
      const onQueue = event.queueId !== null && !onScreen;
      if (onQueue && target.queueIds && !target.queueIds.has(event.queueId ?? '')) continue;
      const key = `${target.url}|${event.alertId}|${event.kind}`;
      if (this.sent.has(key)) continue;
      this.sent.add(key);
      // Forget old keys so the set stays bounded over months of running.
      if (this.sent.size > 10_000) this.sent.delete(this.sent.values().next().value as string);
      const queue = this.queueFor(target.url);
      const waiting = this.waiting.get(queue) ?? [];
      this.waiting.set(queue, waiting);
      // The endpoint has been failing or slow for a while: the oldest waiting message goes, not this one, so the
      // channel hears the latest (an alert's clear rather than a raise long over).
      if (waiting.length >= this.maxPending) {
        const oldest = waiting.shift();
        if (oldest) oldest.dropped = true;
        this.options.logger.warn(
          { boardId: target.boardId },
          'webhook backlog full; dropping the oldest waiting notification',
        );
      }
      const body = webhookMessage(
        event,
        event.queueId ? this.options.queueName?.(event.queueId) : undefined,
        target.locale,
      );
      const entry = { dropped: false };
      waiting.push(entry);
      void queue.add(async () => {
        const at = waiting.indexOf(entry);
        if (at >= 0) waiting.splice(at, 1);
        if (!entry.dropped) await this.deliver(target, body, event);
      });
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
    try {
      await pRetry(
        async () => {
          const response = await fetch(target.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(this.timeoutMs),
            // Not followed: a redirect would take the message to wherever the answer says (an address inside
            // the network, the cloud's metadata service), and a 301 or 302 would drop its body. A 3xx is refused.
            redirect: 'manual',
          }).catch((failure: unknown) => {
            // Whatever fetch throws (a TypeError for a refused connection, a timeout), it is worth another try.
            throw new Error('webhook unreachable', { cause: failure });
          });
          // What the endpoint answers is not read: let go of it, and of its connection.
          await response.body?.cancel().catch(() => undefined);
          if (response.ok) return;
          // A 3xx, or a 4xx other than 429, will not get better by retrying.
          if (response.status < 500 && response.status !== 429)
            throw new AbortError(new RefusedError(response.status));
          throw new Error(`webhook answered ${response.status}`);
        },
        // A network error, a timeout, a 429 or a 5xx: retried, backing off exponentially.
        { retries: this.attempts - 1, minTimeout: this.backoffMs, factor: 2 },
      );
      return;
    } catch (error) {
      if (error instanceof RefusedError) {
        this.options.logger.error(
          { boardId: target.boardId, status: error.status },
          'webhook refused the notification',
        );
        return;
      }
    }
    // The URL may hold a secret token: log the board, never the URL.
    this.options.logger.error(
      { boardId: target.boardId, alertId: event.alertId },
      'webhook notification failed after retries',
    );
  }
}
