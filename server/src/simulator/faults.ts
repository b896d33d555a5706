import { z } from 'zod';

/**
 * Faults on demand, for the server's reliability tests and for demos: the wire misbehaves as Connect's
 * sometimes does. Rates are fractions of requests (0 to 1); `operations` limits the faults to some operations.
 */
export const faultsSchema = z
  .object({
    /** Answer this share of requests with ThrottlingException (429), on top of the rate limits. */
    throttleRate: z.number().min(0).max(1).optional(),
    /** Answer this share of requests with InternalServiceException (500). */
    errorRate: z.number().min(0).max(1).optional(),
    /**
     * Reset the connection of this share of requests without an answer (ECONNRESET at the caller), as a
     * kept-alive connection the far end closes just as a request goes out.
     */
    resetRate: z.number().min(0).max(1).optional(),
    /** Added latency before every answer, ms. */
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    /** A full outage: every request answers 503 for this many seconds from now. */
    outageSeconds: z.number().min(0).max(86_400).optional(),
    /** Refuse every NextToken as expired. */
    expireTokens: z.boolean().optional(),
    /**
     * Answer a later page of a list (a request with a NextToken) with that same NextToken again, so a caller that
     * follows tokens blindly asks for the same page for ever. Connect's reference gives each page the token of the
     * next; a wallboard must fail such a pagination, not loop on it.
     */
    repeatTokens: z.boolean().optional(),
    /** Answer this share of successful requests with a truncated body. */
    truncateRate: z.number().min(0).max(1).optional(),
    /** Answer this share of successful requests with a body that is not JSON. */
    malformedRate: z.number().min(0).max(1).optional(),
    /**
     * Return at most this many results a page, whatever MaxResults asks: Connect documents MaxResults as a
     * maximum, and some of its answers come in smaller pages.
     */
    maxPageSize: z.number().int().min(1).max(1000).optional(),
    /**
     * Leave `DataSnapshotTime` out of every page after the first (a request with a NextToken): Connect's response
     * model marks it optional, and a page without it is of no other moment.
     */
    omitLaterSnapshotTimes: z.boolean().optional(),
    /**
     * Leave the `Value` of these metrics (by name) out of the collections of `GetMetricData` and
     * `GetCurrentMetricData`, as Connect's response model allows (`Value`, "Required: No"): a figure with no
     * value, which is not a figure of 0.
     */
    omitValues: z.array(z.string().min(1)).optional(),
    /**
     * Leave the `Id` out of every queue reference (`Queue: { Id, Arn }`) in the answers, its `Arn` alone: Connect's
     * QueueReference marks both optional.
     */
    omitQueueIds: z.boolean().optional(),
    /**
     * Leave the `Id` out of every item of ListQueues, ListRoutingProfiles, ListUsers, ListUserHierarchyGroups and
     * SearchUsers, each named by its `Arn` alone: every field of Connect's summaries is "Required: No".
     */
    omitSummaryIds: z.boolean().optional(),
    /**
     * Leave the `Metric` out of the collections of these metrics (by name) in `GetMetricData` and
     * `GetCurrentMetricData` answers (and `GetMetricDataV2`'s, unless `operations` leaves it out), their values
     * unnamed: Connect's model makes a collection's `Metric` optional.
     */
    omitMetricNames: z.array(z.string().min(1)).optional(),
    /**
     * Leave the `ThresholdValue` out of every `Threshold` an answer echoes (`GetMetricData`'s service levels):
     * the API Reference's `Threshold` makes it "Required: No".
     */
    omitThresholdValues: z.boolean().optional(),
    /**
     * Answer a `GetCurrentMetricData` without a grouping with the whole instance's figures, whatever its filter:
     * the API Reference's `Groupings` ("If no grouping is included in the request, the aggregation happens at
     * the instance-level"; older versions of it: "a summary of metrics is returned"), where its
     * `Filters` says data is "retrieved only for the resources associated with the queues or routing profiles"
     * named, the reading the simulator follows otherwise. A caller that adds up ungrouped requests, one per chunk
     * of a filter, counts the instance once per chunk under this reading.
     */
    ungroupedAsInstance: z.boolean().optional(),
    /**
     * Answer AccessDeniedException (403) to these operations, as Connect does when the caller's IAM policy
     * lacks them (e.g. an existing policy written before the wallboard called SearchUsers). Not limited by
     * `operations`.
     */
    deniedOperations: z.array(z.string().min(1)).optional(),
    operations: z.array(z.string()).optional(),
  })
  .strict();
export type Faults = z.infer<typeof faultsSchema>;

/** Scenario events: applied once, at the moment they are posted. */
export const scenarioSchema = z
  .object({
    surge: z
      .object({
        /** Queue id, ARN or name. */
        queue: z.string().min(1),
        /** The queue's arrivals are this many times their usual rate while the surge lasts. */
        multiplier: z.number().min(1).max(50).default(4),
        /** How long the surge lasts, in simulated seconds (SIMULATOR_SPEED makes them shorter on the wall). */
        durationSeconds: z.number().min(1).max(86_400).default(900),
        /** The extra arrivals build up linearly over this many simulated seconds; 0 (default) starts at full. */
        rampSeconds: z.number().min(0).max(86_400).optional(),
      })
      .optional(),
    massLogout: z
      .object({
        fraction: z.number().min(0).max(1).default(1),
        /** Agents log back in after this many seconds; omit to leave them out until their next shift. */
        returnAfterSeconds: z.number().min(0).optional(),
      })
      .optional(),
    /** A supervisor (user id, ARN or username; online, with no contact) listens in on a call under way. */
    monitor: z.object({ supervisor: z.string().min(1) }).optional(),
  })
  .strict();
export type Scenario = z.infer<typeof scenarioSchema>;

/** The faults in force, with the outage turned into an end time on the wall clock. */
export interface ActiveFaults extends Omit<Faults, 'outageSeconds'> {
  outageUntil?: number;
}

export function activate(faults: Faults, wallNow: number): ActiveFaults {
  const { outageSeconds, ...rest } = faults;
  return outageSeconds ? { ...rest, outageUntil: wallNow + outageSeconds * 1000 } : rest;
}

export function appliesTo(faults: ActiveFaults, operation: string): boolean {
  return !faults.operations || faults.operations.includes(operation);
}
