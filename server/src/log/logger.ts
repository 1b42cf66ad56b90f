import pino from 'pino';

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

/** The server's structured logger (JSON lines on stdout). */
export function createLogger(level: string, destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'mindful-server' },
    },
    destination,
  );
}

/** A URL for logs: the path only, because query strings carry `?token=`. */
export function loggablePath(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}
