import type { FlowInput } from '../schemas/flow-input';
import { median, quantile } from './descriptive-stats';
import { BASELINE_STATISTICS, type PersonalBaseline } from './personal-baseline';
import { intervalStats } from './rhythm';

/** How much history a baseline needs before it is trusted. */
export const BASELINE_MINIMUMS = {
  /** Intervals per statistics window: the detector's ring buffer, in fixed chunks. */
  windowSize: BASELINE_STATISTICS.windowSize,
  /** Full windows needed (10 × 100 = 1000 keystrokes, a few minutes of typing). */
  windows: 10,
  /** Updates with a usable keystroke rate needed. */
  rateSamples: 10,
} as const;

/** Gap between history updates beyond which the rate is not measured (idle), ms. */
const RATE_GAP_MS = 5 * 60_000;

/**
 * Learns a person's typing baseline from their own past flow inputs (oldest first), over
 * 100-interval windows (the detector's buffer): the steady-typing pace (10th percentile of window
 * means — their steady stretches, since pauses inflate most windows), the ordinary irregularity
 * (median window CoV, pauses included, the same statistic the population reference is), and the
 * median keystrokes per minute between consecutive updates. See {@link BASELINE_STATISTICS}.
 * Returns null when there is too little history ({@link BASELINE_MINIMUMS}); the detector then
 * uses the population reference.
 *
 * @example
 * ```ts
 * const baseline = computeBaseline(pastInputs);
 * const detector = new FlowDetector({ baseline });
 * ```
 */
export function computeBaseline(history: readonly FlowInput[]): PersonalBaseline | null {
  const M = BASELINE_MINIMUMS;
  const means: number[] = [];
  const covs: number[] = [];
  const rates: number[] = [];
  let chunk: number[] = [];
  let total = 0;
  let prevTs: number | null = null;
  for (const h of history) {
    for (const x of h.keystrokeIntervals) {
      chunk.push(x);
      if (chunk.length === M.windowSize) {
        const st = intervalStats(chunk);
        if (st.mean > 0) {
          means.push(st.mean);
          covs.push(st.cov);
        }
        total += chunk.length;
        chunk = [];
      }
    }
    if (prevTs !== null && h.timestamp > prevTs && h.timestamp - prevTs <= RATE_GAP_MS) {
      const n = h.keystrokeIntervals.length;
      if (n > 0) rates.push(n / ((h.timestamp - prevTs) / 60_000));
    }
    prevTs = h.timestamp;
  }
  if (means.length < M.windows || rates.length < M.rateSamples) return null;
  const S = BASELINE_STATISTICS;
  const pace = quantile(means, S.paceQuantile);
  const cov = quantile(covs, S.covQuantile);
  const rate = median(rates);
  if (!(pace > 0) || !(cov > 0) || !(rate > 0)) return null;
  return {
    meanIntervalMs: pace,
    intervalCov: cov,
    keystrokesPerMinute: rate,
    sampleCount: total,
  };
}
