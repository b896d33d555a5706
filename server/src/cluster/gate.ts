import type { ConnectClient } from '@aws-sdk/client-connect';

/** A Connect call refused because this replica is not (or no longer) the one polling the instance. */
export class ConnectGateClosed extends Error {
  override readonly name = 'ConnectGateClosed';
}

/**
 * Fences a Connect client: while the gate is shut no request leaves this process, whatever the poller has
 * still in hand (a page of a listing, a retry, a timer that fired late). It also counts the calls in flight, so
 * a replica handing over its lease can wait for them to end first. Two replicas' calls never interleave.
 */
export class ConnectGate {
  private isOpen = false;
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(client: ConnectClient) {
    client.middlewareStack.add(
      (next) => async (args) => {
        // Checked on every attempt: the SDK's retries run outside this step.
        if (!this.isOpen)
          throw new ConnectGateClosed(
            'Not polling this instance from this replica now: another holds the polling lease, or this one is stopping.',
          );
        this.inFlight += 1;
        try {
          return await next(args);
        } finally {
          this.inFlight -= 1;
          if (this.inFlight === 0) for (const wake of this.waiters.splice(0)) wake();
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: 'switchboardConnectGate' },
    );
  }

  get open(): boolean {
    return this.isOpen;
  }

  get callsInFlight(): number {
    return this.inFlight;
  }

  let(): void {
    this.isOpen = true;
  }

  shut(): void {
    this.isOpen = false;
  }

  /** Resolves once no call is in flight, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
