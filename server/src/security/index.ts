import type { Express } from 'express';
import type { Logger } from '../logger.js';
import { accessControl, type AccessMode } from './access.js';
import { rateLimits, securityHeaders, strictQuery } from './headers.js';
import { TokenStore } from './tokens.js';

export interface SecurityOptions {
  accessMode: AccessMode;
  tokensFile: string | undefined;
  trustedProxies: readonly string[];
  userHeader: string;
  frameAncestors: readonly string[];
  readsPerMinute: number;
  writesPerMinute: number;
}

/** Query parameters the API accepts, by path; everything else is refused with a clear 400. */
/** Which Connect instance a request is about: `?instance=<id>` or `?board=<id>`. */
const INSTANCE_QUERY = ['instance', 'board'] as const;
const API_QUERY: Record<string, readonly string[]> = {
  '/v1/snapshot': INSTANCE_QUERY,
  '/v1/stream': INSTANCE_QUERY,
  '/v1/intraday/:queueId': INSTANCE_QUERY,
  '/v1/alerts': INSTANCE_QUERY,
  '/v1/alerts/history': INSTANCE_QUERY,
  '/v1/alerts/:id/acknowledge': INSTANCE_QUERY,
};

export interface Security {
  tokens: TokenStore | null;
  close(): void;
}

/** Headers, access control, request limits and query validation, in front of every route. */
export function applySecurity(app: Express, options: SecurityOptions, logger: Logger): Security {
  const tokens =
    options.accessMode === 'tokens' && options.tokensFile ? new TokenStore(options.tokensFile, logger) : null;
  tokens?.watch();
  app.use(securityHeaders({ frameAncestors: options.frameAncestors }));
  app.use(
    accessControl({
      mode: options.accessMode,
      tokens,
      trustedProxies: options.trustedProxies,
      userHeader: options.userHeader,
    }),
  );
  rateLimits(app, { readsPerMinute: options.readsPerMinute, writesPerMinute: options.writesPerMinute });
  app.use('/api', strictQuery(API_QUERY));
  return { tokens, close: () => tokens?.close() };
}
