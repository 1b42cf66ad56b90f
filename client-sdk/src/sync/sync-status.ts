/**
 * Where the replica stands with the server:
 * - `offline`: no server configured, or not connected (y-websocket retries with backoff);
 * - `connecting`: a socket is opening or the first sync exchange is in progress;
 * - `synced`: connected, and the server's state has been received;
 * - `unauthorized`: the server refused the credentials even after a token refresh (stopped);
 * - `forbidden`: the server says the document is not this user's (stopped);
 * - `error`: the server kept refusing for a reason the client cannot fix (stopped).
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

/** Close codes of the sync socket (see API.md, "Sync socket"). */
export const SYNC_CLOSE_CODES = {
  /** No or bad credentials: refresh the token, then reconnect. */
  unauthorized: 4401,
  /** Not this user's document: stop. */
  forbidden: 4403,
  /** The document's generation moved on (purged): wipe, then reconnect fresh. Reason `generation=<N>`. */
  generationMoved: 4410,
} as const;

/** The generation named in a 4410 close reason (`generation=<N>`), or null. */
export function parseGenerationReason(reason: string): number | null {
  const match = /(?:^|[\s;,])generation=(\d{1,9})(?:$|[\s;,])/.exec(reason);
  if (!match) return null;
  const n = Number(match[1]);
  return Number.isInteger(n) && n > 0 ? n : null;
}
