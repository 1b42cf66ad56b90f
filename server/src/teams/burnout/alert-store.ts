import type pg from 'pg';
import type { TeamAlert } from './team-alerts';

/** A stored alert as the API shows it. */
export interface AlertRow {
  id: string;
  team_id: string;
  rule: string;
  week_start: string;
  week_end: string;
  affected_members: number;
  evaluated_members: number;
  message: string;
  evidence: Record<string, unknown>;
  named_members: { user_id: string; email: string; dates: string[] }[];
  created_at: string;
}

const SELECT_ALERTS = `
  SELECT a.id, a.team_id, a.rule, a.week_start::text AS week_start, a.week_end::text AS week_end,
         a.affected_members, a.evaluated_members, a.message, a.evidence, a.created_at,
         COALESCE((SELECT json_agg(json_build_object('user_id', m.user_id, 'email', u.email,
                                                     'dates', m.dates) ORDER BY u.email)
                   FROM team_alert_members m JOIN users u ON u.id = m.user_id
                   WHERE m.alert_id = a.id), '[]'::json) AS named_members
  FROM team_alerts a`;

function withIsoTime(row: AlertRow): AlertRow {
  const created = row.created_at as unknown;
  return { ...row, created_at: created instanceof Date ? created.toISOString() : String(created) };
}

/** Stores a run's alerts (and the opted-in members they name); returns them as stored. */
export async function storeAlerts(
  client: pg.ClientBase,
  teamId: string,
  alerts: readonly TeamAlert[],
): Promise<AlertRow[]> {
  const ids: string[] = [];
  for (const alert of alerts) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO team_alerts (team_id, rule, week_start, week_end, affected_members,
         evaluated_members, message, evidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        teamId,
        alert.rule,
        alert.weekStart,
        alert.weekEnd,
        alert.affectedMembers,
        alert.evaluatedMembers,
        alert.message,
        JSON.stringify(alert.evidence),
      ],
    );
    ids.push(rows[0].id);
    for (const member of alert.namedMembers) {
      await client.query(
        `INSERT INTO team_alert_members (alert_id, user_id, dates) VALUES ($1, $2, $3)`,
        [rows[0].id, member.userId, JSON.stringify(member.dates)],
      );
    }
  }
  if (ids.length === 0) return [];
  const { rows } = await client.query<AlertRow>(
    `${SELECT_ALERTS} WHERE a.id = ANY($1::uuid[]) ORDER BY a.rule`,
    [ids],
  );
  return rows.map(withIsoTime);
}

/** A team's past alerts, newest first. */
export async function listAlerts(
  db: pg.Pool | pg.ClientBase,
  teamId: string,
  limit: number,
): Promise<AlertRow[]> {
  const { rows } = await db.query<AlertRow>(
    `${SELECT_ALERTS} WHERE a.team_id = $1 ORDER BY a.created_at DESC, a.rule LIMIT $2`,
    [teamId, limit],
  );
  return rows.map(withIsoTime);
}
