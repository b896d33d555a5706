import {
  SCREEN_STATES,
  type ScreenPoint,
  type ScreenReport,
  type ScreenState,
  type ScreenSummary,
} from '@switchboard/shared';

/** What the registry keeps of one screen from its reports (shared between replicas). */
export interface ScreenRecord {
  key: string;
  kind: 'token' | 'browser';
  id: string;
  firstSeenAt: number;
  /** The last report and when it arrived (server clock). */
  report: ScreenReport | null;
  reportedAt: number | null;
  /** When this load's error boundaries first caught an error (reset by a reload). */
  errorsSince: number | null;
  /** The last report that found the screen other than healthy. */
  lastUnhealthyAt: number | null;
  /** Heap and data age, one point per report, the newest last. */
  history: ScreenPoint[];
}

/** One stream a replica holds (or held) for a screen. */
export interface StreamInfo {
  board: string | null;
  openSince: number;
  closedAt: number | null;
  /** The holding replica last said it is still open at this time; a replica that died stops saying so. */
  seenAt: number;
  /** Closed because its replica stopped, not by its screen: the screen was connected until then. */
  serverStopped?: boolean;
}

export interface StateOptions {
  /** How often screens report. */
  intervalMs: number;
  /** Figures older than this are stale (STALE_AFTER_MS). */
  staleAfterMs: number;
  /** The build this server runs: a screen loaded from another is on an old build. */
  serverBuild: string;
  /** When this server started (an old build dates from the upgrade at the latest). */
  serverStartedAt: number;
  /** A replica that has not refreshed a stream for this long is taken to have lost it. */
  streamLeaseMs: number;
  /** Whether the configuration has a board of this id (it changes on a reload); unset, every board is taken as known. */
  knownBoard?: (board: string) => boolean;
  /**
   * When the server's latest figures for a board (null: the default one) were fetched, on its clock, and how often
   * they are refreshed; null where it has none (or does not know the board).
   */
  figuresFetchedAt?: (board: string | null) => { at: number; intervalMs: number } | null;
}

/** Points of heap and data age kept per screen: at the default interval, half an hour. */
export const HISTORY_POINTS = 30;
/** Memory growing: over at least this many reports the heap rose by at least a fifth and 8 MB, steadily. */
const MEMORY_MIN_POINTS = 6;
const MEMORY_MIN_GROWTH_BYTES = 8 * 1024 * 1024;
const MEMORY_MIN_GROWTH_SHARE = 0.2;
const MEMORY_RISING_SHARE = 0.7;

/** What a report may be late by, for the network and a busy page. */
const REPORT_GRACE_MS = 5000;

/** Reports missed before a screen counts as silent: two intervals and a few seconds for the network. */
export function silentAfterMs(intervalMs: number): number {
  return intervalMs * 2 + REPORT_GRACE_MS;
}

/** A page that drew nothing new for this long while it still reports is frozen. */
export function renderFrozenAfterMs(options: Pick<StateOptions, 'staleAfterMs'>): number {
  return Math.max(60_000, options.staleAfterMs * 4);
}

/**
 * How old the figures a screen shows are, and when they were fetched (on the server's clock); null before it has
 * any. By its report, unless the server knows better: a screen holding its stream is sent every generation, so once
 * the server's latest figures for its board were fetched after the report, those are what it shows; and while none
 * has been fetched since, it still shows those the report counted, older by the time since. Between reports the
 * state then follows the server's figures going stale, or fresh again, rather than the report's word of up to an
 * interval before.
 */
function figuresAge(
  report: ScreenReport,
  reportedAt: number,
  streamOpen: boolean,
  now: number,
  options: StateOptions,
): { ms: number; fetchedAt: number; refreshMs: number } | null {
  if (report.dataAgeMs === null) return null;
  const reported = { ms: report.dataAgeMs, fetchedAt: reportedAt - report.dataAgeMs, refreshMs: 0 };
  const latest = streamOpen ? (options.figuresFetchedAt?.(report.board) ?? null) : null;
  if (latest === null || latest.at > now) return reported;
  const fetchedAt = latest.at > reportedAt ? latest.at : reported.fetchedAt;
  // Counted as the wall's own stale banner counts the server's figures: stale past the limit and one refresh
  // interval (a quota that stretches the cycle does not turn every screen stale for part of each one).
  return { ms: now - fetchedAt, fetchedAt, refreshMs: latest.intervalMs };
}

