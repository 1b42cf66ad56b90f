/**
 * Close codes of the sync socket, by name (the wire contract of API.md).
 *
 * y-websocket's provider treats 4400–4499 as permanent (it stops reconnecting
 * and emits `closed`), everything else as transient. So a code is in the 44xx
 * range exactly when reconnecting unchanged cannot help.
 */
export const CloseCodes = {
  /** Server shutting down: reconnect to another instance (standard 1001). */
  goingAway: { code: 1001, reason: 'server going away' },
  /** Frame payload above the limit; set by `ws` itself via maxPayload (standard 1009). */
  tooLargeByTransport: { code: 1009, reason: 'message too big' },
  /** The server could not store the document's updates: reconnect and re-send (standard 1011). */
  internalError: { code: 1011, reason: 'internal error; reconnect to re-sync' },
  /** A frame that is not a y-websocket message, or a malformed one. */
  malformedMessage: { code: 4400, reason: 'malformed message' },
  /** No credentials, or credentials the server does not accept. */
  unauthorized: { code: 4401, reason: 'unauthorized' },
  /** The document belongs to another user (or is not a user document). */
  forbidden: { code: 4403, reason: 'not your document' },
  /** The document's generation moved on (purge): wipe local state, reconnect with the new one. */
  generationGone: { code: 4410, reason: 'generation moved on' },
  /** A message type this server does not speak. */
  unsupportedMessage: { code: 4415, reason: 'unsupported message type' },
  /** Too many messages too fast. */
  rateLimited: { code: 4429, reason: 'too many messages' },
} as const;

/** One of {@link CloseCodes}. */
export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

/** The 4410 reason that tells a replica which generation to come back with. */
export function generationReason(generation: number): string {
  return `generation=${generation}`;
}
