/**
 * Where the replica stands with the server:
 * - `offline`: no server configured, or not connected (reconnecting with backoff; after a 4429 or
 *   1011 the status `detail` says why and when);
 * - `connecting`: a socket is opening or the first sync exchange is in progress;
 * - `synced`: connected, and the server's state has been received;
 * - `unauthorized`: the server refused the credentials even after a token refresh (stopped);
 * - `forbidden`: the server says the document is not this user's (stopped);
 * - `error`: the server refused this replica for a reason reconnecting cannot fix, e.g. a message
 *   too large (4413/1009), malformed (4400) or of an unknown type (4415); `detail` says which (stopped).
 */
export const SYNC_STATUSES = {
  offline: 'offline',
  connecting: 'connecting',
  synced: 'synced',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  error: 'error',
} as const;

/** One of {@link SYNC_STATUSES}. */
export type SyncStatus = (typeof SYNC_STATUSES)[keyof typeof SYNC_STATUSES];

/**
 * Close codes of the sync socket (see API.md, "Sync socket", and the server's `close-codes.ts`).
 * By the wire convention 4400–4499 mean "reconnecting unchanged cannot help".
 */
export const SYNC_CLOSE_CODES = {
  /** No or bad credentials: refresh the token, then reconnect. */
  unauthorized: 4401,
  /** Not this user's document: stop. */
  forbidden: 4403,
  /** The document's generation moved on (purged): wipe, then reconnect fresh. Reason `generation=<N>`. */
  generationMoved: 4410,
  /** The server refused a malformed message of this replica: stop (it would be sent again). */
  malformedMessage: 4400,
  /** A message over the server's own size limit: stop (the replica's state is too large). */
  messageTooLarge: 4413,
  /** A message type the server does not speak: stop (protocol versions differ). */
  unsupportedMessage: 4415,
  /** Too many messages too fast: reconnect after a growing delay. */
  rateLimited: 4429,
  /** A frame over the socket's maxPayload, closed by the WebSocket layer (standard 1009): stop. */
  messageTooBig: 1009,
  /** The server could not store the replica's updates (standard 1011): reconnect after a delay. */
  internalError: 1011,
} as const;

/** The generation named in a 4410 close reason (`generation=<N>`), or null. */
export function parseGenerationReason(reason: string): number | null {
  const match = /(?:^|[\s;,])generation=(\d{1,9})(?:$|[\s;,])/.exec(reason);
  if (!match) return null;
  const n = Number(match[1]);
  return Number.isInteger(n) && n > 0 ? n : null;
}
