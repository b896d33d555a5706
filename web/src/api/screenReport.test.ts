import { screenReportSchema } from '@switchboard/shared';
import { describe, expect, it, vi } from 'vitest';
import {
  buildReport,
  countScreenError,
  firstReportWait,
  noteDrawn,
  onScreenIdRenewed,
  runScreenCommand,
  screenId,
  screenStreamUrl,
  sendReport,
} from './screenReport';

describe('a screen’s report of itself', () => {
  it('keeps one id in the browser and names it on the stream', () => {
    const id = screenId();
    expect(id).toMatch(/^[A-Za-z0-9-]{20,40}$/);
    expect(screenId()).toBe(id);
    expect(window.localStorage.getItem('switchboard.screen')).toBe(id);
    expect(screenStreamUrl('/api/v1/stream')).toBe(`/api/v1/stream?screen=${id}`);
    expect(screenStreamUrl('/api/v1/stream?board=sales')).toBe(`/api/v1/stream?board=sales&screen=${id}`);
  });

  it('reports what it shows, its figures’ age, its errors and its size, as the server’s schema reads them', () => {
    const generatedAt = new Date(Date.now() - 4000).toISOString();
    noteDrawn();
    countScreenError();
    const report = buildReport({
      view: 'wall',
      board: 'sales',
      meta: {
        generation: 3,
        generatedAt,
        serverTime: generatedAt,
        dataSnapshotTime: generatedAt,
        stale: false,
        serverBuild: '1.0.0+abc',
        timeZone: 'UTC',
        queuesFetchedAt: generatedAt,
        sectionErrors: [],
        sections: [],
      },
    });
    expect(screenReportSchema.parse(report)).toEqual(report);
    expect(report).toMatchObject({ view: 'wall', board: 'sales', errors: 1 });
    expect(report.dataAgeMs).toBeGreaterThanOrEqual(3900);
    expect(report.dataAgeMs).toBeLessThan(10_000);
    expect(report.renderAgeMs).toBeLessThan(1000);
    expect(JSON.stringify(report).length).toBeLessThan(400);
  });

  it('reloads on a supervisor’s reload command, and on nothing else', () => {
    const reload = vi.fn();
    runScreenCommand('{"command":"reload"}', reload);
    runScreenCommand('{"command":"format-disk"}', reload);
    runScreenCommand('not json', reload);
    expect(reload).toHaveBeenCalledTimes(1);
  });
});

describe('sending a report', () => {
  it('waits the interval the server asks for, and after a failed report that same interval again', async () => {
    const answers: (() => Promise<Response>)[] = [
      // Before any answer: the default interval is no reason to stay silent a minute.
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => Promise.resolve(new Response(null, { status: 204, headers: { 'report-interval': '2000' } })),
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => Promise.resolve(new Response(null, { status: 429, headers: { 'retry-after': '3' } })),
    ];
    const fetchMock = vi.fn(() => (answers.shift() ?? (() => Promise.reject(new Error('no more'))))());
    vi.stubGlobal('fetch', fetchMock);
    const report = buildReport({ view: 'wall', board: null, meta: undefined });
    try {
      expect(await sendReport(report)).toBe(15_000);
      expect(await sendReport(report)).toBe(2000);
      expect(await sendReport(report)).toBe(2000);
      expect(await sendReport(report)).toBe(3000);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('takes a new id when the server says its id is another board’s screen, and only then', async () => {
    const problem = (code: string) =>
      new Response(JSON.stringify({ status: 403, code, detail: 'refused' }), {
        status: 403,
        headers: { 'content-type': 'application/problem+json' },
      });
    const answers = [problem('board_not_allowed'), problem('screen_not_yours')];
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(answers.shift() ?? new Response(null, { status: 204 }))),
    );
    const before = screenId();
    const renewed = vi.fn();
    const unsubscribe = onScreenIdRenewed(renewed);
    try {
      // Another refusal keeps the id: it is not the id the server refused.
      await sendReport(buildReport({ view: 'laptop', board: 'sales', meta: undefined }));
      expect(screenId()).toBe(before);
      expect(renewed).not.toHaveBeenCalled();
      expect(await sendReport(buildReport({ view: 'laptop', board: 'sales', meta: undefined }))).toBe(1000);
      const after = screenId();
      expect(after).not.toBe(before);
      // The stream is told, to connect again under it.
      expect(renewed).toHaveBeenCalledTimes(1);
      expect(after).toMatch(/^[A-Za-z0-9-]{20,40}$/);
      expect(window.localStorage.getItem('switchboard.screen')).toBe(after);
      // The next report, and the stream's next connection, name the new id.
      expect(buildReport({ view: 'laptop', board: 'sales', meta: undefined }).id).toBe(after);
      expect(screenStreamUrl('/api/v1/stream')).toBe(`/api/v1/stream?screen=${after}`);
    } finally {
      unsubscribe();
      vi.unstubAllGlobals();
    }
  });

  it('has a page reloaded twice within half an interval wait until the server takes its report, as the server counts', async () => {
    const start = Date.parse('2026-12-07T10:00:00Z');
    vi.useFakeTimers({ now: start });
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(new Response(null, { status: 204, headers: { 'report-interval': '60000' } })),
      ),
    );
    const report = buildReport({ view: 'wall', board: null, meta: undefined });
    const id = report.id ?? '';
    expect(id).not.toBe('');
    try {
      await sendReport(report);
      // Reloaded 5 s later: the server takes one report early from a new page; nothing to wait for.
      vi.setSystemTime(start + 5000);
      expect(firstReportWait(id)).toBe(0);
      await sendReport(report);
      // Reloaded again 5 s after that: the early report of this half interval is spent, until 35 s.
      expect(firstReportWait(id, start + 10_000)).toBe(25_000);
      expect(firstReportWait(id, start + 35_000)).toBe(0);
      // Another screen's (another embed of the tab) is its own.
      expect(firstReportWait('another-screen', start + 10_000)).toBe(0);
    } finally {
      vi.useRealTimers();
      vi.unstubAllGlobals();
    }
  });

  it('gives up a report the server never answers and sends the next, rather than falling silent for good', async () => {
    vi.useFakeTimers();
    // The link dies half-open under a report: no answer, no error, until the report is aborted.
    const fetchMock = vi.fn(
      (_url: string, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        ),
    );
    vi.stubGlobal('fetch', fetchMock);
    try {
      let wait: number | null = null;
      void sendReport(buildReport({ view: 'wall', board: null, meta: undefined })).then((ms) => (wait = ms));
      await vi.advanceTimersByTimeAsync(60_000);
      // Retried soon, as after any failed report.
      expect(wait).not.toBeNull();
      expect(wait).toBeLessThanOrEqual(15_000);
    } finally {
      vi.useRealTimers();
      vi.unstubAllGlobals();
    }
  });
});
