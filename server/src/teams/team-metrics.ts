import type pg from 'pg';

/**
 * Team aggregates over consenting members' coding sessions, kept in
 * team_daily_metrics and team_hourly_metrics.
 *
 * Conventions (also in API notes of the team routes):
 * - A session belongs to the UTC date (and UTC hour) of its start_time: one
 *   clock for a team spread over time zones, and a session is counted once.
 * - average_focus averages sessions with a focus_score; average_session_minutes
 *   averages ended sessions (total_duration_ms set); open sessions still count
 *   in session_count.
 * - flow_periods is the mean number of elements of flow_state_periods per
 *   session (NULL or non-array = 0, the seed's intent, written correctly);
 *   flow_minutes is the mean of each session's summed `duration_ms` of those
 *   elements (the reconciler validates every period carries it; anything not
 *   a number is ignored, negatives count as 0, each is capped at a week).
 *   Both per-session figures are generated columns of coding_sessions
 *   (flow_period_count, flow_ms; migration 0040), computed when a row is written.
 *
 * Every refresh is one statement that upserts the recomputed rows of both
 * tables in its scope and deletes the rows of its scope that no longer have
 * data, so a reader never sees a half-refreshed team and withdrawn data leaves
 * the stored rows.
 */

/**
 * Where a refresh applies: whole teams (a CTE yielding `team_id`), or some
 * UTC days of some teams (a CTE yielding `team_id`, `day`).
 */
type RefreshScope = { teams: string } | { teamDays: string };

/**
 * One statement refreshing both tables of a scope. Each consenting member's
 * sessions of the scope are read once for both tables, with their flow
 * figures precomputed (migration 0040); one GROUPING SETS pass yields the
 * team's row per day and per day and hour, a contributor being a distinct
 * member with a session there. (It went through a row per member, day and
 * hour first: twice the time, for the same figures.) Rows of the scope with
 * no data left are deleted in the same statement.
 */
function refreshSql(scope: RefreshScope): string {
  const byDays = 'teamDays' in scope;
  // The scope's rows, and the condition tying a stored aggregate row `t` to them.
  const inScope = byDays ? 't.team_id = s.team_id AND t.date = s.day' : 't.team_id = s.team_id';
  return `
    WITH scope AS (${
      byDays
        ? `SELECT team_id, day, (day::timestamp AT TIME ZONE 'UTC') AS lo,
                  ((day + 1)::timestamp AT TIME ZONE 'UTC') AS hi
           FROM (${scope.teamDays}) team_days`
        : scope.teams
    }),
    member_sessions AS (
      SELECT s.team_id, cs.user_id,
             (cs.start_time AT TIME ZONE 'UTC')::date AS day,
             extract(hour FROM cs.start_time AT TIME ZONE 'UTC')::smallint AS hour,
             cs.focus_score::float8 AS focus,
             cs.total_duration_ms::float8 AS duration_ms,
             COALESCE(cs.interruption_count, 0) AS interruptions,
             cs.flow_period_count AS flow_periods, cs.flow_ms
      FROM scope s
      JOIN team_members tm ON tm.team_id = s.team_id AND tm.data_sharing_consent
      ${
        // Per member and day, a LATERAL probe of (user_id, start_time); OFFSET 0
        // keeps the planner from flattening it into a scan of every session.
        byDays
          ? `CROSS JOIN LATERAL (SELECT * FROM coding_sessions c
                                 WHERE c.user_id = tm.user_id
                                   AND c.start_time >= s.lo AND c.start_time < s.hi
                                 OFFSET 0) cs`
          : 'JOIN coding_sessions cs ON cs.user_id = tm.user_id'
      }
    ),
    grouped AS (
      SELECT team_id, day, hour, GROUPING(hour) = 1 AS whole_day,
             count(DISTINCT user_id)::int AS contributors,
             count(*)::int AS session_count,
             avg(focus) AS average_focus,
             avg(duration_ms) / 60000.0 AS average_session_minutes,
             (sum(flow_periods)::float8 / count(*))::float8 AS flow_periods,
             sum(flow_ms) / count(*) / 60000.0 AS flow_minutes,
             sum(interruptions)::int AS interruptions
      FROM member_sessions
      GROUP BY GROUPING SETS ((team_id, day), (team_id, day, hour))
    ),
    daily AS (SELECT * FROM grouped WHERE whole_day),
    hourly AS (SELECT * FROM grouped WHERE NOT whole_day),
    daily_upserted AS (
      INSERT INTO team_daily_metrics AS t (team_id, date, contributors, session_count,
        average_focus, average_session_minutes, flow_periods, flow_minutes, interruptions, computed_at)
      SELECT team_id, day, contributors, session_count, average_focus, average_session_minutes,
             flow_periods, flow_minutes, interruptions, now()
      FROM daily
      ON CONFLICT (team_id, date) DO UPDATE SET
        contributors = EXCLUDED.contributors, session_count = EXCLUDED.session_count,
        average_focus = EXCLUDED.average_focus,
        average_session_minutes = EXCLUDED.average_session_minutes,
        flow_periods = EXCLUDED.flow_periods, flow_minutes = EXCLUDED.flow_minutes,
        interruptions = EXCLUDED.interruptions, computed_at = EXCLUDED.computed_at
      RETURNING 1
    ),
    hourly_upserted AS (
      INSERT INTO team_hourly_metrics AS t (team_id, date, hour, contributors, session_count,
        average_focus, interruptions, computed_at)
      SELECT team_id, day, hour, contributors, session_count, average_focus, interruptions, now()
      FROM hourly
      ON CONFLICT (team_id, date, hour) DO UPDATE SET
        contributors = EXCLUDED.contributors, session_count = EXCLUDED.session_count,
        average_focus = EXCLUDED.average_focus, interruptions = EXCLUDED.interruptions,
        computed_at = EXCLUDED.computed_at
      RETURNING 1
    ),
    daily_deleted AS (
      DELETE FROM team_daily_metrics t
      USING scope s
      WHERE ${inScope}
        AND NOT EXISTS (SELECT 1 FROM daily a WHERE a.team_id = t.team_id AND a.day = t.date)
      RETURNING 1
    )
    DELETE FROM team_hourly_metrics t
    USING scope s
    WHERE ${inScope}
      AND NOT EXISTS (SELECT 1 FROM hourly a
                      WHERE a.team_id = t.team_id AND a.day = t.date AND a.hour = t.hour)`;
}

