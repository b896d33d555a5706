import type { BoardSection, Queue } from '@switchboard/shared';
import { WALL_QUEUE_ROW, WALL_QUEUE_TILE } from '../theme/sizes';
import { paginate, tilesThatFit } from './usePages';

/** Queue tile geometry on the wall, in rem, from theme/sizes.ts, which wall.css reads too. */
export { WALL_QUEUE_TILE };

/**
 * One turn through the wall's pages takes less than this: a supervisor who looks up waits at most a minute
 * for the page they want. With more pages than fit a minute at the chosen page time, each page shows for
 * less, but never less than MIN_PAGE_SECONDS.
 */
export const TURN_SECONDS = 60;
export const MIN_PAGE_SECONDS = 8;

/** Queue tiles take at most this many pages; more queues than that are shown as lines (QueueRows). */
export const MAX_TILE_PAGES = 2;

export type WallPage =
  | { kind: 'queues'; queues: Queue[] }
  | { kind: 'queue-rows'; queues: Queue[]; columns: number; /** Each line's height, px. */ line: number }
  | { kind: 'chart' }
  | { kind: 'agents' };

export interface WallArea {
  width: number;
  height: number;
  rem: number;
}

/** How many queue lines fit: columns across, and lines down each (under a heading line). */
export function queueRowsThatFit(area: WallArea): { columns: number; rows: number; perPage: number } {
  const { rem } = area;
  const gap = WALL_QUEUE_ROW.gap * rem;
  const columns = Math.max(1, Math.floor((area.width + gap) / (WALL_QUEUE_ROW.minWidth * rem + gap)));
  const rows = Math.max(1, Math.floor(area.height / (WALL_QUEUE_ROW.height * rem)) - 1);
  return { columns, rows, perPage: columns * rows };
}

/** A queue line's name cell, as queues.css draws it: font 0.52 of the line, padding 0.3rem each side. */
const NAME_FONT = 0.52;
/** The state badge before a name ("!!" at 0.75em, with its padding), in ems of the name, and its margin (rem). */
const BADGE_EM = 0.9;
const BADGE_MARGIN_REM = 0.35;

/**
 * How much of a name `nameEm` wide (at a font size of 1), with its badge, a line `line` px tall in a column `width`
 * px wide has room for (1 or more: whole): the column less its three figures' columns (each max(figureMin rem,
 * its figureLines × line): WALL_QUEUE_ROW, queues.css) and the cells' padding.
 */
function nameShare(width: number, line: number, nameEm: number, rem: number): number {
  const figures = WALL_QUEUE_ROW.figureLines.reduce(
    (sum, lines) => sum + Math.max(WALL_QUEUE_ROW.figureMin * rem, lines * line) + 0.6 * rem,
    0,
  );
  const room = width - 0.6 * rem - figures;
  return room / (NAME_FONT * line * (nameEm + BADGE_EM) + BADGE_MARGIN_REM * rem);
}

/**
 * How a page of `count` queue lines fills the area: the columns (at most `maxColumns`) that give the tallest
 * lines, fewer columns where it is a tie. A line's type and its figures' columns grow with its height, so a column
 * keeps its proportions: at the least line height it is WALL_QUEUE_ROW.minWidth wide, and a line is only as tall
 * as its column's width allows, so the queue's name keeps its room (at least a dozen letters) at any height. A
 * page with room to spare takes fewer, wider columns of taller lines.
 *
 * `nameEm`, the page's longest queue name measured at a font size of 1 (with the wall's font), puts whole names
 * first: of the layouts where that name fits whole, the tallest lines (down to the least height, not below);
 * where it fits in none, the layout that gives it the most room for its size, so the fewest letters are cut
 * ("Customer Service Sales" and "Customer Service Support" told apart rather than both "Customer Ser…").
 */
