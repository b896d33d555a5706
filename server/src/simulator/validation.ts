import { invalidParameter, invalidRequest } from './errors.js';

/**
 * The checks the service makes on every request, with its error types: the SDK validates no ranges or sizes,
 * so a client bug shows up here exactly as it would against Connect.
 */

export function maxResults(value: unknown, max: number, fallback = max): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) {
    throw invalidParameter(`MaxResults must be a whole number between 1 and ${max}; got ${String(value)}.`);
  }
  return n;
}

export function stringList(value: unknown, field: string, max: number, min = 0): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalidRequest(`${field} must be a list of strings.`);
  }
  if (value.length > max)
    throw invalidParameter(`${field} accepts at most ${max} values; got ${value.length}.`);
  if (value.length < min)
    throw invalidParameter(
      `${field} takes ${min} to ${max} values; got ${value.length}: leave it out instead.`,
    );
  return value as string[];
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

export function optionalObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`${field} must be an object.`);
  return value as Record<string, unknown>;
}

/** A timestamp as restJson1 sends it: epoch seconds, possibly with a fraction. Returns milliseconds. */
export function epochSeconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidParameter(`${field} is required and must be a timestamp.`);
  }
  return Math.round(value * 1000);
}

export function nextTokenOf(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidRequest('NextToken must be a string.');
  return value;
}
