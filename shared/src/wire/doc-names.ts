/** The prefix of every user document name: `user:<user_id>` is the canonical form. */
export const USER_DOC_PREFIX = 'user:';

/** Path prefix of the sync socket: a document is synced on `/sync/<doc name>`. */
export const SYNC_PATH_PREFIX = '/sync/';

// Canonical only: lower case, as the API returns ids. A case-insensitive match
// let `user:<ID>` pass the ownership check and then key a second document.
const USER_DOC = /^user:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

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
 * The user id in a canonical user document name, or null for anything else:
 * another document kind, or another spelling of a user document
 * (`user:<ID IN UPPER CASE>`, `USER:<id>`), which the server refuses with 4403.
 *
 * @example
 * userIdOfDocName('user:0b9c…') // '0b9c…'
 * userIdOfDocName('user:0B9C…') // null
 * userIdOfDocName('team:1') // null
 */
export function userIdOfDocName(name: string): string | null {
  const match = USER_DOC.exec(name);
  return match ? match[1]! : null;
}
