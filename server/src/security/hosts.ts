import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';
import { isLoopbackHost, normaliseAddress } from './loopback.js';
import { routePath } from '../http/routePath.js';

/** The host name of a Host header (`wall.example.com:8080`, `[::1]:8080`), lower-case, or undefined if malformed. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  try {
    return new URL(`http://${host}`).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/**
 * Against DNS rebinding: a page that rebinds its own name to this server's address still sends its own name in
 * Host, so only hosts the server is meant to be reached by are answered: loopback names and addresses, the
 * address the request arrived on (probes by IP), and `PUBLIC_HOSTS`. Everything else gets 421.
 * /healthz stays open to any Host: it says only that the process is alive.
 */
export function hostCheck(publicHosts: readonly string[]): RequestHandler {
  const allowed = new Set(publicHosts.map((host) => host.toLowerCase().replace(/\.$/, '')));
  return (req, _res, next) => {
    if (routePath(req) === '/healthz') {
      next();
      return;
    }
    const host = hostnameOf(req.headers.host);
    if (
      host !== undefined &&
      (isLoopbackHost(host) ||
        allowed.has(host.replace(/\.$/, '')) ||
        host === normaliseAddress(req.socket.localAddress).toLowerCase())
    ) {
      next();
      return;
    }
    throw new AppError(
      421,
      'unknown_host',
      `This server does not answer for the host "${(req.headers.host ?? '').slice(0, 100)}": add it to PUBLIC_HOSTS if the wallboard is meant to be reached by that name.`,
    );
  };
}
