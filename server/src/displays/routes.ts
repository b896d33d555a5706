import {
  BROWSER_SCREEN_ID,
  MAX_REPORT_BYTES,
  screenNameSchema,
  screenReloadSchema,
  screenReportSchema,
  type DisplaysResponse,
  type ScreenSummary,
} from '@switchboard/shared';
import express, { Router, type Request, type RequestHandler } from 'express';
import type { z } from 'zod';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
} from '../errors.js';
import { identityOf } from '../security/access.js';
import type { DisplayRegistry } from './registry.js';

/** Headers a report's empty answer does without: they guard documents, and a screen sends one a minute. */
const DOCUMENT_HEADERS = [
  'Content-Security-Policy',
  'Cross-Origin-Resource-Policy',
  'Origin-Agent-Cluster',
  'Referrer-Policy',
  'X-DNS-Prefetch-Control',
  'X-Download-Options',
  'X-Permitted-Cross-Domain-Policies',
  'X-XSS-Protection',
];

/**
 * The key a request reports as: a display token's screen is its token, whatever the body says; anyone else (a
 * supervisor's laptop, an open wallboard) is the browser id the page made.
 */
export function reportKey(
  req: Request,
  bodyId: string | undefined,
): { key: string; kind: 'token' | 'browser'; id: string } {
  const identity = identityOf(req);
  if (identity?.kind === 'display') return { key: `t:${identity.id}`, kind: 'token', id: identity.id };
  if (bodyId === undefined)
    throw new BadRequestError(
      'id is required: the browser id the page keeps in its storage (only a display token reports without one).',
      'invalid_body',
    );
  return { key: `b:${bodyId}`, kind: 'browser', id: bodyId };
}

/** The screen a stream belongs to: its display token, or the browser id the page names with `?screen=`. */
export function streamKey(req: Request): string | null {
  const identity = identityOf(req);
  if (identity?.kind === 'display') return `t:${identity.id}`;
  const screen = req.query.screen;
  if (screen === undefined) return null;
  if (typeof screen !== 'string' || !BROWSER_SCREEN_ID.test(screen))
    throw new BadRequestError(
      'screen must be given once, as the browser id the page keeps (20 to 40 letters, digits and dashes).',
      'bad_screen',
    );
  return `b:${screen}`;
}

/**
 * Whether the caller may report or stream as browser screen `key`: one not yet known, or one on a board the
 * caller may see. Browser ids are the page's own, and the Screens page lists them: without this, a supervisor
 * limited to some boards could claim another board's screen by its id, and then rename, reload or forget it.
 */
export function mayClaim(req: Request, registry: Pick<DisplayRegistry, 'boardOf'>, key: string): boolean {
  if (!key.startsWith('b:')) return true;
  const board = registry.boardOf(key);
  return board === undefined || visible(req, { board });
}

const supervisorsOnly: RequestHandler = (req, _res, next) => {
  const kind = identityOf(req)?.kind;
  if (kind === 'supervisor' || kind === 'open') {
    next();
    return;
  }
  throw new ForbiddenError(
    'The screens are for supervisors: sign in with a supervisor token; a display token cannot see or command them.',
    'supervisor_required',
  );
};

/** A supervisor limited to some boards sees and commands only the screens showing them. */
function visible(req: Request, screen: Pick<ScreenSummary, 'board'>): boolean {
  const boards = identityOf(req)?.boards ?? null;
  return boards === null || (screen.board !== null && boards.includes(screen.board));
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success)
    throw new BadRequestError(
      parsed.error.issues
        .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
        .join('; '),
      'invalid_body',
    );
  return parsed.data;
}

/** New screens one client may add at once (a floor of walls behind one address starting together)... */
const NEW_SCREENS_BURST = 200;
/** ...and then one a this often: filling the registry's 5,000 would take longer than it takes to forget a screen. */
const NEW_SCREEN_EVERY_MS = 30_000;

/**
 * How many new screens each client (an address, or behind a trusted proxy a signed-in user) may still add, by its
 * first report or its first stream: a bucket of NEW_SCREENS_BURST filling again at one per NEW_SCREEN_EVERY_MS.
 * Reports and streams are not rate-limited like the API's changes (a wall of screens behind one address is
 * normal), so without this one script making up browser ids could fill the registry, and no real screen could
 * join it for a day. Each replica keeps its own.
 */
