import { SERVICE_LEVEL_MAX_SECONDS } from '@switchboard/shared';
import { isTimeZone } from '@switchboard/shared/timeZone';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { isLoopbackHost } from './security/loopback.js';
import { CONNECT_OPERATIONS, type ConnectOperation } from './connect/errors.js';

/** A Connect rate limit as "requests per second/burst", e.g. "5/8". */
function rateSchema(name: string, example: string) {
  const message = `${name} must be requests per second and burst, e.g. ${name}=${example}`;
  return z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*\/\s*\d+\s*$/, message)
    .transform((text) => {
      const [perSecond, burst] = text.split('/').map((part) => Number(part.trim())) as [number, number];
      return { perSecond, burst };
    })
    .refine((rate) => rate.perSecond > 0 && rate.burst >= 1, message);
}

const QUOTAS_EXAMPLE = 'CONNECT_QUOTAS=GetCurrentUserData=5/8,SearchUsers=5/8';

/** Connect's quotas where an account's differ from the defaults: "Operation=rate/burst", comma-separated. */
const quotasSchema = z.string().transform((text, ctx) => {
  const quotas: Partial<Record<ConnectOperation, { perSecond: number; burst: number }>> = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z0-9]+)\s*=\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+)$/.exec(entry);
    const operation = match?.[1] as ConnectOperation | undefined;
    if (!match || !operation) {
      ctx.addIssue({
        code: 'custom',
        message: `CONNECT_QUOTAS must list Operation=rate/burst, comma-separated, e.g. ${QUOTAS_EXAMPLE}; "${entry}" is not`,
      });
      return z.NEVER;
    }
    const spelt = CONNECT_OPERATIONS.find((op) => op.toLowerCase() === operation.toLowerCase());
    if (spelt && spelt !== operation) {
      ctx.addIssue({
        code: 'custom',
        message: `CONNECT_QUOTAS names ${operation}: operation names are case-sensitive, write ${spelt}=${match[2]}/${match[3]}`,
      });
      return z.NEVER;
    }
    if (!CONNECT_OPERATIONS.includes(operation)) {
      ctx.addIssue({
        code: 'custom',
        message: `CONNECT_QUOTAS names ${operation}, which the wallboard does not call: it calls ${CONNECT_OPERATIONS.join(', ')}`,
      });
      return z.NEVER;
    }
    const perSecond = Number(match[2]);
    const burst = Number(match[3]);
    if (perSecond <= 0 || burst < 1) {
      ctx.addIssue({
        code: 'custom',
        message: `CONNECT_QUOTAS: ${operation} needs a rate above 0 and a burst of at least 1, e.g. ${QUOTAS_EXAMPLE}`,
      });
      return z.NEVER;
    }
    const earlier = quotas[operation];
    if (earlier) {
      ctx.addIssue({
        code: 'custom',
        message: `CONNECT_QUOTAS names ${operation} twice (${earlier.perSecond}/${earlier.burst} and ${perSecond}/${burst}): give each operation once, e.g. ${QUOTAS_EXAMPLE}`,
      });
      return z.NEVER;
    }
    quotas[operation] = { perSecond, burst };
  }
  return quotas;
});

/**
 * The one place that reads process.env. Every variable crosses this schema once at start; a bad value stops
 * the server with a message that names the variable, the value and the fix.
 */
