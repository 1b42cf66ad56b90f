import type { BurnoutThresholds } from './thresholds';
import { toWallMs, wallDate } from '../../time/zoned-time';
import { workStretches, type MemberWork } from './member-work';

/**
 * Days of `days` whose work began less than `minRestHours` after the previous
 * work ended (EU Working Time Directive 2003/88/EC art. 3: 11 consecutive
 * hours of rest per 24 hours). A day's work begins with the first stretch
 * (sessions chained over gaps under `breakGapMinutes`) that starts on that
 * local date; the rest before it is measured from the end of the stretch
 * before, whatever day that was. So "until 23:00, back at 07:00" fires on the
 * second day; a stretch that merely runs past midnight does not start a day.
 * Pass sessions from before the week too, or its first day has nothing to
 * measure from.
 */
export function shortRestDays(
  work: MemberWork,
  thresholds: BurnoutThresholds,
  days: readonly string[],
): string[] {
  const minRestMs = thresholds.minRestHours * 3600_000;
  const stretches = workStretches(work.sessions, thresholds.breakGapMinutes * 60_000);
  const fired = new Set<string>();
  const seenDays = new Set<string>();
  for (let i = 0; i < stretches.length; i++) {
    const day = wallDate(toWallMs(stretches[i].startMs, work.timeZone));
    if (seenDays.has(day)) continue;
    seenDays.add(day);
    if (i === 0) continue;
    const rest = stretches[i].startMs - stretches[i - 1].endMs;
    if (rest < minRestMs) fired.add(day);
  }
  return days.filter((day) => fired.has(day));
}