export class NewScreenAllowance {
  private readonly buckets = new Map<string, { left: number; at: number }>();
  private sweptAt: number;

  constructor(private readonly clock: () => number = Date.now) {
    this.sweptAt = clock();
  }

  /** Whether `client` may add a screen now. */
  allows(client: string): boolean {
    return this.left(client, this.clock()) >= 1;
  }

  /** Counts a screen `client` added. */
  take(client: string): void {
    const now = this.clock();
    this.buckets.set(client, { left: Math.max(0, this.left(client, now) - 1), at: now });
    // A full bucket is the same as none: those are dropped every so often, so the map holds only the clients
    // adding screens lately.
    if (now - this.sweptAt < NEW_SCREEN_EVERY_MS * NEW_SCREENS_BURST) return;
    this.sweptAt = now;
    for (const key of [...this.buckets.keys()])
      if (this.left(key, now) >= NEW_SCREENS_BURST) this.buckets.delete(key);
  }

  private left(client: string, now: number): number {
    const bucket = this.buckets.get(client);
    if (!bucket) return NEW_SCREENS_BURST;
    return Math.min(NEW_SCREENS_BURST, bucket.left + (now - bucket.at) / NEW_SCREEN_EVERY_MS);
  }
}

/** The 429 for a client that has added its share of new screens lately. */
export function tooManyNewScreens(): TooManyRequestsError {
  return new TooManyRequestsError(
    `This client has added ${NEW_SCREENS_BURST} screens lately, the most it may at once; another may join ` +
      `every ${NEW_SCREEN_EVERY_MS / 1000} s.`,
    'too_many_new_screens',
    NEW_SCREEN_EVERY_MS / 1000,
  );
}

/**
 * POST /api/v1/displays/report (every screen), GET /api/v1/displays, PATCH /api/v1/displays/:key and
 * POST /api/v1/displays/reload (supervisors). `clientOf` names the client a report comes from, for the allowance
 * of new screens.
 */
