import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { SnapshotFeed } from '../api/SnapshotFeed';
import type { StreamOptions } from '../api/stream';
import { fakeSources, type FakeSource } from './fakeEventSource';

/**
 * Renders `children` inside the page's feed, its stream on fake EventSources a test drives. `source()` is the
 * last one the feed opened. A view or patch the page cannot use is answered with a fresh stream at once.
 */
export function renderInFeed(
  children: ReactNode,
  streamOptions: Omit<Partial<StreamOptions>, 'createSource'> = {},
): { sources: FakeSource[]; source: () => FakeSource; client: QueryClient } {
  const { sources, create } = fakeSources();
  const client = new QueryClient();
  render(
    <QueryClientProvider client={client}>
      <SnapshotFeed streamOptions={{ restartSpreadMs: 0, ...streamOptions, createSource: create }}>
        {children}
      </SnapshotFeed>
    </QueryClientProvider>,
  );
  const source = () => {
    const last = sources.at(-1);
    if (!last) throw new Error('the feed opened no stream');
    return last;
  };
  return { sources, source, client };
}
