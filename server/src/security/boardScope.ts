import { SCREEN_ALERT_PREFIX, type PublicConfig } from '@switchboard/shared';
import { Router, type Request } from 'express';
import type { AlertsBackend } from '../alerts/routes.js';
import type { WallboardConfig } from '../config/schema.js';
import { alertOnBoard } from '../config/boards.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors.js';
import { exchangeLocation, identityNow, identityOf, type Identity } from './access.js';
import { routePath } from '../http/routePath.js';

/**
 * The board as an access scope. Every identity carries the boards it may read (null: every board): a display
 * token its `boards` or its home `board`, a supervisor token its `boards`, a user behind the proxy what the
 * configuration's `access` gives them. A limited identity reads only through one of its boards: it must name
 * it with `?board=`, and may not ask for a whole instance with `?instance=`.
 *
 * What other code calls: `scopedBoard(req)` for the board a request reads (checked), `scopedQueueIds(req, …)`
 * for the queues it may see, `allowedBoards(req)` for the boards it may list.
 */

/** Where the scope looks boards up: the configuration in force and its instances' queues. */
export interface BoardDirectory {
  /** The ids of the configuration's boards. */
  boardIds(): readonly string[];
  /** The ids of the queues a board shows, or null when it shows every queue of its instance. */
  queueIds(board: string): ReadonlySet<string> | null;
  /** Whether a board shows charts (its view carries intraday series). */
  showsCharts(board: string): boolean;
  /** The Connect instance a board shows (undefined: no such board, or a directory of one instance). */
  instanceOf?(board: string): string | undefined;
}

/** The boards a request may read, or null for every board (also when no access control stands in front). */
export function allowedBoards(req: Request): readonly string[] | null {
  return identityOf(req)?.boards ?? null;
}

/**
 * Whether the sender of a request that is still open (a stream) may still read `board` (null: a whole instance):
 * its token not revoked, its session not expired, its boards still including this one.
 */
export function mayStillRead(req: Request, board: string | null): boolean {
  const boards = identityNow(req)?.boards;
  if (boards === undefined) return false;
  return boards === null || (board !== null && boards.includes(board));
}

/** Whether a request may read a board. */
export function mayReadBoard(req: Request, board: string): boolean {
  const boards = allowedBoards(req);
  return boards === null || boards.includes(board);
}

function subject(identity: Identity | undefined): string {
  if (identity?.kind === 'display') return "this screen's token";
  if (identity?.kind === 'supervisor' && identity.source === 'proxy') return identity.name;
  return 'this token';
}

function single(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new BadRequestError(`${name} must be given once, as an id, e.g. ?${name}=sales-floor`);
  return value;
}

function refusal(req: Request, boards: readonly string[], why: string): ForbiddenError {
  const reads = `${subject(identityOf(req))} reads ${boards.length === 1 ? 'board' : 'boards'} ${boards.join(', ')} only`;
  const fix =
    boards.length === 1
      ? `open ?board=${boards[0]}`
      : `open one of ${boards.map((board) => `?board=${board}`).join(', ')}`;
  return new ForbiddenError(`${reads}${why}: ${fix}.`, 'board_not_allowed');
}

/**
 * The board a request reads, checked against what its identity may read: the `?board=` id, or null when an
 * identity that may read every board names none (it reads the instance of `?instance=`, or the first).
 * A limited identity gets ForbiddenError (403, code board_not_allowed, naming its boards and the fix) when it
 * asks for another board, for a whole instance, or for no board at all; a bad parameter is a BadRequestError.
 */
export function scopedBoard(req: Request): string | null {
  const board = single(req, 'board');
  const instance = single(req, 'instance');
  const boards = allowedBoards(req);
  if (boards === null) return board ?? null;
  if (instance !== undefined) throw refusal(req, boards, `, not a whole instance (?instance=${instance})`);
  if (board === undefined) throw refusal(req, boards, ', so the request must name it');
  if (!boards.includes(board)) throw refusal(req, boards, `, not ${board}`);
  return board;
}

/**
 * The queues a request's answers are about: those of the board it reads (null when that board shows every
 * queue of its instance, or it names no board, which only an identity that may read every board can do).
 */
export function scopedQueueIds(req: Request, directory: BoardDirectory): ReadonlySet<string> | null {
  // Whoever asks, a board's answers are about its queues; a limited identity always names a board.
  const board = scopedBoard(req);
  return board === null ? null : directory.queueIds(board);
}

/**
 * The alert endpoints as a request may use them: asked through a board, the alerts of its queues, the centre-wide
 * ones (as the board's webhook gets them) and its own screens' (alertOnBoard), whoever asks; and none other may be
 * acknowledged through it. A limited identity always names a board.
 */
