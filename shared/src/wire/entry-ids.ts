/**
 * Id of the `index`-th flow period of a session: the one algorithm every writer uses (the SDK's
 * capture and the server's REST sessions). Derived, not random, so writing the same period again
 * (a rebuild after a restart, a retried request) upserts one entry instead of adding a duplicate.
 * The result keeps the session id's version and variant bits, so it is a valid UUID when the
 * session id is.
 *
 * @example
 * flowStateId('0b9c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3', 0) // '0b9c1d2e-3f40-4a5b-8c6d-000000000001'
 */
export function flowStateId(sessionId: string, index: number): string {
  return `${sessionId.slice(0, 24)}${(index + 1).toString(16).padStart(12, '0')}`;
}
