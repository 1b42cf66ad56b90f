import type { BurnoutThresholds } from './thresholds';
import { toWallMs, wallDate } from '../../time/zoned-time';
import { workStretches, type MemberWork } from './member-work';

/**
 * Days of `days` on which a stretch of work longer than
 * `maxContinuousMinutes` began (local date of its start). Sessions less than
 * `breakGapMinutes` apart are one stretch: a 3-minute pause is not a break.
 */
export function longStretchDays(
  work: MemberWork,
  thresholds: BurnoutThresholds,
  days: readonly string[],
): string[] {
  const limitMs = thresholds.maxContinuousMinutes * 60_000;
  const fired = new Set<string>();
  for (const stretch of workStretches(work.sessions, thresholds.breakGapMinutes * 60_000)) {
    if (stretch.endMs - stretch.startMs > limitMs) {
      fired.add(wallDate(toWallMs(stretch.startMs, work.timeZone)));
    }
  }
  return days.filter((day) => fired.has(day));
}
