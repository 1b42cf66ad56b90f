import type { UserDoc } from './user-doc';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Ids of the document's sessions that started before the retention window
 * (`retention_days` before `nowMs`). Empty when retention is off (null).
 * Deleting them from the document deletes them on every replica and the server.
 *
 * @example
 * const ids = expiredSessionIds(doc, doc.settings.retention_days, clock());
 * if (ids.length > 0) doc.deleteSessions(ids);
 */
export function expiredSessionIds(
  doc: UserDoc,
  retentionDays: number | null,
  nowMs: number,
): string[] {
  if (retentionDays === null) return [];
  const cutoff = nowMs - retentionDays * DAY_MS;
  return doc
    .readSessions()
    .entries.filter((session) => Date.parse(session.start_time) < cutoff)
    .map((session) => session.id);
}
