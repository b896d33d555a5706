import type { ScreenReport } from '@switchboard/shared';
import { useEffect, useRef } from 'react';
import { serverNow } from './clock';
import type { SnapshotMeta } from './useSnapshotSlices';
import { parseViewParams } from '../url';
import { CLAIM_CHANNEL, ScreenClaim, type KeyValueStore } from './screenClaim';

/**
 * Every screen reports itself (docs/screens.md): what it shows, the age of its figures measured here, when it
 * last drew, its heap, the errors its error boundaries caught, its viewport and how long since it loaded. One
 * small POST an interval (the server says how long, default a minute): a wall's stream is about a hundred
 * times more.
 */

/** The first report, a few seconds after the first figures: a screen shows up soon after it opens. */
const FIRST_REPORT_MS = 3000;
const DEFAULT_INTERVAL_MS = 60_000;
/** After a failed report, the next comes within this (or the interval, if shorter). */
const RETRY_MS = 15_000;
/** A report not answered within this is given up: the next waits on it, and a screen would fall silent for good. */
const REPORT_TIMEOUT_MS = 30_000;
/** After the server refused this browser's id as another board's screen, the report under a new one comes within this. */
const RENEWED_REPORT_MS = 1000;

/** The `code` of an RFC 9457 problem answer, or null. */
async function problemCode(response: Response): Promise<string | null> {
  try {
    const { code } = (await response.json()) as { code?: unknown };
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

let claim: ScreenClaim | null = null;

function storage(kind: 'localStorage' | 'sessionStorage'): KeyValueStore | null {
  try {
    return window[kind];
  } catch {
    return null;
  }
}

/** This tab's claim to a screen id among the browser's tabs (screenClaim.ts), made at first use. */
function tabClaim(): ScreenClaim {
  if (claim) return claim;
  const shows = parseViewParams(window.location.search);
  const made = new ScreenClaim({
    local: storage('localStorage'),
    session: storage('sessionStorage'),
    channel: typeof BroadcastChannel === 'function' ? new BroadcastChannel(CLAIM_CHANNEL) : null,
    address: [shows.view, shows.board ?? '', shows.queues.join(',')].join('|'),
    framed: window.self !== window.top,
  });
  // A page shown again (from the back-forward cache, or a tab woken up) may have missed the others' word.
  window.addEventListener('pageshow', () => made.announce());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') made.announce();
  });
  claim = made;
  return made;
}

/**
 * This tab's screen id: the browser's own, kept in localStorage (in memory where storage is refused), or where
 * another tab of the browser is that screen, one of this tab's own (screenClaim.ts).
 */
export function screenId(): string {
  return tabClaim().id();
}

/**
 * Runs `then` once this tab knows its screen id (a moment after the page starts; at once after that): the stream
 * waits for it. Returns a function that cancels it.
 */
export function whenScreenIdSettled(then: () => void): () => void {
  const claimed = tabClaim();
  if (claimed.isSettled()) {
    then();
    return () => undefined;
  }
  let cancelled = false;
  void claimed.settled.then(() => {
    if (!cancelled) then();
  });
  return () => {
    cancelled = true;
  };
}

/** Calls `listener` when this tab takes a new screen id (the stream connects again under it). */
export function onScreenIdRenewed(listener: () => void): () => void {
  return tabClaim().onChange(listener);
}

/**
 * Gives this tab a new id: the server refused the one it had as another board's screen (a browser shared by
 * supervisors who may see different boards). Reports use it at once, and the stream connects again under it.
 */
function renewScreenId(): void {
  tabClaim().renew();
}

const loadedAt = performance.now();
let errors = 0;
let drewAt: number | null = null;
let build: string | null = null;

/** An error boundary caught an error (components/ErrorBoundary.tsx). */
export function countScreenError(): void {
  errors += 1;
}

/** The page drew a new generation of figures. */
export function noteDrawn(): void {
  drewAt = performance.now();
}

interface MemoryInfo {
  usedJSHeapSize: number;
}

export function buildReport(input: {
  view: ScreenReport['view'];
  board: string | null;
  meta: SnapshotMeta | undefined;
}): ScreenReport {
  const now = performance.now();
  const memory = (performance as Performance & { memory?: MemoryInfo }).memory;
  // As the stale banner counts it: from when the queues' figures were fetched, on the server's clock.
  const meta = input.meta;
  const ageMs = meta ? Math.max(0, serverNow() - Date.parse(meta.queuesFetchedAt ?? meta.generatedAt)) : null;
  return {
    id: screenId(),
    view: input.view,
    board: input.board,
    build,
    dataAgeMs: ageMs === null ? null : Math.round(ageMs),
    renderAgeMs: drewAt === null ? null : Math.round(now - drewAt),
    heapBytes: memory ? memory.usedJSHeapSize : null,
    errors,
    viewport: { width: window.innerWidth, height: window.innerHeight },
    uptimeMs: Math.round(now - loadedAt),
  };
}

/** The interval the server last asked for; until it answers, the default. */
let askedInterval = DEFAULT_INTERVAL_MS;

/**
 * The reports the server took from this tab's screen, kept across reloads (sessionStorage, by screen id: two
 * embeds of one tab share it): the server takes one more report within half an interval of the last only from a
 * page loaded since, once in that half interval (displays/routes.ts). A page reloaded twice in quick succession
 * waits for its first report to be taken, rather than be refused (429, which the browser's console shows in red).
 */
interface ReportsTaken {
  at: number;
  /** When the last report taken early (within half an interval of the one before) was. */
  earlyAt: number | null;
  intervalMs: number;
}
const REPORTS_TAKEN_KEY = 'switchboard.reportsTaken.';

