/**
 * The application's errors: each carries the HTTP status it is answered with and a stable code a client may
 * branch on. Domain modules throw them; one handler at the HTTP edge (http/errorHandler.ts) turns them into
 * problem details (RFC 9457), so no route maps errors itself.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Response headers the answer needs, e.g. Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
    /**
     * Members of the problem details beyond the standard ones (RFC 9457 extension members), for a client that
     * says it in its own words: the facts, never anything secret.
     */
    readonly extensions: Readonly<Record<string, string | number | boolean | null>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A request the server understood but cannot serve as asked: a bad parameter or body. */
export class BadRequestError extends AppError {
  constructor(message: string, code = 'bad_request') {
    super(400, code, message);
  }
}

/** No credentials, or credentials that are not (or no longer) valid. */
export class UnauthorizedError extends AppError {
  constructor(message: string, code = 'unauthorized') {
    super(401, code, message);
  }
}

/** Known, but not allowed to do this. */
export class ForbiddenError extends AppError {
  constructor(message: string, code = 'forbidden') {
    super(403, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(
    message: string,
    code = 'not_found',
    extensions: Readonly<Record<string, string | number | boolean | null>> = {},
  ) {
    super(404, code, message, {}, extensions);
  }
}

/** A path the server has, asked with a method it does not take there; `Allow` lists those it does. */
export class MethodNotAllowedError extends AppError {
  constructor(method: string, allow: readonly string[]) {
    super(
      405,
      'method_not_allowed',
      `This path does not take ${method}; it takes ${allow.join(', ')}.`,
      { Allow: allow.join(', ') },
      { allow: allow.join(', ') },
    );
  }
}

/** Refused for the state the thing is in now (a screen still connected), not for the request itself. */
export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message: string, code = 'too_many_requests', retryAfterSeconds = 10) {
    super(429, code, message, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** Temporarily unable to answer (no snapshot yet, no leader); worth retrying after `retryAfterSeconds`. */
export class UnavailableError extends AppError {
  constructor(message: string, code = 'unavailable', retryAfterSeconds = 3) {
    super(503, code, message, { 'Retry-After': String(retryAfterSeconds) });
  }
}
