import type { ConnectClient } from '@aws-sdk/client-connect';
import type { Send } from './errors.js';

/** What every Connect call needs: the one client, the instance and the way out through the rate budget. */
export interface ConnectContext {
  client: ConnectClient;
  instanceId: string;
  send: Send;
  signal?: AbortSignal;
  /**
   * Told of an enum value Connect sent that this build does not know (a new channel, a new contact state). The
   * value is kept and shown as "other"; it never makes a page invalid.
   */
  unknownValue?: UnknownValueSink;
}

/** `field` names where the value was found, e.g. `GetCurrentUserData.Contacts.Channel`. */
export type UnknownValueSink = (field: string, value: string) => void;

export const sendOptions = (ctx: ConnectContext) => (ctx.signal ? { abortSignal: ctx.signal } : {});
