/**
 * SQLSTATEs that mean the database, not the request, is at fault: class 08
 * (connection exception), the 57P shutdown family, and too many connections.
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1-4]|53300)$/;

/** Socket-level failures reaching the database server. */
const UNAVAILABLE_SYSCALL_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * What `pg`, `pg-pool` and PGlite say, without a code, when the connection
 * is gone or the pool cannot hand one out.
 */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /is not queryable$/,
  /^timeout exceeded when trying to connect$/,
  /^Cannot use a pool after calling end on the pool$/,
  /^PGlite is closed$/,
];

/**
 * True when `error` (or an error it wraps, through `cause` or an
 * AggregateError's `errors`) says the database is unreachable or its
 * connection died: the request may succeed if retried, so it is a 503, not a
 * 500.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_SYSCALL_CODES.has(code)) return true;
  }
  if (
    typeof message === 'string' &&
    UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))
  ) {
    return true;
  }
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) {
    return true;
  }
  return isDatabaseUnavailable(cause, depth + 1);
}
