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
  // Worked out again only when the history, the configuration or the queues change (the series every 30 s or
  // so, not every cycle): the same lines, the same object, and so nothing in the next patch.
  const queues = snapshot.queues.map((queue) => `${queue.id}\t${queue.name}`).join('\n');
  const kept = made.get(history);
  if (kept?.revision === history.revision && kept.config === config && kept.queues === queues)
    return kept.lines ? { ...snapshot, boardIntraday: kept.lines } : snapshot;
  const lines: NonNullable<Snapshot['boardIntraday']> = {};
  for (const board of config.boards) {
    if (board.queues === 'all' || !board.sections.includes('charts')) continue;
    if (boardInstance(config, board) !== instance) continue;
    const ids = resolveQueueRefs(board.queues, snapshot.queues);
    if (ids.length > 0) lines[board.id] = history.combinedSeries(ids);
  }
  const found = Object.keys(lines).length > 0 ? lines : null;
  made.set(history, { revision: history.revision, config, queues, lines: found });
  return found ? { ...snapshot, boardIntraday: found } : snapshot;
}

/** The lines last worked out from each history, and what they were worked out from. */
const made = new WeakMap<
  History,
  {
    revision: number;
    config: WallboardConfig;
    queues: string;
    lines: NonNullable<Snapshot['boardIntraday']> | null;
  }
>();
