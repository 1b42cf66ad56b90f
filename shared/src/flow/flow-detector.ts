import type { FlowInput } from '../schemas/flow-input';
import { resolveDetectorConfig, type FlowDetectorConfig } from './detector-config';
import {
  parseDetectorSnapshot,
  type ActivityEntry,
  type FlowDetectorSnapshot,
  type PeriodAccumulator,
} from './detector-snapshot';
import { OutOfOrderInputError } from './errors';
import { extractFeatures, type FlowFeatures } from './features';
import type { FlowModel } from './flow-model';
import type { FlowPeriod, FlowPeriodEndReason } from './flow-period';
import type { FlowStateResult } from './flow-result';
import { defaultFlowModel } from './default-model';
import { checkPeakHours, type PeakHours, type PersonalBaseline } from './personal-baseline';
import { generateRecommendations } from './recommendations';
import { intervalStats } from './rhythm';
import { advanceRhythm, emptyRhythmState, rhythmStep, type RhythmStep } from './rhythm-features';
import { RingBuffer } from './ring-buffer';
import { paceSettled, rhythmPrior } from './session-rhythm';
import { enoughEvidenceToEnter, type EntryEvidence } from './entry-evidence';

/** Options of a {@link FlowDetector}. */
export interface FlowDetectorOptions {
  /**
   * Model used by {@link FlowDetector.update}; default {@link defaultFlowModel} (the rhythm model,
   * judged against the person's own pace). `heuristicFlowModel` is the seed's, for comparison.
   */
  readonly model?: FlowModel;
  /**
   * The user's baseline from `computeBaseline`; absent → population reference. Its `peakHours`
   * (when present) drive the peak-hour recommendation.
   */
  readonly baseline?: PersonalBaseline | null;
  /** Overrides of {@link DEFAULT_DETECTOR_CONFIG}. */
  readonly config?: Partial<FlowDetectorConfig>;
}

type MutableState = Omit<FlowDetectorSnapshot, 'intervals' | 'config' | 'baseline'>;

/** What scoring an input needs and committing it reuses. */
interface Prepared {
  readonly features: FlowFeatures;
  readonly step: RhythmStep;
  readonly activity: ActivityEntry[];
  readonly idle: boolean;
  readonly evidence: EntryEvidence;
}

/** Confidence reaches full data sufficiency at this many buffered intervals. */
const FULL_CONFIDENCE_INTERVALS = 50;
/** Score distance from the active threshold at which the margin part of confidence is 1. */
const FULL_CONFIDENCE_MARGIN = 0.3;

/**
 * Span of one activity entry, ms: an update that ends within this span of the start of the
 * previous entry joins it. The extension updates every 30 s, so its entries stay one per update;
 * a client updating every few milliseconds no longer makes each update filter and copy thousands
 * of entries (30 µs an update at one update per 40 ms, in the REST bench).
 */
export const ACTIVITY_ENTRY_MS = 5_000;

/**
 * Per-session flow state machine. Pure: time comes only from each input's `timestamp`; no clock,
 * no randomness, no I/O. State is serialisable with {@link FlowDetector.snapshot} and restoring it
 * then feeding more inputs equals feeding all inputs to one detector.
 *
 * Scoring is split from state so async models fit: `update(input)` scores with the sync model;
 * for onnxruntime, `featuresFor(input)` gives the features, the caller awaits the ONNX score and
 * passes it to `updateWithScore(input, score)` (or uses `updateWithAsyncModel`).
 *
 * @example
 * ```ts
 * const detector = new FlowDetector({ baseline: computeBaseline(history) ?? undefined });
 * const result = detector.update(parseFlowInput(body));
 * if (result.isInFlow) muteNotifications();
 * const periods = detector.close(endTime);
 * ```
 */
export class FlowDetector {
  readonly config: FlowDetectorConfig;
  readonly baseline: PersonalBaseline | null;
  readonly model: FlowModel;
  private readonly buffer: RingBuffer;
  private s: MutableState;

