import { hourOfWeek } from './time-buckets';

/**
 * Every recommendation the engine can give. The first three are the seed's exact strings.
 * Each has one measurable trigger, see {@link generateRecommendations} and shared/model/README.md.
 */
export const RECOMMENDATIONS = {
  /** Seed: score < 0.4. */
  resetBreak: 'Consider taking a 5-minute break to reset focus',
  /** Seed: more than 5 context switches in the update. */
  focusMode: 'Try using focus mode or disable non-essential notifications',
  /** Seed: more than 3 error events in the update. */
  slowDown: 'Slow down slightly - accuracy improves flow state',
  /** 50+ minutes of continuous work (no idle gap) while not in flow. */
  longStretchBreak:
    'You have worked for over 50 minutes without a break: step away from the screen for 5-10 minutes',
  /** 60+ minutes of continuous work while in flow (see `breakInFlowAfterMs` for why later). */
  longFlowBreak:
    'You have worked for over 60 minutes without a break: at the next natural pause, step away from the screen for 5-10 minutes',
  /** Within one of the user's peak hours and more than 2 context switches in the update. */
  protectPeakHour:
    'This is one of your peak focus hours: protect it - decline meetings and silence notifications',
} as const;

/** Thresholds of the recommendation triggers. */
export const RECOMMENDATION_TRIGGERS = {
  lowScore: 0.4,
  maxContextSwitches: 5,
  maxErrorEvents: 3,
  /**
   * Continuous work (no idle gap) after which a break is suggested when not in flow, ms: the
   * lower end of the 50–60 minutes of continuous work break advice targets (DESIGN.md).
   */
  breakAfterMs: 50 * 60_000,
  /**
   * The same in flow, ms: the upper end of that range. Shown advice is itself an interruption,
   * and returning to a deep task after one is slow (Iqbal & Horvitz, CHI 2007: 10–15 minutes
   * before people went back to a task suspended by an alert), so flow gets the last 10 minutes of
   * the range before being interrupted.
   */
  breakInFlowAfterMs: 60 * 60_000,
  /** Context switches in a peak hour above which the peak hour is "leaking". */
  peakHourMaxContextSwitches: 2,
} as const;

/** What the recommendation triggers look at. */
export interface RecommendationContext {
  /** Flow score of this update. */
  readonly score: number;
  /** Context switches in this update. */
  readonly contextSwitches: number;
  /** Error events in this update. */
  readonly errorEvents: number;
  /** Time since the current stretch of work began (no idle gap since), ms. */
  readonly continuousWorkMs: number;
  /** Whether the detector is in flow after this update. */
  readonly isInFlow: boolean;
  /** Time of the update, ms since epoch. */
  readonly timestamp: number;
  /** The user's peak hours (hour of week, local), from their personal patterns. */
  readonly peakHoursOfWeek: readonly number[];
  /** The user's UTC offset, minutes east. */
  readonly utcOffsetMinutes: number;
}

/**
 * Recommendations for one update, in a fixed order.
 *
 * @example
 * ```ts
 * generateRecommendations({ score: 0.3, contextSwitches: 8, errorEvents: 0,
 *   continuousWorkMs: 0, isInFlow: false, timestamp, peakHoursOfWeek: [], utcOffsetMinutes: 0 })
 * // [RECOMMENDATIONS.resetBreak, RECOMMENDATIONS.focusMode]
 * ```
 */
export function generateRecommendations(ctx: RecommendationContext): string[] {
  const T = RECOMMENDATION_TRIGGERS;
  const out: string[] = [];
  if (ctx.score < T.lowScore) out.push(RECOMMENDATIONS.resetBreak);
  if (ctx.contextSwitches > T.maxContextSwitches) out.push(RECOMMENDATIONS.focusMode);
  if (ctx.errorEvents > T.maxErrorEvents) out.push(RECOMMENDATIONS.slowDown);
  if (ctx.isInFlow) {
    if (ctx.continuousWorkMs >= T.breakInFlowAfterMs) out.push(RECOMMENDATIONS.longFlowBreak);
  } else if (ctx.continuousWorkMs >= T.breakAfterMs) {
    out.push(RECOMMENDATIONS.longStretchBreak);
  }
  if (
    ctx.contextSwitches > T.peakHourMaxContextSwitches &&
    ctx.peakHoursOfWeek.includes(hourOfWeek(ctx.timestamp, ctx.utcOffsetMinutes))
  ) {
    out.push(RECOMMENDATIONS.protectPeakHour);
  }
  return out;
}
