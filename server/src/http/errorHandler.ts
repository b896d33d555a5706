import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Request, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

/** An RFC 9457 problem: `code` is ours, stable, for clients to branch on; `detail` is for people. */
export interface Problem {
  type: 'about:blank';
  title: string;
  status: number;
  code: string;
  detail: string;
}

export function problem(
  status: number,
  code: string,
  detail: string,
  extensions: Readonly<Record<string, unknown>> = {},
): Problem {
  // The standard members last: an extension never takes one's name.
  return { ...extensions, type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, code, detail };
}

export function sendProblem(
  res: Response,
  status: number,
  code: string,
  detail: string,
  headers: Readonly<Record<string, string>> = {},
  extensions: Readonly<Record<string, unknown>> = {},
): void {
  res.status(status).set({ 'Cache-Control': 'no-store', ...headers });
  // A page opened in a browser (a wall's kiosk, a laptop's address bar) reads the refusal as a page, not as JSON.
  if (res.req && openedAsDocument(res.req)) {
    res.type('html').send(problemPage(status, code, detail));
    return;
  }
  res.type('application/problem+json').send(JSON.stringify(problem(status, code, detail, extensions)));
}

/** Paths that are never pages: the API, the probes, the built assets. */
const NOT_PAGES = /^\/(api|assets)(\/|$)|^\/(healthz|readyz|metrics)$/i;

/**
 * Whether a browser asked for a page: `Sec-Fetch-Dest` a document or frame, or, from a client that does not send
 * it, an `Accept` that prefers HTML to JSON. curl and scripts (`Accept: *\/*`) get the problem as JSON.
 */
