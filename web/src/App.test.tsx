import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { SnapshotFeed } from './api/SnapshotFeed';
import { refusedStream, stubServer, TEST_CONFIG } from './testing/fakeServer';
import { makeSnapshot } from './testing/makeSnapshot';
import { stubResizeObserver } from './testing/stubResizeObserver';

function renderApp(search = '') {
  window.history.replaceState(null, '', `/${search}`);
  const client = new QueryClient();
  return render(
    <QueryClientProvider client={client}>
      <SnapshotFeed streamOptions={{ createSource: refusedStream, minBackoffMs: 60_000 }}>
        <App />
      </SnapshotFeed>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  stubResizeObserver();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the wallboard page', () => {
  it('says it is connecting before the first snapshot, then draws every queue of the board', async () => {
    const state = { snapshot: null as ReturnType<typeof makeSnapshot> | null };
    stubServer(state);
    renderApp();
    expect(screen.getByTestId('first-load').textContent).toMatch(/Connecting|still collecting/);
    state.snapshot = makeSnapshot({ queues: 5, agents: 12, nowMs: Date.now() });
    await waitFor(() => expect(document.querySelectorAll('[data-queue-id]')).toHaveLength(5), {
      timeout: 8000,
    });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Whole floor');
    expect(screen.getByTestId('summary')).toBeTruthy();
    expect(document.querySelectorAll('[data-agent-id]').length).toBeGreaterThan(0);
    expect(screen.getByText('Live (polling)')).toBeTruthy();
  }, 15_000);

  it('opens the Screens page while the server has no figures yet', async () => {
    // Connect failing at the server's start is when a supervisor most needs to see and reload the screens.
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL) => {
        const url = String(input);
        if (url === '/api/v1/config') return Response.json(TEST_CONFIG);
        if (url === '/api/v1/displays')
          return Response.json({ serverBuild: 'b1', reportIntervalMs: 60_000, screens: [] });
        if (url.startsWith('/api/v1/snapshot'))
          return Response.json({ error: 'No snapshot yet' }, { status: 503 });
        return Response.json({ error: 'unknown' }, { status: 404 });
      }),
    );
    renderApp('?view=screens');
    expect(await screen.findByTestId('screens-page', {}, { timeout: 4000 })).toBeTruthy();
    expect(screen.queryByTestId('first-load')).toBeNull();
  });

  it('names an unknown board and draws no view under it, whatever figures the page still holds', async () => {
    // The server answers no view for a board it does not have; a page whose board was removed while shown still
    // holds that board's last figures, as this stub's answer stands for.
    stubServer({ snapshot: makeSnapshot({ queues: 2, nowMs: Date.now() }) });
    for (const view of ['wall', 'embed', 'laptop']) {
      renderApp(`?view=${view}&board=gone`);
      const message = await screen.findByTestId('unknown-board');
      expect(document.querySelector('.app')?.firstElementChild).toBe(message);
      await waitFor(() =>
        expect(document.querySelector('.app')?.getAttribute('data-generation')).toBeTruthy(),
      );
      expect(document.querySelectorAll('[data-queue-id]')).toHaveLength(0);
      expect(screen.queryByTestId('first-load')).toBeNull();
      // Each board it may show is a link to this view of it.
      const links = [...message.querySelectorAll('a')].map((a) => a.getAttribute('href'));
      expect(links).toContain(`?view=${view}&board=billing`);
      cleanup();
    }
  });

  it('shows only the queues of the board the URL names, in its time zone', async () => {
    stubServer({ snapshot: makeSnapshot({ queues: 5, nowMs: Date.now() }) });
    renderApp('?board=billing');
    await waitFor(() => expect(document.querySelectorAll('[data-queue-id]')).toHaveLength(1));
    expect(document.querySelector('[data-queue-id]')?.getAttribute('data-queue-id')).toBe('q-0001');
    expect(screen.getByText('America/New_York')).toBeTruthy();
    expect(screen.queryByTestId('summary')).toBeNull();
  });

  it('tells a supervisor at a laptop that the server refused a configuration edit, and not the wall', async () => {
    const configError =
      'wallboard.yaml line 4, thresholds.defaults.CONTACTS_IN_QUEUE.warn: expected a number';
    stubServer({
      snapshot: makeSnapshot({ queues: 2, nowMs: Date.now() }),
      config: { ...TEST_CONFIG, configError },
    });
    renderApp();
    const notice = await screen.findByText(/refused an edit of its configuration/);
    expect(notice.textContent).toContain(configError);
    cleanup();
    renderApp('?view=wall');
    // The board's title comes from the same configuration: once it shows, the notice would have too.
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Whole floor'));
    expect(screen.queryByText(/refused an edit of its configuration/)).toBeNull();
  });

  it("says on the wall's header what a lone alert is about, and only how many where there are several", async () => {
    const snapshot = makeSnapshot({ queues: 2, nowMs: Date.now() });
    const queue = snapshot.queues[0];
    if (!queue) throw new Error('no queue');
    const alert = (id: string, queueId: string | null) => ({
      id,
      ruleId: 'rule',
      metric: 'OLDEST_CONTACT_AGE',
      queueId,
      level: 'critical' as const,
      since: snapshot.generatedAt,
      value: 300,
      threshold: 120,
      acknowledgedBy: null,
      acknowledgedAt: null,
    });
    const state = { snapshot: { ...snapshot, alerts: [alert('a1', queue.id)] } };
    stubServer(state);
    renderApp('?view=wall');
    const count = await screen.findByTestId('wall-alerts');
    expect(count.textContent).toBe(`!!1 alert: Oldest contact, ${queue.name}`);
    cleanup();
    state.snapshot = { ...snapshot, alerts: [alert('a1', queue.id), alert('a2', null)] };
    renderApp('?view=wall');
    expect((await screen.findByTestId('wall-alerts')).textContent).toBe('!!2 alerts');
  });

  it('marks stale figures with a banner giving their age, and dims them', async () => {
    const stale = makeSnapshot({ queues: 2, nowMs: Date.now() - 95_000, stale: true });
    stubServer({ snapshot: { ...stale, serverTime: new Date().toISOString() } });
    renderApp();
    const banner = await screen.findByTestId('stale-banner');
    expect(banner.textContent).toMatch(/stale: 1:3\d old/);
    expect(document.querySelector('main')?.className).toContain('dimmed');
    // Said to a screen reader once, in words that do not tick: the age on screen moves every second.
    const announced = screen.getByTestId('stale-announcement');
    expect(announced.getAttribute('role')).toBe('alert');
    expect(announced.textContent).toBe('Figures are stale: the last good figures stay on screen.');
    expect(banner.getAttribute('role')).toBeNull();
    // No age in it: nothing there ticks, so nothing is read out again every second.
    expect(announced.textContent).not.toMatch(/\d/);
  });

  it('names a section whose figures stopped coming while the queues stay fresh, without dimming them', async () => {
    const fresh = makeSnapshot({ queues: 2, nowMs: Date.now() });
    const minuteAgo = new Date(Date.now() - 62_000).toISOString();
    stubServer({
      snapshot: {
        ...fresh,
        sections: { ...fresh.sections, agents: { ...fresh.sections.agents, fetchedAt: minuteAgo } },
      },
    });
    renderApp();
    const banner = await screen.findByTestId('stale-banner');
    expect(banner.textContent).toMatch(/may be incomplete/);
    // About a minute (the page's clock is the server's as the snapshot said it, a moment late on a busy machine).
    expect(banner.textContent).toMatch(/No new figures from Connect for agents for (0:5\d|1:0\d)/);
    expect(banner.textContent).not.toMatch(/today|intraday|discovery/);
    expect(document.querySelector('main')?.className ?? '').not.toContain('dimmed');
    // The agents' own part of the page is dimmed, and nothing else.
    await waitFor(() =>
      expect(document.querySelector('section.agents-section')?.getAttribute('data-stale')).toBe('true'),
    );
    expect(document.querySelectorAll('[data-stale]')).toHaveLength(1);
  });

  it.each(['', '?view=wall', '?view=embed'])(
    "dims today's figures and the day's chart when they alone stopped coming, beside fresh real-time ones (%s)",
    async (address) => {
      const fresh = makeSnapshot({ queues: 2, nowMs: Date.now() });
      const old = new Date(Date.now() - 125_000).toISOString();
      const behind = (today: string, intraday: string) => ({
        ...fresh,
        sections: {
          ...fresh.sections,
          today: { ...fresh.sections.today, fetchedAt: today },
          intraday: { ...fresh.sections.intraday, fetchedAt: intraday },
        },
      });
      const state = { snapshot: behind(old, fresh.generatedAt) };
      stubServer(state);
      renderApp(address);
      await waitFor(() => expect(document.querySelector('main')?.getAttribute('data-behind')).toBe('today'));
      expect(document.querySelector('main')?.className ?? '').not.toContain('dimmed');
      // Each of today's figures says so, and no real-time one.
      const todays = [...document.querySelectorAll('main [data-of="today"]')].map((el) =>
        el.getAttribute('data-metric'),
      );
      expect(todays.length).toBeGreaterThan(0);
      expect(
        todays.every(
          (metric) => metric !== null && !/^(CONTACTS_IN_QUEUE|OLDEST_CONTACT_AGE|AGENTS_)/.test(metric),
        ),
      ).toBe(true);
      expect(todays.some((metric) => metric?.startsWith('SERVICE_LEVEL_'))).toBe(true);
      expect(document.querySelectorAll('main [data-metric="CONTACTS_IN_QUEUE"][data-of]')).toHaveLength(0);
      if (address === '') {
        // The chart's series, when they alone are behind.
        cleanup();
        state.snapshot = behind(fresh.generatedAt, old);
        renderApp(address);
        await waitFor(() =>
          expect(document.querySelector('main')?.getAttribute('data-behind')).toBe('intraday'),
        );
      }
    },
  );

  it('says the connection is lost when the server stops answering, keeping the last figures', async () => {
    const state = { snapshot: makeSnapshot({ queues: 3, nowMs: Date.now() }), down: false };
    stubServer(state);
    renderApp();
    await waitFor(() => expect(document.querySelectorAll('[data-queue-id]')).toHaveLength(3));
    state.down = true;
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 2600));
    });
    await waitFor(() => expect(screen.getByText('Connection lost')).toBeTruthy(), { timeout: 5000 });
    expect(document.querySelectorAll('[data-queue-id]')).toHaveLength(3);
  }, 15_000);

  it('names the boards there are when the URL names one that is not', async () => {
    stubServer({ snapshot: makeSnapshot({ nowMs: Date.now() }) });
    renderApp('?board=nope');
    expect((await screen.findByTestId('unknown-board')).textContent).toContain('all, billing');
  });

  it('says which values of the address it could not read and what it shows instead, and takes them out on asking', async () => {
    stubServer({ snapshot: makeSnapshot({ nowMs: Date.now() }) });
    renderApp('?view=wal&channel=FAX&status=sleeping&groupBy=shoe&theme=purple&rotate=1&bg=blue&board=all');
    const note = await screen.findByTestId('address-unread');
    expect(note.textContent).toContain(
      'view=wal (it takes one of wall, laptop, embed, screens; showing the laptop view)',
    );
    expect(note.textContent).toContain(
      'channel=FAX (it takes one of VOICE, CHAT, TASK, EMAIL; showing every channel)',
    );
    expect(note.textContent).toContain('status=sleeping');
    expect(note.textContent).toContain('groupBy=shoe');
    expect(note.textContent).toContain('theme=purple');
    expect(note.textContent).toContain('rotate=1 (it takes seconds a page shows, 2 or more; showing 15 s)');
    expect(note.textContent).toContain('bg=blue');
    act(() => screen.getByRole('button', { name: 'Take them out of the address' }).click());
    expect(window.location.search).toBe('?board=all');
    expect(screen.queryByTestId('address-unread')).toBeNull();
  });

  it('says nothing of an address it reads whole', async () => {
    stubServer({ snapshot: makeSnapshot({ nowMs: Date.now() }) });
    renderApp('?view=laptop&channel=CHAT&status=available&groupBy=routingProfile&theme=dark&board=all');
    await screen.findByRole('heading', { level: 1 });
    expect(screen.queryByTestId('address-unread')).toBeNull();
  });

  it("lists an agent under Need attention as their contact's time passes the limit, with no update between", async () => {
    const now = Date.now();
    const base = makeSnapshot({ queues: 2, agents: 6, nowMs: now });
    const since = (seconds: number) => new Date(now - seconds * 1000).toISOString();
    const agents = base.agents.map((agent, i) =>
      i === 0
        ? // On a contact for a second and a half under the 10-minute limit.
          { ...agent, activity: 'on-contact' as const, activitySince: since(600 - 1.5) }
        : {
            ...agent,
            activity: 'available' as const,
            status: 'Available',
            contacts: [],
            activitySince: since(5),
          },
    );
    const watched = agents[0];
    if (!watched) throw new Error('fixture has no agent');
    // The server's clock moves on, as a real one's does: the page counts the times to it.
    stubServer({
      get snapshot() {
        return { ...base, agents, serverTime: new Date().toISOString() };
      },
    });
    renderApp('?view=laptop&status=attention');
    await screen.findByRole('heading', { level: 1 });
    await waitFor(() => expect(document.querySelector('.agents-section h2 .count')?.textContent).toBe('0'));
    await waitFor(() => expect(document.querySelector('.agents-section h2 .count')?.textContent).toBe('1'), {
      timeout: 4000,
    });
    expect(document.querySelector(`[data-agent-id="${watched.id}"]`)).not.toBeNull();
  }, 10_000);
});
