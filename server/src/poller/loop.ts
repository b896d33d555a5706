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
  /** The task is running (not waiting out a delay or a backoff). */
  private attempting = false;
  /** Poked while the task ran: the next run starts as soon as this one ends. */
  private pokedDuringRun = false;
  /** Woken while the task ran: should this run fail, the next starts at once rather than after a backoff. */
  private wokenDuringRun = false;

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

  /**
   * Runs the next round now instead of waiting out the delay or the backoff. Poked while the task runs, the loop
   * runs it again as soon as it ends, whatever it asked for: what it started from may be out of date (a
   * configuration reloaded, a queue deleted since the listing began).
   */
  poke(): void {
    if (!this.running) return;
    if (this.attempting) {
      this.pokedDuringRun = true;
      return;
    }
    clearTimeout(this.timer);
    this.retrying?.abort();
    this.wake?.();
  }

  /**
   * Ends the wait under way, if the loop is waiting. A run under way is left to finish: one that succeeds
   * schedules the next itself, one that fails is tried again at once rather than after its backoff.
   */
  wakeIfWaiting(): void {
    if (!this.running) return;
    if (this.attempting) this.wokenDuringRun = true;
    else this.poke();
  }

  private async attempt(): Promise<number> {
    this.attempting = true;
    this.wokenDuringRun = false;
    try {
      return await this.task();
    } finally {
      this.attempting = false;
    }
  }

  private async round(): Promise<number> {
    if (!this.retry) return this.attempt();
    const policy = this.retry();
    const retrying = new AbortController();
    this.retrying = retrying;
    try {
      return await pRetry(() => this.attempt(), {
        retries: Infinity,
        factor: 2,
        minTimeout: Math.min(policy.firstMs, policy.maxMs),
        maxTimeout: policy.maxMs,
        signal: retrying.signal,
        // Poked or woken while the failed run was under way: no backoff after it.
        onFailedAttempt: () => {
          if (this.pokedDuringRun || this.wokenDuringRun) retrying.abort();
        },
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
      if (this.pokedDuringRun) {
        this.pokedDuringRun = false;
        delay = 0;
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
