import { isIP } from 'node:net';

/** An address of this machine's loopback interface: 127.0.0.0/8, ::1, or either written as IPv4-mapped IPv6. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const bare = address.replace(/^\[|\]$/g, '');
  const kind = isIP(bare);
  if (kind === 4) return bare.startsWith('127.');
  if (kind !== 6) return false;
  const lower = bare.toLowerCase();
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1];
  return mapped !== undefined && isIP(mapped) === 4 && mapped.startsWith('127.');
}

/** A host name that always means this machine: `localhost` and its subdomains (RFC 6761), or a loopback address. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}

/** An address as Node reports it, IPv4-mapped IPv6 shown as plain IPv4. */
export function normaliseAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

/**
 * Whether a request is from a client on this machine itself, which may see operational details (mayInspect) and
 * scrape /metrics under `METRICS_ACCESS=loopback`: from a loopback address, and not forwarded. A proxy on this
 * host that TRUSTED_PROXIES does not list (a TLS terminator) hands on every outside client's request from
 * loopback, saying whom for in X-Forwarded-For or Forwarded: those are not this machine's own.
 */
export function isLocalClient(req: {
  ip?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}): boolean {
  if (!isLoopbackAddress(req.ip)) return false;
  return !['x-forwarded-for', 'forwarded', 'x-real-ip'].some((name) => req.headers[name] !== undefined);
}
