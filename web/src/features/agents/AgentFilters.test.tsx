import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { parseViewParams } from '../../url';
import { AgentFilters } from './AgentFilters';

afterEach(cleanup);

function filters(search: string, agents = true) {
  render(
    <AgentFilters
      params={parseViewParams(search)}
      update={() => undefined}
      queues={[{ id: 'q-1', name: 'Sales' }]}
      routingProfiles={[{ id: 'rp-1', name: 'Sales agents' }]}
      hierarchyGroups={[]}
      agents={agents}
    />,
  );
  const chosen = (label: string) =>
    (screen.getByLabelText(label) as HTMLSelectElement).selectedOptions[0]?.textContent ?? '';
  return chosen;
}

describe('AgentFilters', () => {
  it('shows a filter the address asks for that matches no option, rather than "All"', () => {
    const chosen = filters('?profile=rp-gone&group=g-gone&queues=q-9');
    expect(chosen('Routing profile')).toBe('rp-gone (none here)');
    expect(chosen('Team')).toBe('g-gone (none here)');
    expect(chosen('Queue')).toBe('q-9 (none here)');
  });

  it('shows several queues from the address as such', () => {
    const chosen = filters('?queues=q-1,q-2');
    expect(chosen('Queue')).toBe('2 queues, from the address');
  });

  it('shows a filter that matches an option by its name', () => {
    const chosen = filters('?profile=rp-1&queues=q-1');
    expect(chosen('Routing profile')).toBe('Sales agents');
    expect(chosen('Queue')).toBe('Sales');
  });

  it('offers on a board without agents only the filters of its queues', () => {
    filters('?profile=rp-1&status=acw&search=maria', false);
    expect(screen.getByLabelText('Queue')).toBeTruthy();
    expect(screen.getByLabelText('Channel')).toBeTruthy();
    for (const label of ['Routing profile', 'Team', 'Status', 'Group agents by', 'Find agent'])
      expect(screen.queryByLabelText(label)).toBeNull();
  });
});
