import {
  computePersonalPatterns,
  type PersonalPatterns,
  type SessionHistoryEntry,
} from './personal-patterns';

/** Kinds of insight (the `insight_type` column of `user_insights`). */
export const INSIGHT_TYPES = {
  peakHours: 'peak_hours',
  bestDays: 'best_days',
  typicalFlowDuration: 'typical_flow_duration',
  optimalSessionLength: 'optimal_session_length',
  recoveryTime: 'recovery_time',
} as const;

/** One of {@link INSIGHT_TYPES}. */
export type InsightType = (typeof INSIGHT_TYPES)[keyof typeof INSIGHT_TYPES];

/** An insight in the wire / `user_insights` shape. */
export interface UserInsight {
  insight_type: InsightType;
  insight_data: Record<string, unknown>;
  /** In (0,1], 2 decimals (the column is DECIMAL(3,2)). */
  confidence_score: number;
  /** YYYY-MM-DD. */
  date_range_start: string;
  /** YYYY-MM-DD. */
  date_range_end: string;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function minutes(ms: number): number {
  return Math.round(ms / 60_000);
}

/**
 * Insights from personal patterns: one per pattern whose confidence is above 0 (i.e. which rests
 * on at least the minimum data of `PATTERN_MINIMUMS`). Nothing is claimed from too little data.
 *
 * @example
 * ```ts
 * const { insights } = { insights: generateInsights(history, user.utcOffsetMinutes) };
 * ```
 */
export function generateInsights(
  history: readonly SessionHistoryEntry[],
  utcOffsetMinutes = 0,
): UserInsight[] {
  return insightsFromPatterns(computePersonalPatterns(history, utcOffsetMinutes));
}

/** Same as {@link generateInsights} from already computed patterns. */
export function insightsFromPatterns(p: PersonalPatterns): UserInsight[] {
  if (p.date_range_start === null || p.date_range_end === null) return [];
  const range = { date_range_start: p.date_range_start, date_range_end: p.date_range_end };
  const out: UserInsight[] = [];
  const add = (type: InsightType, conf: number, data: Record<string, unknown>) => {
    const rounded = Math.round(conf * 100) / 100;
    if (rounded > 0)
      out.push({ insight_type: type, insight_data: data, confidence_score: rounded, ...range });
  };
  const c = p.confidence;
  add(INSIGHT_TYPES.peakHours, c.peak_hours, {
    hours_of_week: p.peak_hours,
    hours_of_day: p.peak_hours_of_day,
    message: `You reach flow most often around ${p.peak_hours_of_day.map((h) => `${h}:00`).join(', ')}`,
  });
  add(INSIGHT_TYPES.bestDays, c.best_days, {
    days: p.best_days,
    message: `Your best flow days: ${p.best_days.map((d) => DAY_NAMES[d]).join(', ')}`,
  });
  if (p.typical_flow_duration_ms !== null) {
    add(INSIGHT_TYPES.typicalFlowDuration, c.typical_flow_duration_ms, {
      duration_ms: p.typical_flow_duration_ms,
      message: `Your flow periods typically last ${minutes(p.typical_flow_duration_ms)} minutes`,
    });
  }
  if (p.optimal_session_length_ms !== null) {
    add(INSIGHT_TYPES.optimalSessionLength, c.optimal_session_length_ms, {
      duration_ms: p.optimal_session_length_ms,
      message: `Your focus is best in sessions of about ${minutes(p.optimal_session_length_ms)} minutes`,
    });
  }
  if (p.recovery_time_ms !== null) {
    add(INSIGHT_TYPES.recoveryTime, c.recovery_time_ms, {
      duration_ms: p.recovery_time_ms,
      message: `After an interruption you take about ${minutes(p.recovery_time_ms)} minutes to get back into flow`,
    });
  }
  return out;
}
