import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** What a follower gets back: the leader's answer, or word that no leader answered in time. */
export type RelayOutcome<Answer> =
  { answer: Answer } | { error: string; code?: string } | 'no-leader' | 'unreachable';

interface Reply<Answer> {
  requestId: string;
  answer?: Answer;
  error?: string;
  /** The refusal's code, where the leader's error had one (`no_leader`: it lost the lease meanwhile). */
  code?: string;
}

/**
 * A question a follower puts to the leader over Redis pub/sub (only the leader holds the poller and the alert
 * engine): a request channel the leader answers on, a reply channel every replica reads, a request id to match
 * them, and a deadline for when no replica leads.
 */
export class Relay<Question, Answer> {
  private readonly pending = new Map<string, (reply: Reply<Answer>) => void>();

  constructor(
    private readonly redis: Redis,
    readonly requests: string,
    readonly replies: string,
    private readonly answer: (question: Question) => Answer | Promise<Answer>,
    private readonly timeoutMs = 3000,
  ) {}

  async ask(question: Question): Promise<RelayOutcome<Answer>> {
    const requestId = randomUUID();
    const reply = new Promise<Reply<Answer> | null>((resolve) => {
      this.pending.set(requestId, resolve);
      setTimeout(() => resolve(null), this.timeoutMs).unref();
    });
    try {
      await this.redis.publish(this.requests, JSON.stringify({ requestId, question }));
    } catch {
      this.pending.delete(requestId);
      return 'unreachable';
    }
    const result = await reply;
    this.pending.delete(requestId);
    if (!result) return 'no-leader';
    if (result.error === undefined) return { answer: result.answer as Answer };
    return result.code === undefined ? { error: result.error } : { error: result.error, code: result.code };
  }

  /** Handles a message of either channel; the leader answers requests, everyone reads replies. */
  onMessage(channel: string, message: string, leading: boolean): void {
    if (channel === this.requests && leading) void this.reply(message);
    else if (channel === this.replies) {
      try {
        const reply = JSON.parse(message) as Reply<Answer>;
        this.pending.get(reply.requestId)?.(reply);
      } catch {
        // Not ours to read.
      }
    }
  }

  private async reply(message: string): Promise<void> {
    let request: { requestId: string; question: Question };
    try {
      request = JSON.parse(message) as typeof request;
    } catch {
      return;
    }
    let reply: Reply<Answer>;
    try {
      reply = { requestId: request.requestId, answer: await this.answer(request.question) };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      reply = {
        requestId: request.requestId,
        error: (error as Error).message,
        ...(typeof code === 'string' ? { code } : {}),
      };
    }
    await this.redis.publish(this.replies, JSON.stringify(reply)).catch(() => undefined);
  }
}