  constructor(options: FlowDetectorOptions = {}) {
    this.config = resolveDetectorConfig(options.config);
    this.baseline = options.baseline ?? null;
    checkPeakHours(this.baseline?.peakHours);
    this.model = options.model ?? defaultFlowModel;
    this.buffer = new RingBuffer(this.config.bufferCapacity);
    this.s = {
      version: 1,
      activity: [],
      lastTimestamp: null,
      activeSince: null,
      inFlow: false,
      enterPendingSince: null,
      flowStart: null,
      exitPendingSince: null,
      current: null,
      exitPending: null,
      lastInterruptionEnd: null,
      lastScore: null,
      periods: [],
      rhythm: emptyRhythmState(),
    };
  }

  /**
   * Rebuilds a detector from {@link FlowDetector.snapshot} output (validated; throws
   * `FlowInputError` on a malformed snapshot). The model is not state: pass it again.
   */
  static restore(snapshot: unknown, model?: FlowModel): FlowDetector {
    const snap = parseDetectorSnapshot(snapshot);
    const d = new FlowDetector({ model, baseline: snap.baseline, config: snap.config });
    d.buffer.pushAll(snap.intervals);
    const { intervals: _i, config: _c, baseline: _b, ...rest } = structuredClone(snap);
    d.s = rest;
    return d;
  }

  /** The full state as plain JSON-safe data. */
  snapshot(): FlowDetectorSnapshot {
    return structuredClone({
      ...this.s,
      config: this.config,
      baseline: this.baseline,
      intervals: this.buffer.toArray(),
    });
  }

  /** Closed flow periods so far, oldest first. */
  get periods(): readonly FlowPeriod[] {
    return this.s.periods;
  }

  /** Whether the detector is currently in flow. */
  get isInFlow(): boolean {
    return this.s.inFlow;
  }

  /** The features `input` would be scored on, without changing state. */
  featuresFor(input: FlowInput): FlowFeatures {
    return this.prepare(input).features;
  }

  /** Scores `input` with the detector's (sync) model and advances the state. */
  update(input: FlowInput): FlowStateResult {
    const prepared = this.prepare(input);
    return this.commit(input, this.model.score(prepared.features), prepared);
  }

  /** Features of `input` and the rhythm step behind them, from the current state. */
  private prepare(input: FlowInput): Prepared {
    const t = input.timestamp;
    this.checkOrder(t);
    const idle = this.isIdleGap(t);
    const intervals = idle
      ? input.keystrokeIntervals.slice(-this.config.bufferCapacity)
      : this.buffer.previewWith(input.keystrokeIntervals);
    const activity = this.activityWith(input, idle);
    const last = this.s.lastTimestamp;
    const rhythm = idle ? { ...this.s.rhythm, ema: null, prevErrors: 0 } : this.s.rhythm;
    const step = rhythmStep(rhythm, input, idle || last === null ? null : t - last, this.baseline);
    const features = extractFeatures({
      stats: intervalStats(intervals),
      keystrokesPerMinute: keystrokesPerMinute(activity, t),
      contextSwitches: input.contextSwitches,
      errorEvents: input.errorEvents,
      windowFocusDuration: input.windowFocusDuration,
      rhythmFeatures: step.features,
      ...(this.baseline ? { baseline: this.baseline } : {}),
    });
    return { features, step, activity, idle, evidence: this.evidence(t, idle, input) };
  }

  /**
   * What flow could begin on with `input` ({@link enoughEvidenceToEnter}), without changing
   * state: how long the stretch it belongs to has been observed, and whether its typing is judged
   * against the session's own settled pace.
   *
   * @throws OutOfOrderInputError when `input.timestamp` is before the previous input's.
   */
  entryEvidenceFor(input: FlowInput): EntryEvidence {
    const t = input.timestamp;
    this.checkOrder(t);
    return this.evidence(t, this.isIdleGap(t), input);
  }

  private evidence(t: number, idle: boolean, input: FlowInput): EntryEvidence {
    const since = idle ? t : (this.s.activeSince ?? t);
    return {
      observedMs: t - since,
      keystrokes: input.keystrokeIntervals.length,
      paceSettled: paceSettled(this.s.rhythm.histTotal, rhythmPrior(this.baseline)),
    };
  }

