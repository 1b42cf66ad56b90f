/** The seed's FlowStateResult, camelCase. */
export interface FlowStateResult {
  /** Whether the detector is in flow after this update (with hysteresis). */
  readonly isInFlow: boolean;
  /** This update's flow score, in [0,1]. */
  readonly flowIntensity: number;
  /** Time since the current flow period began, ms; 0 when not in flow. */
  readonly flowDurationMs: number;
  /** How much to trust the state, in [0,1] (data sufficiency × distance from the threshold). */
  readonly confidence: number;
  /** Human-readable advice; see `RECOMMENDATIONS`. */
  readonly recommendations: readonly string[];
}

/** Wire form of {@link FlowStateResult} (the response of `POST /api/flow/detect`). */
export interface FlowStateResultWire {
  is_in_flow: boolean;
  flow_intensity: number;
  flow_duration_ms: number;
  confidence: number;
  recommendations: string[];
}

/** Maps a result to its wire form. */
export function toFlowStateResultWire(r: FlowStateResult): FlowStateResultWire {
  return {
    is_in_flow: r.isInFlow,
    flow_intensity: r.flowIntensity,
    flow_duration_ms: r.flowDurationMs,
    confidence: r.confidence,
    recommendations: [...r.recommendations],
  };
}
