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
  it('caps one IPv6 client by its /56, however many addresses of its own it opens from', () => {
    const limit = streamLimits({ perAddress: 2, total: 1000 });
    const outcomes = Array.from({ length: 10 }, (_, i) =>
      open(limit, `2001:db8:1:2::${(i + 1).toString(16)}`),
    );
    expect(outcomes.map((o) => o.outcome)).toEqual([
      'ok',
      'ok',
      ...Array<string>(8).fill('too_many_streams'),
    ]);
    // Another /56 is another client; one closed stream makes room again.
    expect(open(limit, '2001:db8:1:200::1').outcome).toBe('ok');
    outcomes[0]?.close();
    expect(open(limit, '2001:db8:1:2::77').outcome).toBe('ok');
  });

  it('caps IPv4 clients address by address, and the whole server', () => {
    const limit = streamLimits({ perAddress: 2, total: 3 });
    expect(['10.0.0.1', '10.0.0.1', '10.0.0.1'].map((ip) => open(limit, ip).outcome)).toEqual([
      'ok',
      'ok',
      'too_many_streams',
    ]);
    expect(open(limit, '10.0.0.2').outcome).toBe('ok');
    expect(open(limit, '10.0.0.3').outcome).toBe('too_many_streams');
  });
});