  /**
   * Advances the state with a score computed elsewhere (e.g. by the ONNX model on
   * {@link FlowDetector.featuresFor}). `score` must be in [0,1].
   *
   * @throws OutOfOrderInputError when `input.timestamp` is before the previous input's.
   */
  updateWithScore(input: FlowInput, score: number): FlowStateResult {
    if (!(score >= 0 && score <= 1))
      throw new RangeError(`flow score must be in [0,1], got ${score}`);
    return this.commit(input, score, this.prepare(input));
  }

  private commit(input: FlowInput, score: number, prepared: Prepared): FlowStateResult {
    if (!(score >= 0 && score <= 1))
      throw new RangeError(`flow score must be in [0,1], got ${score}`);
    const t = input.timestamp;
    const { activity, idle, step } = prepared;
    if (idle) this.goIdle();
    advanceRhythm(this.s.rhythm, input, step);
    this.s.activity = activity;
    this.buffer.pushAll(input.keystrokeIntervals);
    this.s.activeSince ??= t;
    const mayEnter = enoughEvidenceToEnter(prepared.evidence, this.config.minEvidenceMs);
    this.step(t, score, input.contextSwitches, mayEnter);
    this.s.lastTimestamp = t;
    this.s.lastScore = score;
    return {
      isInFlow: this.s.inFlow,
      flowIntensity: score,
      flowDurationMs: this.s.inFlow && this.s.flowStart !== null ? t - this.s.flowStart : 0,
      confidence: this.confidence(score),
      recommendations: generateRecommendations({
        score,
        contextSwitches: input.contextSwitches,
        errorEvents: input.errorEvents,
        continuousWorkMs: t - (this.s.activeSince ?? t),
        isInFlow: this.s.inFlow,
        timestamp: t,
        ...this.peakHours(),
      }),
    };
  }

  /**
   * Ends the session at `timestamp`: closes an open flow period (reason `session_end`) and
   * returns all closed periods. If `timestamp` is past the idle gap the period ends at the last
   * update instead.
   */
  close(timestamp: number): readonly FlowPeriod[] {
    const last = this.s.lastTimestamp;
    if (this.s.inFlow && last !== null) {
      const end =
        this.s.exitPendingSince ??
        (timestamp >= last && timestamp - last <= this.config.idleGapMs ? timestamp : last);
      this.closePeriod(end, 'session_end');
    }
    this.s.enterPendingSince = null;
    this.s.current = null;
    return this.s.periods;
  }

  /** Explicitly configured peak hours, else the baseline's, else none. */
  private peakHours(): { peakHoursOfWeek: readonly number[]; utcOffsetMinutes: number } {
    const c = this.config;
    const fromBaseline: PeakHours | undefined = this.baseline?.peakHours;
    if (c.peakHoursOfWeek.length > 0 || !fromBaseline) {
      return { peakHoursOfWeek: c.peakHoursOfWeek, utcOffsetMinutes: c.utcOffsetMinutes };
    }
    return {
      peakHoursOfWeek: fromBaseline.hoursOfWeek,
      utcOffsetMinutes: fromBaseline.utcOffsetMinutes,
    };
  }

  private checkOrder(t: number): void {
    const last = this.s.lastTimestamp;
    if (last !== null && t < last) throw new OutOfOrderInputError(t, last);
  }

  private isIdleGap(t: number): boolean {
    return this.s.lastTimestamp !== null && t - this.s.lastTimestamp > this.config.idleGapMs;
  }

  /** Activity entries after adding `input`, pruned to the activity window. */
  private activityWith(input: FlowInput, idle: boolean): ActivityEntry[] {
    const t = input.timestamp;
    const prior = idle ? [] : this.s.activity;
    let typed = 0;
    for (const x of input.keystrokeIntervals) typed += x;
    const startMs = !idle && this.s.lastTimestamp !== null ? this.s.lastTimestamp : t - typed;
    const from = t - this.config.activityWindowMs;
    const kept = prior.filter((e) => e.endMs > from);
    const keystrokes = input.keystrokeIntervals.length;
    const last = kept[kept.length - 1];
    if (last !== undefined && t - last.startMs < ACTIVITY_ENTRY_MS) {
      // Updates seconds apart share one entry: the window holds at most
      // activityWindowMs / ACTIVITY_ENTRY_MS entries however often updates come.
      kept[kept.length - 1] = {
        startMs: last.startMs,
        endMs: t,
        keystrokes: last.keystrokes + keystrokes,
      };
    } else {
      kept.push({ startMs, endMs: t, keystrokes });
    }
    return kept;
  }

