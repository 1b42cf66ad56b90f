/**
 * A person's typical typing, learned from their own history by `computeBaseline`.
 * FlowLight (Züger et al., CHI 2017) showed that comparing activity to the person's own history
 * beats fixed thresholds; a slow, steady typist should not look "distracted".
 */
export interface PersonalBaseline {
  /**
   * Steady-typing pace, ms: a low percentile ({@link BASELINE_STATISTICS}) of the mean interval
   * of the person's history windows — their steady stretches, not the pause-inflated median.
   * Mapped onto the seed's reference pace (240 ms).
   */
  readonly meanIntervalMs: number;
  /**
   * Ordinary irregularity: the median coefficient of variation of the person's history windows
   * (pauses included, as in the detector's live statistics). Mapped onto the population's value
   * of the same statistic, {@link POPULATION_BASELINE}.intervalCov.
   */
  readonly intervalCov: number;
  /** Typical keystrokes per minute of wall-clock time while active. */
  readonly keystrokesPerMinute: number;
  /** How many keystroke intervals the baseline rests on. */
  readonly sampleCount: number;
  /**
   * The person's peak flow hours, for the "protect your peak hours" recommendation: the
   * `peak_hours` of `computePersonalPatterns` over their history, which are empty below its
   * minimum of sessions (no peak hours claimed from too little data). Absent → no peak-hour
   * advice. A history with peak hours but too little typing for the rhythm fields carries
   * {@link POPULATION_BASELINE}'s, which score exactly as no baseline does.
   */
  readonly peakHours?: PeakHours;
}

/** Peak hours of week in the time zone they were computed in. */
export interface PeakHours {
  /** Hours of week, 0 = Sunday 00:00–00:59 local (see `hourOfWeek`), best first. */
  readonly hoursOfWeek: readonly number[];
  /** The offset east of UTC, minutes, the hours are local to. */
  readonly utcOffsetMinutes: number;
}

/**
 * How `computeBaseline` summarises history, so that person and population are compared on the
 * same statistic (comparing a pause-inflated personal CoV with a steady-typing reference was what
 * made calibration flag nearly everything as flow).
 *
 * - `windowSize` 100: the detector's ring buffer (`bufferCapacity`), so the reference is the same
 *   statistic as the live one.
 * - `paceQuantile` 0.1: steady-typing pace is the 10th percentile of window means. On the
 *   synthetic population its median is ≈ 240 ms, the seed's reference pace.
 * - `covQuantile` 0.5: ordinary irregularity is the median window CoV.
 */
export const BASELINE_STATISTICS = {
  windowSize: 100,
  paceQuantile: 0.1,
  covQuantile: 0.5,
} as const;

/**
 * Population reference the seed's fixed thresholds were written for. A person's baseline is
 * mapped onto it, so a person at the reference keeps the seed's thresholds exactly.
 *
 * - `meanIntervalMs` 240: Dhakal et al. 2018, "Observations on typing from 136 million
 *   keystrokes" (CHI), mean inter-key interval 238.7 ms; the person's steady-typing pace
 *   ({@link BASELINE_STATISTICS}) is mapped onto it, so a steady 450-ms typist is judged like a
 *   steady 240-ms typist.
 * - `intervalCov` 1.9: the population median of the person statistic (median CoV of
 *   100-interval windows, pauses included), measured on the synthetic training population
 *   (shared/model/README.md). An **assumption** until measured on real typing. A person more
 *   irregular than that has their CoV scaled down (their usual pauses are not held against them),
 *   a steadier person has it scaled up (flow must be steadier than their own ordinary typing).
 * - `keystrokesPerMinute` 60: assumed typical programming activity (programmers type in bursts,
 *   far below transcription speed). An assumption, see shared/model/README.md.
 */
export const POPULATION_BASELINE: PersonalBaseline = {
  meanIntervalMs: 240,
  intervalCov: 1.9,
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
 * Factors that map this person's live interval statistics onto the population reference the
 * seed's thresholds are written for: mean × 240 / steady pace, CoV × 1.9 / ordinary CoV, each
 * clamped to {@link BASELINE_SCALE_LIMITS}. No baseline → 1 and 1 (the seed, untouched).
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

/**
 * Checks a baseline's peak hours, which the detector only compares against: a wrong hour would
 * silently never match.
 *
 * @throws RangeError naming the bad value.
 */
export function checkPeakHours(peak: PeakHours | undefined): void {
  if (!peak) return;
  const bad = peak.hoursOfWeek.find((h) => !(Number.isInteger(h) && h >= 0 && h <= 167));
  if (bad !== undefined) {
    throw new RangeError(`baseline.peakHours.hoursOfWeek must be integers 0..167, got ${bad}`);
  }
  const offset = peak.utcOffsetMinutes;
  if (!(Number.isInteger(offset) && Math.abs(offset) <= 24 * 60)) {
    throw new RangeError(
      `baseline.peakHours.utcOffsetMinutes must be an integer in [-1440, 1440], got ${offset}`,
    );
  }
}
