import {
  computePersonalPatterns,
  insightsFromPatterns,
  type FlowPeriodWire,
  type PersonalPatterns,
  type SessionHistoryEntry,
  type UserInsight,
} from '@mindful/shared';
import type { SessionRecord } from '../replica/replica-records';

/**
 * The shared engine's history entries from replica sessions. Only ended sessions count (an open
 * one has no final length). Document periods carry no end reason; patterns do not read it.
 */
export function toHistoryEntries(sessions: readonly SessionRecord[]): SessionHistoryEntry[] {
  return sessions
    .filter((s) => s.end_time !== null)
    .map((s) => ({
      startTime: Date.parse(s.start_time),
      summary: {
        total_duration_ms: s.total_duration_ms ?? 0,
        focus_score: s.focus_score ?? 0,
        interruption_count: s.interruption_count,
        flow_state_periods: s.flow_state_periods.map((p): FlowPeriodWire => ({
          start_time: p.start_time,
          end_time: p.end_time,
          duration_ms: p.duration_ms,
          intensity_score: p.intensity,
          context_switches: p.context_switches ?? 0,
          recovery_time_ms: p.recovery_time_ms ?? null,
          end_reason: 'score',
        })),
      },
    }));
}

/** Personal patterns and insights of a set of sessions. */
export function patternsAndInsights(
  sessions: readonly SessionRecord[],
  utcOffsetMinutes: number,
): { patterns: PersonalPatterns; insights: UserInsight[] } {
  const patterns = computePersonalPatterns(toHistoryEntries(sessions), utcOffsetMinutes);
  return { patterns, insights: insightsFromPatterns(patterns) };
}