const USER_TEAMS = `SELECT team_id FROM team_members WHERE user_id = $1::uuid AND data_sharing_consent`;
/** The days of each team that (user, day) pairs touch: the teams each user shares data with. */
const USER_DAYS_TEAMS = `SELECT DISTINCT tm.team_id, ud.day
  FROM unnest($1::uuid[], $2::date[]) AS ud(user_id, day)
  JOIN team_members tm ON tm.user_id = ud.user_id AND tm.data_sharing_consent`;

// Built once: the statements are static apart from their parameters.
const SQL = {
  team: refreshSql({ teams: 'SELECT $1::uuid AS team_id' }),
  userAll: refreshSql({ teams: USER_TEAMS }),
  userDays: refreshSql({ teamDays: USER_DAYS_TEAMS }),
} as const;

/** A date the caller passed that names no UTC day. */
export class InvalidMetricsDateError extends Error {
  constructor(readonly value: unknown) {
    super(
      `Cannot refresh team metrics for ${String(value)}: pass a Date, an ISO-8601 timestamp ` +
        'or a YYYY-MM-DD day (the UTC date of the session start_time).',
    );
    this.name = 'InvalidMetricsDateError';
  }
}

/** The UTC day (YYYY-MM-DD) a session starting at `value` belongs to. */
export function utcDay(value: Date | string): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new InvalidMetricsDateError(value);
    return value;
  }
  const date = typeof value === 'string' ? new Date(value) : value;
  if (!(date instanceof Date) || Number.isNaN(date.getTime()))
    throw new InvalidMetricsDateError(value);
  return date.toISOString().slice(0, 10);
}

/**
 * Refreshes the stored aggregates of every team in which `userId` shares
 * data, after that user's sessions changed. With `dates` (session start
 * times or their UTC days; pass both the old and the new day when a start_time
 * moved) only those days are recomputed: about members × days index probes,
 * cheap enough to call from the reconciler's transaction. Without `dates`
 * each of those teams is recomputed in full (use after deleting sessions
 * whose days are unknown). A user who shares data with no team costs one
 * index lookup.
 */
export async function refreshTeamMetricsForUser(
  client: pg.ClientBase,
  userId: string,
  dates?: readonly (Date | string)[],
): Promise<void> {
  if (dates === undefined) {
    await client.query(SQL.userAll, [userId]);
    return;
  }
  await refreshTeamMetricsForUsers(client, [{ userId, dates }]);
}

/**
 * {@link refreshTeamMetricsForUser} for several users' changed dates at
 * once, in one statement: each team a user shares data with is refreshed
 * for that user's dates only.
 */
export async function refreshTeamMetricsForUsers(
  client: pg.ClientBase,
  changes: readonly { userId: string; dates: readonly (Date | string)[] }[],
): Promise<void> {
  const users: string[] = [];
  const days: string[] = [];
  for (const { userId, dates } of changes) {
    for (const day of new Set(dates.map(utcDay))) {
      users.push(userId);
      days.push(day);
    }
  }
  if (days.length === 0) return;
  await client.query({ name: 'mc_team_refresh_days', text: SQL.userDays, values: [users, days] });
}

/** Recomputes every stored aggregate of one team from its consenting members' sessions. */
export async function recomputeTeam(client: pg.ClientBase, teamId: string): Promise<void> {
  await withoutJit(client, async () => {
    await client.query(SQL.team, [teamId]);
  });
}

/**
 * A full recompute's plan is costly enough to trigger PostgreSQL's JIT, whose
 * compilation took longer (≈1–2 s) than it saved on the benchmark team. The
 * setting is restored afterwards: the connection goes back to a shared pool.
 */
async function withoutJit(client: pg.ClientBase, work: () => Promise<void>): Promise<void> {
  const { rows } = await client.query<{ jit: string }>(
    `SELECT current_setting('jit', true) AS jit`,
  );
  const previous = rows[0]?.jit;
  if (previous !== 'on') return work();
  await client.query(`SELECT set_config('jit', 'off', false)`);
  try {
    await work();
  } finally {
    await client.query(`SELECT set_config('jit', $1, false)`, [previous]);
  }
}

/**
 * Recomputes every team, one team per statement pair so no single statement
 * holds locks over the whole table. Returns how many teams were refreshed.
 */
export async function recomputeAllTeams(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ id: string }>('SELECT id FROM teams ORDER BY id');
  for (const row of rows) await recomputeTeam(client, row.id);
  return rows.length;
}

/** The teams whose aggregates hold `userId`'s data: recompute them after removing the user. */
export async function consentingTeamIdsOf(
  client: pg.ClientBase,
  userId: string,
): Promise<string[]> {
  const { rows } = await client.query<{ team_id: string }>(USER_TEAMS, [userId]);
  return rows.map((row) => row.team_id);
}
