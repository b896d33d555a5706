import type { PublicConfig, Snapshot } from '@switchboard/shared';
import { vi } from 'vitest';
import type { EventSourceLike } from '../api/stream';

export const TEST_CONFIG: PublicConfig = {
  boards: [
    {
      id: 'all',
      title: 'Whole floor',
      queueIds: null,
      sections: ['summary', 'queues', 'agents', 'charts', 'alerts'],
      timeZone: 'Europe/London',
      locale: 'en-GB',
      sound: false,
    },
    {
      id: 'billing',
      title: 'Billing board',
      queueIds: ['q-0001'],
      sections: ['queues'],
      timeZone: 'America/New_York',
      locale: 'en-US',
      sound: false,
    },
  ],
  defaultBoardId: 'all',
  serviceLevel: { thresholdSeconds: 20, targetPercent: 80 },
  staleAfterMs: 15_000,
  configError: null,
};

/** The server's HTTP API as the page sees it, over a stubbed fetch: /api/v1/snapshot and /api/v1/config. */
export function stubServer(state: { snapshot: Snapshot | null; config?: PublicConfig; down?: boolean }) {
  const calls: string[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    if (state.down) throw new TypeError('Failed to fetch');
    if (url === '/api/v1/config') return Response.json(state.config ?? TEST_CONFIG);
    if (url === '/api/v1/snapshot') {
      if (!state.snapshot) return Response.json({ error: 'No snapshot yet' }, { status: 503 });
      return new Response(JSON.stringify(state.snapshot), {
        headers: { 'content-type': 'application/json' },
      });
    }
    return Response.json({ error: 'unknown' }, { status: 404 });
  });
  vi.stubGlobal('fetch', fetchStub);
  return { calls, fetchStub };
}

/** A stream that never connects, as against a server without one: the page must fall back to polling. */
export function refusedStream(): EventSourceLike {
  const source: EventSourceLike = {
    readyState: 0,
    addEventListener: () => undefined,
    close: () => undefined,
    onopen: null,
    onerror: null,
  };
  setTimeout(() => {
    (source as { readyState: number }).readyState = 2;
    source.onerror?.(new Event('error'));
  }, 0);
  return source;
}
