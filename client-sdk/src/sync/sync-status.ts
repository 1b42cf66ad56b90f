import { SYNC_CLOSE, type SyncCloseName } from '@mindful/shared';

/**
 * Where the replica stands with the server:
 * - `offline`: no server configured, or not connected (reconnecting with backoff; after a 4429 or
 *   1011 the status `detail` says why and when);
 * - `connecting`: a socket is opening or the first sync exchange is in progress;
 * - `synced`: connected, and the server's state has been received;
 * - `unauthorized`: the server refused the credentials even after a token refresh (stopped);
 * - `forbidden`: the server says the document is not this user's (stopped);
 * - `error`: the server refused this replica for a reason reconnecting cannot fix, e.g. a message
 *   too large (1009), malformed (4400) or of an unknown type (4415); `detail` says which (stopped).
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
 * Close codes of the sync socket by name: the numbers of `SYNC_CLOSE` in `@mindful/shared`, the
 * one definition the server closes with (see API.md, "Sync socket"). By the wire convention
 * 4400–4499 mean "reconnecting unchanged cannot help".
 */
export const SYNC_CLOSE_CODES = Object.fromEntries(
  Object.entries(SYNC_CLOSE).map(([name, { code }]) => [name, code]),
) as { readonly [K in SyncCloseName]: (typeof SYNC_CLOSE)[K]['code'] };

/** The generation named in a 4410 close reason (`generation=<N>`), or null. */
export { parseGenerationReason } from '@mindful/shared';
