import { median, sampleConfidence } from './descriptive-stats';
import type { SessionSummary } from './session-summary';
import { addSpanToHourBuckets, HOURS_PER_WEEK, isoDate } from './time-buckets';

/** One past session: its start and its summary (as stored in `coding_sessions`). */
export interface SessionHistoryEntry {
  /** Session start, ms since epoch. */
  readonly startTime: number;
  /** The session's summary columns. */
  readonly summary: Pick<
    SessionSummary,
    'total_duration_ms' | 'focus_score' | 'flow_state_periods' | 'interruption_count'
  >;
}

/**
 * How much data each pattern needs. Below `min` the pattern is absent (null / empty, confidence
 * 0): no claim is made from three sessions. Confidence reaches 1 at `full` samples.
 */
export const PATTERN_MINIMUMS = {
  /** Flow-time buckets (peak hours, days): sessions. */
  timing: { min: 10, full: 60 },
  /** Typical flow duration: flow periods (and at least 5 sessions). */
  flowDuration: { min: 8, full: 40 },
  /** Recovery time: measured recoveries (and at least 5 sessions). */
  recovery: { min: 5, full: 30 },
  /** Optimal session length: sessions, with >= 3 in at least two length buckets. */
  sessionLength: { min: 10, full: 60 },
  /** Sessions below which no pattern at all is claimed. */
  anySessions: 5,
} as const;

/**
 * The history personal patterns are drawn from, on the server and on a device
 * alike: the ended sessions that started in the last `lookbackDays`, at most
 * the newest `maxSessions` of them. Habits change; a year-old routine should
 * not name today's peak hours, and the cost stays bounded as history grows.
 */
export const PATTERN_HISTORY = { lookbackDays: 180, maxSessions: 2000 } as const;

/** Session lengths are compared in buckets of this size when finding the optimal length, ms. */
export const SESSION_LENGTH_BUCKET_MS = 30 * 60_000;

/** A time bucket is a peak when its flow time is at least this share of the best bucket's. */
export const PEAK_SHARE = 0.75;

/** Personal flow patterns, snake_case (the body of `GET /api/flow/patterns`). */
export interface PersonalPatterns {
  session_count: number;
  flow_period_count: number;
  /** Hours of week (0 = Sunday 00:00 local) with the most flow time, best first. */
  peak_hours: number[];
  /** Hours of day (0–23 local) with the most flow time, best first. */
  peak_hours_of_day: number[];
  /** Days of week (0 = Sunday) with the most flow time, best first. */
  best_days: number[];
  /** Median flow period duration, ms. */
  typical_flow_duration_ms: number | null;
  /** Median length of sessions in the length bucket with the best mean focus score, ms. */
  optimal_session_length_ms: number | null;
  /** Median time to re-enter flow after an interruption, ms. */
  recovery_time_ms: number | null;
  /** Confidence in [0,1] of each pattern above (0 = not enough data, pattern absent). */
  confidence: {
    peak_hours: number;
    peak_hours_of_day: number;
    best_days: number;
    typical_flow_duration_ms: number;
    optimal_session_length_ms: number;
    recovery_time_ms: number;
  };
  /** First and last session dates (YYYY-MM-DD, local), null without history. */
  date_range_start: string | null;
  date_range_end: string | null;
}

function topBuckets(buckets: readonly number[]): number[] {
  const max = Math.max(0, ...buckets);
  if (max <= 0) return [];
  return buckets
    .map((ms, i) => ({ ms, i }))
    .filter((b) => b.ms >= PEAK_SHARE * max)
    .sort((a, b) => b.ms - a.ms || a.i - b.i)
    .map((b) => b.i);
}

function optimalSessionLength(history: readonly SessionHistoryEntry[]): number | null {
  const byBucket = new Map<number, SessionHistoryEntry[]>();
  for (const h of history) {
    const k = Math.floor(h.summary.total_duration_ms / SESSION_LENGTH_BUCKET_MS);
    byBucket.set(k, [...(byBucket.get(k) ?? []), h]);
  }
  const usable = [...byBucket.values()].filter((list) => list.length >= 3);
  if (usable.length < 2) return null;
  const meanFocus = (l: SessionHistoryEntry[]) =>
    l.reduce((s, h) => s + h.summary.focus_score, 0) / l.length;
  const best = usable.reduce((a, b) => (meanFocus(b) > meanFocus(a) ? b : a));
  return median(best.map((h) => h.summary.total_duration_ms));
}

/**
 * Personal flow patterns from a user's session history. Pure; time zone by `utcOffsetMinutes`.
 * Each pattern carries a confidence from {@link PATTERN_MINIMUMS}; below the minimum it is
 * absent and its confidence is 0.
 *
 * @example
 * ```ts
 * const p = computePersonalPatterns(history, 60);
 * if (p.confidence.peak_hours > 0.5) suggestFocusBlock(p.peak_hours);
 * ```
 */
export function computePersonalPatterns(
  history: readonly SessionHistoryEntry[],
  utcOffsetMinutes = 0,
): PersonalPatterns {
  const M = PATTERN_MINIMUMS;
  const n = history.length;
  const enough = n >= M.anySessions;
  const week = new Array<number>(HOURS_PER_WEEK).fill(0);
  const durations: number[] = [];
  const recoveries: number[] = [];
  for (const h of history) {
    for (const p of h.summary.flow_state_periods) {
      const start = Date.parse(p.start_time);
      const end = Date.parse(p.end_time);
      if (!(end >= start)) continue;
      addSpanToHourBuckets(week, start, end, utcOffsetMinutes);
      durations.push(p.duration_ms);
      if (p.recovery_time_ms !== null) recoveries.push(p.recovery_time_ms);
    }
  }
  const day = new Array<number>(24).fill(0);
  const weekday = new Array<number>(7).fill(0);
  week.forEach((ms, i) => {
    day[i % 24] += ms;
    weekday[Math.floor(i / 24)] += ms;
  });
  const timingConf = durations.length > 0 ? sampleConfidence(n, M.timing.min, M.timing.full) : 0;
  const durConf = enough
    ? sampleConfidence(durations.length, M.flowDuration.min, M.flowDuration.full)
    : 0;
  const recConf = enough ? sampleConfidence(recoveries.length, M.recovery.min, M.recovery.full) : 0;
  const optimal = n >= M.sessionLength.min ? optimalSessionLength(history) : null;
  const lenConf =
    optimal === null ? 0 : sampleConfidence(n, M.sessionLength.min, M.sessionLength.full);
  const starts = history.map((h) => h.startTime);
  return {
    session_count: n,
    flow_period_count: durations.length,
    peak_hours: timingConf > 0 ? topBuckets(week).slice(0, 5) : [],
    peak_hours_of_day: timingConf > 0 ? topBuckets(day).slice(0, 3) : [],
    best_days: timingConf > 0 ? topBuckets(weekday).slice(0, 3) : [],
    typical_flow_duration_ms: durConf > 0 ? median(durations) : null,
    optimal_session_length_ms: optimal,
    recovery_time_ms: recConf > 0 ? median(recoveries) : null,
    confidence: {
      peak_hours: timingConf,
      peak_hours_of_day: timingConf,
      best_days: timingConf,
      typical_flow_duration_ms: durConf,
      optimal_session_length_ms: lenConf,
      recovery_time_ms: recConf,
    },
    date_range_start: n > 0 ? isoDate(Math.min(...starts), utcOffsetMinutes) : null,
    date_range_end: n > 0 ? isoDate(Math.max(...starts), utcOffsetMinutes) : null,
  };
}
