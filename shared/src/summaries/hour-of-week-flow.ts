import type { DailyTotalsSession } from './daily-totals';
import { storedTimeMs } from './daily-totals';
import type { ZoneOffsetAt } from './day-windows';

const HOUR_MS = 3_600_000;
const WEEK_HOURS = 168;

/**
 * Flow seconds per local hour of the week (index 0 = Sunday 00:00–00:59, 167 = Saturday 23:00),
 * from the sessions' flow periods: the data behind a focus heatmap. Each period is split exactly
 * over the hours it covers, in the zone's offset at each hour (so DST weeks land right).
 *
 * @example
 * ```ts
 * const cells = hourOfWeekFlowSeconds(sessions, intlZoneOffset('Europe/Paris'));
 * cells[1 * 24 + 9] // flow seconds on Mondays 09:00–09:59
 * ```
 */
export function hourOfWeekFlowSeconds(
  sessions: readonly DailyTotalsSession[],
  offsetAt: ZoneOffsetAt,
): number[] {
  const buckets = new Array<number>(WEEK_HOURS).fill(0);
  for (const s of sessions) {
    for (const p of s.flow_state_periods ?? []) {
      const start = storedTimeMs(p.start_time);
      const end = storedTimeMs(p.end_time);
      if (!Number.isFinite(start) || !Number.isFinite(end)) continue;
      let t = start;
      while (t < end) {
        const offset = offsetAt(t);
        const wall = t + offset;
        const nextWallHour = (Math.floor(wall / HOUR_MS) + 1) * HOUR_MS;
        const until = Math.min(end, nextWallHour - offset);
        const local = new Date(wall);
        buckets[local.getUTCDay() * 24 + local.getUTCHours()] += until - t;
        // A DST jump can put the next boundary at or before t: always move on.
        t = until > t ? until : t + HOUR_MS;
      }
    }
  }
  return buckets.map((ms) => Math.round(ms) / 1000);
}
