import { afterHoursDays } from './after-hours-rule';
import { focusTrend, type FocusTrend } from './focus-trend-rule';
import { longStretchDays } from './long-stretch-rule';
import { weekDays, type EvaluationWeek, type MemberWork } from './member-work';
import { shortRestDays } from './short-rest-rule';
import type { BurnoutThresholds, DailyBurnoutRule } from './thresholds';
import { weekendWorkDays } from './weekend-work-rule';

/** Which rules fired for one member in one week: local dates per daily rule, and the focus trend. */
export interface MemberFindings {
  days: Record<DailyBurnoutRule, string[]>;
  focus: FocusTrend;
}

/**
 * Runs every burnout rule over one member's week. Pure: the same sessions,
 * zone, thresholds and week always give the same findings. Pass sessions from
 * `focusTrendDays` before the week's end (and a day before its start, for the
 * rest rule) onwards.
 */
export function evaluateMember(
  work: MemberWork,
  thresholds: BurnoutThresholds,
  week: EvaluationWeek,
): MemberFindings {
  const days = weekDays(week);
  return {
    days: {
      after_hours: afterHoursDays(work, thresholds, days),
      weekend_work: weekendWorkDays(work, thresholds, days),
      long_stretch: longStretchDays(work, thresholds, days),
      short_rest: shortRestDays(work, thresholds, days),
    },
    focus: focusTrend(work, thresholds, days[6]),
  };
}
