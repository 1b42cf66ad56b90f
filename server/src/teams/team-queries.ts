import type pg from 'pg';

/** One day of a team's aggregates, as served (snake_case, API.md). */
export interface DailyMetric {
  date: string;
  average_focus: number | null;
  average_session_minutes: number | null;
  session_count: number;
  flow_periods: number;
  flow_minutes: number;
  interruptions: number;
  contributors: number;
}

/** One UTC hour of one day of a team's aggregates. */
export interface HourlyMetric {
  date: string;
  hour: number;
  contributors: number;
  session_count: number;
  average_focus: number | null;
  interruptions: number;
}

/**
 * The stored daily aggregates of a team between two UTC days (inclusive),
 * oldest first, leaving out every day with fewer than `minGroupSize`
 * consenting contributors.
 */
export async function readDailyMetrics(
  db: pg.Pool | pg.ClientBase,
  teamId: string,
  range: { start: string; end: string },
  minGroupSize: number,
): Promise<DailyMetric[]> {
  const { rows } = await db.query<DailyMetric>(
    `SELECT date::text AS date, average_focus, average_session_minutes, session_count,
            flow_periods, flow_minutes, interruptions, contributors
     FROM team_daily_metrics
     WHERE team_id = $1 AND date BETWEEN $2::date AND $3::date AND contributors >= $4
     ORDER BY date`,
    [teamId, range.start, range.end, minGroupSize],
  );
  return rows;
}

/** The stored hourly aggregates between two UTC days, only hours with at least `minGroupSize` contributors. */
export async function readHourlyMetrics(
  db: pg.Pool | pg.ClientBase,
  teamId: string,
  range: { start: string; end: string },
  minGroupSize: number,
): Promise<HourlyMetric[]> {
  const { rows } = await db.query<HourlyMetric>(
    `SELECT date::text AS date, hour, contributors, session_count, average_focus, interruptions
     FROM team_hourly_metrics
     WHERE team_id = $1 AND date BETWEEN $2::date AND $3::date AND contributors >= $4
     ORDER BY date, hour`,
    [teamId, range.start, range.end, minGroupSize],
  );
  return rows;
}
