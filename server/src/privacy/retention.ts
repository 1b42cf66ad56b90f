import type pg from 'pg';
import { userDocName } from '@mindful/shared';
import type { AppContext } from '../context';
import { inTransaction } from '../db/database';
import { recomputeUserInsights } from '../insights';
import type { ScheduledJob } from '../jobs/scheduler';
import { refreshTeamMetricsForUser } from '../teams';
import { expireHeartbeats } from '../wakatime';

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

/** What retention works with: the store, the document registry and its projection, the log's cipher. */
export type RetentionContext = Pick<AppContext, 'db' | 'registry' | 'projection' | 'cipher'>;

/**
 * Deletes expired sessions everywhere: from the user's document first (so
 * every replica deletes them as it syncs, offline ones when they return),
 * then from the tables: the document is reconciled at once (waiting for a run
 * in flight, which read the document before the deletion and could write the
 * rows back), which deletes the rows and refreshes the team aggregates of
 * their days; rows it could not delete (a document whose log is incomplete)
 * are deleted here with their days refreshed; the user's insights are
 * recomputed without them; and
 * last from the stored log, by compacting the document at once (compaction
 * drops deleted content; the scheduled one waits for 32 entries). A user whose
 * deletion fails does not stop the others; the call then throws, and the job
 * is retried.
 * @returns how many sessions were deleted.
 */
export async function expireSessions(
  ctx: RetentionContext,
  expired: ExpiredSessions[],
): Promise<number> {
  let count = 0;
  const failures: unknown[] = [];
  for (const { userId, sessionIds } of expired) {
    try {
      await ctx.registry.write(userId, (doc) => doc.deleteSessions(sessionIds));
      // A reconciliation that read the document before the deletion could still write the
      // expired rows back after they are deleted below: wait for it, and reconcile the deletion.
      await ctx.projection.reconcileNow(userId);
      await inTransaction(ctx.db.pool, async (client) => {
        const { rows } = await client.query<{ start_time: Date }>(
          `DELETE FROM coding_sessions WHERE user_id = $1 AND id = ANY($2::uuid[])
           RETURNING start_time`,
          [userId, sessionIds],
        );
        const days = rows.map((row) => row.start_time);
        if (days.length > 0) await refreshTeamMetricsForUser(client, userId, days);
        // Insights drawn from the expired sessions go with them, not at the next job run.
        await recomputeUserInsights(client, userId);
      });
      await ctx.registry.log.compact(userDocName(userId));
      count += sessionIds.length;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(
      failures,
      `Retention failed for ${failures.length} user(s); ${count} session(s) deleted`,
    );
  }
  return count;
}

/** The retention job: hourly, once across instances. */
export function retentionJob(
  ctx: RetentionContext,
  now: () => Date = () => new Date(),
): ScheduledJob<ExpiredSessions[]> {
  return {
    name: 'privacy-retention',
    everyMs: 60 * 60_000,
    run: async (client) => {
      // Raw WakaTime heartbeats age out with the sessions built from them.
      await expireHeartbeats(client, now());
      return findExpiredSessions(client, now());
    },
    afterUnlock: async (expired) => {
      await expireSessions(ctx, expired);
    },
  };
}
