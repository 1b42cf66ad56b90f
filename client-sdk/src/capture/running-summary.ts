import {
  FlowDetector,
  IDLE_THRESHOLD_MS,
  MAX_ERROR_RATE,
  UNKNOWN_LANGUAGE,
  activityToFlowInput,
  type FlowDetectorOptions,
  type FlowPeriod,
  type FlowStateResult,
  type SessionActivityUpdate,
} from '@mindful/shared';

/** The metrics of a session so far (the summary columns, camelCase-free as stored). */
export interface RunningMetrics {
  total_duration_ms: number;
  active_duration_ms: number;
  files_modified: number;
  keystrokes: number;
  lines_added: number;
  lines_deleted: number;
  language_breakdown: Record<string, number>;
  interruption_count: number;
  error_rate: number;
  focus_score: number;
}

/**
 * The summary of a session kept up to date one update at a time, so capture costs O(1) per event
 * instead of re-summarising the whole session. It follows `summarizeSession` from
 * `@mindful/shared` rule for rule (active time, idle gaps, language credit, weighted focus), and
 * once finished equals it for the same updates — a test holds the two together.
 */
export class RunningSummary {
  readonly detector: FlowDetector;
  private active = 0;
  private weightedScore = 0;
  private prevActivity: number;
  private language: string = UNKNOWN_LANGUAGE;
  private readonly languages: Record<string, number> = {};
  private readonly totals = { files: 0, keys: 0, added: 0, deleted: 0, errors: 0 };
  private last: number;
  private ended: readonly FlowPeriod[] | null = null;
  private lastResult: FlowStateResult | null = null;

  constructor(
    readonly startTime: number,
    options: FlowDetectorOptions = {},
  ) {
    this.detector = new FlowDetector(options);
    this.prevActivity = startTime;
    this.last = startTime;
  }

  /** Time of the latest update (the start before any). */
  get lastTimestamp(): number {
    return this.last;
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
    if (u.language) this.language = u.language;
    this.last = Math.max(this.last, u.timestamp);
    this.totals.files += u.fileModifications;
    this.totals.keys += u.keystrokes;
    this.totals.added += u.linesAdded;
    this.totals.deleted += u.linesDeleted;
    this.totals.errors += u.errorEvents;
    this.lastResult = result;
    if (!hasActivity(u)) return result;
    const gap = Math.max(0, u.timestamp - this.prevActivity);
    this.prevActivity = Math.max(this.prevActivity, u.timestamp);
    if (gap > IDLE_THRESHOLD_MS) return result;
    this.active += gap;
    this.languages[this.language] = (this.languages[this.language] ?? 0) + gap;
    this.weightedScore += gap * result.flowIntensity;
    return result;
  }

  /** Closed flow periods so far (all of them once finished). */
  get periods(): readonly FlowPeriod[] {
    return this.ended ?? this.detector.periods;
  }

  /** Start of the flow period in progress, or null when not in flow (or finished). */
  get openPeriodStart(): number | null {
    if (this.ended || !this.detector.isInFlow || !this.lastResult) return null;
    return this.last - this.lastResult.flowDurationMs;
  }

  /** Ends the session at `endTime` (default the last update), closing an open flow period. */
  finish(endTime?: number): void {
    if (this.ended) return;
    this.last = Math.max(endTime ?? this.last, this.startTime);
    this.ended = this.detector.close(this.last);
  }

  /** Whether {@link RunningSummary.finish} was called. */
  get finished(): boolean {
    return this.ended !== null;
  }

  /** The metrics so far (final once finished). */
  metrics(): RunningMetrics {
    const minutes = this.active / 60_000;
    const errorRate = minutes > 0 ? Math.min(MAX_ERROR_RATE, this.totals.errors / minutes) : 0;
    return {
      total_duration_ms: this.last - this.startTime,
      active_duration_ms: this.active,
      files_modified: this.totals.files,
      keystrokes: this.totals.keys,
      lines_added: this.totals.added,
      lines_deleted: this.totals.deleted,
      language_breakdown: { ...this.languages },
      interruption_count: this.periods.filter((p) => p.endReason !== 'session_end').length,
      error_rate: Math.round(errorRate * 10_000) / 10_000,
      focus_score: this.active > 0 ? Math.round((this.weightedScore / this.active) * 100) / 100 : 0,
    };
  }
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
