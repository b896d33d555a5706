import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * An HTTP request exactly as given: any Host header, a path not normalised (as `curl --path-as-is` sends it),
 * header values as raw bytes (a string of Latin-1 characters, one per byte), repeated headers.
 */
export function rawRequest(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string | string[]>; body?: string },
): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        setHost: !Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'host'),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A request written byte for byte on a socket (header values in UTF-8, as a proxy may send them); the raw answer. */
export function rawBytes(
  url: string,
  head: string,
  body = '',
  headEncoding: 'utf8' | 'latin1' = 'utf8',
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname, () => {
      const payload = Buffer.from(body, 'utf8');
      socket.end(
        Buffer.concat([
          Buffer.from(
            `${head.trim()}\r\nHost: ${target.host}\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n`,
            headEncoding,
          ),
          payload,
        ]),
      );
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), text });
    });
  });
}
