/** Why a flow period ended. */
export const FLOW_PERIOD_END_REASONS = {
  /** The score stayed below the exit threshold for the exit dwell time: an interruption. */
  score: 'score',
  /** No update arrived for longer than the idle gap: the user stopped working. */
  idle: 'idle',
  /** The session ended while in flow. */
  sessionEnd: 'session_end',
} as const;

/** One of {@link FLOW_PERIOD_END_REASONS}. */
export type FlowPeriodEndReason =
  (typeof FLOW_PERIOD_END_REASONS)[keyof typeof FLOW_PERIOD_END_REASONS];

/** A closed flow period (a row of the seed's `flow_states`, an element of `flow_state_periods`). */
export interface FlowPeriod {
  /** Start, ms since epoch: when the score first stayed above the enter threshold. */
  readonly startMs: number;
  /** End, ms since epoch: when the score first fell below the exit threshold for good. */
  readonly endMs: number;
  /** `endMs - startMs`. */
  readonly durationMs: number;
  /** Mean flow score of the updates in the period, in [0,1]. */
  readonly intensity: number;
  /** Context switches during the period. */
  readonly contextSwitches: number;
  /**
   * Time to re-enter flow after the interruption that ended the previous period (start of this
   * period minus end of the previous one); null for the first period or after an idle break.
   */
  readonly recoveryTimeMs: number | null;
  /** Why the period ended. */
  readonly endReason: FlowPeriodEndReason;
}

/** Wire (snake_case, ISO-8601 times) form of a {@link FlowPeriod}. */
export interface FlowPeriodWire {
  start_time: string;
  end_time: string;
  duration_ms: number;
  intensity_score: number;
  context_switches: number;
  recovery_time_ms: number | null;
  end_reason: FlowPeriodEndReason;
}

/** Maps a period to its wire form. */
export function toFlowPeriodWire(p: FlowPeriod): FlowPeriodWire {
  return {
    start_time: new Date(p.startMs).toISOString(),
    end_time: new Date(p.endMs).toISOString(),
    duration_ms: p.durationMs,
    intensity_score: p.intensity,
    context_switches: p.contextSwitches,
    recovery_time_ms: p.recoveryTimeMs,
    end_reason: p.endReason,
  };
}
