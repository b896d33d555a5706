import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

/** JSON lines for machines (log shippers), or readable lines for people at a terminal. */
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  /** Default: JSON. See `logFormatFor` for the choice the server makes. */
  format?: LogFormat;
  /** Where lines go; default stdout. */
  destination?: NodeJS.WritableStream;
}

/** LOG_FORMAT when set; otherwise readable lines on a terminal and JSON anywhere else (a file, a pipe, a collector). */
export function logFormatFor(configured: LogFormat | undefined, isTerminal: boolean): LogFormat {
  return configured ?? (isTerminal ? 'pretty' : 'json');
}

/**
 * Structured logs, one line per event. Credentials are redacted wherever a careless field might carry them, in
 * both formats: pino redacts before a line is written, and the readable format is only a rendering of that line.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const settings = {
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
  };
  if (options.format === 'pretty') {
    const destination = options.destination ?? process.stdout;
    const pretty = PinoPretty({
      // Synchronous, as pino's own stdout is: a line logged just before an exit is not lost.
      sync: true,
      destination,
      colorize: 'isTTY' in destination && destination.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    });
    return pino(settings, pretty);
  }
  if (options.destination) return pino(settings, options.destination as DestinationStream);
  return pino(settings);
}
