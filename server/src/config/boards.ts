import {
  DEFAULT_AGENT_LIMITS,
  mergeThresholds,
  SCREEN_ALERT_PREFIX,
  type ThresholdSet,
  type AgentLimits,
  type Board,
  type PublicConfig,
} from '@switchboard/shared';
import { DEFAULT_INSTANCE, boardInstance } from './instances.js';
import type { AgentLimitsConfig, WallboardConfig } from './schema.js';

interface NamedQueue {
  id: string;
  name: string;
}

/**
 * Whether `name` matches `pattern`, where `*` stands for any run of characters, ignoring case. Walked once with the
 * last `*` to fall back to, not as a regular expression: `*a*a*a*a*b` against a long name made a backtracking
 * expression take seconds, and a board's patterns are matched against every queue on every snapshot.
 */
export function globMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  let j = 0;
  let star = -1;
  let resume = 0;
  while (j < n.length) {
    if (i < p.length && p[i] !== '*' && p[i] === n[j]) {
      i += 1;
      j += 1;
    } else if (i < p.length && p[i] === '*') {
      star = i;
      resume = j;
      i += 1;
    } else if (star >= 0) {
      i = star + 1;
      resume += 1;
      j = resume;
    } else return false;
  }
  while (i < p.length && p[i] === '*') i += 1;
  return i === p.length;
}

/**
 * Whether an alert (or alert event) goes with board `boardId`, which shows `queueIds` (null: every queue of its
 * instance): a queue's alert with the boards that show its queue, the centre's with every board, and a screen's
 * with the board that screen shows only, so no board's viewers learn another board's screens or acknowledge
 * their alerts.
 */
export function alertOnBoard(
  alert: { queueId: string | null; board?: string | null },
  boardId: string,
  queueIds: ReadonlySet<string> | null,
): boolean {
  if (alert.queueId === null) return true;
  if (alert.queueId.startsWith(SCREEN_ALERT_PREFIX)) return alert.board === boardId;
  return queueIds === null || queueIds.has(alert.queueId);
}

/** Names compared as the configuration's references are: case aside, accents not (made once: each is costly). */
const sameName = new Intl.Collator(undefined, { sensitivity: 'accent' });

/** Queue references from the configuration (ids, names, `*` patterns) resolved against the queues Connect lists. */
export function resolveQueueRefs(refs: readonly string[], queues: readonly NamedQueue[]): string[] {
  const ids = new Set<string>();
  for (const ref of refs) {
    const pattern = ref.includes('*');
    for (const queue of queues) {
      const matches = pattern
        ? globMatches(ref, queue.name)
        : queue.id === ref || sameName.compare(queue.name, ref) === 0;
      if (matches) ids.add(queue.id);
    }
  }
  return queues.filter((q) => ids.has(q.id)).map((q) => q.id);
}

/** Whether a per-queue override key (an id or a name) names this queue. */
export function queueKeyMatches(key: string, queue: NamedQueue): boolean {
  return resolveQueueRefs([key], [queue]).length === 1;
}

/**
 * The thresholds a queue's figures are judged by: the configuration's defaults, with each per-queue override that
 * names it (by id or name) over them.
 */
export function queueThresholds(config: WallboardConfig, queue: NamedQueue): ThresholdSet {
  // Worked out once per set of thresholds and queue: every board's view asks for every queue's, every generation.
  // Keyed by the thresholds, not the configuration: an instance's own copy of it (configForInstance, a new object
  // on each call, as the alert engine reads it every generation) shares them.
  let known = thresholdsByConfig.get(config.thresholds);
  if (!known) {
    known = new Map();
    thresholdsByConfig.set(config.thresholds, known);
  }
  const key = `${queue.id}\u0000${queue.name}`;
  let set = known.get(key);
  if (!set) {
    set = mergeThresholds(
      config.thresholds.defaults,
      ...Object.entries(config.thresholds.queues)
        .filter(([overridden]) => queueKeyMatches(overridden, queue))
        .map(([, overrides]) => overrides),
    );
    known.set(key, set);
  }
  return set;
}

const thresholdsByConfig = new WeakMap<WallboardConfig['thresholds'], Map<string, ThresholdSet>>();

/**
 * What screens learn of the configuration. `queues` are the queues of one instance (by its id), against which
 * that instance's boards resolve their queue references.
 */
export function publicConfig(
  config: WallboardConfig,
  queues: (instance: string) => readonly NamedQueue[],
  options: { staleAfterMs: number; configError: string | null },
): PublicConfig {
  const instances = config.instances?.map((instance) => ({
    id: instance.id,
    name: instance.name ?? instance.id,
  })) ?? [{ id: DEFAULT_INSTANCE, name: 'Amazon Connect' }];
  const boards: Board[] = config.boards.map((board) => ({
    id: board.id,
    title: board.title,
    instance: boardInstance(config, board),
    queueIds:
      board.queues === 'all' ? null : resolveQueueRefs(board.queues, queues(boardInstance(config, board))),
    sections: board.sections,
    timeZone: board.timeZone ?? config.timeZone,
    locale: board.locale ?? config.locale,
    sound: board.sound,
    agentLimits: agentLimits(config.agentLimits, board.agentLimits),
  }));
  return {
    instances,
    boards,
    defaultBoardId: boards[0]?.id ?? 'all',
    serviceLevel: config.serviceLevel,
    staleAfterMs: options.staleAfterMs,
    configError: options.configError,
  };
}

/**
 * A board's limits: its own over the file's over the defaults, each custom status's too, a status named in either
 * case by either the same (the board's wins); `none` becomes null: no limit.
 */
function agentLimits(file: AgentLimitsConfig | undefined, board: AgentLimitsConfig | undefined): AgentLimits {
  const { statusSeconds: fileStatuses, ...fileRest } = file ?? {};
  const { statusSeconds: boardStatuses, ...boardRest } = board ?? {};
  const statuses = new Map<string, [string, number | null]>();
  for (const [name, limit] of [...Object.entries(fileStatuses ?? {}), ...Object.entries(boardStatuses ?? {})])
    statuses.set(name.toLowerCase(), [name, limit === 'none' ? null : limit]);
  return {
    ...DEFAULT_AGENT_LIMITS,
    ...fileRest,
    ...boardRest,
    ...(statuses.size > 0 ? { statusSeconds: Object.fromEntries(statuses.values()) } : {}),
  };
}
