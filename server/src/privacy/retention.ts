import type pg from 'pg';
import type { ScheduledJob } from '../jobs/scheduler';
import type { DocumentRegistry } from '../sync/document-registry';

/** Sessions past a user's retention setting, found under the job's lock. */
export interface ExpiredSessions {
  userId: string;
  sessionIds: string[];
}

/** How many users one run handles; the rest wait for the next tick. */
const USERS_PER_RUN = 500;

/**
 * Finds sessions older than each user's `retention_days` (mirrored on
 * `users.privacy_settings` from their document by the settings route and by
 * every reconciliation).
 */
export async function findExpiredSessions(
  client: pg.ClientBase,
  now: Date,
): Promise<ExpiredSessions[]> {
  const { rows } = await client.query<{ user_id: string; ids: string[] }>(
    `SELECT s.user_id, array_agg(s.id::text) AS ids
     FROM users u JOIN coding_sessions s ON s.user_id = u.id
     WHERE jsonb_typeof(u.privacy_settings -> 'retention_days') = 'number'
       AND s.start_time < $1::timestamptz
             - make_interval(days => (u.privacy_settings ->> 'retention_days')::int)
     GROUP BY s.user_id
     LIMIT ${USERS_PER_RUN}`,
    [now.toISOString()],
  );
  return rows.map((row) => ({ userId: row.user_id, sessionIds: row.ids }));
}

/**
 * Deletes expired sessions everywhere: from the user's document first (so
 * every replica deletes them as it syncs, offline ones when they return),
 * then from the tables (the reconciler would too; doing it here makes the job
 * complete on its own).
 */
export async function expireSessions(
  pool: pg.Pool,
  registry: DocumentRegistry,
  expired: ExpiredSessions[],
): Promise<number> {
  let count = 0;
  for (const { userId, sessionIds } of expired) {
    await registry.write(userId, (doc) => doc.deleteSessions(sessionIds));
    await pool.query('DELETE FROM coding_sessions WHERE user_id = $1 AND id = ANY($2::uuid[])', [
      userId,
      sessionIds,
    ]);
    count += sessionIds.length;
  }
  return count;
}

/** The retention job: hourly, once across instances. */
export function retentionJob(
  pool: pg.Pool,
  registry: DocumentRegistry,
  now: () => Date = () => new Date(),
): ScheduledJob<ExpiredSessions[]> {
  return {
    name: 'privacy-retention',
    everyMs: 60 * 60_000,
    run: (client) => findExpiredSessions(client, now()),
    afterUnlock: async (expired) => {
      await expireSessions(pool, registry, expired);
    },
  };
}