  private goIdle(): void {
    if (this.s.inFlow && this.s.lastTimestamp !== null) {
      this.closePeriod(this.s.exitPendingSince ?? this.s.lastTimestamp, 'idle');
    }
    this.s.lastInterruptionEnd = null;
    this.s.enterPendingSince = null;
    this.s.current = null;
    this.s.activity = [];
    this.s.activeSince = null;
    this.s.rhythm.ema = null;
    this.s.rhythm.prevErrors = 0;
    this.buffer.clear();
  }

  /**
   * Hysteresis with dwell times (see {@link FlowDetectorConfig}). A pending entry may start and
   * its dwell may run before there is enough evidence (`mayEnter`), but flow begins only on an
   * update with enough; the period then starts where the pending entry did.
   */
  private step(t: number, score: number, switches: number, mayEnter: boolean): void {
    const c = this.config;
    const s = this.s;
    if (!s.inFlow) {
      if (score < c.enterThreshold) {
        s.enterPendingSince = null;
        s.current = null;
        return;
      }
      if (s.enterPendingSince === null) {
        s.enterPendingSince = t;
        s.current = emptyAcc();
      }
      addTo(s.current!, score, switches);
      if (mayEnter && t - s.enterPendingSince >= c.enterDwellMs) {
        s.inFlow = true;
        s.flowStart = s.enterPendingSince;
        s.enterPendingSince = null;
      }
      return;
    }
    if (score >= c.exitThreshold) {
      if (s.exitPending) mergeInto(s.current!, s.exitPending);
      s.exitPending = null;
      s.exitPendingSince = null;
      addTo(s.current!, score, switches);
      return;
    }
    if (s.exitPendingSince === null) {
      s.exitPendingSince = t;
      s.exitPending = emptyAcc();
    }
    addTo(s.exitPending!, score, switches);
    if (t - s.exitPendingSince >= c.exitDwellMs) this.closePeriod(s.exitPendingSince, 'score');
  }

  private closePeriod(end: number, reason: FlowPeriodEndReason): void {
    const s = this.s;
    const start = s.flowStart ?? end;
    const acc = s.current ?? emptyAcc();
    s.periods.push({
      startMs: start,
      endMs: end,
      durationMs: end - start,
      intensity: acc.count > 0 ? acc.scoreSum / acc.count : 0,
      contextSwitches: acc.contextSwitches,
      recoveryTimeMs: s.lastInterruptionEnd === null ? null : start - s.lastInterruptionEnd,
      endReason: reason,
    });
    s.lastInterruptionEnd = reason === 'score' ? end : null;
    s.inFlow = false;
    s.flowStart = null;
    s.current = null;
    s.exitPending = null;
    s.exitPendingSince = null;
  }

  private confidence(score: number): number {
    const sufficiency = Math.min(1, this.buffer.size / FULL_CONFIDENCE_INTERVALS);
    const threshold = this.s.inFlow ? this.config.exitThreshold : this.config.enterThreshold;
    const margin = Math.min(1, Math.abs(score - threshold) / FULL_CONFIDENCE_MARGIN);
    return sufficiency * (0.5 + 0.5 * margin);
  }
}

function emptyAcc(): PeriodAccumulator {
  return { scoreSum: 0, count: 0, contextSwitches: 0 };
}

function addTo(acc: PeriodAccumulator, score: number, switches: number): void {
  acc.scoreSum += score;
  acc.count += 1;
  acc.contextSwitches += switches;
}

function mergeInto(into: PeriodAccumulator, from: PeriodAccumulator): void {
  into.scoreSum += from.scoreSum;
  into.count += from.count;
  into.contextSwitches += from.contextSwitches;
}

/** Keystrokes per minute over the activity entries (wall-clock span, at least one second). */
function keystrokesPerMinute(entries: readonly ActivityEntry[], now: number): number {
  if (entries.length === 0) return 0;
  let keys = 0;
  let from = now;
  for (const e of entries) {
    keys += e.keystrokes;
    if (e.startMs < from) from = e.startMs;
  }
  return keys / (Math.max(1000, now - from) / 60_000);
}
