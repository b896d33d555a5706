import type { RequestHandler } from 'express';
import { TooManyRequestsError } from '../errors.js';
import { routePath } from '../http/routePath.js';
import { identityOf, type Identity } from './access.js';

export interface StreamLimits {
  perAddress: number;
  total: number;
  /** Streams one display token, supervisor token or proxy user may hold, from any number of addresses. */
  perCredential: number;
}

/** Whose streams count together: a token's or a user's; none where access is open. */
function credentialOf(identity: Identity | undefined): string | null {
  if (!identity || identity.kind === 'open') return null;
  return identity.kind === 'display'
    ? `display:${identity.id}`
    : `supervisor:${identity.source}:${identity.name}`;
}

/**
 * Caps on open streams, per client address, per credential and in all, so one runaway kiosk script, or one
 * leaked token used from many addresses, cannot starve the other screens. The address is the socket's, or the forwarded client's behind a trusted proxy (req.ip). Each IPv6
 * address counts on its own: the screens of an office share its /64, so a prefix would cap them all together,
 * and a host with many addresses of its own is bounded by the total.
 */
export function streamLimits(limits: StreamLimits): RequestHandler {
  const open = new Map<string, number>();
  const held = new Map<string, number>();
  let total = 0;
  return (req, res, next) => {
    if (req.method !== 'GET' || routePath(req) !== '/api/v1/stream') {
      next();
      return;
    }
    const address = req.ip ?? '';
    const mine = open.get(address) ?? 0;
    if (mine >= limits.perAddress)
      throw new TooManyRequestsError(
        `This address has ${mine} streams open, the most one address may hold (STREAMS_PER_ADDRESS); close one and retry.`,
        'too_many_streams',
      );
    const credential = credentialOf(identityOf(req));
    const theirs = credential === null ? 0 : (held.get(credential) ?? 0);
    if (credential !== null && theirs >= limits.perCredential)
      throw new TooManyRequestsError(
        `This sign-in has ${theirs} streams open, the most one token or user may hold (STREAMS_PER_TOKEN); close one and retry.`,
        'too_many_streams',
      );
    if (total >= limits.total)
      throw new TooManyRequestsError(
        `The server holds ${total} streams, the most it takes (STREAMS_TOTAL); retry shortly.`,
        'too_many_streams',
      );
    open.set(address, mine + 1);
    if (credential !== null) held.set(credential, theirs + 1);
    total += 1;
    res.once('close', () => {
      total -= 1;
      release(open, address);
      if (credential !== null) release(held, credential);
    });
    next();
  };
}

function release(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
