/**
 * Close codes of the sync socket, by name, with the reason the server sends (the wire contract of
 * API.md, "Sync socket"). The server closes with these; the client decides what to do on each.
 *
 * y-websocket's provider treats 4400–4499 as permanent (it stops reconnecting and emits `closed`),
 * everything else as transient. So a code is in the 44xx range exactly when reconnecting unchanged
 * cannot help.
 */
export const SYNC_CLOSE = {
  /** Server shutting down: reconnect to another instance (standard 1001). */
  goingAway: { code: 1001, reason: 'server going away' },
  /** A frame over the socket's maxPayload, closed by the WebSocket layer itself (standard 1009). */
  messageTooBig: { code: 1009, reason: 'message too big' },
  /** The server could not store the document's updates: reconnect and re-send (standard 1011). */
  internalError: { code: 1011, reason: 'internal error; reconnect to re-sync' },
  /** A frame that is not a y-websocket message, or a malformed one. */
  malformedMessage: { code: 4400, reason: 'malformed message' },
  /** No credentials, or credentials the server does not accept: refresh the token, reconnect. */
  unauthorized: { code: 4401, reason: 'unauthorized' },
  /** The document belongs to another user (or is not a user document). */
  forbidden: { code: 4403, reason: 'not your document' },
  /**
   * The document's generation moved on (purge): wipe local state, reconnect with the new one.
   * The reason names it: see {@link generationReason}.
   */
  generationMoved: { code: 4410, reason: 'generation moved on' },
  /**
   * The document reached its size cap (`SYNC_MAX_DOCUMENT_BYTES`): the update was not stored.
   * Re-sending it cannot help until data is deleted (retention, purge).
   */
  documentTooLarge: { code: 4413, reason: 'document too large' },
  /** A message type the server does not speak (protocol versions differ). */
  unsupportedMessage: { code: 4415, reason: 'unsupported message type' },
  /** Too many messages (or bytes) too fast: reconnect after a growing delay. */
  rateLimited: { code: 4429, reason: 'too many messages' },
} as const;

/** The name of one close code in {@link SYNC_CLOSE}. */
export type SyncCloseName = keyof typeof SYNC_CLOSE;

/** One close code of {@link SYNC_CLOSE}: its number and default reason. */
export type SyncClose = (typeof SYNC_CLOSE)[SyncCloseName];

/**
 * The 4410 close reason that tells a replica which generation to come back with.
 *
 * @example
 * generationReason(3) // 'generation=3'
 */
export function generationReason(generation: number): string {
  return `generation=${generation}`;
}

/**
 * The generation named in a 4410 close reason (`generation=<N>`), or null.
 *
 * @example
 * parseGenerationReason('generation=3') // 3
 */
export function parseGenerationReason(reason: string): number | null {
  const match = /(?:^|[\s;,])generation=(\d{1,9})(?:$|[\s;,])/.exec(reason);
  if (!match) return null;
  const n = Number(match[1]);
  return Number.isInteger(n) && n > 0 ? n : null;
}
