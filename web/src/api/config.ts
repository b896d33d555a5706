import { publicConfigSchema, type Board, type PublicConfig } from '@switchboard/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { backoffDelay } from './backoff';
import { withDeadline } from './timeout';

export const configKeys = {
  all: ['config'] as const,
};

export class ConfigError extends Error {}

/** A request for the configuration not answered within this is given up and retried (see withDeadline). */
export const CONFIG_TIMEOUT_MS = 30_000;

export async function fetchConfig(signal?: AbortSignal): Promise<PublicConfig> {
  const body = await withDeadline(
    CONFIG_TIMEOUT_MS,
    () => new ConfigError('The server did not answer for its configuration in time.'),
    signal,
    async (deadline) => {
      const response = await fetch('/api/v1/config', {
        signal: deadline,
        headers: { accept: 'application/json' },
      });
      if (!response.ok)
        throw new ConfigError(`The server answered ${response.status} for its configuration.`);
      return (await response.json()) as unknown;
    },
  );
  const parsed = publicConfigSchema.safeParse(body);
  if (!parsed.success) throw new ConfigError('The server sent a configuration this page cannot read.');
  return parsed.data;
}

export const configQueryOptions = queryOptions({
  queryKey: configKeys.all,
  queryFn: ({ signal }) => fetchConfig(signal),
  // Boards and thresholds are edited in a file the server reloads; screens pick the edit up within a minute.
  refetchInterval: 60_000,
  refetchIntervalInBackground: true,
  refetchOnWindowFocus: false,
  staleTime: 30_000,
  retry: true,
  retryDelay: (attempt) => backoffDelay(attempt, { firstMs: 1000, maxMs: 30_000 }),
});

export function useConfig() {
  return useQuery(configQueryOptions);
}

/** What a screen shows when the server's configuration has not arrived (or cannot be read). */
export const FALLBACK_BOARD: Board = {
  id: 'default',
  title: 'Switchboard',
  queueIds: null,
  sections: ['summary', 'queues', 'agents', 'charts', 'alerts'],
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  locale: typeof navigator === 'undefined' ? 'en-GB' : navigator.language,
  sound: false,
};

/** The board the URL names, else the server's default, else the first. */
export function pickBoard(config: PublicConfig | undefined, requested: string | null): Board | null {
  if (!config) return null;
  if (requested) {
    return config.boards.find((board) => board.id === requested) ?? null;
  }
  return config.boards.find((board) => board.id === config.defaultBoardId) ?? config.boards[0] ?? null;
}
