import type { BurnoutThresholds } from './thresholds';
import { addDays, toWallMs, wallDate } from '../../time/zoned-time';
import type { MemberWork } from './member-work';

/** A member's focus trend over the days ending on the week's last day. */
export interface FocusTrend {
  /** Least-squares slope of daily average focus, per day; null with too few days of data. */
  slope: number | null;
  daysWithData: number;
  fired: boolean;
}

/** Least-squares slope of y over x; null when x does not vary. */
export function leastSquaresSlope(points: readonly { x: number; y: number }[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  const meanX = points.reduce((s, p) => s + p.x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - meanX) * (p.y - meanY);
    den += (p.x - meanX) ** 2;
  }
  return den === 0 ? null : num / den;
}

/**
 * Fits the daily average focus (mean focus_score of sessions starting that
 * local day) over the `focusTrendDays` days ending on `lastDay`; days without
 * focus data are left out, not counted as zero. Fires when the slope is below
 * `focusSlopeThreshold`, given at least `focusTrendMinDays` days of data.
 */
export function focusTrend(
  work: MemberWork,
  thresholds: BurnoutThresholds,
  lastDay: string,
): FocusTrend {
  const firstDay = addDays(lastDay, -(thresholds.focusTrendDays - 1));
  const byDay = new Map<string, number[]>();
  for (const session of work.sessions) {
    if (session.focus === null) continue;
    const day = wallDate(toWallMs(session.startMs, work.timeZone));
    if (day < firstDay || day > lastDay) continue;
    byDay.set(day, [...(byDay.get(day) ?? []), session.focus]);
  }
  const points = [...byDay].map(([day, values]) => ({
    x: (Date.parse(`${day}T00:00:00Z`) - Date.parse(`${firstDay}T00:00:00Z`)) / 86_400_000,
    y: values.reduce((s, v) => s + v, 0) / values.length,
  }));
  const slope = points.length >= thresholds.focusTrendMinDays ? leastSquaresSlope(points) : null;
  return {
    slope,
    daysWithData: points.length,
    fired: slope !== null && slope < thresholds.focusSlopeThreshold,
  };
}
