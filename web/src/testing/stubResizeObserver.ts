import { vi } from 'vitest';

/** jsdom has no ResizeObserver: a stand-in that observes nothing (element sizes stay as jsdom reports them). */
export function stubResizeObserver(): void {
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
}
