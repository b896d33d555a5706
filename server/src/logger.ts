import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured logs, one line per event. Credentials are redacted wherever a careless field might carry them. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        '*.credentials',
        '*.secretAccessKey',
        '*.sessionToken',
        '*.authorization',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
