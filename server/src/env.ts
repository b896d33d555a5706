import { z } from 'zod';

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
    .default(2000),
  STALE_AFTER_MS: z.coerce.number().int().min(1000).default(15_000),
  WALLBOARD_CONFIG: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable means "not set", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `  ${name}=${JSON.stringify(source[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  if (result.data.CONNECT_INSTANCE_ID && !result.data.AWS_REGION) {
    throw new ConfigError(
      'Invalid environment:\n  AWS_REGION is not set: with CONNECT_INSTANCE_ID set, AWS_REGION must name the instance region, e.g. AWS_REGION=eu-west-2',
    );
  }
  return result.data;
}
