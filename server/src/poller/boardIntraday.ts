import type { Snapshot } from '@switchboard/shared';
import { resolveQueueRefs } from '../config/boards.js';
import { boardInstance } from '../config/instances.js';
import type { WallboardConfig } from '../config/schema.js';
import type { History } from './history.js';

/**
 * Adds each chart-showing board's line (`boardIntraday`) to a snapshot that leaves some queues' own series out
 * (an instance of more queues than INTRADAY_QUEUES_IN_SNAPSHOT). A board's view draws the line of its queues
 * together, which it otherwise adds up from their series; without them, a board on a large centre had no line at
 * all. Worked out from the history the poller holds, so every replica serves the leader's line.
 */
export function withBoardIntraday(
  snapshot: Snapshot,
  history: History,
  config: WallboardConfig,
  instance: string,
): Snapshot {
  if (snapshot.queues.every((queue) => snapshot.intraday.queues[queue.id] !== undefined)) return snapshot;
  const lines: NonNullable<Snapshot['boardIntraday']> = {};
  for (const board of config.boards) {
    if (board.queues === 'all' || !board.sections.includes('charts')) continue;
    if (boardInstance(config, board) !== instance) continue;
    const ids = resolveQueueRefs(board.queues, snapshot.queues);
    if (ids.length > 0) lines[board.id] = history.combinedSeries(ids);
  }
  return Object.keys(lines).length > 0 ? { ...snapshot, boardIntraday: lines } : snapshot;
}
