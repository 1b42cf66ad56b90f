import type pg from 'pg';

/** A finished session to write straight into coding_sessions. */
export interface SeedSession {
  /** ISO start time. */
  start: string;
  minutes: number;
  focus: number | null;
  /** Durations of its flow periods, in minutes; null writes a NULL column. */
  flowMinutes?: number[] | null;
  interruptions?: number;
}

/**
 * Writes sessions as the sync reconciler would, for tests of what reads the
 * tables (team aggregates, burnout rules) rather than of how rows get there.
 */
export async function seedSessions(
  pool: pg.Pool,
  userId: string,
  sessions: SeedSession[],
): Promise<void> {
  for (const s of sessions) {
    const start = new Date(s.start);
    const end = new Date(start.getTime() + s.minutes * 60_000);
    const periods =
      s.flowMinutes === null || s.flowMinutes === undefined
        ? null
        : JSON.stringify(
            s.flowMinutes.map((m) => ({
              start_time: start.toISOString(),
              end_time: new Date(start.getTime() + m * 60_000).toISOString(),
              duration_ms: m * 60_000,
              intensity: 0.8,
            })),
          );
    await pool.query(
      `INSERT INTO coding_sessions (user_id, start_time, end_time, total_duration_ms, focus_score,
         flow_state_periods, interruption_count)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
      [userId, start, end, s.minutes * 60_000, s.focus, periods, s.interruptions ?? 0],
    );
  }
}
