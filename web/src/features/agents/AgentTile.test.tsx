import type { Agent } from '@switchboard/shared';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { AgentTile } from './AgentTile';

afterEach(cleanup);

const NOW = Date.now();
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

function anAgent(overrides: Partial<Agent>): Agent {
  const agent = makeSnapshot({ agents: 1 }).agents[0];
  if (!agent) throw new Error('fixture has no agent');
  return { ...agent, contacts: [], ...overrides };
}

/** A connected contact of `channel` from `queueId`, in its state since `seconds` ago. */
function aContact(contactId: string, channel: 'VOICE' | 'CHAT' | 'TASK', seconds: number, queueId: string) {
  return { contactId, channel, state: 'CONNECTED', stateStartedAt: ago(seconds), queueId };
}

const queueName = () => 'Sales';

describe('AgentTile', () => {
  it('says "On contact" and counts from the contact for an agent whose CCP status is still Available', () => {
    const agent = anAgent({
      status: 'Available',
      statusType: 'ROUTABLE',
      statusStartedAt: ago(2 * 3600),
      activity: 'on-contact',
      activitySince: ago(65),
      contacts: [
        { contactId: 'c1', channel: 'VOICE', state: 'CONNECTED', stateStartedAt: ago(65), queueId: 'q' },
      ],
    });
    render(<AgentTile agent={agent} queueName={queueName} />);
    const tile = screen.getByRole('article', { name: `${agent.name}, On contact` });
    expect(tile.dataset.activity).toBe('on-contact');
    expect(tile.querySelector('.agent-status')?.textContent).toBe('On contact');
    expect(tile.textContent).not.toContain('Available');
    // A minute on the call, not two hours since the status was set.
    expect(tile.querySelector('.agent-elapsed')?.textContent).toMatch(/^1:0[5-7]$/);
  });

  it("shows a contact's own time where it differs from the activity's, and not the same time twice", () => {
    const one = anAgent({
      activity: 'on-contact',
      activitySince: ago(65),
      contacts: [aContact('c1', 'VOICE', 65, 'q')],
    });
    const { unmount } = render(<AgentTile agent={one} queueName={queueName} />);
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
    expect(document.querySelectorAll('.contact-elapsed')).toHaveLength(0);
    expect(document.querySelector('.agent-elapsed')?.textContent).toMatch(/^1:0[5-7]$/);
    unmount();

    // Two chats: the activity counts from the first; the second's own time is its own.
    const two = anAgent({
      activity: 'on-contact',
      activitySince: ago(300),
      contacts: [aContact('c1', 'CHAT', 300, 'q'), aContact('c2', 'CHAT', 20, 'q')],
    });
    render(<AgentTile agent={two} queueName={queueName} />);
    const times = [...document.querySelectorAll('.contact-elapsed')].map((element) => element.textContent);
    expect(times).toHaveLength(1);
    expect(times[0]).toMatch(/^0:2[0-2]$/);
    expect(document.querySelector('.agent-elapsed')?.textContent).toMatch(/^5:0[0-2]$/);
  });

  it("names a queue once for its contacts on one channel, with their count and each one's own time", () => {
    const agent = anAgent({
      activity: 'on-contact',
      activitySince: ago(300),
      contacts: [
        aContact('c1', 'CHAT', 300, 'q1'),
        aContact('c2', 'CHAT', 120, 'q2'),
        aContact('c3', 'CHAT', 20, 'q1'),
        aContact('c4', 'TASK', 60, 'q1'),
      ],
    });
    const names: Record<string, string> = { q1: 'Support', q2: 'Sales' };
    render(<AgentTile agent={agent} queueName={(id) => names[id ?? ''] ?? '?'} />);
    const items = screen.getAllByRole('listitem');
    // Support's two chats together, in the order of their first; then Sales's chat; then Support's task.
    expect(items.map((item) => item.querySelector('.contact-queue')?.textContent)).toEqual([
      'Support',
      'Sales',
      'Support',
    ]);
    const [chats, sales, task] = items;
    expect(chats?.querySelector('.contact-count')?.textContent).toBe('×2');
    expect(chats?.textContent).toContain('2 contacts');
    // The first chat's time is the activity's, shown once at the top; the second's is its own.
    expect([...(chats?.querySelectorAll('.contact-elapsed') ?? [])].map((e) => e.textContent)).toEqual([
      expect.stringMatching(/^0:2[0-2]$/),
    ]);
    expect(sales?.querySelector('.contact-count')).toBeNull();
    expect(sales?.querySelector('.contact-elapsed')?.textContent).toMatch(/^2:0[0-2]$/);
    // Each of those times says what it is of: on hover, and to a screen reader before it.
    expect((sales?.querySelector('.contact-elapsed') as HTMLElement | null)?.title).toBe(
      'Another contact: On contact, for this long',
    );
    expect(sales?.textContent).toContain('another contact on contact for');
    expect(task?.querySelector('.channel-icon')?.getAttribute('data-channel')).toBe('TASK');
  });

  it('names a custom status as Connect does ("Break"), with its time', () => {
    const agent = anAgent({
      status: 'Break',
      statusType: 'CUSTOM',
      statusStartedAt: ago(600),
      activity: 'custom',
      activitySince: ago(600),
    });
    render(<AgentTile agent={agent} queueName={queueName} />);
    const tile = screen.getByRole('article', { name: `${agent.name}, Break` });
    expect(tile.querySelector('.agent-status')?.textContent).toContain('Break');
    expect(tile.querySelector('.agent-elapsed')?.textContent).toMatch(/^10:0[0-2]$/);
  });

  it('shows a missed, rejected or errored contact by its activity and a glyph of its own, not "Available"', () => {
    const glyphs = new Set<string>();
    for (const [activity, words] of [
      ['missed', 'Missed'],
      ['rejected', 'Rejected'],
      ['error', 'Error'],
      ['incoming', 'Incoming'],
    ] as const) {
      const agent = anAgent({ status: 'Available', activity, activitySince: ago(30) });
      render(<AgentTile agent={agent} queueName={queueName} />);
      const tile = screen.getByRole('article', { name: `${agent.name}, ${words}` });
      expect(tile.dataset.activity).toBe(activity);
      expect(tile.querySelector('.agent-status')?.textContent).toBe(words);
      glyphs.add(tile.querySelector('.agent-glyph')?.textContent ?? '');
      cleanup();
    }
    expect(glyphs.size).toBe(4);
  });
});
