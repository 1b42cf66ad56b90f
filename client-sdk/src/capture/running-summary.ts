import {
  FlowDetector,
  accumulate,
  activityToFlowInput,
  startAccumulator,
  summaryColumns,
  type FlowDetectorOptions,
  type FlowPeriod,
  type FlowStateResult,
  type SessionAccumulator,
  type SessionActivityUpdate,
  type SessionMetricColumns,
} from '@mindful/shared';

/** The metrics of a session so far (the summary columns, snake_case as stored). */
export type RunningMetrics = SessionMetricColumns;

/**
 * The summary of a session kept up to date one update at a time, so capture costs O(1) per event
 * instead of re-summarising the whole session: a thin holder of the shared accumulator
 * (`startAccumulator` / `accumulate` / `summaryColumns` from `@mindful/shared`), the fold that
 * `summarizeSession` is made of, so once finished it equals it for the same updates.
 */
export class RunningSummary {
  readonly detector: FlowDetector;
  private state: SessionAccumulator;
  private end: number | null = null;
  private ended: readonly FlowPeriod[] | null = null;
  private lastResult: FlowStateResult | null = null;

  constructor(
    readonly startTime: number,
    options: FlowDetectorOptions = {},
  ) {
    this.detector = new FlowDetector(options);
    this.state = startAccumulator(startTime);
  }

  /** Time of the latest update (the start before any; the end once finished). */
  get lastTimestamp(): number {
    return this.end ?? this.state.lastMs;
  }

  /** The detector's result for the latest update, null before any. */
  get latest(): FlowStateResult | null {
    return this.lastResult;
  }

  /**
   * Adds one update (in timestamp order).
   *
   * @throws OutOfOrderInputError (from the detector) when it is older than the previous one.
   */
  add(u: SessionActivityUpdate): FlowStateResult {
    const result = this.detector.update(activityToFlowInput(u));
    this.state = accumulate(this.state, u, result.flowIntensity);
    this.lastResult = result;
    return result;
  }

  /** Closed flow periods so far (all of them once finished). */
  get periods(): readonly FlowPeriod[] {
    return this.ended ?? this.detector.periods;
  }

  /** Start of the flow period in progress, or null when not in flow (or finished). */
  get openPeriodStart(): number | null {
    if (this.ended || !this.detector.isInFlow || !this.lastResult) return null;
    return this.state.lastMs - this.lastResult.flowDurationMs;
  }

  /** Ends the session at `endTime` (default the last update), closing an open flow period. */
  finish(endTime?: number): void {
    if (this.ended) return;
    this.end = Math.max(endTime ?? this.state.lastMs, this.startTime);
    this.ended = this.detector.close(this.end);
  }

  /** Whether {@link RunningSummary.finish} was called. */
  get finished(): boolean {
    return this.ended !== null;
  }

  /** The metrics so far (final once finished). */
  metrics(): RunningMetrics {
    return summaryColumns(this.state, this.periods, this.lastTimestamp);
  }
}
