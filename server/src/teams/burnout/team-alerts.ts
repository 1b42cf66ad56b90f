import type { MemberFindings } from './evaluate-member';
import { weekDays, type EvaluationWeek } from './member-work';
import {
  BURNOUT_RULES,
  thresholdsToJson,
  type BurnoutRule,
  type BurnoutThresholds,
  type DailyBurnoutRule,
} from './thresholds';

/** One consenting member's findings, and whether they agreed to be named. */
export interface EvaluatedMember {
  userId: string;
  email: string;
  individualAlertsOptIn: boolean;
  findings: MemberFindings;
}

/** A team-level alert: counts, plus only the members who opted in to be named. */
export interface TeamAlert {
  rule: BurnoutRule;
  weekStart: string;
  weekEnd: string;
  affectedMembers: number;
  evaluatedMembers: number;
  message: string;
  evidence: Record<string, unknown>;
  namedMembers: { userId: string; email: string; dates: string[] }[];
}

/** The outcome of a team's burnout run. */
export type TeamAlertsOutcome =
  | { kind: 'alerts'; alerts: TeamAlert[] }
  | { kind: 'too_few_members'; evaluatedMembers: number; minGroupSize: number };

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

function dailyMessage(
  rule: DailyBurnoutRule,
  t: BurnoutThresholds,
  count: string,
  minDays: number,
): string {
  const days = `${minDays}+ day${minDays === 1 ? '' : 's'}`;
  switch (rule) {
    case 'after_hours':
      return `${count} worked outside working hours (${hhmm(t.workdayStartMinute)}–${hhmm(t.workdayEndMinute)} local time) on ${days} this week.`;
    case 'weekend_work':
      return `${count} worked on the weekend on ${days} this week.`;
    case 'long_stretch':
      return `${count} worked more than ${t.maxContinuousMinutes} minutes without a break on ${days} this week.`;
    case 'short_rest':
      return `${count} had less than ${t.minRestHours} hours of rest between working days on ${days} this week.`;
  }
}

/**
 * Turns members' findings into team-level alerts: one per rule that at least
 * one member reached (`minDays` days of the rule in the week, or a falling
 * focus trend). Nothing at all when fewer than `minGroupSize` members
 * consented, since counts over a tiny group point at individuals. The
 * evidence keeps the minimum and the thresholds, so the alert can be recounted
 * under the same rules when a member withdraws (alert-recount.ts).
 */
export function teamAlerts(
  members: readonly EvaluatedMember[],
  thresholds: BurnoutThresholds,
  week: EvaluationWeek,
  minGroupSize: number,
): TeamAlertsOutcome {
  const n = members.length;
  if (n < minGroupSize) return { kind: 'too_few_members', evaluatedMembers: n, minGroupSize };
  const days = weekDays(week);
  const base = { weekStart: days[0], weekEnd: days[6], evaluatedMembers: n };
  const alerts: TeamAlert[] = [];
  const dailyRules: DailyBurnoutRule[] = [
    'after_hours',
    'weekend_work',
    'long_stretch',
    'short_rest',
  ];
  for (const rule of dailyRules) {
    const minDays = thresholds.minDays[rule];
    const affected = members.filter((m) => m.findings.days[rule].length >= minDays);
    if (affected.length === 0) continue;
    const count = `${affected.length} of ${n} members`;
    alerts.push({
      ...base,
      rule,
      affectedMembers: affected.length,
      message: dailyMessage(rule, thresholds, count, minDays),
      evidence: {
        min_group_size: minGroupSize,
        min_days: minDays,
        member_days: affected.reduce((sum, m) => sum + m.findings.days[rule].length, 0),
        thresholds: thresholdsToJson(thresholds),
      },
      namedMembers: affected
        .filter((m) => m.individualAlertsOptIn)
        .map((m) => ({ userId: m.userId, email: m.email, dates: m.findings.days[rule] })),
    });
  }
  const declining = members.filter((m) => m.findings.focus.fired);
  if (declining.length > 0) {
    alerts.push({
      ...base,
      rule: BURNOUT_RULES.focusDecline,
      affectedMembers: declining.length,
      message:
        `${declining.length} of ${n} members show a falling focus trend over the last ` +
        `${thresholds.focusTrendDays} days.`,
      evidence: {
        min_group_size: minGroupSize,
        slope_threshold: thresholds.focusSlopeThreshold,
        trend_days: thresholds.focusTrendDays,
        thresholds: thresholdsToJson(thresholds),
      },
      namedMembers: declining
        .filter((m) => m.individualAlertsOptIn)
        .map((m) => ({ userId: m.userId, email: m.email, dates: [] })),
    });
  }
  return { kind: 'alerts', alerts };
}
