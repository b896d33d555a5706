import type { RequestHandler } from 'express';
import { TooManyRequestsError } from '../errors.js';
import { routePath } from '../http/routePath.js';

export interface StreamLimits {
  perAddress: number;
  total: number;
}

/**
 * Caps on open streams, per client address and in all, so one runaway kiosk script cannot starve the other
 * screens. The address is the socket's, or the forwarded client's behind a trusted proxy (req.ip). Each IPv6
 * address counts on its own: the screens of an office share its /64, so a prefix would cap them all together,
 * and a host with many addresses of its own is bounded by the total.
 */
export function streamLimits(limits: StreamLimits): RequestHandler {
  const open = new Map<string, number>();
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
    if (total >= limits.total)
      throw new TooManyRequestsError(
        `The server holds ${total} streams, the most it takes (STREAMS_TOTAL); retry shortly.`,
        'too_many_streams',
      );
    open.set(address, mine + 1);
    total += 1;
    res.once('close', () => {
      total -= 1;
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
    next();
  };
}
