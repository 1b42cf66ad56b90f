import type { BurnoutThresholds } from './thresholds';
import { weekdayOf } from '../../time/zoned-time';
import { totalMinutes, wallWorkByDay, type MemberWork } from './member-work';

/** Local weekend days of `days` on which the member worked at least `weekendMinMinutes`. */
export function weekendWorkDays(
  work: MemberWork,
  thresholds: BurnoutThresholds,
  days: readonly string[],
): string[] {
  const byDay = wallWorkByDay(work);
  return days.filter((day) => {
    if (!thresholds.weekendDays.includes(weekdayOf(day))) return false;
    const minutes = totalMinutes(byDay.get(day) ?? []);
    return minutes > 0 && minutes >= thresholds.weekendMinMinutes;
  });
}
