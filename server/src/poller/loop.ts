/**
 * Runs a task again and again, each run scheduled after the previous one ends by however long `task` says.
 * A task never throws out of here: it reports its own failures and chooses its next delay.
 */
export class Loop {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly name: string,
    private readonly task: () => Promise<number>,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.wake?.();
  }

  /** Runs the next round now instead of waiting out the delay. */
  poke(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay: number;
      try {
        delay = await this.task();
      } catch {
        // Tasks handle their own errors; this is a last guard so a loop never dies.
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