export function scopedAlerts(req: Request, backend: AlertsBackend, directory: BoardDirectory): AlertsBackend {
  const board = scopedBoard(req);
  if (board === null) return backend;
  const queues = directory.queueIds(board);
  const shown = (alert: { queueId: string | null; board?: string | null }) =>
    alertOnBoard(alert, board, queues);
  return {
    active: () => backend.active().filter(shown),
    history: async () => (await backend.history()).filter(shown),
    acknowledge: (alertId, by) => {
      const alert = backend.active().find((candidate) => candidate.id === alertId);
      const allowed = allowedBoards(req);
      // Not among the alerts this replica holds (a follower a snapshot behind its leader, or no such alert): its
      // queue cannot be checked, so an identity limited to boards does not pass it on to be acknowledged unchecked.
      // Nor is it told that an alert exists that none of its boards shows: that gets the same answer.
      // Its boards of the alert's instance (the one this request's board shows): another's queues are not its.
      const instance = directory.instanceOf?.(board);
      const hidden =
        allowed !== null &&
        (!alert ||
          !allowed.some(
            (other) =>
              directory.instanceOf?.(other) === instance &&
              alertOnBoard(alert, other, directory.queueIds(other)),
          ));
      if (hidden)
        throw new NotFoundError(
          `No open alert ${alertId} on board ${board}: it may have just cleared, or this server has not seen it yet. Try again in a moment.`,
          'unknown_alert',
        );
      if (alert && !shown(alert))
        throw new ForbiddenError(
          alert.queueId?.startsWith(SCREEN_ALERT_PREFIX)
            ? `Alert ${alertId} is about a screen that was not on board ${board} when it was raised: acknowledge it from the board the screen was on.`
            : `Alert ${alertId} is on a queue that board ${board} does not show: acknowledge it from a board that shows its queue.`,
          'alert_not_on_board',
        );
      return backend.acknowledge(alertId, by);
    },
  };
}

/** GET /api/v1/config as a request may see it: only the boards it may read, and the instances they show. */
export function scopedPublicConfig(req: Request, config: PublicConfig): PublicConfig {
  const allowed = allowedBoards(req);
  if (allowed === null) return config;
  const boards = config.boards.filter((board) => allowed.includes(board.id));
  const [first] = boards;
  if (!first)
    throw new ForbiddenError(
      `${subject(identityOf(req))} reads ${allowed.join(', ')}, and no board of the configuration has that id: ask for the token (or access entry) to name a board of the configuration.`,
      'board_not_allowed',
    );
  const shown = new Set(boards.map((board) => board.instance));
  return {
    ...config,
    ...(config.instances ? { instances: config.instances.filter((instance) => shown.has(instance.id)) } : {}),
    boards,
    defaultBoardId: boards.some((board) => board.id === config.defaultBoardId)
      ? config.defaultBoardId
      : first.id,
  };
}

/** The routes that read an instance's figures: a limited identity reads them only through one of its boards. */
const DATA_PATHS = [
  '/api/v1/snapshot',
  '/api/v1/stream',
  '/api/v1/intraday',
  '/api/v1/alerts',
  '/api/v1/timeline',
];

/** Whether a path is one of the web app's pages (not the API, a probe or a file such as a script). */
function isPage(path: string): boolean {
  return (
    path !== '/api' &&
    !path.startsWith('/api/') &&
    !['/healthz', '/readyz', '/metrics'].includes(path) &&
    !/\.[^/]*$/.test(path)
  );
}

/**
 * The check in front of the data routes: `scopedBoard` for each, a board the configuration no longer has, and
 * the queue of GET /api/v1/intraday/:queueId among the board's queues. A page opened without `?board=` by a
 * limited identity is sent to its board.
 */
export function boardScopeGate(directory: BoardDirectory): Router {
  const router = Router();
  router.use(DATA_PATHS, (req, _res, next) => {
    const board = scopedBoard(req);
    // A limited identity learns no other board's id from the instance selector's "unknown board" answer.
    if (board !== null && allowedBoards(req) !== null && !directory.boardIds().includes(board))
      throw new BadRequestError(
        `Board "${board}" is not in the configuration: it was renamed or removed. Ask for the token (or access entry) to name a board of the configuration.`,
        'unknown_board',
      );
    next();
  });
  // A page opened without a board by a limited identity opens on its (home) board rather than a refusal.
  router.use((req, res, next) => {
    const boards = allowedBoards(req);
    if (boards === null || req.method !== 'GET' || req.query.board !== undefined || !isPage(routePath(req))) {
      next();
      return;
    }
    const identity = identityOf(req);
    const known = directory.boardIds();
    const home =
      identity?.kind === 'display' && identity.board !== null && boards.includes(identity.board)
        ? identity.board
        : (boards.find((board) => known.includes(board)) ?? boards[0]);
    res.redirect(302, exchangeLocation(req.originalUrl, home));
  });
  router.get('/api/v1/intraday/:queueId', (req, _res, next) => {
    const queues = scopedQueueIds(req, directory);
    if (queues !== null && !queues.has(req.params.queueId)) {
      const board = scopedBoard(req) ?? '';
      // A limited identity is refused; for anyone else a board's series are its queues', and this is none.
      if (allowedBoards(req) !== null)
        throw new ForbiddenError(
          `Queue ${req.params.queueId} is not on board ${board}: ask for one of the board's queues.`,
          'queue_not_on_board',
        );
      throw new NotFoundError(
        `Queue ${req.params.queueId} is not on board ${board}: ask for one of the board's queues, or without ?board=.`,
        'queue_not_on_board',
      );
    }
    // What a board does not show it does not serve: its view carries no series, nor does this.
    const board = scopedBoard(req);
    if (board !== null && !directory.showsCharts(board))
      throw new NotFoundError(
        `Board ${board} does not show charts, so it has no intraday series: ask through a board that shows ` +
          "charts, or add charts to this board's sections.",
        'charts_not_on_board',
      );
    next();
  });
  return router;
}

/**
 * The boards a user named by the proxy may read, from the configuration's `access`: their own entry (names
 * compared without regard to case), else `others`. Null means every board; an empty list, none.
 */
export function userBoards(config: WallboardConfig, user: string): readonly string[] | null {
  const key = user.toLowerCase();
  const own = Object.entries(config.access.users).find(([name]) => name.toLowerCase() === key)?.[1];
  const scope = own ?? config.access.others;
  if (scope === 'all') return null;
  if (scope === 'none') return [];
  return scope;
}
