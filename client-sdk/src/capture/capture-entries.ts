import {
  DOC_LIMITS,
  buildSessionEntry,
  clampCounter,
  clampDurationMs as clampDuration,
  flowStateId,
  intervalStats,
  type FlowPeriod,
  type FlowStateEntry,
  type PrivacySettings,
  type SessionEntry,
} from '@mindful/shared';
import type { RunningSummary } from './running-summary';

/** What a session was started with, as captured on this device (before privacy filtering). */
export interface OpenSessionInfo {
  sessionId: string;
  startTime: number;
  projectPath: string | null;
  environment: Record<string, unknown> | null;
  deviceId: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Id of the `index`-th flow period of a session (the wire contract's one algorithm). */
export { flowStateId };

/**
 * The session entry that goes into the synced document. Project path and environment data are
 * left out unless the settings let them leave the device (they stay in the replica's local-only
 * table instead).
 */
export function toSessionEntry(
  info: OpenSessionInfo,
  summary: RunningSummary,
  settings: PrivacySettings,
  now: number,
): SessionEntry {
  const m = summary.metrics();
  const breakdown = Object.fromEntries(
    Object.entries(m.language_breakdown)
      .slice(0, DOC_LIMITS.maxLanguages)
      .map(([language, ms]) => [language.slice(0, 64), clampDuration(ms)]),
  );
  return buildSessionEntry({
    id: info.sessionId,
    start_time: iso(info.startTime),
    end_time: summary.finished ? iso(summary.lastTimestamp) : null,
    total_duration_ms: m.total_duration_ms,
    active_duration_ms: m.active_duration_ms,
    files_modified: m.files_modified,
    keystrokes: m.keystrokes,
    lines_added: m.lines_added,
    lines_deleted: m.lines_deleted,
    // Without consent to language tracking the session names none (as the server stores it).
    language_breakdown: settings.track_languages ? breakdown : {},
    project_path: settings.sync_project_paths ? info.projectPath : null,
    environment_data: settings.sync_environment_data ? info.environment : null,
    flow_state_periods: summary.periods.slice(-DOC_LIMITS.maxFlowPeriods).map((p) => ({
      start_time: iso(p.startMs),
      end_time: iso(p.endMs),
      duration_ms: clampDuration(p.durationMs),
      intensity: p.intensity,
      context_switches: clampCounter(p.contextSwitches),
      recovery_time_ms: p.recoveryTimeMs === null ? null : clampDuration(p.recoveryTimeMs),
    })),
    interruption_count: m.interruption_count,
    error_rate: m.error_rate,
    focus_score: m.focus_score,
    device_id: info.deviceId,
    updated_at: iso(now),
  });
}

/** Rhythm and error context of a flow period, gathered by the capture while it was open. */
export interface PeriodContext {
  intervals: number[];
  errorEvents: number;
}

/**
 * A flow-state entry for a closed period, or for the period in progress (`end_time` null). Raw
 * keystroke samples are included only when `sync_raw_keystrokes` allows; the rhythm statistics
 * (a summary) always are.
 */
export function toFlowStateEntry(
  info: OpenSessionInfo,
  index: number,
  period:
    | FlowPeriod
    | {
        startMs: number;
        intensity: number;
        contextSwitches: number;
        recoveryTimeMs: number | null;
      },
  context: PeriodContext,
  settings: PrivacySettings,
): FlowStateEntry {
  const closed = 'endMs' in period;
  const stats = context.intervals.length > 0 ? intervalStats(context.intervals) : null;
  return {
    id: flowStateId(info.sessionId, index),
    session_id: info.sessionId,
    start_time: iso(period.startMs),
    end_time: closed ? iso(period.endMs) : null,
    duration_ms: closed ? clampDuration(period.durationMs) : null,
    intensity_score: Math.min(1, Math.max(0, period.intensity)),
    context_switches: clampCounter(period.contextSwitches),
    recovery_time_ms: period.recoveryTimeMs === null ? null : clampDuration(period.recoveryTimeMs),
    typing_rhythm_data:
      stats && settings.track_keystroke_timing
        ? {
            mean_interval_ms: Math.min(60_000, stats.mean),
            coefficient_of_variation: Math.min(100, stats.cov),
            ...(settings.sync_raw_keystrokes
              ? {
                  samples: context.intervals
                    .slice(-DOC_LIMITS.maxRhythmSamples)
                    .map((x) => Math.min(60_000, x)),
                }
              : {}),
          }
        : null,
    error_events: { count: clampCounter(context.errorEvents) },
    environmental_factors: settings.sync_environment_data ? info.environment : null,
  };
}
