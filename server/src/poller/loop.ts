import pRetry from 'p-retry';

/** How a loop backs off after a failed round: the first wait, doubling up to `maxMs`. */
export interface RetryPolicy {
  firstMs: number;
  maxMs: number;
}

/**
 * Runs a task again and again, each run scheduled after the previous one ends by however long `task` says.
 * A task that fails throws (having reported its failure); with a `retry` policy the loop runs it again after
 * an exponential backoff (p-retry), the policy read afresh at the start of each run of failures. A task never
 * stops the loop: a failure without a policy waits five seconds.
 */
export class Loop {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private wake: (() => void) | undefined;
  /** Aborts the backoff under way, on stop or poke. */
  private retrying: AbortController | undefined;

  constructor(
    private readonly name: string,
    private readonly task: () => Promise<number>,
    private readonly retry?: () => RetryPolicy,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.retrying?.abort();
    this.wake?.();
  }

  /** Runs the next round now instead of waiting out the delay or the backoff. */
  poke(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.retrying?.abort();
    this.wake?.();
  }

  private async round(): Promise<number> {
    if (!this.retry) return this.task();
    const policy = this.retry();
    const retrying = new AbortController();
    this.retrying = retrying;
    try {
      return await pRetry(() => this.task(), {
        retries: Infinity,
        factor: 2,
        minTimeout: Math.min(policy.firstMs, policy.maxMs),
        maxTimeout: policy.maxMs,
        signal: retrying.signal,
      });
    } catch (error) {
      // Poked (or stopped) while backing off: the next round starts now.
      if (retrying.signal.aborted) return 0;
      throw error;
    } finally {
      if (this.retrying === retrying) this.retrying = undefined;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay: number;
      try {
        delay = await this.round();
      } catch {
        // Tasks report their own errors; this is a last guard so a loop never dies.
        delay = 5000;
      }
      if (!this.running) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, Math.max(0, delay));
      });
      this.wake = undefined;
    }
  }

  toString(): string {
    return this.name;
  }
}
