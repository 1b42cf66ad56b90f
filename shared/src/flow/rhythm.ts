/** Mean and coefficient of variation of keystroke intervals. */
export interface IntervalStats {
  /** Number of intervals. */
  readonly count: number;
  /** Arithmetic mean, ms (0 when empty). */
  readonly mean: number;
  /** Population standard deviation divided by the mean (0 when the mean is 0). */
  readonly cov: number;
}

/** The seed's rhythm needs at least this many intervals; fewer scores 0. */
export const MIN_RHYTHM_INTERVALS = 5;

/** Mean and CoV as the seed computes them (population variance). */
export function intervalStats(intervals: ArrayLike<number>): IntervalStats {
  const n = intervals.length;
  if (n === 0) return { count: 0, mean: 0, cov: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += intervals[i];
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (intervals[i] - mean) ** 2;
  const sd = Math.sqrt(sq / n);
  return { count: n, mean, cov: mean > 0 ? sd / mean : 0 };
}

/**
 * The seed's rhythm score from (possibly personally rescaled) mean interval and CoV:
 * 100–300 ms with CoV < 0.5 → 0.9; 100–500 ms with CoV < 0.8 → 0.7; otherwise 0.3;
 * fewer than {@link MIN_RHYTHM_INTERVALS} intervals → 0.
 *
 * @example
 * ```ts
 * rhythmScore({ count: 50, mean: 200, cov: 0.3 }) // 0.9
 * ```
 */
export function rhythmScore(stats: IntervalStats): number {
  if (stats.count < MIN_RHYTHM_INTERVALS) return 0;
  const { mean, cov } = stats;
  if (mean >= 100 && mean <= 300 && cov < 0.5) return 0.9;
  if (mean >= 100 && mean <= 500 && cov < 0.8) return 0.7;
  return 0.3;
}
