import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidRequest, type ServiceError } from './errors.js';

/** Reading requests and writing answers as Connect's restJson1 API does. */

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The fault controls change what every client sees: only a caller on this machine may use them. */
export function isLoopback(address: string | undefined): boolean {
  return LOOPBACK.has(address ?? '');
}

export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): Record<string, unknown> {
  if (text.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, text: string, errorType?: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

export const sendError = (res: ServerResponse, error: ServiceError) =>
  sendJson(res, error.status, JSON.stringify({ message: error.message }), error.type);
