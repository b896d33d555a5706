import { ServiceError } from './errors.js';
import { activate, appliesTo, faultsSchema, type ActiveFaults, type Faults } from './faults.js';
import type { RateLimiter } from './rateLimits.js';
import { createRng } from './rng.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The faults in force and how each call meets them: refused (denied, an outage, throttled by the rate limits
 * or at random, an internal error), its answer cut short or replaced, its answer delayed.
 */
export class FaultInjector {
  private readonly rng: () => number;

  constructor(
    private active: ActiveFaults,
    seed: number,
    private readonly wallClock: () => number,
  ) {
    this.rng = createRng(seed ^ 0xfa17);
  }

  get faults(): ActiveFaults {
    return this.active;
  }

  /** Replaces the faults in force (validated). */
  set(next: Faults): void {
    this.active = activate(faultsSchema.parse(next), this.wallClock());
  }

  /** Adds already-validated fault fields to those in force. */
  add(fields: Faults): void {
    this.active = { ...this.active, ...activate(fields, this.wallClock()) };
  }

  clear(): void {
    this.active = {};
  }

  /**
   * Throws the error Connect would answer `operation` with under the faults and the rate limits, if any. A denied
   * operation is refused as IAM words it, naming the caller and the resource by their ARNs (IAM User Guide,
   * "Troubleshooting access denied error messages"); `instanceArn` is the resource.
   */
  refuse(
    operation: string,
    limiter: RateLimiter,
    instanceArn = 'arn:aws:connect:us-east-1:123456789012:instance/*',
  ): void {
    const faults = this.active;
    if (faults.deniedOperations?.includes(operation)) {
      const account = instanceArn.split(':')[4] ?? '123456789012';
      throw new ServiceError(
        'AccessDeniedException',
        `User: arn:aws:sts::${account}:assumed-role/SwitchboardWallboard/i-0a1b2c3d4e5f67890 is not authorized to ` +
          `perform: connect:${operation} on resource: ${instanceArn} because no identity-based policy allows the ` +
          `connect:${operation} action`,
      );
    }
    if (
      faults.outageUntil !== undefined &&
      this.wallClock() < faults.outageUntil &&
      appliesTo(faults, operation)
    ) {
      throw new ServiceError('ServiceUnavailableException', 'Service unavailable (simulated outage).');
    }
    if (!limiter.take(operation)) throw new ServiceError('ThrottlingException', 'Rate exceeded.');
    if (appliesTo(faults, operation) && this.rng() < (faults.throttleRate ?? 0)) {
      throw new ServiceError('ThrottlingException', 'Rate exceeded (simulated).');
    }
    if (appliesTo(faults, operation) && this.rng() < (faults.errorRate ?? 0)) {
      throw new ServiceError('InternalServiceException', 'Request processing failed (simulated).');
    }
  }

  /** Whether this request of `operation` has its connection reset, with no answer at all. */
  reset(operation: string): boolean {
    return appliesTo(this.active, operation) && this.rng() < (this.active.resetRate ?? 0);
  }

  /** Whether the next page token of `operation` is answered as expired. */
  expireTokens(operation: string): boolean {
    return this.active.expireTokens === true && appliesTo(this.active, operation);
  }

  /** Whether a later page of `operation` gives back the NextToken it was asked with. */
  repeatTokens(operation: string): boolean {
    return this.active.repeatTokens === true && appliesTo(this.active, operation);
  }

  /** Whether a later page of `operation` leaves its DataSnapshotTime out. */
  omitsLaterSnapshotTime(operation: string): boolean {
    return this.active.omitLaterSnapshotTimes === true && appliesTo(this.active, operation);
  }

  /** Whether `operation` leaves the `Id` out of its queue references. */
  omitsQueueIds(operation: string): boolean {
    return this.active.omitQueueIds === true && appliesTo(this.active, operation);
  }

  /** Whether `operation` leaves the `Id` out of its listings' items. */
  omitsSummaryIds(operation: string): boolean {
    return this.active.omitSummaryIds === true && appliesTo(this.active, operation);
  }

  /** The metrics whose collections `operation` leaves unnamed. */
  unnamedMetrics(operation: string): ReadonlySet<string> {
    return new Set(appliesTo(this.active, operation) ? (this.active.omitMetricNames ?? []) : []);
  }

  /** Whether `operation` leaves the `ThresholdValue` out of the thresholds it echoes. */
  omitsThresholdValues(operation: string): boolean {
    return this.active.omitThresholdValues === true && appliesTo(this.active, operation);
  }

  /** Whether an ungrouped request of `operation` is answered with the whole instance's figures. */
  ungroupedAsInstance(operation: string): boolean {
    return this.active.ungroupedAsInstance === true && appliesTo(this.active, operation);
  }

  /** The metrics whose `Value` `operation` leaves out of its collections. */
  omittedValues(operation: string): ReadonlySet<string> {
    return new Set(appliesTo(this.active, operation) ? (this.active.omitValues ?? []) : []);
  }

  /** The largest page `operation` answers with, when capped. */
  pageCap(operation: string): number | undefined {
    return appliesTo(this.active, operation) ? this.active.maxPageSize : undefined;
  }

  /** The answer as sent: cut short or replaced by a proxy's error page at the faults' rates. */
  corrupt(operation: string, out: string): string {
    const faults = this.active;
    if (appliesTo(faults, operation) && this.rng() < (faults.truncateRate ?? 0)) {
      return out.slice(0, Math.max(1, Math.floor(out.length / 2)));
    }
    if (appliesTo(faults, operation) && this.rng() < (faults.malformedRate ?? 0)) {
      return `<html><body>502 Bad Gateway</body></html>`;
    }
    return out;
  }

  /** Waits out the faults' latency before `operation` is answered. */
  async delay(operation: string): Promise<void> {
    if (this.active.latencyMs && appliesTo(this.active, operation)) await sleep(this.active.latencyMs);
  }
}
