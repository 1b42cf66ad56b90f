import {
  computePersonalPatterns,
  insightsFromPatterns,
  POPULATION_BASELINE,
  type FlowPeriodWire,
  type PersonalBaseline,
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

/**
 * The detector baseline for a new session on this device: the app's typing baseline (if any)
 * with the user's peak hours from the replica's sessions, so the "protect your peak hours"
 * advice can fire. The patterns' minimum of sessions applies: with too little history no peak
 * hours are claimed and `baseline` is returned as given. Peak hours without a typing baseline
 * ride on the population rhythm, which scores exactly as no baseline.
 *
 * @example
 * ```ts
 * const baseline = baselineWithPeakHours(options.flow?.baseline ?? null, await store.patternHistory(start), offset);
 * new RunningSummary(startTime, { ...options.flow, baseline });
 * ```
 */
export function baselineWithPeakHours(
  baseline: PersonalBaseline | null,
  sessions: readonly SessionRecord[],
  utcOffsetMinutes: number,
): PersonalBaseline | null {
  const { peak_hours } = computePersonalPatterns(toHistoryEntries(sessions), utcOffsetMinutes);
  if (peak_hours.length === 0) return baseline;
  return {
    ...(baseline ?? POPULATION_BASELINE),
    peakHours: { hoursOfWeek: peak_hours, utcOffsetMinutes },
  };
}
