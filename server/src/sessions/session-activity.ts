import {
  DOC_LIMITS,
  MAX_ERROR_RATE,
  accumulate,
  flowStateId,
  interruptionCount,
  intervalStats,
  startAccumulator,
  summaryColumns,
  type FlowPeriod,
  type FlowPeriodEntry,
  type FlowStateEntry,
  type FlowStateResult,
  type PrivacySettings,
  type SessionActivityUpdate,
  type SessionEntry,
  type SummaryLimits,
} from '@mindful/shared';
import type { LiveSession } from './live-sessions';

/** The document's bounds on a session entry (its error rate: errors per active minute). */
const ENTRY_LIMITS: SummaryLimits = {
  maxDurationMs: DOC_LIMITS.maxDurationMs,
  maxCounter: DOC_LIMITS.maxCounter,
  maxLanguages: DOC_LIMITS.maxLanguages,
  maxErrorRate: MAX_ERROR_RATE,
};

function periodEntry(p: FlowPeriod): FlowPeriodEntry {
  return {
    start_time: new Date(p.startMs).toISOString(),
    end_time: new Date(p.endMs).toISOString(),
    duration_ms: Math.min(p.durationMs, DOC_LIMITS.maxDurationMs),
    intensity: p.intensity,
    context_switches: Math.min(Math.round(p.contextSwitches), DOC_LIMITS.maxCounter),
    recovery_time_ms:
      p.recoveryTimeMs === null
        ? null
        : Math.min(Math.max(0, p.recoveryTimeMs), DOC_LIMITS.maxDurationMs),
  };
}

/** The flow-state entries of a session's closed periods (rhythm summary from the live buffer). */
export function flowStateEntries(
  session: SessionEntry,
  periods: readonly FlowPeriod[],
  live: LiveSession,
  settings: PrivacySettings,
): FlowStateEntry[] {
  return periods.slice(0, DOC_LIMITS.maxFlowPeriods).map((p, index) => {
    const entry = periodEntry(p);
    const rhythm = live.rhythm;
    return {
      id: flowStateId(session.id, index),
      session_id: session.id,
      start_time: entry.start_time,
      end_time: entry.end_time,
      duration_ms: entry.duration_ms,
      intensity_score: entry.intensity,
      context_switches: entry.context_switches ?? 0,
      recovery_time_ms: entry.recovery_time_ms ?? null,
      typing_rhythm_data:
        rhythm && settings.track_keystroke_timing
          ? {
              mean_interval_ms: Math.min(rhythm.mean, 60_000),
              coefficient_of_variation: Math.min(rhythm.cov, 100),
            }
          : null,
      error_events: { count: Math.min(live.errorsInPeriod, DOC_LIMITS.maxCounter) },
      environmental_factors: null,
    };
  });
}

const cap = (n: number) => Math.min(n, DOC_LIMITS.maxCounter);

/**
 * Folds one activity update (counters are deltas) and its flow result into the session entry
 * with the shared accumulator (`accumulate`, the fold `summarizeSession` is made of), within the
 * document's limits. The entry holds the stored columns; `live` the rest of the accumulator (last
 * activity, language, weighted score, errors), which this updates.
 */
export function applyActivity(
  entry: SessionEntry,
  update: SessionActivityUpdate,
  result: FlowStateResult,
  live: LiveSession,
  settings: PrivacySettings,
  now: Date,
): SessionEntry {
  live.errorsInPeriod += update.errorEvents;
  if (update.keystrokeIntervals.length > 0) live.rhythm = intervalStats(update.keystrokeIntervals);
  const before = startAccumulator(Date.parse(entry.start_time), {
    lastActivityMs: live.prevActivity,
    language: live.language,
    activeMs: entry.active_duration_ms ?? 0,
    weightedScore: live.weightedScore,
    filesModified: entry.files_modified,
    keystrokes: entry.keystrokes,
    linesAdded: entry.lines_added,
    linesDeleted: entry.lines_deleted,
    errors: live.errors,
    languageBreakdown: entry.language_breakdown,
  });
  const after = accumulate(before, update, result.flowIntensity, {
    trackLanguages: settings.track_languages,
    limits: ENTRY_LIMITS,
  });
  live.prevActivity = after.lastActivityMs;
  live.language = after.language;
  live.weightedScore = after.weightedScore;
  live.errors = after.errors;
  const periods = live.detector.periods;
  return {
    ...entry,
    // The total duration runs to this update's timestamp (the client's clock).
    ...summaryColumns(after, periods, update.timestamp, ENTRY_LIMITS),
    flow_state_periods: periods.slice(0, DOC_LIMITS.maxFlowPeriods).map(periodEntry),
    updated_at: now.toISOString(),
  };
}

/** The entry of a session that ends at `endMs` with its detector's final periods. */
export function endSession(
  entry: SessionEntry,
  live: LiveSession,
  endMs: number,
  now: Date,
): SessionEntry {
  const start = Date.parse(entry.start_time);
  const end = Math.max(endMs, start);
  const periods = live.detector.close(end);
  return {
    ...entry,
    end_time: new Date(end).toISOString(),
    total_duration_ms: Math.min(end - start, DOC_LIMITS.maxDurationMs),
    active_duration_ms: entry.active_duration_ms ?? 0,
    flow_state_periods: periods.slice(0, DOC_LIMITS.maxFlowPeriods).map(periodEntry),
    interruption_count: cap(interruptionCount(periods)),
    error_rate: entry.error_rate ?? 0,
    focus_score: entry.focus_score ?? 0,
    updated_at: now.toISOString(),
  };
}
