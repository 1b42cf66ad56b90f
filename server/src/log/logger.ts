import pino from 'pino';
import pretty from 'pino-pretty';

/** Paths pino blanks out wherever they appear: credentials never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'res.headers["set-auth-token"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.token',
  '*.secret',
  'password',
  'token',
  'api_key',
  '*.api_key',
  'req.query.api_key',
];

/** How log lines are written: JSON lines, or human-readable lines for a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The format when LOG_FORMAT is not set: readable lines for a person at a
 * terminal in development, JSON for everything else (files, pipes, log
 * shippers, production).
 */
export function defaultLogFormat(env: string, stdoutIsTty: boolean): LogFormat {
  return env === 'development' && stdoutIsTty ? 'pretty' : 'json';
}

/** The server's structured logger (JSON lines on stdout unless `format` is `pretty`). */
export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  format: LogFormat = 'json',
): pino.Logger {
  const stream =
    format === 'pretty'
      ? // Synchronous: no worker thread, so the last lines before an exit are not lost.
        pretty({
          colorize: true,
          sync: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service',
          ...(destination ? { destination } : {}),
        })
      : destination;
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'mindful-server' },
    },
    stream,
  );
}

/** A URL for logs: the path only, because query strings carry `?token=`. */
export function loggablePath(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

/** A database URL for logs: host, port and database, never the password. */
export function loggableDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
