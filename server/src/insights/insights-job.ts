import type pg from 'pg';
import type { ScheduledJob } from '../jobs/scheduler';
import { recomputeUserInsights } from './insights-store';

/** Users refreshed per run, so one run stays short. */
const USERS_PER_RUN = 200;

/**
 * Users with ended sessions that changed since their insights were last
 * computed (or never computed), least recently computed first. The marker is
 * `users.insights_computed_at`, set whether or not any insight came out: a
 * user with too little data for an insight is done until their sessions
 * change, and does not hold a place in every batch ahead of the others.
 */
async function staleUsers(client: pg.ClientBase, limit: number): Promise<string[]> {
  const { rows } = await client.query<{ user_id: string }>(
    `SELECT u.id::text AS user_id
     FROM users u JOIN coding_sessions s ON s.user_id = u.id
     WHERE s.end_time IS NOT NULL
     GROUP BY u.id, u.insights_computed_at
     HAVING u.insights_computed_at IS NULL OR MAX(s.updated_at) > u.insights_computed_at
     ORDER BY u.insights_computed_at NULLS FIRST, u.id
     LIMIT $1`,
    [limit],
  );
  return rows.map((row) => row.user_id);
}

/**
 * Refreshes `user_insights` for users whose sessions changed since their
 * insights were computed (or who have none yet), `usersPerRun` at a time.
 * One transaction per user; the marker commits with the insights. A user whose
 * refresh fails is rolled back and the others go on; the run then fails, so
 * the scheduler logs it and retries after the job's retry delay.
 */
export function insightsJob({
  everyMs = 15 * 60_000,
  usersPerRun = USERS_PER_RUN,
}: { everyMs?: number; usersPerRun?: number } = {}): ScheduledJob<{ users: number }> {
  if (!Number.isInteger(usersPerRun) || usersPerRun < 1) {
    throw new RangeError(`insightsJob: usersPerRun must be a positive integer, got ${usersPerRun}`);
  }
  return {
    name: 'user-insights',
    everyMs,
    async run(client) {
      let refreshed = 0;
      const failures: unknown[] = [];
      for (const userId of await staleUsers(client, usersPerRun)) {
        await client.query('BEGIN');
        try {
          await recomputeUserInsights(client, userId);
          await client.query('COMMIT');
          refreshed++;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          // One user's failure must not hold back the rest of the batch.
          failures.push(error);
        }
      }
      if (failures.length > 0) {
        throw new AggregateError(
          failures,
          `Insights failed for ${failures.length} user(s); ${refreshed} refreshed`,
        );
      }
      return { users: refreshed };
    },
  };
}
