import type { Alert } from '@switchboard/shared';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AlertsPanel } from './AlertsPanel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function alert(id: string, level: Alert['level'], since: string, acknowledged = false): Alert {
  return {
    id,
    ruleId: 'rule',
    metric: 'CONTACTS_IN_QUEUE',
    queueId: 'q1',
    level,
    since,
    value: 12,
    threshold: 10,
    acknowledgedBy: acknowledged ? 'Dana' : null,
    acknowledgedAt: acknowledged ? since : null,
  };
}

/**
 * An open alert in a panel that may acknowledge it, against a server that takes the acknowledgement;
 * `acknowledged()` brings the next figures, which carry it.
 */
function acknowledgeable() {
  const open = alert('queue-long', 'critical', '2026-11-24T09:00:00Z');
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => Response.json({ ...open, acknowledgedBy: 'Dana', acknowledgedAt: open.since })),
  );
  const client = new QueryClient();
  const panel = (alerts: Alert[]) => (
    <QueryClientProvider client={client}>
      <AlertsPanel alerts={alerts} queueName={() => 'Sales'} />
    </QueryClientProvider>
  );
  const { rerender } = render(panel([open]));
  return { acknowledged: () => rerender(panel([alert(open.id, open.level, open.since, true)])) };
}

describe('AlertsPanel', () => {
  it('lists open alerts before acknowledged ones, the worst and then the newest first', () => {
    const alerts = [
      alert('old-warn', 'warn', '2026-11-24T09:00:00Z'),
      alert('old-critical', 'critical', '2026-11-24T09:05:00Z'),
      alert('acknowledged-critical', 'critical', '2026-11-24T09:30:00Z', true),
      alert('new-critical', 'critical', '2026-11-24T09:20:00Z'),
      alert('new-warn', 'warn', '2026-11-24T09:25:00Z'),
    ];
    render(
      <QueryClientProvider client={new QueryClient()}>
        <AlertsPanel alerts={alerts} queueName={() => 'Sales'} readOnly />
      </QueryClientProvider>,
    );
    const order = screen.getAllByRole('listitem').map((item) => item.getAttribute('data-alert-id'));
    expect(order).toEqual(['new-critical', 'old-critical', 'new-warn', 'old-warn', 'acknowledged-critical']);
  });

  it('says each figure and its limit as the tiles write them', () => {
    const oldest: Alert = {
      ...alert('oldest', 'critical', '2026-11-24T09:00:00Z'),
      metric: 'OLDEST_CONTACT_AGE',
      queueId: 'q4',
      value: 455,
      threshold: 120,
    };
    const serviceLevel: Alert = {
      ...alert('sl', 'warn', '2026-11-24T09:01:00Z'),
      metric: 'SERVICE_LEVEL_20',
      queueId: null,
      value: 60,
      threshold: 75,
    };
    render(
      <QueryClientProvider client={new QueryClient()}>
        <AlertsPanel alerts={[oldest, serviceLevel]} queueName={() => 'Sales 4'} readOnly />
      </QueryClientProvider>,
    );
    const text = (id: string) =>
      document
        .querySelector(`[data-alert-id="${id}"] .alert-text`)
        ?.textContent?.replace(/\u00a0|\u202f/g, ' ');
    expect(text('oldest')).toContain('Critical: Oldest contact on Sales 4 is 7:35 (limit 2:00), for');
    expect(text('sl')).toContain(
      'Warning: Service level (20 s) for the whole centre is 60.0% (limit 75%), for',
    );
  });

  it('names a screen alert by the name the server gave, not its key', () => {
    const screenDown: Alert = {
      ...alert('screen', 'critical', '2026-11-24T09:00:00Z'),
      metric: 'SCREEN_DISCONNECTED',
      queueId: 'screen:t:lobby-tv',
      value: 300,
      threshold: 120,
      subject: 'screen Lobby TV',
    };
    render(
      <QueryClientProvider client={new QueryClient()}>
        <AlertsPanel alerts={[screenDown]} queueName={(id) => id ?? ''} readOnly />
      </QueryClientProvider>,
    );
    const text = document.querySelector('[data-alert-id="screen"] .alert-text')?.textContent ?? '';
    expect(text).toContain('on screen Lobby TV');
    expect(text).not.toContain('screen:t:lobby-tv');
  });

  it('keeps the keyboard on the alert it acknowledged, once the button has gone', async () => {
    const { acknowledged } = acknowledgeable();
    const button = screen.getByRole('button', { name: /Acknowledge/ });
    button.focus();
    fireEvent.click(button);
    // The next figures carry the acknowledgement, here before the server's answer to the request (the buttons
    // are disabled until it comes): the keyboard moves once it has.
    acknowledged();
    await waitFor(() =>
      expect(document.activeElement?.closest('[data-alert-id]')?.getAttribute('data-alert-id')).toBe(
        'queue-long',
      ),
    );
    expect(document.activeElement?.textContent).toMatch(/^Acknowledged by Dana/);
  });

  it('asks for a name in its own words when the server knows none, not with the API field name', async () => {
    acknowledgeable();
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        Response.json(
          {
            code: 'name_required',
            detail: 'by is required: the name of the supervisor acknowledging the alert',
          },
          { status: 400 },
        ),
      ),
    );
    const nameInput = screen.getByPlaceholderText('Your name');
    fireEvent.change(nameInput, { target: { value: '  ' } });
    fireEvent.click(screen.getByRole('button', { name: /Acknowledge/ }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Type your name in “Acknowledge as” first: each acknowledgement is recorded with who made it.',
    );
    expect(document.activeElement).toBe(nameInput);
    expect(nameInput.getAttribute('aria-invalid')).toBe('true');
    // Typing a name takes the message away.
    fireEvent.change(nameInput, { target: { value: 'Dana' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('leaves the keyboard where the user has gone since acknowledging', () => {
    const { acknowledged } = acknowledgeable();
    fireEvent.click(screen.getByRole('button', { name: /Acknowledge/ }));
    const nameInput = screen.getByPlaceholderText('Your name');
    nameInput.focus();
    acknowledged();
    expect(document.activeElement).toBe(nameInput);
  });

  it('takes the keyboard on to the next open alert once one is acknowledged, and says it was', async () => {
    const first = alert('first', 'critical', '2026-11-24T09:10:00Z');
    const second = { ...alert('second', 'critical', '2026-11-24T09:00:00Z'), queueId: 'q2' };
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({ ...first, acknowledgedBy: 'Dana', acknowledgedAt: first.since })),
    );
    const client = new QueryClient();
    const panel = (alerts: Alert[]) => (
      <QueryClientProvider client={client}>
        <AlertsPanel alerts={alerts} queueName={(id) => (id === 'q2' ? 'Support' : 'Sales')} />
      </QueryClientProvider>
    );
    const { rerender } = render(panel([first, second]));
    const button = screen.getByRole('button', { name: 'Acknowledge In queue alert on Sales' });
    button.focus();
    fireEvent.click(button);
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toMatch(/^Acknowledged: In queue on Sales is 12/),
    );
    rerender(panel([alert('first', 'critical', first.since, true), second]));
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'Acknowledge In queue alert on Support' }),
    );
  });

  it('lists the alerts of the queues shown, counts the others, and lists them on request', () => {
    const alerts = [
      alert('on-sales', 'critical', '2026-11-24T09:00:00Z'),
      { ...alert('on-support', 'warn', '2026-11-24T09:01:00Z'), queueId: 'q2' },
      { ...alert('on-billing', 'warn', '2026-11-24T09:02:00Z', true), queueId: 'q3' },
      { ...alert('centre', 'warn', '2026-11-24T09:03:00Z'), queueId: null },
    ];
    render(
      <QueryClientProvider client={new QueryClient()}>
        <AlertsPanel alerts={alerts} queueName={() => 'Q'} readOnly queueIds={new Set(['q1'])} />
      </QueryClientProvider>,
    );
    const listed = () => screen.getAllByRole('listitem').map((item) => item.getAttribute('data-alert-id'));
    expect(listed()).toEqual(['on-sales', 'centre']);
    const elsewhere = screen.getByTestId('alerts-elsewhere');
    expect(elsewhere.textContent).toBe('2 more on queues not shown below (1 open). List them too');
    fireEvent.click(screen.getByRole('button', { name: 'List them too' }));
    expect(listed()).toEqual(['on-sales', 'centre', 'on-support', 'on-billing']);
    fireEvent.click(screen.getByRole('button', { name: 'List only the queues shown' }));
    expect(listed()).toEqual(['on-sales', 'centre']);
  });
});
