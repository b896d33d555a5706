import { SECTIONS, type BoardSection } from '@switchboard/shared';
import { useClockValue, useNow } from '../../api/clock';
import { useConnection } from '../../api/SnapshotFeed';
import type { SnapshotMeta } from '../../api/useSnapshotSlices';
import { useBoard } from '../../board';
import { describeDuration, formatDuration } from '../../format';
import './status.css';

export interface Freshness {
  stale: boolean;
  ageMs: number | null;
}

/**
 * Figures are stale when the server says so (Connect has not answered for longer than the limit), and also
 * when this page has heard nothing from the server for that long: a dead link must not look like a quiet day.
 * Both past the limit and one refresh interval of the queues, as the server reckons its own stale flag
 * (server/src/poller/staleness.ts): a cycle the rate budget stretches past the limit is not stale for part of
 * each one.
 */
export function freshness(meta: SnapshotMeta | undefined, nowMs: number, staleAfterMs: number): Freshness {
  if (!meta) return { stale: false, ageMs: null };
  const fetchedAt = Date.parse(meta.queuesFetchedAt ?? meta.generatedAt);
  const heardFrom = Date.parse(meta.serverTime);
  const silentMs = Math.max(0, nowMs - heardFrom);
  const limit = staleAfterMs + (meta.sections.find((section) => section.name === 'queues')?.intervalMs ?? 0);
  const stale = meta.stale || nowMs - fetchedAt > limit || silentMs > limit;
  // The age said is the figures' own, from Connect's time of them ("Data as of" in the header), which a slow
  // answer puts before the server's receipt of it: the banner and the header never give two ages.
  const dataAt = meta.dataSnapshotTime ? Date.parse(meta.dataSnapshotTime) : fetchedAt;
  return { stale, ageMs: Math.max(0, nowMs - Math.min(fetchedAt, dataAt)) };
}

/** The sections besides the queues that hold figures, and the part of a board that shows each (or always). */
const FIGURE_SECTIONS: ReadonlyMap<string, BoardSection | null> = new Map([
  ['agents', 'agents'],
  ['today', null],
  ['intraday', 'charts'],
]);

/**
 * The sections besides the queues (whose age is the figures' own, above) that have had no new figures within
 * their limit, the stale limit past their own refresh interval, as the server reckons it: each with its age in
 * seconds, and whether it is failing (the banner names those with their error). One never fetched yet is not
 * behind. An agents poll that hangs, with the queues fresh, would otherwise leave agents' states on screen
 * looking live. Discovery (the lists of queues, agents and profiles) holds no figures: a slow round of it at a large centre
 * is no reason to alarm a wall, and its failures are named all the same.
 */
export function sectionsBehind(
  meta: SnapshotMeta | undefined,
  nowMs: number,
  staleAfterMs: number,
  shows: readonly BoardSection[] = SECTIONS,
): { name: string; ageSeconds: number; failing: boolean }[] {
  if (!meta) return [];
  return meta.sections.flatMap((section) => {
    const part = FIGURE_SECTIONS.get(section.name);
    // Not figures, or none this board shows (its view has no agents without its agents section).
    if (part === undefined || (part !== null && !shows.includes(part))) return [];
    if (section.fetchedAt === null) return [];
    const ageMs = Math.max(0, nowMs - Date.parse(section.fetchedAt));
    return section.stale || ageMs > staleAfterMs + section.intervalMs
      ? [{ name: section.name, ageSeconds: Math.floor(ageMs / 1000), failing: section.failing }]
      : [];
  });
}

/**
 * Whether the section `name` is behind (see sectionsBehind), failing or not, re-rendering only when that flips:
 * the part of the page that draws it is dimmed, as the whole page is when the queues are stale.
 */
export function useSectionBehind(meta: SnapshotMeta | undefined, name: string): boolean {
  const { board, staleAfterMs } = useBoard();
  return useClockValue((now) =>
    sectionsBehind(meta, now, staleAfterMs, board.sections).some((section) => section.name === name),
  );
}

/**
 * Today's figures and the day's series, where they have stopped coming while the queues' real-time figures still
 * do: "today intraday", one or the other, or undefined. A view puts it on its main element as `data-behind`,
 * and those figures are dimmed as stale ones are (base.css), so a fresh In queue never sits beside an old
 * Service level that looks as live. Re-renders only when it changes.
 */
