import type pg from 'pg';
import { evaluateConsentingMembers } from './run-team-check';
import { teamAlerts, type TeamAlert } from './team-alerts';
import { lockTeamAlerts } from './team-alert-lock';
import {
  burnoutThresholdsInput,
  DEFAULT_BURNOUT_THRESHOLDS,
  mergeThresholds,
  thresholdProblems,
  type BurnoutThresholds,
} from './thresholds';

/**
 * Taking a member out of a team's stored alerts.
 *
 * An alert stores counts ("3 of 7 members …") and names only members who
 * opted in; who else was counted is deliberately not kept, so a withdrawal
 * cannot be subtracted from the counts. Instead every stored alert of the
 * team is recounted: the same week, thresholds and minimum group size (kept in
 * its evidence) over the members who consent now and the data they have now.
 * A recount updates or deletes alerts but never adds one, and keeps a name
 * only where one was already shown. Its counts are today's: sessions synced
 * late, or removed by retention, move them too.
 */

/** Minimum group size for alerts stored before runs recorded theirs: the configuration default. */
const UNRECORDED_MIN_GROUP_SIZE = 3;

interface StoredAlert {
  id: string;
  rule: string;
  week_start: string;
  thresholds: unknown;
  min_group_size: unknown;
}

/** One run's alerts: those sharing a week and the rules they were made under. */
interface AlertGroup {
  weekStart: string;
  thresholds: BurnoutThresholds | null;
  minGroupSize: number;
  alerts: StoredAlert[];
}

function rulesOf(alert: StoredAlert): BurnoutThresholds | null {
  if (alert.thresholds === null || alert.thresholds === undefined) return null;
  const parsed = burnoutThresholdsInput.safeParse(alert.thresholds);
  if (!parsed.success) return null;
  const merged = mergeThresholds(DEFAULT_BURNOUT_THRESHOLDS, parsed.data);
  return thresholdProblems(merged).length === 0 ? merged : null;
}

function groupByRun(alerts: readonly StoredAlert[]): AlertGroup[] {
  const groups = new Map<string, AlertGroup>();
  for (const alert of alerts) {
    const key = JSON.stringify([alert.week_start, alert.thresholds, alert.min_group_size]);
    const group = groups.get(key) ?? {
      weekStart: alert.week_start,
      thresholds: rulesOf(alert),
      minGroupSize:
        Number.isInteger(alert.min_group_size) && (alert.min_group_size as number) >= 1
          ? (alert.min_group_size as number)
          : UNRECORDED_MIN_GROUP_SIZE,
      alerts: [],
    };
    group.alerts.push(alert);
    groups.set(key, group);
  }
  return [...groups.values()];
}

async function updateAlert(client: pg.ClientBase, id: string, next: TeamAlert): Promise<void> {
  await client.query(
    `UPDATE team_alerts SET affected_members = $2, evaluated_members = $3, message = $4,
       evidence = $5::jsonb || jsonb_build_object('recounted_at', now())
     WHERE id = $1`,
    [id, next.affectedMembers, next.evaluatedMembers, next.message, JSON.stringify(next.evidence)],
  );
  const named = next.namedMembers.map((m) => m.userId);
  await client.query(
    `DELETE FROM team_alert_members WHERE alert_id = $1 AND NOT (user_id = ANY($2::uuid[]))`,
    [id, named],
  );
  // Only rows that exist are refreshed: a recount never names someone anew.
  await client.query(
    `UPDATE team_alert_members m SET dates = n.dates
     FROM jsonb_to_recordset($2::jsonb) AS n(user_id uuid, dates jsonb)
     WHERE m.alert_id = $1 AND m.user_id = n.user_id`,
    [id, JSON.stringify(next.namedMembers.map((m) => ({ user_id: m.userId, dates: m.dates })))],
  );
}

/**
 * Recounts every stored alert of the team over the members who consent now,
 * leaving out `without` (a member being purged, still in the tables until the
 * purge commits). An alert whose rule no member reaches any more, whose group
 * fell below its minimum size, or whose stored thresholds cannot be read is
 * deleted. Returns how many alerts were deleted.
 */
export async function recountTeamAlerts(
  client: pg.ClientBase,
  teamId: string,
  without: string | null = null,
): Promise<number> {
  await lockTeamAlerts(client, teamId);
  const { rows } = await client.query<StoredAlert>(
    `SELECT id, rule, week_start::text AS week_start, evidence -> 'thresholds' AS thresholds,
            evidence -> 'min_group_size' AS min_group_size
     FROM team_alerts WHERE team_id = $1 ORDER BY week_start, id`,
    [teamId],
  );
  const doomed: string[] = [];
  for (const group of groupByRun(rows)) {
    if (!group.thresholds) {
      doomed.push(...group.alerts.map((a) => a.id));
      continue;
    }
    const week = { start: group.weekStart };
    const members = await evaluateConsentingMembers(
      client,
      teamId,
      week,
      group.thresholds,
      without,
    );
    const outcome = teamAlerts(members, group.thresholds, week, group.minGroupSize);
    const fresh = new Map(
      outcome.kind === 'alerts' ? outcome.alerts.map((a) => [a.rule as string, a]) : [],
    );
    for (const alert of group.alerts) {
      const next = fresh.get(alert.rule);
      if (next) await updateAlert(client, alert.id, next);
      else doomed.push(alert.id);
    }
  }
  if (doomed.length > 0) {
    await client.query('DELETE FROM team_alerts WHERE id = ANY($1::uuid[])', [doomed]);
  }
  return doomed.length;
}

/** Deletes the rows that name `userId` in the team's alerts; the counts stay. */
export async function dropNamedMember(
  client: pg.ClientBase,
  teamId: string,
  userId: string,
): Promise<void> {
  await client.query(
    `DELETE FROM team_alert_members m USING team_alerts a
     WHERE m.alert_id = a.id AND a.team_id = $1 AND m.user_id = $2`,
    [teamId, userId],
  );
}
