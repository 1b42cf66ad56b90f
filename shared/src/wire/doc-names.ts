/** The prefix of every user document name: `user:<user_id>` is the canonical form. */
export const USER_DOC_PREFIX = 'user:';

/** Path prefix of the sync socket: a document is synced on `/sync/<doc name>`. */
export const SYNC_PATH_PREFIX = '/sync/';

const USER_DOC = /^user:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * The document name of a user's data: `user:<user_id>`.
 *
 * @example
 * userDocName('0b9c…') // 'user:0b9c…'
 */
export function userDocName(userId: string): string {
  return `${USER_DOC_PREFIX}${userId}`;
}

/**
 * The user id in a document name (lower-cased), or null if it is not a user document.
 *
 * @example
 * userIdOfDocName('user:0B9C…') // '0b9c…'
 * userIdOfDocName('team:1') // null
 */
export function userIdOfDocName(name: string): string | null {
  const match = USER_DOC.exec(name);
  return match ? match[1]!.toLowerCase() : null;
}
