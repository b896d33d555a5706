import { connect as tcp } from 'node:net';

/**
 * A lean HTTP/1.1 reader for one long response, for the viewers benchmark: thousands of them share one process
 * and a machine with the server they measure, so each reads into one buffer reused for every read (no
 * allocation per read) and passes on the body de-chunked, with no stream machinery in between.
 */

export interface StreamHandlers {
  /** The status and the headers (names in lower case). */
  response(status: number, headers: Record<string, string>): void;
  /** Body bytes, de-chunked; `bytes` is only valid during the call (its memory is reused for the next read). */
  body(bytes: Buffer): void;
  /** Bytes read off the socket, framing included. */
  wire(count: number): void;
  /** The connection ended; `error` if it failed, `responded` whether a response had begun. */
  close(error: NodeJS.ErrnoException | undefined, responded: boolean): void;
}

// One process reads one socket at a time: its reads can share a buffer.
const READ_BUFFER = Buffer.alloc(256 * 1024);
const MAX_HEAD = 64 * 1024;
const LF = 10;

export function openStream(
  url: URL,
  headers: Record<string, string>,
  handlers: StreamHandlers,
): { destroy(): void } {
  let state: 'head' | 'size' | 'data' | 'crlf' | 'identity' | 'done' = 'head';
  let head = '';
  let sizeLine = '';
  let remaining = 0;
  let crlfLeft = 0;
  let failure: NodeJS.ErrnoException | undefined;

  const consume = (data: Buffer) => {
    let i = 0;
    while (i < data.length) {
      switch (state) {
        case 'head': {
          const before = head.length;
          head += data.toString('latin1', i, Math.min(data.length, i + MAX_HEAD));
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) {
            if (head.length >= MAX_HEAD) socket.destroy(new Error('response head too large'));
            return;
          }
          i += end + 4 - before;
          const [statusLine = '', ...lines] = head.slice(0, end).split('\r\n');
          const fields: Record<string, string> = {};
          for (const line of lines) {
            const colon = line.indexOf(':');
            if (colon > 0) fields[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
          }
          state = /chunked/i.test(fields['transfer-encoding'] ?? '') ? 'size' : 'identity';
          handlers.response(Number(statusLine.split(' ')[1]), fields);
          break;
        }
        case 'size': {
          const lf = data.indexOf(LF, i);
          sizeLine += data.toString('latin1', i, lf < 0 ? data.length : lf);
          if (lf < 0) return;
          i = lf + 1;
          remaining = parseInt(sizeLine.trim().split(';')[0] ?? '', 16);
          sizeLine = '';
          if (!(remaining > 0)) {
            state = 'done';
            socket.end();
            return;
          }
          state = 'data';
          break;
        }
        case 'data': {
          const n = Math.min(remaining, data.length - i);
          handlers.body(data.subarray(i, i + n));
          i += n;
          remaining -= n;
          if (remaining === 0) {
            state = 'crlf';
            crlfLeft = 2;
          }
          break;
        }
        case 'crlf': {
          const n = Math.min(crlfLeft, data.length - i);
          i += n;
          crlfLeft -= n;
          if (crlfLeft === 0) state = 'size';
          break;
        }
        case 'identity':
          handlers.body(data.subarray(i));
          return;
        case 'done':
          return;
      }
    }
  };

  const socket = tcp({
    host: url.hostname,
    port: Number(url.port || 80),
    onread: {
      buffer: READ_BUFFER,
      callback: (count: number, buffer: Uint8Array) => {
        handlers.wire(count);
        consume(Buffer.from(buffer.buffer, buffer.byteOffset, count));
        return true;
      },
    },
  });
  socket.setNoDelay(true);
  socket.on('connect', () => {
    const lines = Object.entries({ host: url.host, ...headers }).map(
      ([name, value]) => `${name}: ${value}\r\n`,
    );
    socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\n${lines.join('')}\r\n`);
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    failure = error;
  });
  socket.on('close', () => handlers.close(failure, state !== 'head'));
  return { destroy: () => socket.destroy() };
}
