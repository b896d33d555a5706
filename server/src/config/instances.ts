import type { BoardConfig, WallboardConfig } from './schema.js';

/** The id of the one instance of a file without `instances` (CONNECT_INSTANCE_ID, or the embedded simulator). */
export const DEFAULT_INSTANCE = 'default';

/** The instance ids of the file, in order; the first is the default. */
export function instanceIds(config: WallboardConfig): string[] {
  return config.instances?.map((instance) => instance.id) ?? [DEFAULT_INSTANCE];
}

/** The instance a board shows: the one it names, or the first. */
export function boardInstance(config: WallboardConfig, board: Pick<BoardConfig, 'instance'>): string {
  return board.instance ?? instanceIds(config)[0] ?? DEFAULT_INSTANCE;
}

/** The configuration as one instance's alert engine sees it: every rule and threshold, only its own boards. */
export function configForInstance(config: WallboardConfig, id: string): WallboardConfig {
  return { ...config, boards: config.boards.filter((board) => boardInstance(config, board) === id) };
}

/** Whether two files list the same instances (a change needs a restart). */
export function sameInstances(a: WallboardConfig, b: WallboardConfig): boolean {
  return JSON.stringify(a.instances ?? null) === JSON.stringify(b.instances ?? null);
}