const envSchema = z.object({
  PORT: z.coerce
    .number({ error: 'PORT must be a number, e.g. PORT=8080' })
    .int('PORT must be a whole number, e.g. PORT=8080')
    .min(0, 'PORT must be between 0 and 65535')
    .max(65535, 'PORT must be between 0 and 65535')
    .default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  CONNECT_INSTANCE_ID: z
    .string()
    .regex(
      /^[A-Za-z0-9-]{1,100}$/,
      'CONNECT_INSTANCE_ID must be the instance id (a UUID), not its ARN or alias',
    )
    .optional(),
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'AWS_REGION must look like eu-west-2')
    .optional(),
  CONNECT_ENDPOINT: z.url({ error: 'CONNECT_ENDPOINT must be a URL, e.g. http://127.0.0.1:4566' }).optional(),
  POLL_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1000, 'POLL_INTERVAL_MS must be at least 1000: Connect refreshes its figures every few seconds')
    .max(3_600_000, 'POLL_INTERVAL_MS must be at most 3600000 (an hour): a wallboard polls every few seconds')
    .default(2000),
  STALE_AFTER_MS: z.coerce
    .number()
    .int()
    .min(1000, 'STALE_AFTER_MS must be at least 1000')
    .max(86_400_000, 'STALE_AFTER_MS must be at most 86400000 (a day)')
    .default(15_000),
  WALLBOARD_CONFIG: z.string().min(1).optional(),
  ACCESS_MODE: z
    .enum(['open', 'tokens', 'proxy'], {
      error: 'ACCESS_MODE must be open, tokens (with DISPLAY_TOKENS_FILE) or proxy (with TRUSTED_PROXIES)',
    })
    .optional(),
  DISPLAY_TOKENS_FILE: z.string().min(1).optional(),
  TRUSTED_PROXIES: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.union([z.ipv4(), z.ipv6()], { error: 'TRUSTED_PROXIES must list IP addresses, comma-separated' }),
      ),
    )
    .default([]),
  TRUSTED_USER_HEADER: z
    .string()
    .regex(
      /^[A-Za-z0-9-]+$/,
      'TRUSTED_USER_HEADER must be the name of the header your proxy sets, letters, digits and dashes, e.g. x-forwarded-user',
    )
    .default('x-forwarded-user'),
  FRAME_ANCESTORS: z
    .string()
    .transform((list) => list.split(/[\s,]+/).filter(Boolean))
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^https?:\/\/[^/\s]+$/,
            'FRAME_ANCESTORS must list origins like https://intranet.example.com',
          ),
      ),
    )
    .default([]),
  /** Host names the wallboard is reached by, besides loopback: any other Host header is refused (DNS rebinding). */
  PUBLIC_HOSTS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^[a-z0-9.:[\]-]+$/,
            'PUBLIC_HOSTS must list host names without scheme or port, comma-separated, e.g. wallboard.example.com',
          ),
      ),
    )
    .default([]),
  /** The key of session cookies; every replica must have the same. Unset: shared through Redis, or DATA_DIR. */
  SESSION_SECRET: z
    .string()
    .min(32, 'SESSION_SECRET must be at least 32 characters, e.g. the output of `openssl rand -base64 32`')
    .optional(),
  /** Where the server keeps what it makes itself (the session secret, mode 0600; one replica's screens; the history store). */
  DATA_DIR: z.string().min(1).default('data'),
  /** Where the history store (history.sqlite) is kept; unset: DATA_DIR. Created at start. */
  HISTORY_DIR: z.string().min(1).optional(),
  /** Record what the screens were sent, for replay (docs/replay.md). */
  HISTORY_ENABLED: z
    .enum(['true', 'false'], { error: 'HISTORY_ENABLED must be true or false' })
    .default('true')
    .transform((value) => value === 'true'),
  HISTORY_RETENTION_DAYS: z.coerce
    .number({ error: 'HISTORY_RETENTION_DAYS must be a number of days, e.g. HISTORY_RETENTION_DAYS=7' })
    .int('HISTORY_RETENTION_DAYS must be a whole number of days, e.g. HISTORY_RETENTION_DAYS=7')
    .min(1, 'HISTORY_RETENTION_DAYS must be between 1 and 400')
    .max(400, 'HISTORY_RETENTION_DAYS must be between 1 and 400')
    .default(7),
  HISTORY_MIN_FREE_MB: z.coerce
    .number({ error: 'HISTORY_MIN_FREE_MB must be megabytes, e.g. HISTORY_MIN_FREE_MB=200' })
    .int('HISTORY_MIN_FREE_MB must be whole megabytes')
    .min(0, 'HISTORY_MIN_FREE_MB must be 0 (none kept) or more')
    .default(200),
  HISTORY_KEYFRAME_SECONDS: z.coerce
    .number({ error: 'HISTORY_KEYFRAME_SECONDS must be seconds, e.g. HISTORY_KEYFRAME_SECONDS=60' })
    .int('HISTORY_KEYFRAME_SECONDS must be whole seconds')
    .min(10, 'HISTORY_KEYFRAME_SECONDS must be between 10 and 3600')
    .max(3600, 'HISTORY_KEYFRAME_SECONDS must be between 10 and 3600')
    .default(60),
  SESSION_TTL_DAYS: z.coerce
    .number({ error: 'SESSION_TTL_DAYS must be a number of days, e.g. SESSION_TTL_DAYS=30' })
    .min(1, 'SESSION_TTL_DAYS must be between 1 and 400')
    .max(400, 'SESSION_TTL_DAYS must be between 1 and 400')
    .default(30),
  HSTS_MAX_AGE: z.coerce
    .number({ error: 'HSTS_MAX_AGE must be seconds, e.g. HSTS_MAX_AGE=31536000' })
    .int('HSTS_MAX_AGE must be whole seconds')
    .min(0, 'HSTS_MAX_AGE must be 0 (off) or more seconds')
    .default(0),
  STREAMS_PER_ADDRESS: z.coerce.number().int().min(1, 'STREAMS_PER_ADDRESS must be at least 1').default(50),
  STREAMS_TOTAL: z.coerce.number().int().min(1, 'STREAMS_TOTAL must be at least 1').default(20_000),
  STREAMS_PER_TOKEN: z.coerce.number().int().min(1, 'STREAMS_PER_TOKEN must be at least 1').default(1000),
  /** Unset: eight for each stream an address may hold (STREAMS_PER_ADDRESS), 400 by default. */
  CONNECTIONS_PER_ADDRESS: z.coerce
    .number({
      error: 'CONNECTIONS_PER_ADDRESS must be a number of connections, e.g. CONNECTIONS_PER_ADDRESS=400',
    })
    .int('CONNECTIONS_PER_ADDRESS must be a whole number')
    .min(1, 'CONNECTIONS_PER_ADDRESS must be at least 1')
    .optional(),
  METRICS_ACCESS: z
    .enum(['open', 'loopback', 'token'], {
      error: 'METRICS_ACCESS must be open, loopback, or token (with METRICS_TOKEN)',
    })
    .default('open'),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /** Serve the web app's source maps (hidden otherwise). */
  SERVE_SOURCE_MAPS: z
    .enum(['true', 'false'], { error: 'SERVE_SOURCE_MAPS must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  API_READS_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  API_WRITES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Reads of the recorded history (the timeline, a moment's view) a client may make a minute: each costs the server. */
  HISTORY_READS_PER_MINUTE: z.coerce.number().int().min(1).default(240),
  REDIS_URL: z
    .url({
      protocol: /^rediss?$/,
      error: 'REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
    })
    // The client decodes the user and password: a % not followed by two hex digits would stop the start.
    .refine((url) => {
      let parts: { username: string; password: string };
      try {
        parts = new URL(url);
      } catch {
        return true; // not a URL: said once, by the check above
      }
      try {
        decodeURIComponent(parts.username);
        decodeURIComponent(parts.password);
        return true;
      } catch {
        return false;
      }
    }, 'REDIS_URL: its user or password holds a % not followed by two hex digits; write % in them as %25')
    .optional(),
  LEASE_MS: z.coerce
    .number()
    .int()
    .min(1000, 'LEASE_MS must be at least 1000')
    .max(600_000, 'LEASE_MS must be at most 600000 (ten minutes): a replica that stops is replaced after it')
    .default(5000),
  /** How often each screen reports itself (docs/screens.md). */
  SCREEN_REPORT_INTERVAL_MS: z.coerce
    .number({ error: 'SCREEN_REPORT_INTERVAL_MS must be milliseconds, e.g. SCREEN_REPORT_INTERVAL_MS=60000' })
    .int('SCREEN_REPORT_INTERVAL_MS must be whole milliseconds')
    .min(1000, 'SCREEN_REPORT_INTERVAL_MS must be at least 1000 (one report a second)')
    .max(3_600_000, 'SCREEN_REPORT_INTERVAL_MS must be at most 3600000 (one report an hour)')
    .default(60_000),
  TIME_ZONE: z
    .string()
    .refine(
      isTimeZone,
      'TIME_ZONE must be an IANA time zone such as Europe/London: "today" starts at midnight there',
    )
    .optional(),
  SERVICE_LEVEL_THRESHOLDS: z
    .string()
    .transform((list, ctx) => {
      const values = list
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const seconds = values.map(Number);
      if (
        seconds.length === 0 ||
        seconds.some((t) => !Number.isInteger(t) || t < 1 || t > SERVICE_LEVEL_MAX_SECONDS)
      ) {
        ctx.addIssue({
          code: 'custom',
          message:
            'SERVICE_LEVEL_THRESHOLDS must list whole seconds from 1 to 604800, e.g. SERVICE_LEVEL_THRESHOLDS=20,60',
        });
        return z.NEVER;
      }
      if (new Set(seconds).size > 20) {
        ctx.addIssue({
          code: 'custom',
          message: 'SERVICE_LEVEL_THRESHOLDS may list at most 20 thresholds (Connect takes 20 per request)',
        });
        return z.NEVER;
      }
      return [...new Set(seconds)].sort((a, b) => a - b);
    })
    .default([20]),
  INTRADAY_INTERVAL_MINUTES: z.coerce
    .number()
    .refine((m) => m === 15 || m === 30, 'INTRADAY_INTERVAL_MINUTES must be 15 or 30')
    .default(30),
  CONNECT_RATE_SHARE: z.coerce
    .number({ error: 'CONNECT_RATE_SHARE must be a percentage, e.g. CONNECT_RATE_SHARE=80' })
    .min(
      1,
      "CONNECT_RATE_SHARE must be between 1 and 100 (percent of Connect's rate limits this wallboard may use)",
    )
    .max(
      100,
      "CONNECT_RATE_SHARE must be between 1 and 100 (percent of Connect's rate limits this wallboard may use)",
    )
    .default(80),
  /** Connect's quotas per operation where the account's differ from the published defaults. */
  CONNECT_QUOTAS: quotasSchema.default({}),
  /**
   * Before quotas per operation: one quota for GetCurrentMetricData and GetMetricData, one for every other
   * operation. Still read (each operation of the group gets that quota); CONNECT_QUOTAS overrides them.
   */
  CONNECT_RATE_METRICS: rateSchema('CONNECT_RATE_METRICS', '5/8').optional(),
  CONNECT_RATE_OTHER: rateSchema('CONNECT_RATE_OTHER', '2/5').optional(),
  /** The AWS account of CONNECT_INSTANCE_ID; unset means the credentials' account. */
  CONNECT_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/, 'CONNECT_ACCOUNT_ID must be the 12-digit AWS account id, e.g. 111122223333')
    .optional(),
  HISTORY_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(5000, "HISTORY_INTERVAL_MS must be at least 5000: today's figures settle over minutes")
    .max(3_600_000, 'HISTORY_INTERVAL_MS must be at most 3600000 (an hour)')
    .default(30_000),
  DISCOVERY_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1000, 'DISCOVERY_INTERVAL_MS must be at least 1000')
    .max(86_400_000, 'DISCOVERY_INTERVAL_MS must be at most 86400000 (a day)')
    .default(60_000),
  /** The embedded simulator (no CONNECT_INSTANCE_ID): its size, seed, speed and port. */
  SIMULATOR_QUEUES: z.coerce
    .number()
    .int()
    .min(1, 'SIMULATOR_QUEUES must be between 1 and 2000')
    .max(2000, 'SIMULATOR_QUEUES must be between 1 and 2000')
    .default(40),
  SIMULATOR_AGENTS: z.coerce
    .number()
    .int()
    .min(1, 'SIMULATOR_AGENTS must be between 1 and 10000')
    .max(10_000, 'SIMULATOR_AGENTS must be between 1 and 10000')
    .default(300),
  SIMULATOR_SEED: z.coerce.number().int('SIMULATOR_SEED must be a whole number').default(1),
  SIMULATOR_SPEED: z.coerce
    .number()
    .positive('SIMULATOR_SPEED must be above 0: 1 is real time, 60 runs a minute a second')
    .max(10_000, 'SIMULATOR_SPEED must be at most 10000')
    .default(1),
  SIMULATOR_TIME_OF_DAY: z
    .string()
    .regex(
      /^([01]\d|2[0-3]):[0-5]\d$/,
      'SIMULATOR_TIME_OF_DAY must be a local time HH:MM, e.g. 10:30 (the simulated day starts there)',
    )
    .optional(),
  /**
   * How the embedded simulator staffs its day: `planned` (arrivals its shifts can answer at 80/20 by Erlang C,
   * less shrinkage) or `understaffed` (arrivals near the agents' whole capacity: red tiles and alerts).
   */
  SIMULATOR_STAFFING: z
    .enum(['planned', 'understaffed'], {
      error:
        'SIMULATOR_STAFFING must be planned (the default: a centre run near target) or understaffed (a centre under pressure)',
    })
    .default('planned'),
  SIMULATOR_HISTORY_DAYS: z.coerce
    .number()
    .int('SIMULATOR_HISTORY_DAYS must be a whole number of days')
    .min(1, 'SIMULATOR_HISTORY_DAYS must be between 1 and 7: "today" needs the last 24 hours')
    .max(7, 'SIMULATOR_HISTORY_DAYS must be between 1 and 7')
    .default(3),
  SIMULATOR_CALL_LOG: z.coerce
    .number()
    .int('SIMULATOR_CALL_LOG must be a whole number of calls')
    .min(0, 'SIMULATOR_CALL_LOG must be between 0 and 100000 calls')
    .max(100_000, 'SIMULATOR_CALL_LOG must be between 0 and 100000 calls')
    .default(5000),
  SIMULATOR_PORT: z.coerce
    .number()
    .int()
    .min(0, 'SIMULATOR_PORT must be between 0 and 65535 (0 picks a free port)')
    .max(65535, 'SIMULATOR_PORT must be between 0 and 65535 (0 picks a free port)')
    .default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: readable lines when stdout is a terminal, JSON otherwise. */
  LOG_FORMAT: z
    .enum(['json', 'pretty'], {
      error:
        'LOG_FORMAT must be json (one JSON object a line, for log collectors) or pretty (readable lines); unset picks pretty on a terminal, json otherwise',
    })
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