function openedAsDocument(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (NOT_PAGES.test(req.path)) return false;
  const dest = req.get('sec-fetch-dest');
  if (dest !== undefined) return dest === 'document' || dest === 'iframe' || dest === 'frame';
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

/** Seconds after which a refused page asks again by itself: where waiting can help, and no one may be near. */
function retryAfterSeconds(status: number): number | null {
  if (status === 429 || status >= 500) return 30;
  // A token or access edit can let the screen in (the files are re-read within seconds).
  if (status === 403) return 60;
  return null;
}

const HEADINGS: Readonly<Record<number, string>> = {
  400: 'This address is not one the wallboard can open',
  401: 'This screen is not signed in',
  403: 'This screen may not open the wallboard here',
  421: 'The wallboard is not served under this name',
  429: 'The wallboard is busy',
};

/**
 * The refusal as a page: what happened and what to do, readable from across a room, in the browser's own light or
 * dark colours. No script (the CSP allows none inline); where waiting can help, it loads itself again.
 */
export function problemPage(status: number, code: string, detail: string): string {
  const heading =
    HEADINGS[status] ??
    (status >= 500 ? 'The wallboard cannot answer now' : 'The wallboard cannot open this page');
  const sentence = detail.charAt(0).toUpperCase() + detail.slice(1);
  const retry = retryAfterSeconds(status);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    ...(retry === null ? [] : [`<meta http-equiv="refresh" content="${retry}">`]),
    `<title>Switchboard: ${escapeHtml(heading)}</title>`,
    '</head>',
    '<body style="font: 1.5rem/1.45 system-ui, sans-serif; max-width: 44rem; margin: 12vh auto; padding: 0 1.5rem">',
    `<h1 style="font-size: 2.25rem; line-height: 1.2">${escapeHtml(heading)}</h1>`,
    `<p>${escapeHtml(sentence)}</p>`,
    ...(retry === null ? [] : [`<p>This page tries again every ${retry} seconds.</p>`]),
    `<p style="opacity: 0.7; font-size: 1.1rem">${status} ${escapeHtml(STATUS_CODES[status] ?? 'Error')} (${escapeHtml(code)})</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Failures of Express's own parsers (body-parser, send, the router), by their `type`, as ours. */
const PARSER_ERRORS: Readonly<Record<string, { status: number; code: string; detail: string }>> = {
  'entity.too.large': {
    status: 413,
    code: 'body_too_large',
    detail: 'The request body is larger than this endpoint takes.',
  },
  'entity.parse.failed': {
    status: 400,
    code: 'malformed_json',
    detail:
      'The request body must be a JSON object, such as {"by": "Ana"}: this one is not valid JSON, or is a bare ' +
      'value (null, a number, a string).',
  },
  'encoding.unsupported': {
    status: 415,
    code: 'unsupported_encoding',
    detail: 'The request body is in an encoding the server does not read; send it as is or gzipped.',
  },
  'charset.unsupported': {
    status: 415,
    code: 'unsupported_charset',
    detail: 'The request body must be UTF-8.',
  },
  'request.aborted': { status: 400, code: 'request_aborted', detail: 'The request body was cut short.' },
  'request.size.invalid': {
    status: 400,
    code: 'body_length_mismatch',
    detail: 'The request body does not match its Content-Length.',
  },
};

/** Codes for the client errors Express's own parts raise without a `type` (a bad escape in a path, a range). */
const CODE_OF_STATUS: Readonly<Record<number, string>> = {
  400: 'bad_request',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  412: 'precondition_failed',
  416: 'range_not_satisfiable',
};

/**
 * A request body that does not inflate as its Content-Encoding says: zlib's errors (Z_DATA_ERROR, and Brotli's
 * ERR__ERROR_FORMAT_…), which the body parser passes on with status 400 and no `type`.
 */
function isDecompressionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__ERROR_FORMAT'));
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

/**
 * The one error handler: typed errors become problem details with their status and code; bad input Express
 * itself refused (malformed JSON, an oversized body, a bad escape in a path) is a 4xx with a stable code; anything
 * else is logged once, with its stack, and answered 500 with no detail. A client never sees a stack trace.
 */
export function errorHandler(logger: Logger, clock: () => number = Date.now): ErrorRequestHandler {
  const refusals = refusalLog(logger, clock);
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      // A stream or file cut short: nothing can be said in the answer any more.
      logger.warn({ err: error, path: req.path }, 'request failed after its answer started');
      res.destroy();
      return;
    }
    if (error instanceof AppError) {
      if (error.status === 401 || error.status === 403 || error.status === 429)
        refusals(req.ip ?? '', error.status, error.code, req.method, req.path);
      sendProblem(res, error.status, error.code, error.message, error.headers, error.extensions);
      return;
    }
    const type = (error as { type?: unknown } | null)?.type;
    const known = typeof type === 'string' ? PARSER_ERRORS[type] : undefined;
    if (known) {
      // body-parser names the endpoint's limit: say it, so the sender knows what to cut the body to.
      const limit = (error as { limit?: unknown }).limit;
      const detail =
        type === 'entity.too.large' && typeof limit === 'number' && Number.isFinite(limit)
          ? `${known.detail.slice(0, -1)}, which is ${limit} bytes.`
          : known.detail;
      sendProblem(res, known.status, known.code, detail);
      return;
    }
    const status = statusOf(error);
    if (status === 400 && isDecompressionError(error)) {
      sendProblem(
        res,
        400,
        'malformed_body_encoding',
        `The request body is not ${req.get('content-encoding') ?? 'compressed'} as its Content-Encoding says; send it as is (without that header) or compressed as the header says.`,
      );
      return;
    }
    if (status === 400 && error instanceof URIError) {
      // The router could not decode a part of the path (`%ff`, a lone `%`).
      sendProblem(
        res,
        400,
        'malformed_path',
        'The path holds a %-escape that does not decode (a % not followed by two hex digits, or bytes that are not UTF-8 text); write a % in a path as %25.',
      );
      return;
    }
    if (status !== undefined && status < 500) {
      sendProblem(
        res,
        status,
        CODE_OF_STATUS[status] ?? 'bad_request',
        `The request was refused: ${STATUS_CODES[status] ?? 'bad request'}.`,
      );
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    sendProblem(res, 500, 'internal_error', 'The server failed to answer; the failure is in its log.');
  };
}

/** Refusals are logged once a minute per client and code; past this many pairs, older ones are forgotten. */
const REFUSALS_KEPT = 10_000;
const REFUSAL_LOG_EVERY_MS = 60_000;
/** Lines of refusals a minute at most, whatever the number of clients; the rest are summed up in one line. */
const REFUSAL_LINES_PER_MINUTE = 50;

/**
 * An audit trail of refusals (a token not valid, a board not allowed, a cap reached): one line per client and
 * code a minute, with how many like it were refused since the last, so a screen retrying every few seconds, or
 * someone trying tokens, is seen without flooding the log. A client is an IPv4 address or an IPv6 /56 (one host
 * has many addresses), and past 50 lines in a minute the rest are counted in one line the next minute. The path
 * without its query: a token given in an address never reaches the log.
 */
function refusalLog(
  logger: Logger,
  clock: () => number,
): (client: string, status: number, code: string, method: string, path: string) => void {
  const last = new Map<string, { at: number; since: number }>();
  let minute = { start: -Infinity, lines: 0, unlogged: 0, clients: new Set<string>() };
  return (address, status, code, method, path) => {
    const client = ipKeyGenerator(address);
    const key = `${client} ${code}`;
    const now = clock();
    const seen = last.get(key);
    if (seen && now - seen.at < REFUSAL_LOG_EVERY_MS) {
      seen.since += 1;
      return;
    }
    if (now - minute.start >= REFUSAL_LOG_EVERY_MS) {
      if (minute.unlogged > 0)
        logger.warn(
          { refused: minute.unlogged, clients: minute.clients.size },
          'more requests refused in the last minute than are logged one by one',
        );
      minute = { start: now, lines: 0, unlogged: 0, clients: new Set() };
    }
    if (minute.lines >= REFUSAL_LINES_PER_MINUTE) {
      minute.unlogged += 1;
      if (minute.clients.size < REFUSALS_KEPT) minute.clients.add(client);
      return;
    }
    if (!seen && last.size >= REFUSALS_KEPT) {
      for (const [k, v] of last) if (now - v.at >= REFUSAL_LOG_EVERY_MS) last.delete(k);
      if (last.size >= REFUSALS_KEPT) last.clear();
    }
    minute.lines += 1;
    logger.warn(
      { client, status, code, method, path, ...(seen?.since ? { alsoRefusedSince: seen.since } : {}) },
      'request refused (logged once a minute per client and code)',
    );
    last.set(key, { at: now, since: 0 });
  };
}
