import { createHash } from 'node:crypto';
import {
  DOC_LIMITS,
  IDLE_THRESHOLD_MS,
  UNKNOWN_LANGUAGE,
  intervalStats,
  type FlowPeriod,
  type FlowPeriodEntry,
  type FlowStateEntry,
  type FlowStateResult,
  type PrivacySettings,
  type SessionActivityUpdate,
  type SessionEntry,
} from '@mindful/shared';
import type { LiveSession } from './live-sessions';

/** Largest error rate the document schema accepts (errors per active minute). */
const MAX_DOC_ERROR_RATE = 999.9999;

/**
 * A stable flow-state id for the n-th period of a session (a UUID-shaped hash),
 * so writing the same period twice upserts one entry instead of adding two.
 */
export function flowStateId(sessionId: string, index: number): string {
  const hex = createHash('sha256').update(`flow:${sessionId}:${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

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

function hasActivity(u: SessionActivityUpdate): boolean {
  return (
    u.keystrokes > 0 ||
    u.keystrokeIntervals.length > 0 ||
    u.fileModifications > 0 ||
    u.linesAdded > 0 ||
    u.linesDeleted > 0
  );
}

const cap = (n: number) => Math.min(n, DOC_LIMITS.maxCounter);

/**
 * Folds one activity update (counters are deltas) and its flow result into
 * the session entry, the way `summarizeSession` would over all updates:
 * active time between updates with activity (gaps above the idle threshold
 * are idle), credited to the current language, focus score weighted by it.
 */
export function applyActivity(
  entry: SessionEntry,
  update: SessionActivityUpdate,
  result: FlowStateResult,
  live: LiveSession,
  settings: PrivacySettings,
  now: Date,
): SessionEntry {
  if (update.language) live.language = update.language;
  live.errors += update.errorEvents;
  live.errorsInPeriod += update.errorEvents;
  if (update.keystrokeIntervals.length > 0) live.rhythm = intervalStats(update.keystrokeIntervals);
  let active = entry.active_duration_ms ?? 0;
  const languages = { ...entry.language_breakdown };
  if (hasActivity(update)) {
    const gap = Math.max(0, update.timestamp - live.prevActivity);
    live.prevActivity = Math.max(live.prevActivity, update.timestamp);
    if (gap <= IDLE_THRESHOLD_MS) {
      active = Math.min(active + gap, DOC_LIMITS.maxDurationMs);
      const language = settings.track_languages ? live.language : UNKNOWN_LANGUAGE;
      if (Object.keys(languages).length < DOC_LIMITS.maxLanguages || language in languages) {
        languages[language] = Math.min((languages[language] ?? 0) + gap, DOC_LIMITS.maxDurationMs);
      }
      live.weightedScore += gap * result.flowIntensity;
    }
  }
  const minutes = active / 60_000;
  const periods = live.detector.periods;
  const start = Date.parse(entry.start_time);
  return {
    ...entry,
    total_duration_ms: Math.min(Math.max(0, update.timestamp - start), DOC_LIMITS.maxDurationMs),
    active_duration_ms: active,
    files_modified: cap(entry.files_modified + update.fileModifications),
    keystrokes: cap(entry.keystrokes + update.keystrokes),
    lines_added: cap(entry.lines_added + update.linesAdded),
    lines_deleted: cap(entry.lines_deleted + update.linesDeleted),
    language_breakdown: languages,
    flow_state_periods: periods.slice(0, DOC_LIMITS.maxFlowPeriods).map(periodEntry),
    interruption_count: cap(periods.filter((p) => p.endReason !== 'session_end').length),
    error_rate:
      minutes > 0
        ? Math.round(Math.min(MAX_DOC_ERROR_RATE, live.errors / minutes) * 10_000) / 10_000
        : 0,
    focus_score: active > 0 ? Math.round(Math.min(1, live.weightedScore / active) * 100) / 100 : 0,
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
    interruption_count: cap(periods.filter((p) => p.endReason !== 'session_end').length),
    error_rate: entry.error_rate ?? 0,
    focus_score: entry.focus_score ?? 0,
    updated_at: now.toISOString(),
  };
}