/**
 * Variables whose value is a secret: an error names them and says what is wrong, never what they hold. A path
 * (`…_FILE`, such as DISPLAY_TOKENS_FILE) is not one.
 */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|CREDENTIAL|(^|_)KEY($|_)/;
const isSecretName = (name: string) => SECRET_NAME.test(name) && !name.endsWith('_FILE');

/**
 * A variable's value as an error may quote it: a secret's length only, and a URL without the password it may
 * carry (redis://:password@host, whether or not the rest of the URL is valid).
 */
export function quotableValue(name: string, value: string | undefined): string {
  if (value === undefined) return '""';
  if (isSecretName(name)) return `(${value.length} characters, not shown)`;
  // Up to the last @: a password pasted unencoded may hold / or @ itself, and it is then what makes the URL invalid.
  return JSON.stringify(value.replace(/^([a-z][a-z0-9+.-]*:\/\/).*@/i, '$1***@'));
}

/**
 * An issue's message in words that name the variable and the fix. The variables' own messages say so already;
 * where a schema left zod's default ("Invalid input: expected number, received NaN"), this says it instead.
 */
function plainMessage(name: string, issue: z.core.$ZodIssue): string {
  const fallback = envSchema.shape[name as keyof typeof envSchema.shape];
  const example = fallback ? defaultOf(fallback) : undefined;
  const e = example === undefined ? '' : `, e.g. ${name}=${example}`;
  switch (issue.code) {
    case 'invalid_type':
      // Only zod's own words are replaced: a variable's message of its own says more.
      if (!issue.message.startsWith('Invalid input')) return issue.message;
      if (issue.expected === 'int') return `${name} must be a whole number${e}`;
      if (issue.expected === 'number') return `${name} must be a number${e}`;
      return issue.message;
    case 'too_small':
      if (issue.message.startsWith('Too small'))
        return `${name} must be at least ${String(issue.minimum)}${e}`;
      return issue.message;
    case 'too_big':
      if (issue.message.startsWith('Too big')) return `${name} must be at most ${String(issue.maximum)}${e}`;
      return issue.message;
    case 'invalid_value':
      if (issue.message.startsWith('Invalid option'))
        return `${name} must be one of ${issue.values.map(String).join(', ')}${e}`;
      return issue.message;
    case 'invalid_format':
      if (issue.message.startsWith('Invalid')) return `${name} is not in the form expected${e}`;
      return issue.message;
    default:
      return issue.message;
  }
}