export const STATE_RANK: Readonly<Record<ScreenState, number>> = Object.fromEntries(
  SCREEN_STATES.map((state, index) => [state, index]),
) as Record<ScreenState, number>;

/** The streams of a screen as one: open while any replica holds one open, else when the last one closed. */
/** Open: not closed, and its replica said so within the lease (one that died stops saying so). */
export function isOpen(stream: StreamInfo, now: number, leaseMs: number): boolean {
  return stream.closedAt === null && now - stream.seenAt <= leaseMs;
}

export function streamStatus(
  streams: Iterable<StreamInfo>,
  now: number,
  leaseMs: number,
): { open: boolean; openSince: number | null; closedAt: number | null } {
  let open = false;
  let openSince: number | null = null;
  let closedAt: number | null = null;
  for (const stream of streams) {
    const lost = stream.closedAt === null && !isOpen(stream, now, leaseMs) ? stream.seenAt : null;
    const closed = stream.closedAt ?? lost;
    if (closed === null) {
      open = true;
      openSince = openSince === null ? stream.openSince : Math.min(openSince, stream.openSince);
    } else closedAt = closedAt === null ? closed : Math.max(closedAt, closed);
  }
  return { open, openSince, closedAt: open ? null : closedAt };
}

/**
 * Whether the heap grew steadily over the history: the least-squares line over the points rose by at least
 * MEMORY_MIN_GROWTH_SHARE of the first heap and 8 MB, and most steps went up. Returns when the climb began.
 */
export function memoryGrowth(history: readonly ScreenPoint[]): { since: number; grewBytes: number } | null {
  const points = history.filter(
    (point): point is ScreenPoint & { heapBytes: number } => point.heapBytes !== null,
  );
  if (points.length < MEMORY_MIN_POINTS) return null;
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || last.at <= first.at) return null;
  const n = points.length;
  const meanT = points.reduce((sum, p) => sum + p.at, 0) / n;
  const meanH = points.reduce((sum, p) => sum + p.heapBytes, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const p of points) {
    covariance += (p.at - meanT) * (p.heapBytes - meanH);
    variance += (p.at - meanT) ** 2;
  }
  if (variance === 0) return null;
  const grewBytes = (covariance / variance) * (last.at - first.at);
  let rising = 0;
  for (let i = 1; i < n; i += 1)
    if ((points[i]?.heapBytes ?? 0) > (points[i - 1]?.heapBytes ?? 0)) rising += 1;
  const steady = rising / (n - 1) >= MEMORY_RISING_SHARE;
  if (grewBytes < Math.max(MEMORY_MIN_GROWTH_BYTES, first.heapBytes * MEMORY_MIN_GROWTH_SHARE) || !steady)
    return null;
  return { since: first.at, grewBytes };
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const MB = 1024 * 1024;

/**
 * A screen's state now, when it began and why, from its last report and its streams. Worst first: a screen
 * whose stream closed and that stopped reporting is disconnected; one whose stream stays open but stopped
 * reporting, or that reports but drew nothing new for a minute, is frozen; then stale figures, errors caught by
 * its error boundaries, memory growing, an old build; else healthy.
 */
