import type { FlowInput } from '../schemas/flow-input';
import { median } from './descriptive-stats';
import type { PersonalBaseline } from './personal-baseline';
import { intervalStats } from './rhythm';

/** How much history a baseline needs before it is trusted. */
export const BASELINE_MINIMUMS = {
  /** Intervals per statistics window (like the detector's ring buffer, but fixed chunks). */
  windowSize: 50,
  /** Full windows needed (10 × 50 = 500 keystrokes, a few minutes of typing). */
  windows: 10,
  /** Updates with a usable keystroke rate needed. */
  rateSamples: 10,
} as const;

/** Gap between history updates beyond which the rate is not measured (idle), ms. */
const RATE_GAP_MS = 5 * 60_000;

/**
 * Learns a person's typing baseline from their own past flow inputs (oldest first): the median
 * over 50-interval windows of the mean interval and CoV, and the median keystrokes per minute
 * between consecutive updates. Medians make it robust to a few odd windows (a long think).
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
  const cov = median(covs);
  const rate = median(rates);
  if (!(cov > 0) || !(rate > 0)) return null;
  return {
    meanIntervalMs: median(means),
    intervalCov: cov,
    keystrokesPerMinute: rate,
    sampleCount: total,
  };
}
