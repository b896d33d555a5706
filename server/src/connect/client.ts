import { ConnectClient, type ConnectClientConfig } from '@aws-sdk/client-connect';

export interface ConnectTarget {
  instanceId: string;
  region: string;
  /** Another endpoint (the simulator, a VPC endpoint); unset means Connect's public endpoint for the region. */
  endpoint?: string | undefined;
  /** Only for the embedded simulator; a real instance uses the SDK's default provider chain. */
  credentials?: ConnectClientConfig['credentials'];
}

/**
 * One client per instance for the life of the process: the SDK caches and refreshes its credentials.
 * The SDK does not retry (maxAttempts 1): the poller's rate budget retries, so every attempt is paid for
 * from the budget and a throttle slows the budget down instead of being hidden inside the client.
 */
export function createConnectClient(target: ConnectTarget): ConnectClient {
  return new ConnectClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    maxAttempts: 1,
  });
}
