import { readIsoTime, withOffsetPlus, type Snapshot } from '@switchboard/shared';
import { Router, type Request } from 'express';
import { BadRequestError, NotFoundError } from '../errors.js';
import { alertOnBoard } from '../config/boards.js';
import { scopedBoard, type BoardDirectory } from '../security/boardScope.js';
import type { Timeline } from './store.js';
import type { History } from './recorder.js';

/** Buckets a timeline is cut into at most: a day is then 2-minute buckets. */
const MAX_BUCKETS = 720;
/** The longest span a timeline covers. */
const MAX_SPAN_MS = 31 * 24 * 3600 * 1000;

/** What the routes need of the instance a request reads. */
export interface HistoryInstance {
  id: string;
  views: {
    of(snapshot: Snapshot, id: string | null, options?: { recorded?: boolean }): Snapshot | undefined;
  };
}

function time(req: Request, name: string, example: string): number | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  const fix = `${name} must be one ISO 8601 time with its offset, e.g. ?${name}=${example}`;
  if (typeof value !== 'string') throw new BadRequestError(fix, `bad_${name}`);
  // A "+" typed into an address arrives as a space: the offset was given, and needs writing as %2B.
  const plus = withOffsetPlus(value);
  if (plus !== null && 'ms' in readIsoTime(plus))
    throw new BadRequestError(
      `${fix}: a + in an address reads as a space, so write the offset's + as %2B (${name}=${value.replace(' ', '%2B')})`,
      `bad_${name}`,
    );
  const read = readIsoTime(value);
  if ('ms' in read) return read.ms;
  throw new BadRequestError(
    read.problem === 'no_day' ? `${fix} (there is no day ${read.day})` : fix,
    `bad_${name}`,
  );
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * GET /api/v1/snapshot?at=<time>: a board's view as it was then (the whole instance's recorded view, through the
 * board as the configuration defines it now). GET /api/v1/timeline?from=&to=: what was recorded, in buckets,
 * with the alert events. Both read through the board scope as the live endpoints do.
 */
export function historyRouter(options: {
  history: () => History | null;
  select: (req: Request) => HistoryInstance;
  directory: BoardDirectory;
  clock?: () => number;
}): Router {
  const clock = options.clock ?? Date.now;
  const router = Router();
  const historyOf = () => {
    const history = options.history();
    if (!history)
      throw new NotFoundError(
        'History is off on this server (HISTORY_ENABLED=false): there is no past to show.',
        'history_off',
      );
    return history;
  };

  router.get('/api/v1/snapshot', (req, res, next) => {
    const at = time(req, 'at', '2026-12-04T10:42:00Z');
    if (at === undefined) {
      next();
      return;
    }
    const board = scopedBoard(req);
    const instance = options.select(req);
    const history = historyOf();
    if (at > clock() + 5000)
      throw new BadRequestError(
        `at is in the future (${new Date(at).toISOString()}): ask for a moment up to now`,
        'bad_at',
      );
    const found = history.reader.viewAt(instance.id, at);
    if ('gap' in found) {
      const { before, after } = found.gap;
      const around =
        before === null && after === null
          ? 'nothing has been recorded yet'
          : before === null
            ? `this replica's history starts at ${iso(after)}`
            : after === null
              ? `the last moment recorded is ${iso(before)}`
              : `history has a gap from ${iso(before)} to ${iso(after)}`;
      // The moments as members too, for a page that writes them in its board's clock and day.
      throw new NotFoundError(
        `Nothing was recorded at ${new Date(at).toISOString()}: ${around}. Pick a moment the timeline marks as recorded.`,
        'not_recorded',
        { at: new Date(at).toISOString(), before: iso(before), after: iso(after) },
      );
    }
    // Coloured as it was: its threshold states as recorded, as its alerts are.
    const view = instance.views.of(found.view, board, { recorded: true });
    if (!view) throw new NotFoundError(`Board ${board ?? ''} is not in the configuration.`, 'unknown_board');
    res.set({ 'Cache-Control': 'private, no-cache', Vary: 'Cookie' }).json(view);
  });

  router.get('/api/v1/timeline', (req, res) => {
    const now = clock();
    const asked = time(req, 'to', '2026-12-04T18:00:00Z');
    const to = asked ?? now;
    const from = time(req, 'from', '2026-12-04T08:00:00Z') ?? to - 24 * 3600 * 1000;
    if (from >= to)
      throw new BadRequestError(
        asked === undefined
          ? `from must be before to, which is now (${new Date(now).toISOString()}) when not given: give a from in the past, or a to after it`
          : 'from must be before to',
        'bad_from',
      );
    if (to - from > MAX_SPAN_MS)
      throw new BadRequestError('from and to may be at most 31 days apart', 'bad_from');
    const board = scopedBoard(req);
    const instance = options.select(req);
    const history = historyOf();
    const bucketMs = Math.max(1000, Math.ceil((to - from) / MAX_BUCKETS / 1000) * 1000);
    const timeline: Timeline = history.reader.timeline(instance.id, from, to, bucketMs);
    // A board's alert events are its queues', the centre-wide ones and its screens', as its alert endpoints list them.
    const queues = board === null ? null : options.directory.queueIds(board);
    const alerts =
      board === null
        ? timeline.alerts
        : timeline.alerts.filter((event) => alertOnBoard(event, board, queues));
    res.set('Cache-Control', 'no-store').json({ ...timeline, alerts });
  });

  return router;
}
