/**
 * Sizes that both the stylesheets and the code that lays tiles out depend on, in rem: the one source of each.
 * The code places rows and fits pages with these numbers; `writeSizeTokens` gives them to the stylesheets as
 * custom properties on the root (e.g. `--agent-tile-h`), which size the tiles with them.
 */

/** Agent tiles on the laptop (agentRows.ts places the rows of the virtual list). */
export const AGENT_TILE = { minWidth: 15, height: 5.5, gap: 0.5, header: 2.25 };
/** Queue tiles on the wall (wallPages.ts fits them to the screen); the laptop's tiles start from the same width. */
export const WALL_QUEUE_TILE = { minWidth: 18, height: 13.5, gap: 0.75 };
/**
 * Queue lines on the wall, for a board with more queues than tiles fit (QueueRows). The figures' columns (in
 * queue, oldest, service level) are `figureLines` lines wide each (queues.css writes the same numbers), at least
 * `figureMin` rem: room for each at its widest in bold (critical), at the line's type (0.52 of a line): "1,234",
 * an oldest contact of hours ("2:03:54"), "89.7%".
 */
export const WALL_QUEUE_ROW = {
  minWidth: 24,
  height: 2.1,
  maxHeight: 3.2,
  gap: 1,
  figureLines: [2, 2.55, 2.15],
  figureMin: 4.2,
};
/** The wall's agents page: tiles of those who need attention, and the longest contacts. */
export const ATTENTION_TILE = { minWidth: 17, height: 6.6, gap: 0.6 };
export const LONGEST_ROW = { height: 2.5, gap: 0.25 };

/** Each custom property the stylesheets read, with its size in rem. */
export const SIZE_TOKENS: Readonly<Record<string, number>> = {
  '--agent-tile-h': AGENT_TILE.height,
  '--agent-tile-gap': AGENT_TILE.gap,
  '--agent-header-h': AGENT_TILE.header,
  '--queue-tile-min-w': WALL_QUEUE_TILE.minWidth,
  '--queue-tile-h': WALL_QUEUE_TILE.height,
  '--queue-tile-gap': WALL_QUEUE_TILE.gap,
  '--queue-row-h-min': WALL_QUEUE_ROW.height,
  '--queue-row-gap': WALL_QUEUE_ROW.gap,
  '--queue-row-figure-min': WALL_QUEUE_ROW.figureMin,
  '--attention-tile-min-w': ATTENTION_TILE.minWidth,
  '--attention-tile-h': ATTENTION_TILE.height,
  '--attention-tile-gap': ATTENTION_TILE.gap,
  '--longest-row-h': LONGEST_ROW.height,
  '--longest-row-gap': LONGEST_ROW.gap,
};

/** Writes every size onto `root` (the document's element, once at start) for the stylesheets to read. */
export function writeSizeTokens(root: HTMLElement): void {
  for (const [name, rem] of Object.entries(SIZE_TOKENS)) root.style.setProperty(name, `${rem}rem`);
}
