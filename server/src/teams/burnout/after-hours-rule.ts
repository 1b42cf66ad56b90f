import type { BurnoutThresholds } from './thresholds';
import { dayStartWall, weekdayOf } from '../../time/zoned-time';
import { minutesOutside, wallWorkByDay, type MemberWork } from './member-work';

/**
 * Working days (not weekend days) of `days` on which the member worked at
 * least `afterHoursMinMinutes` outside their local working hours. Work after
 * local midnight counts on the day the clock shows.
 */
export function afterHoursDays(
  work: MemberWork,
  thresholds: BurnoutThresholds,
  days: readonly string[],
): string[] {
  const byDay = wallWorkByDay(work);
  return days.filter((day) => {
    if (thresholds.weekendDays.includes(weekdayOf(day))) return false;
    const pieces = byDay.get(day);
    if (!pieces) return false;
    const outside = minutesOutside(
      pieces,
      dayStartWall(day),
      thresholds.workdayStartMinute,
      thresholds.workdayEndMinute,
    );
    return outside > 0 && outside >= thresholds.afterHoursMinMinutes;
  });
}