/** A variable's default, to show as an example of a good value; undefined for one without. */
function defaultOf(schema: z.ZodType): string | undefined {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return undefined;
  const value = parsed.data;
  if (Array.isArray(value)) return value.length > 0 ? value.join(',') : undefined;
  return typeof value === 'object' ? undefined : String(value);
}

/** `cwd`: the server's working directory (where `pnpm start` runs it: server/). */
export function parseEnv(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Env {
  // An empty variable means "not set", as in most shells' `FOO= cmd`; so does one of spaces alone (`PORT=' '`),
  // which a number would otherwise read as 0.
  const present = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      // A list variable's issue names its entry (TRUSTED_PROXIES.0): the variable is the first part.
      const name = String(issue.path[0] ?? '');
      const entry = issue.path.length > 1 ? ` (entry ${Number(issue.path[1]) + 1})` : '';
      return `  ${name}=${quotableValue(name, source[name])}${entry}: ${plainMessage(name, issue)}`;
    });
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  if (result.data.CONNECT_INSTANCE_ID && !result.data.AWS_REGION) {
    throw new EnvError(
      'Invalid environment:\n  AWS_REGION is not set: with CONNECT_INSTANCE_ID set, AWS_REGION must name the instance region, e.g. AWS_REGION=eu-west-2',
    );
  }
  const env = result.data;
  // Parsed, not prefix-matched: "127.attacker.example" is a name anywhere on the internet.
  const loopback = isLoopbackHost(env.HOST);
  if (!env.ACCESS_MODE && !loopback) {
    throw new EnvError(
      `Refusing to start: HOST=${env.HOST} listens beyond this machine and no ACCESS_MODE is set. Set ACCESS_MODE=tokens ` +
        '(with DISPLAY_TOKENS_FILE) or ACCESS_MODE=proxy (with TRUSTED_PROXIES) to control who sees the wallboard, ' +
        'or ACCESS_MODE=open to let anyone who can reach it see it.',
    );
  }
  if (env.ACCESS_MODE === 'tokens' && !env.DISPLAY_TOKENS_FILE) {
    throw new EnvError(
      'Invalid environment:\n  DISPLAY_TOKENS_FILE is not set: ACCESS_MODE=tokens needs the file of hashed tokens (create one with `npx -y pnpm@12.21.0 tokens create --id lobby-tv`)',
    );
  }
  if (env.ACCESS_MODE === 'proxy' && env.TRUSTED_PROXIES.length === 0) {
    throw new EnvError(
      'Invalid environment:\n  TRUSTED_PROXIES is not set: ACCESS_MODE=proxy needs the addresses of the authenticating proxies, e.g. TRUSTED_PROXIES=10.0.0.5',
    );
  }
  if (env.METRICS_ACCESS === 'token' && !env.METRICS_TOKEN) {
    throw new EnvError(
      'Invalid environment:\n  METRICS_TOKEN is not set: METRICS_ACCESS=token needs the scrape token Prometheus sends as a bearer token',
    );
  }
  return withPathsResolved(env, source, cwd);
}

