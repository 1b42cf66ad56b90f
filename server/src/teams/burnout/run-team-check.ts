import type pg from 'pg';
import { storeAlerts, type AlertRow } from './alert-store';
import { evaluateMember } from './evaluate-member';
import type { EvaluationWeek, WorkSession } from './member-work';
import { teamAlerts, type EvaluatedMember } from './team-alerts';
import { lockTeamAlerts } from './team-alert-lock';
import { teamThresholds } from './team-thresholds';
import type { BurnoutThresholds, BurnoutThresholdsInput } from './thresholds';
import { addDays, UnknownTimeZoneError, zoneOffsetMs } from '../../time/zoned-time';

/** What a burnout run produced: the stored alerts, or why there are none. */
export interface BurnoutRunResult {
  alerts: AlertRow[];
  skipped?: { reason: 'too_few_members'; evaluated_members: number; min_group_size: number };
}

interface MemberRecord {
  user_id: string;
  email: string;
  timezone: string;
  individual_alerts_opt_in: boolean;
}

interface SessionRecord {
  user_id: string;
  start_ms: number;
  end_ms: number;
  focus: number | null;
}

/** users.timezone is validated at sign-up; an unknown one (older rows) is read as UTC rather than failing the run. */
function usableZone(timeZone: string): string {
  try {
    zoneOffsetMs(0, timeZone);
    return timeZone;
  } catch (error) {
    if (error instanceof UnknownTimeZoneError) return 'UTC';
    throw error;
  }
}

/** The rolling week that ends on `today` (UTC date). */
export function weekEndingOn(today: Date): EvaluationWeek {
  return { start: addDays(today.toISOString().slice(0, 10), -6) };
}

/**
 * Evaluates every member of the team who consents to data sharing now
 * (except `without`, whose data is on its way out) over one week.
 */
export async function evaluateConsentingMembers(
  client: pg.ClientBase,
  teamId: string,
  week: EvaluationWeek,
  thresholds: BurnoutThresholds,
  without: string | null = null,
): Promise<EvaluatedMember[]> {
  const members = await client.query<MemberRecord>(
    `SELECT tm.user_id, u.email, u.timezone, tm.individual_alerts_opt_in
     FROM team_members tm JOIN users u ON u.id = tm.user_id
     WHERE tm.team_id = $1 AND tm.data_sharing_consent
       AND ($2::uuid IS NULL OR tm.user_id <> $2)
     ORDER BY tm.user_id`,
    [teamId, without],
  );
  const weekEnd = addDays(week.start, 6);
  // Local days reach up to 14 h either side of UTC; the rest rule looks back a day.
  const from = addDays(
    [addDays(week.start, -2), addDays(weekEnd, -thresholds.focusTrendDays)].sort()[0],
    -1,
  );
  const to = addDays(weekEnd, 2);
  const sessions = await client.query<SessionRecord>(
    `SELECT cs.user_id,
            (extract(epoch FROM cs.start_time) * 1000)::float8 AS start_ms,
            (extract(epoch FROM COALESCE(cs.end_time,
               cs.start_time + cs.total_duration_ms * interval '1 millisecond')) * 1000)::float8 AS end_ms,
            cs.focus_score::float8 AS focus
     FROM team_members tm JOIN coding_sessions cs ON cs.user_id = tm.user_id
     WHERE tm.team_id = $1 AND tm.data_sharing_consent
       AND ($4::uuid IS NULL OR tm.user_id <> $4)
       AND cs.start_time >= ($2::date)::timestamp AT TIME ZONE 'UTC'
       AND cs.start_time < ($3::date)::timestamp AT TIME ZONE 'UTC'`,
    [teamId, from, to, without],
  );
  const byUser = new Map<string, WorkSession[]>();
  for (const s of sessions.rows) {
    if (s.end_ms === null) continue; // still open and of unknown length
    const list = byUser.get(s.user_id) ?? [];
    list.push({ startMs: s.start_ms, endMs: s.end_ms, focus: s.focus });
    byUser.set(s.user_id, list);
  }
  return members.rows.map((m) => ({
    userId: m.user_id,
    email: m.email,
    individualAlertsOptIn: m.individual_alerts_opt_in,
    findings: evaluateMember(
      { sessions: byUser.get(m.user_id) ?? [], timeZone: usableZone(m.timezone) },
      thresholds,
      week,
    ),
  }));
}

/**
 * Runs burnout detection for one team over one week, on consenting members
 * only, and stores the alerts. Thresholds: defaults, then the team's
 * settings.burnout_thresholds, then `override` (this run only).
 */
export async function runTeamBurnoutCheck(
  client: pg.ClientBase,
  teamId: string,
  week: EvaluationWeek,
  minGroupSize: number,
  override?: BurnoutThresholdsInput,
): Promise<BurnoutRunResult> {
  // Before reading who consents: a withdrawal committing meanwhile must not be counted.
  await lockTeamAlerts(client, teamId);
  const thresholds = await teamThresholds(client, teamId, override);
  const evaluated = await evaluateConsentingMembers(client, teamId, week, thresholds);
  const outcome = teamAlerts(evaluated, thresholds, week, minGroupSize);
  if (outcome.kind === 'too_few_members') {
    return {
      alerts: [],
      skipped: {
        reason: 'too_few_members',
        evaluated_members: outcome.evaluatedMembers,
        min_group_size: outcome.minGroupSize,
      },
    };
  }
  return { alerts: await storeAlerts(client, teamId, outcome.alerts) };
}