export function screenState(
  record: ScreenRecord,
  streams: { open: boolean; openSince: number | null; closedAt: number | null },
  now: number,
  options: StateOptions,
): { state: ScreenState; since: number; detail: string } {
  const { report, reportedAt } = record;
  const heardAt = reportedAt ?? streams.openSince ?? record.firstSeenAt;
  const silentMs = now - heardAt;
  const silent = silentMs > silentAfterMs(options.intervalMs);

  if (!streams.open) {
    const closedAt = streams.closedAt;
    // The stream closed and no report came after: the page went away (or lost the network).
    if (closedAt !== null && (reportedAt === null || reportedAt <= closedAt))
      return { state: 'disconnected', since: closedAt, detail: 'its stream closed' };
    // No stream (it polls, or goes through a proxy that buffers streams) and no report for two intervals.
    if (silent)
      return {
        state: 'disconnected',
        since: heardAt,
        detail: `no report for ${duration(silentMs)}`,
      };
  } else if (silent) {
    return {
      state: 'frozen',
      since: heardAt,
      detail: `stream open, no report for ${duration(silentMs)}`,
    };
  }
  if (!report || reportedAt === null) {
    // Connected, but its first report has not come yet.
    return { state: 'healthy', since: streams.openSince ?? record.firstSeenAt, detail: 'connected' };
  }
  // A board the configuration does not have (a mistyped ?board=, one removed since): the page says it cannot show
  // it, from its first report, rather than waiting to be found with no figures a minute after it loaded.
  if (report.board !== null && options.knownBoard && !options.knownBoard(report.board))
    return {
      state: 'stale',
      since: reportedAt - report.uptimeMs,
      detail: `shows board ${report.board}, which is not in the configuration`,
    };
  // Between its reports a page is not heard drawing, and is not taken to have stopped: the time since its report
  // counts toward "drew nothing new" only once the next report is overdue (an interval and the network's grace).
  // Counted from the report, a page drawing every two seconds read "drew nothing new for 1:00" for the last moments
  // before each report at the default interval, and raised a screen alert on it.
  const overdueMs = Math.max(0, now - reportedAt - options.intervalMs - REPORT_GRACE_MS);
  // The Screens page draws no figures: its drawing and its figures' age say nothing of it (it reports them as
  // any page does, from the stream it also holds), and it is not frozen or stale for a pause in Connect's.
  const figures = report.view !== 'screens';
  if (figures && report.renderAgeMs !== null && report.renderAgeMs + overdueMs > renderFrozenAfterMs(options))
    return {
      state: 'frozen',
      since: reportedAt - report.renderAgeMs,
      detail: `drew nothing new for ${duration(report.renderAgeMs + overdueMs)}`,
    };
  const age = figuresAge(report, reportedAt, streams.open, now, options);
  if (figures && age !== null && age.ms > options.staleAfterMs + age.refreshMs)
    return {
      state: 'stale',
      since: age.fetchedAt + options.staleAfterMs + age.refreshMs,
      detail: `figures ${duration(age.ms)} old`,
    };
  // Up for a while and never a figure (a board the server does not know, an API it is refused): not healthy,
  // though nothing in it is old. A page has its first figures within seconds of loading. Judged by the page's own
  // word when it reported (figures may have come since), and not of the Screens page, which draws none.
  const noFiguresAfterMs = Math.max(30_000, 2 * options.staleAfterMs);
  if (figures && report.dataAgeMs === null && report.uptimeMs > noFiguresAfterMs)
    return {
      state: 'stale',
      since: reportedAt - report.uptimeMs + noFiguresAfterMs,
      detail: `no figures ${duration(report.uptimeMs)} after it loaded`,
    };
  if (report.errors > 0)
    return {
      state: 'errors',
      since: record.errorsSince ?? reportedAt,
      detail: `${report.errors} ${report.errors === 1 ? 'error' : 'errors'} caught since it loaded`,
    };
  const growth = memoryGrowth(record.history);
  if (growth)
    return {
      state: 'memory',
      since: growth.since,
      detail: `heap grew ${Math.round(growth.grewBytes / MB)} MB in ${duration(reportedAt - growth.since)}`,
    };
  const loadedAt = reportedAt - report.uptimeMs;
  if (report.build !== null && report.build !== options.serverBuild)
    return {
      state: 'old-build',
      since: Math.max(loadedAt, options.serverStartedAt),
      detail: `runs ${report.build}, the server ${options.serverBuild}`,
    };
  return {
    state: 'healthy',
    since: Math.max(loadedAt, record.lastUnhealthyAt ?? 0, streams.openSince ?? 0),
    detail: age === null ? 'no figures yet' : `figures ${duration(age.ms)} old`,
  };
}

