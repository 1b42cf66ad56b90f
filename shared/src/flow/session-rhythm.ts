import type { PersonalBaseline } from './personal-baseline';

/**
 * The person's own typing pace, learned online within a session: a histogram of log keystroke
 * intervals, so the median and spread are robust to the 1–3 s thinking pauses that dominate the
 * mean and CoV of real typing (Dhakal et al., CHI 2018). A prior (the person's history when there
 * is some, else the population) stands in as pseudo-keystrokes, so the first minute of a new
 * user's session is judged against a sensible pace. Each keystroke of the session replaces one
 * of them: once the session has typed as many intervals as the prior weighs, the pace is the
 * session's own and the prior is gone (see {@link personalMedianMs}). So the pace settles after
 * a known amount of typing — on steady typing it then stops moving — instead of drifting for as
 * long as a diluted prior keeps a share.
 */
export const SESSION_RHYTHM = {
  /** Smallest interval binned, ms; shorter ones fall into the first bin. */
  minMs: 20,
  /** Width of a bin in natural-log units (≈ 12 % per bin). */
  binWidth: 0.12,
  /** Number of bins: 20 ms × e^(0.12·80) ≈ 5 min; longer intervals fall into the last bin. */
  bins: 80,
  /** Population typing pace (median inter-key interval) used without history, ms. */
  populationMedianMs: 240,
  /**
   * Weight of the population prior, in keystrokes: a new user's own pace replaces it after 30
   * typed intervals (well within the first minute of typing).
   */
  populationWeight: 30,
  /** Weight of a history baseline's pace, in keystrokes (replaced after 150 typed intervals). */
  historyWeight: 60,
  /**
   * A baseline's `meanIntervalMs` is the steady-typing mean of its windows; the median of a
   * log-normal body is below its mean. Ratio median/mean used to turn one into the other
   * (log-normal body with σ ≈ 0.45: e^(−σ²/2) ≈ 0.9).
   */
  baselineMedianPerMean: 0.9,
} as const;

const R = SESSION_RHYTHM;
const LOG_MIN = Math.log(R.minMs);

/** Histogram bin of an interval in ms. */
export function rhythmBin(ms: number): number {
  if (!(ms > R.minMs)) return 0;
  const b = Math.floor((Math.log(ms) - LOG_MIN) / R.binWidth);
  return b >= R.bins ? R.bins - 1 : b;
}

/** Centre of a bin, ms. */
function binCentreLog(b: number): number {
  return LOG_MIN + (b + 0.5) * R.binWidth;
}

/** An empty session histogram. */
export function emptyRhythmHistogram(): number[] {
  return new Array<number>(R.bins).fill(0);
}

/** Adds intervals to a histogram in place. */
export function addToRhythmHistogram(hist: number[], intervals: ArrayLike<number>): void {
  for (let i = 0; i < intervals.length; i++) hist[rhythmBin(intervals[i])]++;
}

/** Prior pace (median inter-key interval, ms) and its weight in keystrokes. */
export function rhythmPrior(baseline: PersonalBaseline | null | undefined): {
  medianMs: number;
  weight: number;
} {
  if (baseline && baseline.sampleCount > 0) {
    return {
      medianMs: baseline.meanIntervalMs * R.baselineMedianPerMean,
      weight: R.historyWeight,
    };
  }
  return { medianMs: R.populationMedianMs, weight: R.populationWeight };
}

/**
 * Weight the prior still carries after `total` of the session's own intervals: each one replaces
 * one of the prior's pseudo-keystrokes, so it is 0 once `total >= prior.weight`.
 */
export function priorWeightLeft(total: number, prior: { weight: number }): number {
  return Math.max(0, prior.weight - total);
}

/**
 * Whether the session's own typing has fully replaced the prior, so the pace
 * ({@link personalMedianMs}) is the session's alone: on steady typing it no longer moves.
 */
export function paceSettled(total: number, prior: { weight: number }): boolean {
  return priorWeightLeft(total, prior) === 0;
}

/**
 * The person's median inter-key interval, ms: the weighted median of the session histogram and
 * the prior (a point mass of the prior's remaining weight, {@link priorWeightLeft}), interpolated
 * within the bin. Moves monotonically from the prior's pace to the session's own as the session
 * types, and is exactly the session's own once {@link paceSettled}.
 */
export function personalMedianMs(
  hist: readonly number[],
  total: number,
  prior: { medianMs: number; weight: number },
): number {
  const priorWeight = priorWeightLeft(total, prior);
  const half = (total + priorWeight) / 2;
  const priorBin = rhythmBin(prior.medianMs);
  let acc = 0;
  for (let b = 0; b < R.bins; b++) {
    const inBin = hist[b] + (b === priorBin ? priorWeight : 0);
    if (inBin > 0 && acc + inBin >= half) {
      const frac = (half - acc) / inBin;
      return Math.exp(LOG_MIN + (b + frac) * R.binWidth);
    }
    acc += inBin;
  }
  return Math.exp(binCentreLog(priorBin));
}
