import type { FlowPeriod } from './flow-period';
import { hasActivity, type SessionActivityUpdate } from './session-activity';

/**
 * A gap between activity longer than this is idle and excluded from active time: 5 minutes,
 * the same as the detector's idle gap (and a common "away" threshold of IDE time trackers).
 */
export const IDLE_THRESHOLD_MS = 5 * 60_000;

/**
 * Largest error rate (errors per active minute) the `coding_sessions.error_rate` column holds:
 * DECIMAL(7,4) in migrations/0001_core.sql. The seed's DECIMAL(5,4) overflowed at 10 errors per
 * minute, which a burst of red squiggles reaches. One constant for every writer of the column:
 * `summarizeSession`, the SDK's running summary and the server.
 */
export const MAX_ERROR_RATE = 999.9999;

/** Language recorded when an update names none and none came before. */
export const UNKNOWN_LANGUAGE = 'unknown';

/**
 * The seed's `coding_sessions` metric columns (all but `flow_state_periods`), snake_case as
 * stored and sent.
 */
export interface SessionMetricColumns {
  total_duration_ms: number;
  active_duration_ms: number;
  files_modified: number;
  keystrokes: number;
  lines_added: number;
  lines_deleted: number;
  /** Active ms per language, e.g. `{"typescript": 1200000}`. */
  language_breakdown: Record<string, number>;
  interruption_count: number;
  /** Error events per active minute, 4 decimals, at most the limit's `maxErrorRate`. */
  error_rate: number;
  /** Active-time-weighted mean flow score, in [0,1], 2 decimals. */
  focus_score: number;
}

/**
 * Upper bounds a store puts on the summary (e.g. the server's document limits). Durations and
 * counters saturate at them while accumulating; a language beyond `maxLanguages` is not credited.
 */
export interface SummaryLimits {
  /** Largest duration (active, total, per language), ms. */
  readonly maxDurationMs: number;
  /** Largest counter (files, keystrokes, lines, interruptions). */
  readonly maxCounter: number;
  /** Most languages in the breakdown. */
  readonly maxLanguages: number;
  /** Largest error rate, errors per active minute. */
  readonly maxErrorRate: number;
}

/** No bounds but the error-rate column's {@link MAX_ERROR_RATE}: what `summarizeSession` uses. */
export const DEFAULT_SUMMARY_LIMITS: SummaryLimits = {
  maxDurationMs: Number.POSITIVE_INFINITY,
  maxCounter: Number.POSITIVE_INFINITY,
  maxLanguages: Number.POSITIVE_INFINITY,
  maxErrorRate: MAX_ERROR_RATE,
};

/**
 * The summary of a session so far, as a plain immutable value (JSON-serialisable: numbers,
 * strings and a record). Built with {@link startAccumulator}, advanced with {@link accumulate},
 * read with {@link summaryColumns}.
 */
export interface SessionAccumulator {
  /** Session start, ms since epoch. */
  readonly startMs: number;
  /** Latest update's timestamp (the start before any, never before it). */
  readonly lastMs: number;
  /** Timestamp of the latest update with activity (the start before any): active gaps start here. */
  readonly lastActivityMs: number;
  /** Last language an update named, {@link UNKNOWN_LANGUAGE} before any. */
  readonly language: string;
  /** Active ms so far. */
  readonly activeMs: number;
  /** Σ active gap × flow score (focus score = this / active ms). */
  readonly weightedScore: number;
  readonly filesModified: number;
  readonly keystrokes: number;
  readonly linesAdded: number;
  readonly linesDeleted: number;
  /** Error events so far. */
  readonly errors: number;
  /** Active ms per language. */
  readonly languageBreakdown: Readonly<Record<string, number>>;
}

/** What a resumed accumulator starts from (each field defaults to a fresh session's). */
export type AccumulatorSeed = Partial<Omit<SessionAccumulator, 'startMs'>>;

/** Per-update options of {@link accumulate}. */
export interface AccumulateOptions {
  /**
   * Whether active time is credited to the update's language (default true); when false it is
   * credited to {@link UNKNOWN_LANGUAGE}, and the language is still remembered.
   */
  readonly trackLanguages?: boolean;
  /** Bounds; default {@link DEFAULT_SUMMARY_LIMITS}. */
  readonly limits?: SummaryLimits;
}

/**
 * A new accumulator for a session starting at `startMs`, optionally resumed from `seed` (e.g.
 * {@link seedFromColumns} of a stored row after a restart).
 *
 * @example
 * ```ts
 * let acc = startAccumulator(startMs);
 * for (const u of updates) acc = accumulate(acc, u, detector.update(activityToFlowInput(u)).flowIntensity);
 * const columns = summaryColumns(acc, detector.close(endMs), endMs);
 * ```
 */
export function startAccumulator(startMs: number, seed: AccumulatorSeed = {}): SessionAccumulator {
  return {
    startMs,
    lastMs: Math.max(seed.lastMs ?? startMs, startMs),
    lastActivityMs: seed.lastActivityMs ?? startMs,
    language: seed.language ?? UNKNOWN_LANGUAGE,
    activeMs: seed.activeMs ?? 0,
    weightedScore: seed.weightedScore ?? 0,
    filesModified: seed.filesModified ?? 0,
    keystrokes: seed.keystrokes ?? 0,
    linesAdded: seed.linesAdded ?? 0,
    linesDeleted: seed.linesDeleted ?? 0,
    errors: seed.errors ?? 0,
    languageBreakdown: { ...seed.languageBreakdown },
  };
}

