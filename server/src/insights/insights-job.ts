import type { ScheduledJob } from '../jobs/scheduler';
import { refreshUserInsights } from './insights-store';

/** Users refreshed per run, so one run stays short. */
const USERS_PER_RUN = 200;

/**
 * Refreshes `user_insights` for users whose sessions changed since their
 * insights were computed (or who have none yet). One transaction per user.
 */
export function insightsJob({ everyMs = 15 * 60_000 } = {}): ScheduledJob {
  return {
    name: 'user-insights',
    everyMs,
    async run(client) {
      const { rows } = await client.query<{ user_id: string }>(
        `SELECT s.user_id::text AS user_id
         FROM coding_sessions s
         LEFT JOIN (SELECT user_id, MAX(created_at) AS computed FROM user_insights GROUP BY user_id) i
           ON i.user_id = s.user_id
         WHERE s.end_time IS NOT NULL
         GROUP BY s.user_id, i.computed
         HAVING i.computed IS NULL OR MAX(s.updated_at) > i.computed
         LIMIT $1`,
        [USERS_PER_RUN],
      );
      let refreshed = 0;
      for (const { user_id } of rows) {
        await client.query('BEGIN');
        try {
          await refreshUserInsights(client, user_id);
          await client.query('COMMIT');
          refreshed++;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }
      return { users: refreshed };
    },
  };
}
