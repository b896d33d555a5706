import type { ConnectClient } from '@aws-sdk/client-connect';
import type { Send } from './errors.js';

/** What every Connect call needs: the one client, the instance and the way out through the rate budget. */
export interface ConnectContext {
  client: ConnectClient;
  instanceId: string;
  send: Send;
  signal?: AbortSignal;
}

export const sendOptions = (ctx: ConnectContext) => (ctx.signal ? { abortSignal: ctx.signal } : {});
