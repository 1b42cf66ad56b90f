import type { FlowInput } from '../schemas/flow-input';
import type { FlowDetectorConfig } from './detector-config';
import { FlowDetector } from './flow-detector';
import type { FlowModel } from './flow-model';
import { toFlowPeriodWire, type FlowPeriod, type FlowPeriodWire } from './flow-period';
import type { PersonalBaseline } from './personal-baseline';
import type { SessionActivityUpdate } from './session-activity';

/**
 * A gap between activity longer than this is idle and excluded from active time: 5 minutes,
 * the same as the detector's idle gap (and a common "away" threshold of IDE time trackers).
 */
export const IDLE_THRESHOLD_MS = 5 * 60_000;

/** Largest error rate storable in the seed's DECIMAL(5,4) column. */
export const MAX_ERROR_RATE = 9.9999;

/** Language recorded when an update names none and none came before. */
export const UNKNOWN_LANGUAGE = 'unknown';

/** Input of {@link summarizeSession}. */
export interface SessionSummaryInput {
  /** Session start, ms since epoch. */
  readonly startTime: number;
  /** Session end, ms since epoch; default the last update's timestamp (or the start). */
  readonly endTime?: number;
  /** The session's updates (any order; sorted by timestamp here). */
  readonly updates: readonly SessionActivityUpdate[];
  /** Model to detect flow with; default the seed heuristic. */
  readonly model?: FlowModel;
  /** The user's baseline. */
  readonly baseline?: PersonalBaseline | null;
  /** Detector overrides. */
  readonly config?: Partial<FlowDetectorConfig>;
}

/** The seed's `coding_sessions` metric columns, snake_case as stored and sent. */
export interface SessionSummary {
  total_duration_ms: number;
  active_duration_ms: number;
  files_modified: number;
  keystrokes: number;
  lines_added: number;
  lines_deleted: number;
  /** Active ms per language, e.g. `{"typescript": 1200000}`. */
  language_breakdown: Record<string, number>;
  flow_state_periods: FlowPeriodWire[];
  interruption_count: number;
  /** Error events per active minute, 4 decimals, at most {@link MAX_ERROR_RATE}. */
  error_rate: number;
  /** Active-time-weighted mean flow score, in [0,1], 2 decimals. */
  focus_score: number;
}

/** Maps an activity update to the detector's input. */
export function activityToFlowInput(u: SessionActivityUpdate): FlowInput {
  return {
    keystrokeIntervals: u.keystrokeIntervals,
    contextSwitches: u.contextSwitches,
    errorEvents: u.errorEvents,
    windowFocusDuration: u.focusDuration,
    fileModifications: u.fileModifications,
    timestamp: u.timestamp,
  };
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

/**
 * Summarises a session from its updates. Active time: the time from the session start (or the
 * previous update with activity) to each update with activity, counted only when that gap is at
 * most {@link IDLE_THRESHOLD_MS}; longer gaps are idle. That active time is credited to the
 * update's language (or the last language seen). Flow periods come from running a
 * {@link FlowDetector} over the updates; `interruption_count` is the number of flow periods ended
 * by an interruption or idle gap (not by the session end). `focus_score` is the mean flow score
 * weighted by each update's active time.
 *
 * @example
 * ```ts
 * const summary = summarizeSession({ startTime, endTime, updates });
 * await db.update('coding_sessions', summary);
 * ```
 */
export function summarizeSession(input: SessionSummaryInput): SessionSummary {
  const updates = [...input.updates].sort((a, b) => a.timestamp - b.timestamp);
  const last = updates.length > 0 ? updates[updates.length - 1].timestamp : input.startTime;
  const endTime = Math.max(input.endTime ?? last, input.startTime);
  const detector = new FlowDetector({
    ...(input.model ? { model: input.model } : {}),
    baseline: input.baseline ?? null,
    ...(input.config ? { config: input.config } : {}),
  });
  const languages: Record<string, number> = {};
  let active = 0;
  let weightedScore = 0;
  let prevActivity = input.startTime;
  let language: string = UNKNOWN_LANGUAGE;
  const totals = { files: 0, keys: 0, added: 0, deleted: 0, errors: 0 };
  for (const u of updates) {
    if (u.language) language = u.language;
    const result = detector.update(activityToFlowInput(u));
    totals.files += u.fileModifications;
    totals.keys += u.keystrokes;
    totals.added += u.linesAdded;
    totals.deleted += u.linesDeleted;
    totals.errors += u.errorEvents;
    if (!hasActivity(u)) continue;
    const gap = Math.max(0, u.timestamp - prevActivity);
    prevActivity = Math.max(prevActivity, u.timestamp);
    if (gap > IDLE_THRESHOLD_MS) continue;
    active += gap;
    languages[language] = (languages[language] ?? 0) + gap;
    weightedScore += gap * result.flowIntensity;
  }
  const periods: readonly FlowPeriod[] = detector.close(endTime);
  const minutes = active / 60_000;
  const errorRate = minutes > 0 ? Math.min(MAX_ERROR_RATE, totals.errors / minutes) : 0;
  return {
    total_duration_ms: endTime - input.startTime,
    active_duration_ms: active,
    files_modified: totals.files,
    keystrokes: totals.keys,
    lines_added: totals.added,
    lines_deleted: totals.deleted,
    language_breakdown: languages,
    flow_state_periods: periods.map(toFlowPeriodWire),
    interruption_count: periods.filter((p) => p.endReason !== 'session_end').length,
    error_rate: Math.round(errorRate * 10_000) / 10_000,
    focus_score: active > 0 ? Math.round((weightedScore / active) * 100) / 100 : 0,
  };
}
