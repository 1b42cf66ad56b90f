import { generateInsights, type UserInsight } from '@mindful/shared';
import type { Queryable } from '../db/queryable';
import { loadSessionHistory, utcOffsetMinutes } from './session-history-entries';

/** Insight JSON of `GET /api/flow/insights`. */
export type InsightWire = UserInsight;

/**
 * Recomputes a user's insights from their history and replaces their active
 * `user_insights` rows. Run inside a transaction by the caller.
 */
export async function refreshUserInsights(
  db: Queryable,
  userId: string,
  now = new Date(),
): Promise<number> {
  const { rows: users } = await db.query<{ timezone: string }>(
    'SELECT timezone FROM users WHERE id = $1',
    [userId],
  );
  if (!users[0]) return 0;
  const history = await loadSessionHistory(db, userId, now);
  const insights = generateInsights(history, utcOffsetMinutes(users[0].timezone, now));
  await db.query('DELETE FROM user_insights WHERE user_id = $1', [userId]);
  for (const insight of insights) {
    await db.query(
      `INSERT INTO user_insights (user_id, insight_type, insight_data, confidence_score, date_range_start, date_range_end)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6)`,
      [
        userId,
        insight.insight_type,
        JSON.stringify(insight.insight_data),
        insight.confidence_score,
        insight.date_range_start,
        insight.date_range_end,
      ],
    );
  }
  return insights.length;
}

/**
 * {@link refreshUserInsights}, then records when on `users.insights_computed_at`
 * (the insights job's marker). Call inside a transaction: `now()` is its start,
 * before the history was read, so a change made after that read is newer than
 * the marker and is picked up by the next run.
 */
export async function recomputeUserInsights(db: Queryable, userId: string): Promise<void> {
  await refreshUserInsights(db, userId);
  await db.query('UPDATE users SET insights_computed_at = now() WHERE id = $1', [userId]);
}

/** The user's active precomputed insights. */
export async function storedInsights(db: Queryable, userId: string): Promise<InsightWire[]> {
  const { rows } = await db.query<{
    insight_type: UserInsight['insight_type'];
    insight_data: Record<string, unknown>;
    confidence_score: string | null;
    date_range_start: string | null;
    date_range_end: string | null;
  }>(
    `SELECT insight_type, insight_data, confidence_score,
            to_char(date_range_start, 'YYYY-MM-DD') AS date_range_start,
            to_char(date_range_end, 'YYYY-MM-DD') AS date_range_end
     FROM user_insights WHERE user_id = $1 AND is_active ORDER BY confidence_score DESC NULLS LAST, insight_type`,
    [userId],
  );
  return rows.map((row) => ({
    insight_type: row.insight_type,
    insight_data: row.insight_data,
    confidence_score: Number(row.confidence_score ?? 0),
    date_range_start: row.date_range_start ?? '',
    date_range_end: row.date_range_end ?? '',
  }));
}
