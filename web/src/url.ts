import { CHANNELS, readIsoTime, withOffsetPlus, type Channel } from '@switchboard/shared';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { AGENT_GROUPINGS, ACTIVITY_ORDER, type AgentActivity, type AgentGrouping } from './api/selectors';

/**
 * What the screen shows lives in the address bar, so a view can be bookmarked, shared and put on a wall:
 * view, board, the laptop's filters, drill-down and moment replayed, the embed's queue and background.
 */
export type ViewName = 'wall' | 'laptop' | 'embed' | 'screens';

export interface ViewParams {
  view: ViewName;
  board: string | null;
  /** Embed: the one queue to show. Laptop: the queue drilled into. */
  queue: string | null;
  /** Laptop: only these queues (empty: all the board's). */
  queues: string[];
  profile: string | null;
  group: string | null;
  channel: Channel | null;
  /** An activity, or `attention`: the agents the wall lists as needing attention. */
  status: AgentActivity | 'attention' | null;
  search: string;
  groupBy: AgentGrouping;
  theme: 'light' | 'dark' | null;
  transparent: boolean;
  /** Wall: seconds per page when the content needs more than one screen. */
  rotate: number;
  /** Laptop: the moment replayed (ms), as `?at=` an ISO 8601 time; null when live or unreadable. */
  at: number | null;
  /** `?at=` as given, when it is not a time the page can read (the page says so, and shows live figures). */
  badAt: string | null;
  /** Values the address gives that the page cannot read, so did not apply (the page says which, and what it takes). */
  unread: UnreadParam[];
}

export interface UnreadParam {
  key: 'view' | 'channel' | 'status' | 'groupBy' | 'theme' | 'rotate' | 'bg';
  value: string;
  /** What the key takes, in words. */
  takes: string;
  /** What the page does instead. */
  instead: string;
}

function parseAt(value: string | null): { at: number | null; badAt: string | null } {
  if (value === null || value === '') return { at: null, badAt: null };
  // Read as the server reads `?at=`; a "+" typed into the address arrives as a space.
  const read = readIsoTime(withOffsetPlus(value) ?? value);
  return 'ms' in read ? { at: read.ms, badAt: null } : { at: null, badAt: value };
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

const VIEWS = ['wall', 'laptop', 'embed', 'screens'] as const;
const THEMES = ['light', 'dark'] as const;
const MIN_ROTATE_SECONDS = 2;

export function parseViewParams(search: string): ViewParams {
  const params = new URLSearchParams(search);
  const unread: UnreadParam[] = [];
  /** The key's value if `read` takes it; else undefined, and a value given (absent or empty is none) is unread. */
  const readParam = <T>(
    key: UnreadParam['key'],
    read: (value: string) => T | null,
    takes: string,
    instead: string,
  ): T | undefined => {
    const value = params.get(key);
    if (value === null || value === '') return undefined;
    const taken = read(value);
    if (taken !== null) return taken;
    unread.push({ key, value, takes, instead });
    return undefined;
  };
  const pick = <T extends string>(
    key: UnreadParam['key'],
    allowed: readonly T[],
    instead: string,
  ): T | null =>
    readParam(key, (value) => oneOf(value, allowed), `one of ${allowed.join(', ')}`, instead) ?? null;
  const rotate = readParam(
    'rotate',
    (value) => (Number.isFinite(Number(value)) && Number(value) >= MIN_ROTATE_SECONDS ? Number(value) : null),
    `seconds a page shows, ${MIN_ROTATE_SECONDS} or more`,
    '15 s',
  );
  const transparent =
    readParam(
      'bg',
      (value) => (value === 'transparent' ? true : null),
      'transparent',
      "the theme's background",
    ) ?? false;
  return {
    view: pick('view', VIEWS, 'the laptop view') ?? 'laptop',
    board: params.get('board'),
    queue: params.get('queue'),
    queues: (params.get('queues') ?? '').split(',').filter(Boolean),
    profile: params.get('profile'),
    group: params.get('group'),
    channel: pick('channel', CHANNELS, 'every channel'),
    status: pick('status', [...ACTIVITY_ORDER, 'attention'] as const, 'any status'),
    search: params.get('search') ?? '',
    groupBy: pick('groupBy', AGENT_GROUPINGS, 'grouped by status') ?? 'status',
    theme: pick('theme', THEMES, "the system's theme"),
    transparent,
    rotate: rotate ?? 15,
    ...parseAt(params.get('at')),
    unread,
  };
}

export type ViewPatch = Partial<
  Record<
    | 'board'
    | 'queue'
    | 'queues'
    | 'profile'
    | 'group'
    | 'channel'
    | 'status'
    | 'search'
    | 'groupBy'
    | 'at'
    | UnreadParam['key'],
    string | null
  >
>;

const listeners = new Set<() => void>();
function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** Merges `patch` into the current query string; null or "" removes a key. */
export function patchSearch(search: string, patch: ViewPatch): string {
  const params = new URLSearchParams(search);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** How an address change is made: `push` a step of history the back button undoes, with `state` kept with it. */
export interface UpdateOptions {
  push?: boolean;
  state?: unknown;
}

/** This page's address with `patch` merged into its query: for a link to another view that keeps the rest. */
export function addressWith(patch: ViewPatch): string {
  return patchSearch(window.location.search, patch) || '?';
}

export function useViewParams(): [ViewParams, (patch: ViewPatch, options?: UpdateOptions) => void] {
  const search = useSyncExternalStore(subscribe, () => window.location.search);
  const params = useMemo(() => parseViewParams(search), [search]);
  const update = useCallback((patch: ViewPatch, options?: UpdateOptions) => {
    const next = `${window.location.pathname}${patchSearch(window.location.search, patch)}${window.location.hash}`;
    // Drilling in is a step the back button should undo; typing in a filter is not (and keeps what the entry
    // holds: the drill-down's own, LaptopView).
    if (options?.push) window.history.pushState(options.state ?? null, '', next);
    else window.history.replaceState(window.history.state, '', next);
    for (const listener of listeners) listener();
  }, []);
  return [params, update];
}