export function useFiguresBehind(meta: SnapshotMeta | undefined): string | undefined {
  const { board, staleAfterMs } = useBoard();
  return useClockValue(
    (now) =>
      sectionsBehind(meta, now, staleAfterMs, board.sections)
        .map((section) => section.name)
        .filter((name) => name === 'today' || name === 'intraday')
        .join(' ') || undefined,
  );
}

/** Freshness with the age ticking every second: for the few words that show the age. */
export function useFreshness(meta: SnapshotMeta | undefined): Freshness {
  const now = useNow();
  const { staleAfterMs } = useBoard();
  return freshness(meta, now, staleAfterMs);
}

/**
 * Whether the figures are stale, re-rendering only when that flips: a view that dims its figures must not
 * redraw every tile once a second because the age it does not show moved on.
 */
export function useStale(meta: SnapshotMeta | undefined): boolean {
  const { staleAfterMs } = useBoard();
  return useClockValue((now) => freshness(meta, now, staleAfterMs).stale);
}

/** The figures' age in words and digits, ticking. */
export function FiguresAge({ meta }: { meta: SnapshotMeta | undefined }) {
  const { ageMs } = useFreshness(meta);
  const age = ageMs === null ? null : ageMs / 1000;
  return <span aria-label={describeDuration(age)}>{formatDuration(age)}</span>;
}

/** Says at once, in words, when the figures on screen cannot be trusted, and how old they are. */
export function StaleBanner({ meta, stale }: { meta: SnapshotMeta | undefined; stale: boolean }) {
  const { connection, error } = useConnection();
  const { board, staleAfterMs } = useBoard();
  // A string, so the banner redraws when what it says changes, and not on every tick of the clock.
  const behind = useClockValue((now) =>
    sectionsBehind(meta, now, staleAfterMs, board.sections)
      // A failing section is named with its error.
      .filter((section) => !section.failing)
      .map((section) => `${section.name} for ${formatDuration(section.ageSeconds)}`)
      .join(', '),
  );
  // The same sections by name only: what changes when a section falls behind or catches up, not every second.
  const behindNames = useClockValue((now) =>
    sectionsBehind(meta, now, staleAfterMs, board.sections)
      .filter((section) => !section.failing)
      .map((section) => section.name)
      .join(', '),
  );
  // Each failing section with the age of the figures it still shows: its times count on from old states.
  const failing = useClockValue((now) =>
    (meta?.sectionErrors ?? [])
      .map(({ name }) => {
        const at = meta?.sections.find((section) => section.name === name)?.fetchedAt;
        if (!at) return name;
        return `${name} (its figures ${formatDuration(Math.floor(Math.max(0, now - Date.parse(at)) / 1000))} old)`;
      })
      .join(', '),
  );
  const problems: string[] = [];
  if (connection === 'offline') problems.push('Connection to the wallboard server lost; retrying.');
  if (meta?.sectionErrors.length) {
    problems.push(`Connect is not answering for ${failing}: the last good figures stay on screen.`);
  }
  // With the queues' own figures stale, the headline says it for all of them.
  if (behind && !stale) {
    problems.push(`No new figures from Connect for ${behind}: the last good figures stay on screen.`);
  }
  if (!stale && problems.length === 0) return null;
  // What a screen reader announces, at once and again only when it changes: the same words without the ages,
  // which tick every second (an alert region re-read each second would talk over everything else).
  const spoken = [
    stale ? 'Figures are stale: the last good figures stay on screen.' : 'Figures may be incomplete.',
    ...(connection === 'offline' ? ['Connection to the wallboard server lost; retrying.'] : []),
    ...(meta?.sectionErrors.length
      ? [`Connect is not answering for ${meta.sectionErrors.map((e) => e.name).join(', ')}.`]
      : []),
    ...(behindNames && !stale ? [`No new figures from Connect for ${behindNames}.`] : []),
  ].join(' ');
  return (
    <div className="stale-banner" data-testid="stale-banner">
      <span className="sr-only" role="alert" data-testid="stale-announcement">
        {spoken}
      </span>
      <strong>
        <span aria-hidden="true">⚠ </span>
        {stale ? (
          <>
            Figures are stale: <FiguresAge meta={meta} /> old
          </>
        ) : (
          'Figures may be incomplete'
        )}
      </strong>
      {problems.map((problem) => (
        <span key={problem}> {problem}</span>
      ))}
      {connection === 'offline' && error ? <span className="banner-detail"> ({error.message})</span> : null}
    </div>
  );
}
