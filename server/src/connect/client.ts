import { ConnectClient, type ConnectClientConfig } from '@aws-sdk/client-connect';

export interface ConnectTarget {
  instanceId: string;
  region: string;
  /** Another endpoint (the simulator, a VPC endpoint); unset means Connect's public endpoint for the region. */
  endpoint?: string | undefined;
  /** Only for the embedded simulator; a real instance uses the SDK's default provider chain. */
  credentials?: ConnectClientConfig['credentials'];
  /** A profile of the AWS config file the default provider chain reads (an instance of another account). */
  profile?: string | undefined;
}

/**
 * How long a call to Connect may take: to connect, and then for the answer's head to arrive and for the
 * connection to stay silent at any point until the answer's last byte.
 */
export interface ConnectTimeouts {
  connectionMs: number;
  requestMs: number;
}

/**
 * Connect answers in well under a second; one that has not answered in 10 s is not going to. The SDK's own
 * default is no limit at all, so a connection that goes silent (a dropped NAT entry, a black-holed route) would
 * hold its poll for good and leave the section's last figures on screen for days, stale.
 */
export const CONNECT_TIMEOUTS: ConnectTimeouts = { connectionMs: 5_000, requestMs: 10_000 };

/**
 * One client per instance for the life of the process: the SDK caches and refreshes its credentials.
 * The SDK does not retry (maxAttempts 1): the poller's rate budget retries, so every attempt is paid for
 * from the budget and a throttle slows the budget down instead of being hidden inside the client. A call that
 * outlasts the timeouts fails with the SDK's TimeoutError, which the poller reports and retries like any other.
 */
export function createConnectClient(
  target: ConnectTarget,
  timeouts: ConnectTimeouts = CONNECT_TIMEOUTS,
): ConnectClient {
  return new ConnectClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: timeouts.connectionMs,
      // Until the answer's head arrives: the SDK clears this timer then, and reads the body without one.
      requestTimeout: timeouts.requestMs,
      throwOnRequestTimeout: true,
      // So the body too: the connection silent this long at any point of the call fails it.
      socketTimeout: timeouts.requestMs,
    },
  });
}
