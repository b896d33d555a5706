import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { streamLimits } from './streams.js';

/** Opens a stream from `ip` through the caps: 'ok', or the refusal's code; and a way to close it. */
function open(limit: ReturnType<typeof streamLimits>, ip: string): { outcome: string; close: () => void } {
  const req = { method: 'GET', path: '/api/v1/stream', ip } as unknown as Request;
  const res = new EventEmitter();
  try {
    limit(req, res as unknown as Response, () => undefined);
    return { outcome: 'ok', close: () => res.emit('close') };
  } catch (error) {
    return { outcome: (error as { code: string }).code, close: () => undefined };
  }
}

describe('the stream caps', () => {
  it('caps each address, and the whole server', () => {
    const limit = streamLimits({ perAddress: 2, total: 4, perCredential: 100 });
    expect(['10.0.0.1', '10.0.0.1', '10.0.0.1'].map((ip) => open(limit, ip).outcome)).toEqual([
      'ok',
      'ok',
      'too_many_streams',
    ]);
    // The screens of one IPv6 office network share its /64, each at an address of its own: counted apart.
    const office = ['2001:db8:1:2::a', '2001:db8:1:2::b'].map((ip) => open(limit, ip));
    expect(office.map((o) => o.outcome)).toEqual(['ok', 'ok']);
    expect(open(limit, '2001:db8:1:2::c').outcome).toBe('too_many_streams');
    // One closed makes room again.
    office[0]?.close();
    expect(open(limit, '2001:db8:1:2::c').outcome).toBe('ok');
  });
});
