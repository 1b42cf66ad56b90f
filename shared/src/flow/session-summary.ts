import type { FlowInput } from '../schemas/flow-input';
import type { FlowDetectorConfig } from './detector-config';
import { FlowDetector } from './flow-detector';
import type { FlowModel } from './flow-model';
import { toFlowPeriodWire, type FlowPeriod, type FlowPeriodWire } from './flow-period';
import type { PersonalBaseline } from './personal-baseline';
import type { SessionActivityUpdate } from './session-activity';
import {
  accumulate,
  startAccumulator,
  summaryColumns,
  type SessionMetricColumns,
} from './session-accumulator';

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
export interface SessionSummary extends SessionMetricColumns {
  flow_state_periods: FlowPeriodWire[];
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

/**
 * Summarises a session from its updates: a fold of {@link accumulate} over them. Active time: the time from the session start (or the
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
  const detector = new FlowDetector({
    ...(input.model ? { model: input.model } : {}),
    baseline: input.baseline ?? null,
    ...(input.config ? { config: input.config } : {}),
  });
  let state = startAccumulator(input.startTime);
  for (const u of updates) {
    state = accumulate(state, u, detector.update(activityToFlowInput(u)).flowIntensity);
  }
  const endTime = Math.max(input.endTime ?? state.lastMs, input.startTime);
  const periods: readonly FlowPeriod[] = detector.close(endTime);
  const { interruption_count, error_rate, focus_score, ...columns } = summaryColumns(
    state,
    periods,
    endTime,
  );
  return {
    ...columns,
    flow_state_periods: periods.map(toFlowPeriodWire),
    interruption_count,
    error_rate,
    focus_score,
  };
}