/**
 * The stream that says which board the screen shows, if any: its newest open stream, else its newest stream. A
 * stream is open as in streamStatus.
 */
export function boardStream(
  streams: Iterable<StreamInfo>,
  now: number,
  leaseMs: number,
): { board: string | null; openSince: number; open: boolean } | undefined {
  let newest: StreamInfo | undefined;
  let newestOpen: StreamInfo | undefined;
  for (const stream of streams) {
    if (!newest || stream.openSince > newest.openSince) newest = stream;
    if (isOpen(stream, now, leaseMs) && (!newestOpen || stream.openSince > newestOpen.openSince))
      newestOpen = stream;
  }
  const chosen = newestOpen ?? newest;
  return chosen && { board: chosen.board, openSince: chosen.openSince, open: chosen === newestOpen };
}

/**
 * The board a screen shows: its last report's, unless a stream opened since names another (a screen that has not
 * reported yet, or one that came back on another board and has not reported since). A stream naming no board is
 * the page opened without `?board=`, on the default board its report names: not a change of board.
 */
export function screenBoard(
  record: Pick<ScreenRecord, 'report' | 'reportedAt'>,
  stream: ReturnType<typeof boardStream>,
): string | null {
  if (!record.report) return stream?.board ?? null;
  if (
    stream?.open &&
    stream.board !== null &&
    record.reportedAt !== null &&
    stream.openSince > record.reportedAt
  )
    return stream.board;
  return record.report.board;
}

/** The summary a supervisor reads. */
export function summarise(
  record: ScreenRecord,
  name: string | null,
  streams: {
    open: boolean;
    openSince: number | null;
    closedAt: number | null;
    /** The board the screen shows (screenBoard). */
    board: string | null;
  },
  now: number,
  options: StateOptions,
): ScreenSummary {
  const { state, since, detail } = screenState(record, streams, now, options);
  const report = record.report;
  // The figures' age now, as the state reads it, not as of the last report; none for a screen gone dark.
  const age =
    report && record.reportedAt !== null && state !== 'disconnected'
      ? figuresAge(report, record.reportedAt, streams.open, now, options)
      : null;
  return {
    key: record.key,
    kind: record.kind,
    id: record.id,
    name: name ?? (record.kind === 'token' ? record.id : null),
    state,
    since: new Date(since).toISOString(),
    detail,
    view: report?.view ?? null,
    board: streams.board,
    build: report?.build ?? null,
    lastReportAt: record.reportedAt === null ? null : new Date(record.reportedAt).toISOString(),
    streamOpen: streams.open,
    dataAgeMs: age === null ? null : Math.max(0, Math.round(age.ms)),
    heapBytes: report?.heapBytes ?? null,
    errors: report?.errors ?? 0,
    viewport: report?.viewport ?? null,
    uptimeMs: report?.uptimeMs ?? null,
    history: record.history,
  };
}

/**
 * A supervisor's own page: the laptop or Screens view in a browser without a display token. Closed at the end of
 * a shift, it is disconnected, and that is no TV gone dark.
 */
export const isAttendedPage = (screen: Pick<ScreenSummary, 'kind' | 'view'>) =>
  screen.kind === 'browser' && (screen.view === 'laptop' || screen.view === 'screens');
const attendedPage = (screen: ScreenSummary) => (isAttendedPage(screen) ? 1 : 0);

/**
 * The screens (walls, embeds, any display token's) worst first, then supervisors' own pages worst first; within a
 * state, the longest in it first; then by name.
 */
export function worstFirst(a: ScreenSummary, b: ScreenSummary): number {
  return (
    attendedPage(a) - attendedPage(b) ||
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    Date.parse(a.since) - Date.parse(b.since) ||
    (a.name ?? a.id).localeCompare(b.name ?? b.id)
  );
}
