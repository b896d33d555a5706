import type { Agent, Queue } from '@switchboard/shared';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentTile } from '../features/agents/AgentTile';
import { QueueGrid } from '../features/queues/QueueGrid';
import { makeSnapshot } from '../testing/makeSnapshot';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const noStates = () => ({});
const queueName = (id: string | null) => id ?? 'No queue';

describe('a tile that cannot be drawn', () => {
  it('says so in its own place while the other queue tiles draw, and draws again with good figures', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const [first, second, third] = makeSnapshot({ queues: 3 }).queues as [Queue, Queue, Queue];
    // A queue whose figures are missing altogether: the tile throws while drawing them.
    const broken = { ...second, realtime: undefined } as unknown as Queue;
    const { rerender } = render(<QueueGrid queues={[first, broken, third]} statesOf={noStates} />);
    expect(screen.getByRole('alert').textContent).toContain(`Could not draw queue ${second.name}.`);
    expect(
      document.querySelector(`[data-queue-id="${first.id}"] [data-metric="CONTACTS_IN_QUEUE"]`),
    ).not.toBeNull();
    expect(
      document.querySelector(`[data-queue-id="${third.id}"] [data-metric="CONTACTS_IN_QUEUE"]`),
    ).not.toBeNull();
    expect(document.querySelector(`[data-queue-id="${second.id}"]`)).toBeNull();

    rerender(<QueueGrid queues={[first, second, third]} statesOf={noStates} />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(
      document.querySelector(`[data-queue-id="${second.id}"] [data-metric="CONTACTS_IN_QUEUE"]`),
    ).not.toBeNull();
  });

  it('keeps an agent that cannot be drawn to its own tile', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const [good, other] = makeSnapshot({ queues: 2, agents: 2 }).agents as [Agent, Agent];
    const broken = { ...other, contacts: undefined } as unknown as Agent;
    render(
      <div>
        <AgentTile agent={good} queueName={queueName} />
        <AgentTile agent={broken} queueName={queueName} />
      </div>,
    );
    expect(screen.getByRole('alert').textContent).toContain(`Could not draw agent ${other.name}.`);
    expect(document.querySelector(`[data-agent-id="${good.id}"]`)).not.toBeNull();
    expect(document.querySelector(`[data-agent-id="${other.id}"]`)).toBeNull();
  });
});