export function rowLayout(
  area: WallArea,
  count: number,
  maxColumns: number,
  nameEm = 0,
): { columns: number; line: number } {
  const { rem } = area;
  const gap = WALL_QUEUE_ROW.gap * rem;
  const least = Math.floor(WALL_QUEUE_ROW.height * rem);
  const most = WALL_QUEUE_ROW.maxHeight * rem;
  let tallest = { columns: Math.max(1, maxColumns), line: least };
  let whole: { columns: number; line: number } | null = null;
  let roomiest: { columns: number; line: number; share: number } | null = null;
  for (let columns = 1; columns <= maxColumns; columns++) {
    // Under a heading line as tall as the others.
    const byHeight = area.height / (Math.ceil(Math.max(1, count) / columns) + 1);
    const width = (area.width + gap) / columns - gap;
    const byWidth = (width / (WALL_QUEUE_ROW.minWidth * rem)) * (WALL_QUEUE_ROW.height * rem);
    const line = Math.floor(Math.min(most, byHeight, byWidth));
    if (line < least) continue;
    if (line > tallest.line) tallest = { columns, line };
    if (nameEm <= 0) continue;
    // The tallest line of this layout at which the name is whole.
    let fitting = line;
    while (fitting >= least && nameShare(width, fitting, nameEm, rem) < 1) fitting -= 1;
    if (fitting >= least) {
      if (!whole || fitting > whole.line) whole = { columns, line: fitting };
    } else {
      const share = nameShare(width, least, nameEm, rem);
      if (!roomiest || share > roomiest.share) roomiest = { columns, line: least, share };
    }
  }
  if (nameEm <= 0) return tallest;
  if (whole) return whole;
  return roomiest ? { columns: roomiest.columns, line: roomiest.line } : tallest;
}

/**
 * The wall's pages for an area of the screen: the queues (tiles, or lines when tiles would take more than
 * MAX_TILE_PAGES pages), the chart, and one page of agents (exceptions, longest contacts and counts, however
 * many agents there are).
 */
export function planWallPages({
  area,
  sections,
  queues,
  hasAgents,
  nameEm,
}: {
  area: WallArea;
  sections: ReadonlySet<BoardSection>;
  queues: readonly Queue[];
  hasAgents: boolean;
  /** A queue name's width at a font size of 1, with the wall's font (for lines: rowLayout); none, not measured. */
  nameEm?: (name: string) => number;
}): WallPage[] {
  const pages: WallPage[] = [];
  if (area.height === 0) return pages;
  if (sections.has('queues')) {
    const tiles = tilesThatFit(area, WALL_QUEUE_TILE, area.rem);
    if (queues.length === 0) {
      pages.push({ kind: 'queues', queues: [] });
    } else if (queues.length <= tiles.perPage * MAX_TILE_PAGES) {
      // Shared evenly between the pages they need (16 queues: two pages of 8, drawn larger, not 15 and 1).
      const count = Math.ceil(queues.length / tiles.perPage);
      for (const page of paginate(queues, Math.ceil(queues.length / count)))
        pages.push({ kind: 'queues', queues: page });
    } else {
      const lines = queueRowsThatFit(area);
      for (const page of paginate(queues, lines.perPage)) {
        const longest = nameEm ? Math.max(0, ...page.map((queue) => nameEm(queue.name))) : 0;
        pages.push({
          kind: 'queue-rows',
          queues: page,
          ...rowLayout(area, page.length, lines.columns, longest),
        });
      }
    }
  }
  if (sections.has('charts')) pages.push({ kind: 'chart' });
  if (sections.has('agents') && hasAgents) pages.push({ kind: 'agents' });
  return pages;
}

/** A wall of few queues draws their tiles up to this many times their size, to fill the screen. */
export const MAX_TILE_SCALE = 3;

/**
 * How a page of `count` queue tiles fills the area: in `columns` × `rows`, drawn `scale` times their size (type,
 * spacing and all), the largest scale at which they fit, up to MAX_TILE_SCALE. A page of 8 queues at 1080p takes
 * 4 × 2 tiles half as large again, where at their size they took two of three rows and left the third empty; a
 * full page stays at about its size.
 */
export function tileLayout(area: WallArea, count: number): { columns: number; rows: number; scale: number } {
  const gap = WALL_QUEUE_TILE.gap * area.rem;
  const width = WALL_QUEUE_TILE.minWidth * area.rem;
  const height = WALL_QUEUE_TILE.height * area.rem;
  let best = { columns: 1, rows: Math.max(1, count), scale: 0 };
  for (let columns = 1; columns <= Math.max(1, count); columns++) {
    const rows = Math.ceil(Math.max(1, count) / columns);
    // Gaps scale with the tiles: n tiles and n - 1 gaps across, at scale s, take s × (n × size + (n - 1) × gap).
    const scale = Math.min(
      area.width / (columns * width + (columns - 1) * gap),
      area.height / (rows * height + (rows - 1) * gap),
    );
    if (scale > best.scale) best = { columns, rows, scale };
  }
  return { ...best, scale: Math.min(MAX_TILE_SCALE, Math.max(0, best.scale)) };
}

/** Seconds each page shows: `rotate`, shortened so that a turn of `pageCount` pages stays under a minute. */
export function pageSeconds(pageCount: number, rotate: number): number {
  if (pageCount <= 1) return rotate;
  const fits = Math.floor((TURN_SECONDS - 1) / pageCount);
  return Math.min(rotate, Math.max(MIN_PAGE_SECONDS, fits));
}
