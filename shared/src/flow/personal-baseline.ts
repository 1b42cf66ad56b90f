/**
 * A person's typical typing, learned from their own history by `computeBaseline`.
 * FlowLight (Züger et al., CHI 2017) showed that comparing activity to the person's own history
 * beats fixed thresholds; a slow, steady typist should not look "distracted".
 */
export interface PersonalBaseline {
  /** Typical (median over windows) mean keystroke interval, ms. */
  readonly meanIntervalMs: number;
  /** Typical (median over windows) coefficient of variation of keystroke intervals. */
  readonly intervalCov: number;
  /** Typical keystrokes per minute of wall-clock time while active. */
  readonly keystrokesPerMinute: number;
  /** How many keystroke intervals the baseline rests on. */
  readonly sampleCount: number;
}

/**
 * Population reference the seed's fixed thresholds were written for. A person's baseline is
 * mapped onto it: their typical mean interval is scaled to {@link POPULATION_BASELINE.meanIntervalMs}.
 *
 * - `meanIntervalMs` 240: Dhakal et al. 2018, "Observations on typing from 136 million
 *   keystrokes" (CHI), mean inter-key interval 238.7 ms.
 * - `intervalCov` 0.45: a typical within-person CoV mapped just under the seed's "steady"
 *   threshold (0.5), so typing at one's usual steadiness counts as steady. A design choice.
 * - `keystrokesPerMinute` 60: assumed typical programming activity (programmers type in bursts,
 *   far below transcription speed). An assumption, see shared/model/README.md.
 */
export const POPULATION_BASELINE: PersonalBaseline = {
  meanIntervalMs: 240,
  intervalCov: 0.45,
  keystrokesPerMinute: 60,
  sampleCount: 0,
};

/** Personal scale factors are clamped to this range so one odd history cannot distort scores. */
export const BASELINE_SCALE_LIMITS = { min: 0.4, max: 2.5 } as const;

/** Clamps `x` into [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * Factor that maps this person's interval statistics onto the population reference.
 *
 * @example
 * ```ts
 * personalScale({ ...POPULATION_BASELINE, meanIntervalMs: 480 }).mean // 0.5
 * ```
 */
export function personalScale(baseline: PersonalBaseline | undefined): {
  mean: number;
  cov: number;
} {
  if (!baseline) return { mean: 1, cov: 1 };
  const { min, max } = BASELINE_SCALE_LIMITS;
  const p = POPULATION_BASELINE;
  return {
    mean: clamp(p.meanIntervalMs / baseline.meanIntervalMs, min, max),
    cov: clamp(p.intervalCov / baseline.intervalCov, min, max),
  };
}
