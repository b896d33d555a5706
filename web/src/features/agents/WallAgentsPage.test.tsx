import type { Agent } from '@switchboard/shared';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { WallAgentsPage } from './WallAgentsPage';

afterEach(cleanup);

const NOW = Date.now();
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();
const base = makeSnapshot({ agents: 1 }).agents[0] as Agent;
const agent = (id: string, activity: Agent['activity'], seconds: number, status = 'Available'): Agent => ({
  ...base,
  id,
  name: `Agent ${id}`,
  status,
  activity,
  activitySince: ago(seconds),
  contacts:
    activity === 'on-contact' || activity === 'missed'
      ? [
          {
            contactId: `c-${id}`,
            channel: 'VOICE',
            state: activity === 'missed' ? 'MISSED' : 'CONNECTED',
            stateStartedAt: ago(seconds),
            queueId: 'q-0000',
          },
        ]
      : [],
});

describe('WallAgentsPage', () => {
  it('is dimmed, and says it is stale, while the agents are behind', () => {
    const agents = [agent('a', 'available', 100)];
    const limits = { acwSeconds: 120, contactSeconds: 600, customSeconds: 900 };
    const { rerender } = render(<WallAgentsPage agents={agents} limits={limits} queueName={() => 'Sales'} />);
    expect(screen.getByTestId('wall-agents').getAttribute('data-stale')).toBeNull();
    rerender(<WallAgentsPage agents={agents} limits={limits} queueName={() => 'Sales'} behind />);
    expect(screen.getByTestId('wall-agents').getAttribute('data-stale')).toBe('true');
    expect(screen.getByTestId('wall-agents').className).toContain('section-behind');
  });

  it('shows the agents who need attention, the longest contacts and counts for everyone else', () => {
    const agents = [
      agent('m', 'missed', 40),
      agent('b', 'custom', 1200, 'Break'),
      agent('c1', 'on-contact', 300),
      agent('c2', 'on-contact', 200),
      ...Array.from({ length: 30 }, (_, i) => agent(`a${i}`, 'available', 100 + i)),
    ];
    render(
      <WallAgentsPage
        agents={agents}
        limits={{ acwSeconds: 120, contactSeconds: 600, customSeconds: 900 }}
        queueName={() => 'Sales'}
      />,
    );
    const attention = screen.getByTestId('wall-attention');
    const tiles = within(attention).getAllByRole('article');
    expect(tiles.map((t) => t.getAttribute('aria-label'))).toEqual(['Agent m, Missed', 'Agent b, Break']);
    expect(tiles[0]?.textContent).toMatch(/0:4[0-2]/);
    expect(tiles[1]?.textContent).toContain('over 15:00');
    const longest = screen.getByTestId('wall-longest');
    expect(
      [...longest.querySelectorAll('[data-agent-id]')].map((r) => r.getAttribute('data-agent-id')),
    ).toEqual(['c1', 'c2']);
    // Thirty available agents are one count, not thirty tiles.
    const available = document.querySelector('[data-count-key="available"]');
    expect(available?.textContent).toContain('30');
    expect(document.querySelectorAll('[data-agent-id^="a"]')).toHaveLength(0);
  });

  it("names each custom status's own limit beside the others, and an agent over it by that limit", () => {
    render(
      <WallAgentsPage
        agents={[agent('l', 'custom', 4000, 'Lunch'), agent('t', 'custom', 9000, 'Training')]}
        limits={{
          acwSeconds: 120,
          contactSeconds: 600,
          customSeconds: 900,
          statusSeconds: { Lunch: 3600, Training: null },
        }}
        queueName={() => 'Sales'}
      />,
    );
    const attention = screen.getByTestId('wall-attention');
    expect(attention.querySelector('.limits')?.textContent).toBe(
      'limits: ACW 2:00 · contact 10:00 · away 15:00 · Lunch 1:00:00 · Training none',
    );
    const tiles = within(attention).getAllByRole('article');
    expect(tiles.map((t) => t.getAttribute('aria-label'))).toEqual(['Agent l, Lunch']);
    expect(tiles[0]?.textContent).toContain('over 1:00:00');
  });
});
