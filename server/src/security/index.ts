import { timingSafeEqual } from 'node:crypto';
import type { Express, Request } from 'express';
import type { Logger } from '../logger.js';
import { accessControl, mayInspect, type AccessMode } from './access.js';
import { sameOriginWrites } from './csrf.js';
import { rateLimits, securityHeaders, strictQuery, strictTransportSecurity } from './headers.js';
import { boardScopeGate, type BoardDirectory } from './boardScope.js';
import { hostCheck } from './hosts.js';
import { isLocalClient, normaliseAddress } from './loopback.js';
import { loadSessionSecret, SessionSigner } from './sessions.js';
import { streamLimits } from './streams.js';
import { TokenStore } from './tokens.js';

export { mayInspect };

export interface SecurityOptions {
  accessMode: AccessMode;
  tokensFile: string | undefined;
  trustedProxies: readonly string[];
  userHeader: string;
  frameAncestors: readonly string[];
  readsPerMinute: number;
  writesPerMinute: number;
  /** Reads of the recorded history a client may make a minute (HISTORY_READS_PER_MINUTE); 240 unless told. */
  historyReadsPerMinute?: number;
  /** Host names the server answers for besides loopback (PUBLIC_HOSTS). */
  publicHosts: readonly string[];
  /** The session secret: given, shared through Redis, or kept in dataDir. */
  sessionSecret: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  sessionTtlMs: number;
  hstsMaxAgeSeconds: number;
  streamsPerAddress: number;
  streamsTotal: number;
  /** Streams one token or proxy user may hold (STREAMS_PER_TOKEN); unset: 1,000. */
  streamsPerToken?: number;
  /** Who may read /metrics: anyone (probes), loopback only, or loopback and holders of metricsToken. */
  metricsAccess: 'open' | 'loopback' | 'token';
  metricsToken: string | undefined;
}

/** Which Connect instance a request is about: `?instance=<id>` or `?board=<id>`. */
const INSTANCE_QUERY = ['instance', 'board'] as const;
/** Query parameters the API accepts, by path; everything else is refused with a clear 400. */
const API_QUERY: Record<string, readonly string[]> = {
  '/v1/snapshot': [...INSTANCE_QUERY, 'at'],
  '/v1/timeline': [...INSTANCE_QUERY, 'from', 'to'],
  '/v1/stream': [...INSTANCE_QUERY, 'since', 'screen'],
  '/v1/intraday/:queueId': INSTANCE_QUERY,
  '/v1/alerts': INSTANCE_QUERY,
  '/v1/alerts/history': INSTANCE_QUERY,
  '/v1/alerts/:id/acknowledge': INSTANCE_QUERY,
};

const DAY_MS = 24 * 3600 * 1000;

export interface BoardScopeOptions {
  directory: BoardDirectory;
  /** The boards a user named by the proxy may read (the configuration's `access`). */
  userBoards: (user: string) => readonly string[] | null;
}

export interface Security {
  tokens: TokenStore | null;
  /**
   * Headers, host and origin checks, access control, request and stream limits, query validation; with
   * `boards`, the board scope in front of the data routes (boardScope.ts) and the boards of proxy users.
   */
  apply(app: Express, boards?: BoardScopeOptions): void;
  /** Whether a request may read /metrics. */
  mayScrape(req: Request): boolean;
  /** Facts for /readyz: a refused edit of the token file. */
  readiness(): Record<string, unknown>;
  close(): void;
}

/** Reads the token file and the session secret; `apply` then puts the checks in front of every route. */
export async function openSecurity(options: SecurityOptions, logger: Logger): Promise<Security> {
  const tokens =
    options.accessMode === 'tokens' && options.tokensFile ? new TokenStore(options.tokensFile, logger) : null;
  const sessions = tokens
    ? new SessionSigner(
        await loadSessionSecret(
          { secret: options.sessionSecret, redisUrl: options.redisUrl, dataDir: options.dataDir },
          logger,
        ),
        { ttlMs: options.sessionTtlMs, renewAfterMs: Math.min(DAY_MS, options.sessionTtlMs / 2) },
      )
    : null;
  tokens?.watch();
  const proxies = new Set(options.trustedProxies.map(normaliseAddress));

  return {
    tokens,
    apply(app, boards) {
      // req.ip, req.secure and req.host believe X-Forwarded-* only from the trusted proxies.
      app.set('trust proxy', (address: string) => proxies.has(normaliseAddress(address)));
      app.use(hostCheck(options.publicHosts));
      app.use(securityHeaders({ frameAncestors: options.frameAncestors }));
      app.use(strictTransportSecurity(options.hstsMaxAgeSeconds));
      app.use(sameOriginWrites());
      app.use(
        accessControl({
          mode: options.accessMode,
          tokens,
          sessions,
          trustedProxies: options.trustedProxies,
          userHeader: options.userHeader,
          ...(boards ? { userBoards: boards.userBoards } : {}),
        }),
      );
      rateLimits(app, {
        readsPerMinute: options.readsPerMinute,
        writesPerMinute: options.writesPerMinute,
        historyReadsPerMinute: options.historyReadsPerMinute ?? 240,
        trustedProxies: options.trustedProxies,
      });
      app.use(
        streamLimits({
          perAddress: options.streamsPerAddress,
          total: options.streamsTotal,
          perCredential: options.streamsPerToken ?? 1000,
        }),
      );
      app.use('/api', strictQuery(API_QUERY));
      if (boards) app.use(boardScopeGate(boards.directory));
    },
    mayScrape(req) {
      if (options.metricsAccess === 'open' || isLocalClient(req)) return true;
      if (options.metricsAccess === 'loopback' || !options.metricsToken) return false;
      const presented = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      return presented !== undefined && sameSecret(presented, options.metricsToken);
    },
    readiness: () => (tokens?.error ? { tokensError: tokens.error } : {}),
    close: () => tokens?.close(),
  };
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