/**
 * Folds one update (counters are deltas; updates in timestamp order) and its flow `score` in
 * [0,1] into the accumulator, returning a new one. Active time: the time from the previous update
 * with activity (or the start) to this one, when this update has activity and that gap is at most
 * {@link IDLE_THRESHOLD_MS}; it is credited to the update's language (or the last one named) and
 * weights `score` for the focus score.
 */
export function accumulate(
  state: SessionAccumulator,
  update: SessionActivityUpdate,
  score: number,
  options: AccumulateOptions = {},
): SessionAccumulator {
  const limits = options.limits ?? DEFAULT_SUMMARY_LIMITS;
  const count = (total: number, delta: number) => Math.min(total + delta, limits.maxCounter);
  const next = {
    ...state,
    lastMs: Math.max(state.lastMs, update.timestamp),
    language: update.language || state.language,
    filesModified: count(state.filesModified, update.fileModifications),
    keystrokes: count(state.keystrokes, update.keystrokes),
    linesAdded: count(state.linesAdded, update.linesAdded),
    linesDeleted: count(state.linesDeleted, update.linesDeleted),
    errors: state.errors + update.errorEvents,
  };
  if (!hasActivity(update)) return next;
  const gap = Math.max(0, update.timestamp - state.lastActivityMs);
  next.lastActivityMs = Math.max(state.lastActivityMs, update.timestamp);
  if (gap > IDLE_THRESHOLD_MS) return next;
  next.activeMs = Math.min(state.activeMs + gap, limits.maxDurationMs);
  next.weightedScore = state.weightedScore + gap * score;
  const credited = options.trackLanguages === false ? UNKNOWN_LANGUAGE : next.language;
  const languages = state.languageBreakdown;
  if (Object.keys(languages).length < limits.maxLanguages || credited in languages) {
    next.languageBreakdown = {
      ...languages,
      [credited]: Math.min((languages[credited] ?? 0) + gap, limits.maxDurationMs),
    };
  }
  return next;
}

/** The number of flow periods ended by an interruption or idle gap (not by the session end). */
export function interruptionCount(periods: readonly FlowPeriod[]): number {
  return periods.filter((p) => p.endReason !== 'session_end').length;
}

/**
 * The metric columns of the session so far. `periods` are the detector's (closed) flow periods;
 * the session ends at `endMs` (default the latest update, never before the start).
 */
export function summaryColumns(
  state: SessionAccumulator,
  periods: readonly FlowPeriod[],
  endMs?: number,
  limits: SummaryLimits = DEFAULT_SUMMARY_LIMITS,
): SessionMetricColumns {
  const end = Math.max(endMs ?? state.lastMs, state.startMs);
  const active = state.activeMs;
  const minutes = active / 60_000;
  const errorRate = minutes > 0 ? Math.min(limits.maxErrorRate, state.errors / minutes) : 0;
  return {
    total_duration_ms: Math.min(end - state.startMs, limits.maxDurationMs),
    active_duration_ms: active,
    files_modified: state.filesModified,
    keystrokes: state.keystrokes,
    lines_added: state.linesAdded,
    lines_deleted: state.linesDeleted,
    language_breakdown: { ...state.languageBreakdown },
    interruption_count: Math.min(interruptionCount(periods), limits.maxCounter),
    error_rate: Math.round(errorRate * 10_000) / 10_000,
    focus_score: active > 0 ? Math.round(Math.min(1, state.weightedScore / active) * 100) / 100 : 0,
  };
}

/** Stored columns a seed is rebuilt from (nullable as in the document's session entry). */
export interface StoredSessionColumns {
  readonly total_duration_ms?: number | null;
  readonly active_duration_ms?: number | null;
  readonly files_modified?: number | null;
  readonly keystrokes?: number | null;
  readonly lines_added?: number | null;
  readonly lines_deleted?: number | null;
  readonly language_breakdown?: Readonly<Record<string, number>> | null;
  readonly error_rate?: number | null;
  readonly focus_score?: number | null;
}

/**
 * The seed that resumes a session from its stored columns (e.g. after a restart), as near as the
 * columns allow: the weighted score and error count are derived back from the rounded rates, the
 * last activity is taken as the latest update (start + total duration), and the language as the
 * breakdown's last key. An error rate at its cap loses errors; the rest is exact up to rounding.
 */
export function seedFromColumns(
  startMs: number,
  columns: StoredSessionColumns,
): Required<AccumulatorSeed> {
  const active = columns.active_duration_ms ?? 0;
  const languages = Object.keys(columns.language_breakdown ?? {});
  const last = startMs + (columns.total_duration_ms ?? 0);
  return {
    lastMs: last,
    lastActivityMs: last,
    language: languages.length > 0 ? languages[languages.length - 1]! : UNKNOWN_LANGUAGE,
    activeMs: active,
    weightedScore: (columns.focus_score ?? 0) * active,
    filesModified: columns.files_modified ?? 0,
    keystrokes: columns.keystrokes ?? 0,
    linesAdded: columns.lines_added ?? 0,
    linesDeleted: columns.lines_deleted ?? 0,
    errors: Math.round((columns.error_rate ?? 0) * (active / 60_000)),
    languageBreakdown: { ...columns.language_breakdown },
  };
}
