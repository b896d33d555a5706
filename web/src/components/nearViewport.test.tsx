import type { Queue } from '@switchboard/shared';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupAgents } from '../api/selectors';
import { AgentList } from '../features/agents/AgentList';
import { QueueGrid } from '../features/queues/QueueGrid';
import { makeSnapshot } from '../testing/makeSnapshot';

/** jsdom has no IntersectionObserver: this one reports what the test says the browser saw. */
class FakeIntersectionObserver {
  static all: FakeIntersectionObserver[] = [];
  readonly targets = new Set<Element>();
  constructor(private readonly callback: IntersectionObserverCallback) {
    FakeIntersectionObserver.all.push(this);
  }
  observe(target: Element) {
    this.targets.add(target);
  }
  unobserve(target: Element) {
    this.targets.delete(target);
  }
  disconnect() {
    this.targets.clear();
  }
  takeRecords() {
    return [];
  }
  /** The browser reports `target` near the screen or not, `height` px tall. */
  static report(target: Element, near: boolean, height = 100) {
    for (const observer of FakeIntersectionObserver.all) {
      if (!observer.targets.has(target)) continue;
      const entry = {
        target,
        isIntersecting: near,
        boundingClientRect: { height } as DOMRectReadOnly,
      } as IntersectionObserverEntry;
      act(() => observer.callback([entry], observer as unknown as IntersectionObserver));
    }
  }
}

beforeEach(() => {
  FakeIntersectionObserver.all = [];
  globalThis.IntersectionObserver = FakeIntersectionObserver as unknown as typeof IntersectionObserver;
});
afterEach(() => {
  cleanup();
  delete (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
});

const noStates = () => ({});

describe('queue tiles off screen', () => {
  it('stand in at their size with their name only, and show the latest figures when back', () => {
    const first = makeSnapshot({ queues: 3, tick: 1 }).queues;
    const view = render(<QueueGrid queues={first} statesOf={noStates} />);
    const tile = (id: string) => view.container.querySelector(`[data-queue-id="${id}"]`) as HTMLElement;
    const far = first[1] as Queue;
    expect(tile(far.id).querySelectorAll('[data-metric]').length).toBeGreaterThan(0);

    FakeIntersectionObserver.report(tile(far.id), false, 187);
    expect(tile(far.id).dataset.held).toBe('');
    expect(tile(far.id).style.height).toBe('187px');
    expect(tile(far.id).textContent).toBe(far.name);
    expect(tile(far.id).querySelector('[data-metric]')).toBeNull();
    expect(tile((first[0] as Queue).id).querySelector('[data-metric]')).not.toBeNull();

    // Figures move on while the tile is away; back on screen it shows the new ones, not the ones it left with.
    const later = first.map((queue) =>
      queue.id === far.id ? { ...queue, realtime: { ...queue.realtime, CONTACTS_IN_QUEUE: 77 } } : queue,
    );
    view.rerender(<QueueGrid queues={later} statesOf={noStates} />);
    expect(tile(far.id).querySelector('[data-metric]')).toBeNull();
    FakeIntersectionObserver.report(tile(far.id), true);
    expect(tile(far.id).dataset.held).toBeUndefined();
    expect(tile(far.id).style.height).toBe('');
    expect(tile(far.id).querySelector('[data-metric="CONTACTS_IN_QUEUE"] .figure-value')?.textContent).toBe(
      '77',
    );
  });

  it('are all drawn where the browser cannot say what is on screen', () => {
    delete (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
    const queues = makeSnapshot({ queues: 4 }).queues;
    const view = render(<QueueGrid queues={queues} statesOf={noStates} />);
    expect(view.container.querySelectorAll('[data-held]')).toHaveLength(0);
    expect(view.container.querySelectorAll('[data-metric="CONTACTS_IN_QUEUE"]')).toHaveLength(4);
  });
});

describe('the agent list off screen', () => {
  it('draws no tiles until it is scrolled near', () => {
    const groups = groupAgents(makeSnapshot({ agents: 12 }).agents, 'status');
    const view = render(<AgentList groups={groups} queueName={() => 'Sales'} />);
    const tiles = () => view.container.querySelectorAll('[data-agent-id]').length;
    expect(tiles()).toBeGreaterThan(0);
    const scroller = view.container.querySelector('.agent-scroller') as HTMLElement;
    FakeIntersectionObserver.report(scroller, false);
    expect(tiles()).toBe(0);
    expect(scroller.getAttribute('aria-label')).toBe('Agents (12)');
    FakeIntersectionObserver.report(scroller, true);
    expect(tiles()).toBeGreaterThan(0);
  });
});
