export { teamRoutes } from './team-routes';
export { teamJobs, lastCompleteWeekStart } from './team-jobs';
export {
  refreshTeamMetricsForUser,
  refreshTeamMetricsForUsers,
  recomputeTeam,
  recomputeAllTeams,
  consentingTeamIdsOf,
  utcDay,
  InvalidMetricsDateError,
} from './team-metrics';
export { runTeamBurnoutCheck, weekEndingOn } from './burnout/run-team-check';
export { recountTeamAlerts } from './burnout/alert-recount';
export { takeOutOfTeamAlerts, withdrawTeamConsents } from './member-withdrawal';
export { handOverTeams } from './team-store';
export { followReconciledRows } from './team-projection';
export { evaluateMember, type MemberFindings } from './burnout/evaluate-member';
export { teamAlerts, type TeamAlert, type EvaluatedMember } from './burnout/team-alerts';
export {
  DEFAULT_BURNOUT_THRESHOLDS,
  BURNOUT_RULES,
  mergeThresholds,
  type BurnoutThresholds,
} from './burnout/thresholds';
export type { MemberWork, WorkSession, EvaluationWeek } from './burnout/member-work';
export { teamSuggestions, type TeamSuggestion } from './team-insights';