function reportsTaken(id: string): ReportsTaken | null {
  try {
    const kept = JSON.parse(storage('sessionStorage')?.getItem(REPORTS_TAKEN_KEY + id) ?? 'null') as unknown;
    if (typeof kept !== 'object' || kept === null) return null;
    const { at, earlyAt, intervalMs } = kept as Partial<ReportsTaken>;
    const time = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
    return time(at) && time(intervalMs) && (earlyAt === null || time(earlyAt))
      ? { at, earlyAt, intervalMs }
      : null;
  } catch {
    return null;
  }
}

/** The server took this report now: kept as the server keeps it. */
function noteReportTaken(id: string, now: number, intervalMs: number): void {
  const last = reportsTaken(id);
  const early = last !== null && now - last.at < Math.max(500, last.intervalMs / 2);
  const kept: ReportsTaken = { at: now, earlyAt: early ? now : (last?.earlyAt ?? null), intervalMs };
  try {
    storage('sessionStorage')?.setItem(REPORTS_TAKEN_KEY + id, JSON.stringify(kept));
  } catch {
    // Storage full or refused: the server may answer 429 once, which the page handles.
  }
}

/** How much longer than usual a new page's first report waits, so the server takes it (0: not at all). */
export function firstReportWait(id: string, now = Date.now()): number {
  const last = reportsTaken(id);
  if (!last) return 0;
  const spacing = Math.max(500, last.intervalMs / 2);
  if (now - last.at >= spacing || last.earlyAt === null || now - last.earlyAt >= spacing) return 0;
  return last.earlyAt + spacing - now;
}

/** What the page last reported from (useScreenReport), for a report sent out of turn. */
let lastInput: Parameters<typeof buildReport>[0] | null = null;

/** When the last report was sent (performance.now()), null before the first. */
let lastSentAt: number | null = null;

/**
 * Sends a report out of turn, with the errors counted so far: the page failed whole (components/PageBoundary.tsx)
 * and is about to stop reporting, then load itself again with a count of none; the Screens page should see why.
 * The server takes a report no sooner than half an interval after the last one, so it waits for that if need be.
 * A page that failed before it ever reported says what the address asks for.
 */
export async function reportFailure(): Promise<void> {
  const asked = lastInput ? null : parseViewParams(window.location.search);
  const input = lastInput ?? { view: asked?.view ?? 'laptop', board: asked?.board ?? null, meta: undefined };
  const wait = lastSentAt === null ? 0 : lastSentAt + askedInterval / 2 + 1000 - performance.now();
  // Under this page's own id, not one another page of the browser holds.
  await tabClaim().settled;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  await sendReport(buildReport(input));
}

/**
 * Sends a report; resolves to how long to wait before the next one: the interval the server asks for, the
 * `Retry-After` of a 429, or after a failure (the server restarting) the last interval asked or 15 s, whichever
 * is shorter, so a screen is not silent longer than its interval because one report was lost.
 */
export async function sendReport(report: ScreenReport): Promise<number> {
  lastSentAt = performance.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REPORT_TIMEOUT_MS);
  try {
    const response = await fetch('/api/v1/displays/report', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(report),
      keepalive: true,
      signal: abort.signal,
    });
    if (response.status === 429) {
      const retry = Number(response.headers.get('retry-after'));
      return Number.isFinite(retry) && retry > 0 ? retry * 1000 : askedInterval;
    }
    if (response.status === 403 && (await problemCode(response)) === 'screen_not_yours') {
      renewScreenId();
      return RENEWED_REPORT_MS;
    }
    const asked = Number(response.headers.get('report-interval'));
    if (Number.isFinite(asked) && asked >= 1000) askedInterval = asked;
    if (response.ok && report.id) noteReportTaken(report.id, Date.now(), askedInterval);
    return askedInterval;
  } catch {
    // Before the server ever answered, the interval is only the default: try again sooner.
    return Math.min(askedInterval, RETRY_MS);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reports this screen while the page runs. The build is the first the page was served with (as the upgrade
 * reload compares it); each new generation drawn is noted. A page that stops running stops reporting, which the
 * server reads as frozen (its stream still open) or disconnected (closed).
 */
export function useScreenReport(
  view: ScreenReport['view'],
  board: string | null,
  meta: SnapshotMeta | undefined,
): void {
  const latest = useRef({ view, board, meta });
  useEffect(() => {
    latest.current = { view, board, meta };
    lastInput = latest.current;
    if (!meta) return;
    build ??= meta.serverBuild;
    noteDrawn();
  }, [view, board, meta]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    let stopped = false;
    let first = true;
    const tick = async () => {
      // Each report, the page says again which id it holds among the browser's pages (screenClaim.ts).
      tabClaim().announce();
      // A page reloaded again soon after a reload waits until the server will take its report.
      const wait = first ? firstReportWait(screenId()) : 0;
      first = false;
      const delay = wait > 0 ? wait + 250 : await sendReport(buildReport(latest.current));
      if (!stopped) timer = setTimeout(() => void tick(), delay);
    };
    timer = setTimeout(() => void tick(), FIRST_REPORT_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
}

/** The stream's address with this browser's id, so the server knows which screen holds the stream. */
export function screenStreamUrl(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}screen=${encodeURIComponent(screenId())}`;
}

/** A supervisor's command pushed over the stream: `reload` loads the page again (and the newest build). */
export function runScreenCommand(data: string, reload = () => window.location.reload()): void {
  try {
    const { command } = JSON.parse(data) as { command?: unknown };
    if (command === 'reload') reload();
  } catch {
    // Not a command this build knows.
  }
}
