import {
  clamp,
  personalScale,
  POPULATION_BASELINE,
  type PersonalBaseline,
} from './personal-baseline';
import { MIN_RHYTHM_INTERVALS, rhythmScore, type IntervalStats } from './rhythm';
import type { RhythmFeatures } from './rhythm-features';

/**
 * Features of one update, every one in [0,1]. The first seven (the seed's four, which the
 * heuristic uses, and three more the previous learned model used) mean 1 = "looks like flow";
 * the {@link RhythmFeatures} (the default model's) are judged against the person's own pace.
 */
export interface FlowFeatures extends RhythmFeatures {
  /** Seed rhythm score (0, 0.3, 0.7 or 0.9) on personally rescaled interval stats. */
  readonly rhythm: number;
  /** Seed focus score from context switches (1, 0.8, 0.5, 0.2). */
  readonly focus: number;
  /** Error score: 1 with no errors, falling with each error (the seed's "error penalty"). */
  readonly errorScore: number;
  /** Window focus duration saturating at {@link FOCUS_DURATION_HORIZON_MS}. */
  readonly focusDuration: number;
  /** Continuous steadiness, 1 / (1 + rescaled CoV); 0 with too few intervals. */
  readonly steadiness: number;
  /** Closeness of the rescaled mean interval to the reference pace (ratio min/max). */
  readonly pace: number;
  /** Recent keystrokes per minute divided by the person's typical rate, capped at 1. */
  readonly activity: number;
}

/** Order of features in the previous learned model's input vector (`learnedFlowModel`). */
export const FEATURE_ORDER = [
  'rhythm',
  'focus',
  'errorScore',
  'focusDuration',
  'steadiness',
  'pace',
  'activity',
] as const satisfies readonly (keyof FlowFeatures)[];

/** Number of features the previous learned model takes. */
export const FEATURE_COUNT = FEATURE_ORDER.length;

/**
 * Window focus duration at which the focus-duration feature saturates at 1: 15 minutes, the
 * immersion time DeMarco & Lister ("Peopleware", 1987) report it takes to get into flow.
 * (The seed divided by 1000 and let the value exceed 1.)
 */
export const FOCUS_DURATION_HORIZON_MS = 15 * 60_000;

/** Error count at which the error score halves; matches the seed's "> 3 errors" advice. */
export const ERROR_HALF_SCORE_COUNT = 3;

/** Reference pace (ms per keystroke) the pace feature compares against; Dhakal et al. 2018. */
export const REFERENCE_INTERVAL_MS = 240;

/** The seed's focus table: 0–2 switches → 1.0, 3–5 → 0.8, 6–10 → 0.5, more → 0.2. */
export function focusScore(contextSwitches: number): number {
  if (contextSwitches <= 2) return 1;
  if (contextSwitches <= 5) return 0.8;
  if (contextSwitches <= 10) return 0.5;
  return 0.2;
}

/**
 * The seed's `calculate_error_penalty`, left undefined there, defined here as a score in [0,1]:
 * `1 / (1 + errors / 3)`. 0 errors → 1, 3 → 0.5, 9 → 0.25; more errors never raise it.
 */
export function errorScore(errorEvents: number): number {
  return 1 / (1 + Math.max(0, errorEvents) / ERROR_HALF_SCORE_COUNT);
}

/** Window focus duration normalised to [0,1], linear up to {@link FOCUS_DURATION_HORIZON_MS}. */
export function focusDurationScore(windowFocusDurationMs: number): number {
  return clamp(windowFocusDurationMs / FOCUS_DURATION_HORIZON_MS, 0, 1);
}

