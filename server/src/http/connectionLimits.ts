import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ipKeyGenerator } from 'express-rate-limit';
import { normaliseAddress } from '../security/loopback.js';

/**
 * How long a client may take to send a request's headers (Node's default is 60 s) and its whole request (300 s),
 * and how often both are checked (30 s). A screen or a proxy sends them at once; a client that opens
 * connections and trickles headers into them holds a file descriptor each for as long as these allow.
 */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
export const TIMEOUT_CHECK_MS = 1_000;

export interface ConnectionLimitOptions {
  /**
   * Open connections one client may hold: an IPv4 address, or an IPv6 /64 (one host has a whole /64 of addresses
   * to open connections from, so counting each alone would bound nothing).
   */
  perAddress: number;
  /** Addresses not limited: the trusted proxies, through which every client comes. */
  exempt: ReadonlySet<string>;
  /** A connection refused, with its client's address (once per address per minute, for the log). */
  onRefused?: (address: string, open: number) => void;
  /** Every connection refused (for a counter). */
  onEachRefused?: () => void;
  clock?: () => number;
}

/**
 * Caps the connections one address holds open at once: beyond `perAddress`, a new one is closed as it arrives,
 * before any byte is read. Without it, one client (no sign-in needed) can open connections until the process
 * has no file descriptor left, and every screen that reconnects meanwhile is refused. Streams have their own
 * caps (STREAMS_PER_ADDRESS, STREAMS_TOTAL) with a 429 that says why; this one is below any page's needs.
 */
export function limitConnections(
  server: Server,
  options: ConnectionLimitOptions,
): { open(address: string): number } {
  const open = new Map<string, number>();
  const told = new Map<string, number>();
  const clock = options.clock ?? Date.now;
  server.on('connection', (socket: Socket) => {
    const remote = normaliseAddress(socket.remoteAddress);
    if (options.exempt.has(remote)) return;
    const address = clientKey(remote);
    const held = open.get(address) ?? 0;
    if (held >= options.perAddress) {
      socket.destroy();
      options.onEachRefused?.();
      const now = clock();
      if (now - (told.get(address) ?? -Infinity) >= 60_000) {
        told.set(address, now);
        options.onRefused?.(address, held);
      }
      return;
    }
    open.set(address, held + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else {
        open.delete(address);
        told.delete(address);
      }
    });
  });
  return { open: (address) => open.get(clientKey(normaliseAddress(address))) ?? 0 };
}

/** An IPv4 address as it is; an IPv6 one by its /64. */
function clientKey(address: string): string {
  return ipKeyGenerator(address, 64);
}
