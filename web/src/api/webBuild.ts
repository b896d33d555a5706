import { webBuildOf } from '@switchboard/shared';
import { useSyncExternalStore } from 'react';

/**
 * This page's own build (shared/src/webBuild.ts): the hashed entry script and stylesheets its document loaded.
 * Read once, as the app starts: a stylesheet the bundler adds later for a part loaded on demand is not the page's
 * build. Null on a development server, whose page names no hashed file.
 */
export function documentWebBuild(doc: Document): string | null {
  const addresses = [
    ...[...doc.querySelectorAll('script[type="module"][src]')].map((script) => script.getAttribute('src')),
    ...[...doc.querySelectorAll('link[rel="stylesheet"][href]')].map((link) => link.getAttribute('href')),
  ].filter((address): address is string => address !== null);
  return webBuildOf(addresses);
}

export const PAGE_WEB_BUILD = typeof document === 'undefined' ? null : documentWebBuild(document);

/** The build the replica this page's stream is connected to serves, as its latest heartbeat said. */
let served: string | null = null;
const listeners = new Set<() => void>();

export function observeServedWebBuild(build: string | null): void {
  if (build === served) return;
  served = build;
  for (const listener of listeners) listener();
}

export function useServedWebBuild(): string | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => served,
  );
}