/** Settings that name a file or directory: a relative one is read from where the command was typed. */
const PATH_SETTINGS = ['DATA_DIR', 'HISTORY_DIR', 'DISPLAY_TOKENS_FILE', 'WALLBOARD_CONFIG'] as const;

/** The paths an older build read from the server's own directory, kept as it read them (pathsNote). */
const olderPaths = new WeakMap<Env, string[]>();

/**
 * The environment with its paths absolute, read from the directory the command was typed in, as the `tokens`
 * command reads `--file`: `pnpm start` runs the server in server/, where `DISPLAY_TOKENS_FILE=tokens.yaml` named
 * a file other than the one `tokens create --file tokens.yaml` had just written. Where a relative path (or
 * DATA_DIR's default, `data`) names nothing from there but something from the server's directory, as an older
 * build read it, that is used still, so an upgrade loses no history, screen or session secret.
 */
function withPathsResolved(env: Env, source: NodeJS.ProcessEnv, cwd: string): Env {
  const from = source.INIT_CWD || cwd;
  const resolved: Env = { ...env };
  const older: string[] = [];
  for (const name of PATH_SETTINGS) {
    const value = env[name];
    if (value === undefined) continue;
    const path = resolve(from, value);
    const before = resolve(cwd, value);
    const keep = path !== before && !existsSync(path) && existsSync(before);
    resolved[name] = keep ? before : path;
    if (keep) older.push(`${source[name] ? `${name}=${value}` : `${name} (unset: ${value})`} at ${before}`);
  }
  if (older.length > 0) olderPaths.set(resolved, older);
  return resolved;
}

/** What the log says when a path is read where an older build read it (withPathsResolved), else null. */
export function pathsNote(env: Env): string | null {
  const older = olderPaths.get(env);
  return older
    ? `Read from the server's directory, as an older build did, since nothing is there from where the command ` +
        `was typed: ${older.join(', ')}. Move it there, or give an absolute path, to keep it.`
    : null;
}

/**
 * The directory a command-line tool was started from. pnpm runs a workspace script in its package's directory
 * (`--filter`) and says where the user typed the command in `INIT_CWD`.
 */
export function invocationDir(): string {
  return process.env.INIT_CWD ?? process.cwd();
}