export function displaysRouter(
  registry: DisplayRegistry,
  serverBuild: string,
  clientOf: (req: Request) => string,
  allowance: NewScreenAllowance,
  /** The configuration's boards now (it may be reloaded): a reload of a board no screen shows and no board is, is refused. */
  boardIds: () => readonly string[],
): Router {
  const router = Router();
  /**
   * When each screen last reported here, and last reported early: a screen may report twice an interval at most,
   * and once more in the same half interval when its page has loaded since its last report (a reload, a
   * supervisor's Reload, another view), so the Screens page sees the new page at once. `uptimeMs` is the page's
   * word: a page that says it is new every time still gets no more than twice its share.
   */
  const lastReport = new Map<string, { at: number; earlyAt: number | null }>();
  let swept = Date.now();

  router.post('/api/v1/displays/report', express.json({ limit: MAX_REPORT_BYTES }), (req, res) => {
    const report = parse(screenReportSchema, req.body);
    const { key, kind, id } = reportKey(req, report.id);
    // A screen limited to some boards cannot claim to show another (and so appear among its screens).
    const boards = identityOf(req)?.boards ?? null;
    if (boards !== null && report.board !== null && !boards.includes(report.board))
      throw new ForbiddenError(
        `board: this screen may show ${boards.join(', ')} only, not ${report.board}.`,
        'board_not_allowed',
      );
    if (!mayClaim(req, registry, key))
      throw new ForbiddenError(
        "id: this browser id is a screen on a board you may not see (a browser shared with another supervisor's " +
          'sign-in); the page makes itself a new id and reports again.',
        'screen_not_yours',
      );
    const now = Date.now();
    const spacing = Math.max(500, registry.intervalMs / 2);
    const last = lastReport.get(key);
    const since = last === undefined ? Infinity : now - last.at;
    const early = since < spacing;
    const earlyAt = last?.earlyAt ?? null;
    const newPage = report.uptimeMs < since && (earlyAt === null || now - earlyAt >= spacing);
    if (early && !newPage)
      throw new TooManyRequestsError(
        `This screen reported ${since} ms ago; it reports every ${registry.intervalMs} ms.`,
        'report_too_soon',
        Math.ceil((spacing - since) / 1000),
      );
    if (now - swept > registry.intervalMs * 4) {
      for (const [screen, kept] of lastReport) if (now - kept.at > spacing) lastReport.delete(screen);
      swept = now;
    }
    const isNew = !registry.has(key);
    if (isNew && !allowance.allows(clientOf(req))) throw tooManyNewScreens();
    registry.report(key, kind, id, report);
    // Counted once added: a report the full registry refused (too_many_screens) added nothing.
    if (isNew) allowance.take(clientOf(req));
    lastReport.set(key, { at: now, earlyAt: early ? now : earlyAt });
    for (const header of DOCUMENT_HEADERS) res.removeHeader(header);
    res.set('Report-Interval', String(registry.intervalMs)).status(204).end();
  });

  router.get('/api/v1/displays', supervisorsOnly, (req, res) => {
    const body: DisplaysResponse = {
      serverBuild,
      reportIntervalMs: registry.intervalMs,
      screens: registry.list().filter((screen) => visible(req, screen)),
    };
    res.set('Cache-Control', 'no-store').json(body);
  });

  const known = (req: Request, key: string): ScreenSummary => {
    const screen = registry.list().find((candidate) => candidate.key === key);
    if (!screen || !visible(req, screen))
      throw new NotFoundError(
        `No screen ${key}: it may have been forgotten. GET /api/v1/displays lists the screens.`,
        'unknown_screen',
      );
    return screen;
  };

  router.patch('/api/v1/displays/:key', supervisorsOnly, express.json({ limit: '4kb' }), async (req, res) => {
    const key = String(req.params.key);
    known(req, key);
    const { name } = parse(screenNameSchema, req.body);
    res.json(await registry.rename(key, name));
  });

  // A screen taken away for good: forgotten now rather than listed as disconnected for a week.
  router.delete('/api/v1/displays/:key', supervisorsOnly, async (req, res) => {
    const key = String(req.params.key);
    const screen = known(req, key);
    // Only a screen gone dark: one still reporting (its stream down, or through a proxy that buffers streams) would
    // be back with its next report, its name, and the screen alerts that watch it by name, lost.
    if (screen.state !== 'disconnected' || !(await registry.remove(key)))
      throw new ConflictError(
        `Screen ${key} is ${screen.streamOpen ? 'connected' : 'still reporting'}: it would be back with its next ` +
          'report. Close the page (or switch the screen off, or revoke its display token) first, then forget it.',
        'screen_connected',
      );
    res.status(204).end();
  });

  // `sent`: the screens with an open stream the reload went to (one without a stream cannot receive it).
  router.post(
    '/api/v1/displays/reload',
    supervisorsOnly,
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const target = parse(screenReloadSchema, req.body);
      if (target.key !== undefined) {
        known(req, target.key);
        res.json({ sent: await registry.reload({ key: target.key }) });
        return;
      }
      const board = target.board ?? '';
      const boards = identityOf(req)?.boards ?? null;
      if (boards !== null && !boards.includes(board))
        throw new ForbiddenError(
          `You may command the screens of ${boards.join(', ')} only, not of ${board}.`,
          'board_not_allowed',
        );
      // A mistyped board would reload no screen and look done; a board since removed is known while a screen
      // still shows it. Named to the caller only as far as it may see: one limited to some boards learns no other's.
      const mayName = (id: string) => boards === null || boards.includes(id);
      const configured = boardIds().filter(mayName);
      const shown = [
        ...new Set(
          registry
            .list()
            .flatMap((screen) =>
              screen.board === null || configured.includes(screen.board) || !mayName(screen.board)
                ? []
                : [screen.board],
            ),
        ),
      ];
      if (!configured.includes(board) && !shown.includes(board))
        throw new NotFoundError(
          `board: "${board}" is not a board of the configuration (${configured.join(', ') || 'none you may command'})` +
            (shown.length > 0 ? ` nor one a screen shows (${shown.join(', ')}).` : '.'),
          'unknown_board',
        );
      res.json({ sent: await registry.reload({ board }) });
    },
  );

  return router;
}
