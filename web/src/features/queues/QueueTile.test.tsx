import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { QueueTile } from './QueueTile';

afterEach(cleanup);

function aQueue() {
  const queue = makeSnapshot({ queues: 4 }).queues[3];
  if (!queue) throw new Error('fixture has no fourth queue');
  return queue;
}

describe('QueueTile', () => {
  it('shows the figures with the states the server evaluated, as colour, badge and words', () => {
    const queue = {
      ...aQueue(),
      realtime: { ...aQueue().realtime, CONTACTS_IN_QUEUE: 14, OLDEST_CONTACT_AGE: 125 },
      today: { ...aQueue().today, SERVICE_LEVEL_20: 71.5 },
    };
    render(
      <QueueTile
        queue={queue}
        states={{ CONTACTS_IN_QUEUE: 'critical', SERVICE_LEVEL_20: 'warn', OLDEST_CONTACT_AGE: 'ok' }}
      />,
    );
    const tile = screen.getByRole('article', { name: `Queue ${queue.name}` });
    expect(tile.dataset.queueId).toBe(queue.id);
    expect(tile.dataset.worst).toBe('critical');
    const inQueue = tile.querySelector('[data-metric="CONTACTS_IN_QUEUE"]') as HTMLElement;
    expect(inQueue.dataset.state).toBe('critical');
    expect(within(inQueue).getByText('14')).toBeTruthy();
    expect(inQueue.textContent).toContain('!!');
    expect(inQueue.textContent).toContain('critical');
    const oldest = tile.querySelector('[data-metric="OLDEST_CONTACT_AGE"]') as HTMLElement;
    expect(oldest.dataset.state).toBe('ok');
    expect(oldest.textContent).toContain('2:05');
    expect(oldest.textContent).not.toContain('!');
    const sl = tile.querySelector('[data-metric="SERVICE_LEVEL_20"]') as HTMLElement;
    expect(sl.dataset.state).toBe('warn');
    expect(sl.textContent).toMatch(/71\.5\s?%/);
    expect(sl.textContent).toMatch(/80\s?%/);
  });

  it('shows "no data" for a figure Connect could not compute, with no state', () => {
    const queue = { ...aQueue(), realtime: { CONTACTS_IN_QUEUE: null }, today: {}, states: {} };
    render(<QueueTile queue={queue} states={{}} />);
    const inQueue = document.querySelector('[data-metric="CONTACTS_IN_QUEUE"]') as HTMLElement;
    expect(inQueue.dataset.state).toBeUndefined();
    expect(inQueue.querySelector('.figure-value')?.textContent).toBe('–');
  });

  it('shows per-channel figures for a queue that serves several channels', () => {
    const queue = aQueue();
    expect(queue.channels).toEqual(['VOICE', 'CHAT', 'TASK']);
    render(<QueueTile queue={queue} states={{}} />);
    const rows = document.querySelectorAll('.channel-line > li');
    expect([...rows].map((row) => (row as HTMLElement).dataset.channel)).toEqual(['VOICE', 'CHAT', 'TASK']);
    expect(screen.getByLabelText('Chat: in queue').textContent).toBe(
      String(queue.realtimeByChannel.CHAT?.CONTACTS_IN_QUEUE),
    );
  });

  it('labels its figures from the shared descriptors, short where room is short, in full on hover', () => {
    const queue = {
      ...aQueue(),
      realtime: { ...aQueue().realtime, AGENTS_AVAILABLE: 3, AGENTS_AFTER_CONTACT_WORK: 2 },
      today: { ...aQueue().today, QUEUE_ANSWER_TIME: 3725 },
    };
    render(<QueueTile queue={queue} states={{}} />);
    const available = document.querySelector('[data-metric="AGENTS_AVAILABLE"]') as HTMLElement;
    expect(available.querySelector('dt')?.textContent).toBe('Avail');
    expect(available.title).toBe('Available');
    const acw = document.querySelector('[data-metric="AGENTS_AFTER_CONTACT_WORK"]') as HTMLElement;
    expect(acw.querySelector('dt')?.textContent).toBe('ACW');
    expect(acw.title).toBe('After contact work');
    const asa = document.querySelector('[data-metric="QUEUE_ANSWER_TIME"]') as HTMLElement;
    expect(asa.querySelector('dt')?.textContent).toBe('ASA');
    expect(asa.querySelector('.figure-value')?.textContent).toBe('1:02:05');
    const oldest = document.querySelector('[data-metric="OLDEST_CONTACT_AGE"]') as HTMLElement;
    expect(oldest.querySelector('dt')?.textContent).toBe('Oldest contact');
    expect(oldest.title).toBe('');
    // Connect's On contact counts after-contact work too, where the agent list's On contact group does not: said.
    const onContact = document.querySelector('[data-metric="AGENTS_ON_CONTACT"]') as HTMLElement;
    expect(onContact.querySelector('.figure-detail')?.textContent).toBe('incl. ACW');
    expect(onContact.title).toBe('On contact, including after-contact work, as Connect counts it');
  });
});
