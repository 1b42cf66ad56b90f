/** Median of a list (mean of the middle two for even length); NaN when empty. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile `q` in [0,1]; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Confidence that rests on sample size: 0 below `minimum` samples, then rising as
 * `sqrt(n / full)` up to 1 at `full` samples (standard error shrinks as 1/sqrt(n)).
 *
 * @example
 * ```ts
 * sampleConfidence(3, 5, 30) // 0 — too little data to claim anything
 * ```
 */
export function sampleConfidence(n: number, minimum: number, full: number): number {
  if (n < minimum) return 0;
  return Math.min(1, Math.sqrt(n / full));
}