/** What the feature extractor needs beyond the raw update. */
export interface FeatureContext {
  /** Stats of the recent keystroke intervals (the detector's ring buffer). */
  readonly stats: IntervalStats;
  /** Recent keystrokes per minute of wall-clock time. */
  readonly keystrokesPerMinute: number;
  /** Context switches in this update. */
  readonly contextSwitches: number;
  /** Error events in this update. */
  readonly errorEvents: number;
  /** Window focus duration in this update, ms. */
  readonly windowFocusDuration: number;
  /** The person's baseline; absent → population reference. */
  readonly baseline?: PersonalBaseline;
  /** The rhythm features (`rhythmStep`); absent → {@link NO_RHYTHM_FEATURES}. */
  readonly rhythmFeatures?: RhythmFeatures;
}

/**
 * Rhythm features of an update nothing is known about (no keystrokes, no focus, no history):
 * what `rhythmStep` gives for an empty update.
 */
export const NO_RHYTHM_FEATURES: RhythmFeatures = {
  burstShare: 0,
  burstTrend: 0,
  thinkShare: 0,
  gapShare: 1,
  pauseRate: 1,
  burstLength: 0,
  paceShift: 0.5,
  spread: 0,
  switchCalm: 1,
  switchNow: 1,
  switchSteady: 1,
  focusShare: 0,
  focusDepth: 0,
  errorCalm: 1,
  errorFix: 0,
  editRate: 0,
  typingEvidence: 0,
};

/**
 * Computes {@link FlowFeatures}. Interval stats are rescaled by the person's baseline first, so
 * a steady typist at 450 ms whose usual pace is 450 ms is judged as the seed judges 240 ms.
 *
 * @example
 * ```ts
 * const f = extractFeatures({ stats: intervalStats(buf), keystrokesPerMinute: 80,
 *   contextSwitches: 1, errorEvents: 0, windowFocusDuration: 600_000 });
 * ```
 */
export function extractFeatures(ctx: FeatureContext): FlowFeatures {
  const scale = personalScale(ctx.baseline);
  const enough = ctx.stats.count >= MIN_RHYTHM_INTERVALS;
  const mean = ctx.stats.mean * scale.mean;
  const cov = ctx.stats.cov * scale.cov;
  const scaled: IntervalStats = { count: ctx.stats.count, mean, cov };
  const pace =
    enough && mean > 0
      ? Math.min(mean, REFERENCE_INTERVAL_MS) / Math.max(mean, REFERENCE_INTERVAL_MS)
      : 0;
  const r = ctx.rhythmFeatures ?? NO_RHYTHM_FEATURES;
  // Copied by name, not spread: V8 ran the spread of the rhythm features through a slow
  // path, 10 µs a call, most of a detector update (docs/performance.md, "Seventh round").
  return {
    burstShare: r.burstShare,
    burstTrend: r.burstTrend,
    thinkShare: r.thinkShare,
    gapShare: r.gapShare,
    pauseRate: r.pauseRate,
    burstLength: r.burstLength,
    paceShift: r.paceShift,
    spread: r.spread,
    switchCalm: r.switchCalm,
    switchNow: r.switchNow,
    switchSteady: r.switchSteady,
    focusShare: r.focusShare,
    focusDepth: r.focusDepth,
    errorCalm: r.errorCalm,
    errorFix: r.errorFix,
    editRate: r.editRate,
    typingEvidence: r.typingEvidence,
    rhythm: rhythmScore(scaled),
    focus: focusScore(ctx.contextSwitches),
    errorScore: errorScore(ctx.errorEvents),
    focusDuration: focusDurationScore(ctx.windowFocusDuration),
    steadiness: enough ? 1 / (1 + cov) : 0,
    pace,
    activity: clamp(
      ctx.keystrokesPerMinute / (ctx.baseline ?? POPULATION_BASELINE).keystrokesPerMinute,
      0,
      1,
    ),
  };
}

/** The features as a vector in `order` (default {@link FEATURE_ORDER}). */
export function featureVector(
  f: FlowFeatures,
  order: readonly (keyof FlowFeatures)[] = FEATURE_ORDER,
): number[] {
  return order.map((k) => f[k]);
}
