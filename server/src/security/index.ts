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
const API_QUERY: Record<string, readonly string[]> = {};

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
