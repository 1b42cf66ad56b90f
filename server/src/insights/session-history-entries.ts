import { zoneOffsetMs } from '../time/zoned-time';
import type pg from 'pg';
import { PATTERN_HISTORY, type SessionHistoryEntry } from '@mindful/shared';
import type { Queryable } from '../db/queryable';

interface StoredPeriod {
  start_time: string;
  end_time: string;
  duration_ms: number;
  intensity?: number;
  intensity_score?: number;
  context_switches?: number;
  recovery_time_ms?: number | null;
}

/**
 * A user's ended sessions as the shared patterns/insights functions take them
 * (from `coding_sessions`, which only the reconciler writes, so already validated):
 * the {@link PATTERN_HISTORY} before `now`, oldest first.
 */
export async function loadSessionHistory(
  db: Queryable | pg.Pool,
  userId: string,
  now = new Date(),
): Promise<SessionHistoryEntry[]> {
  const since = new Date(now.getTime() - PATTERN_HISTORY.lookbackDays * 86_400_000);
  const { rows } = await db.query<{
    start_time: Date;
    total_duration_ms: string | null;
    focus_score: string | null;
    flow_state_periods: StoredPeriod[] | null;
    interruption_count: number | null;
  }>(
    `SELECT start_time, total_duration_ms, focus_score, flow_state_periods, interruption_count
     FROM coding_sessions
     WHERE user_id = $1 AND end_time IS NOT NULL AND start_time >= $2
     ORDER BY start_time DESC LIMIT $3`,
    [userId, since, PATTERN_HISTORY.maxSessions],
  );
  return rows.reverse().map((row) => ({
    startTime: row.start_time.getTime(),
    summary: {
      total_duration_ms: Number(row.total_duration_ms ?? 0),
      focus_score: Number(row.focus_score ?? 0),
      interruption_count: row.interruption_count ?? 0,
      flow_state_periods: (row.flow_state_periods ?? []).map((p) => ({
        start_time: p.start_time,
        end_time: p.end_time,
        duration_ms: p.duration_ms,
        intensity_score: p.intensity_score ?? p.intensity ?? 0,
        context_switches: p.context_switches ?? 0,
        recovery_time_ms: p.recovery_time_ms ?? null,
        end_reason: 'score' as const,
      })),
    },
  }));
}

/** The offset east of UTC, in minutes, of an IANA time zone at `at` (0 for an unknown zone). */
export function utcOffsetMinutes(timeZone: string, at = new Date()): number {
  try {
    return Math.round(zoneOffsetMs(at.getTime(), timeZone) / 60_000);
  } catch {
    return 0;
  }
}
