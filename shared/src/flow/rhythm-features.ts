import type { FlowInput } from '../schemas/flow-input';
import { clamp, type PersonalBaseline } from './personal-baseline';
import {
  addToRhythmHistogram,
  emptyRhythmHistogram,
  personalMedianMs,
  rhythmPrior,
} from './session-rhythm';

/**
 * Running per-session state behind the rhythm features: the session's log-interval histogram
 * (the person's own pace), smoothed switch, error and edit rates, and the previous update's
 * errors (for error-then-fix). Plain JSON, part of the detector snapshot.
 */
export interface RhythmState {
  /** Session histogram of log keystroke intervals ({@link SESSION_RHYTHM}). */
  hist: number[];
  /** Intervals in `hist`. */
  histTotal: number;
  /** Exponentially smoothed rates per minute; null before the first update. */
  ema: RhythmEma | null;
  /** Error events of the previous update. */
  prevErrors: number;
}

/** Smoothed per-minute rates and typing share. */
export interface RhythmEma {
  switchesPerMin: number;
  /** Switches per minute smoothed over about two minutes (sustained switching). */
  switchesPerMinSlow: number;
  errorsPerMin: number;
  editsPerMin: number;
  burstShare: number;
}

/**
 * The rhythm and context features of one update, every one in [0,1]. They are judged against the
 * person's own pace (session histogram + history/population prior), so they read the same for a
 * 140 ms/key and a 520 ms/key typist.
 */
export interface RhythmFeatures {
  /** Share of the update's time spent typing in bursts (intervals up to the pause cut-off). */
  readonly burstShare: number;
  /** {@link RhythmFeatures.burstShare}, exponentially smoothed over about half a minute. */
  readonly burstTrend: number;
  /** Share of the update's time in thinking pauses (cut-off to 10 s). */
  readonly thinkShare: number;
  /** Share of the update's time with no keystrokes for more than 10 s (or none at all). */
  readonly gapShare: number;
  /** Fraction of intervals that are pauses (longer than the cut-off, relative to the person). */
  readonly pauseRate: number;
  /** Mean keystrokes per burst, log-scaled: ln(1 + n) / ln(201), capped at 1 (200 keys). */
  readonly burstLength: number;
  /**
   * Update's median in-burst interval vs the person's median: 0.5 + ln(ratio) / 1.2, so 0.5 is
   * the person's own pace and a 1.5× slow-down reads 0.84.
   */
  readonly paceShift: number;
  /** Interquartile range of the update's log intervals (up to 10 s) / 3. */
  readonly spread: number;
  /** 1 / (1 + smoothed context switches per minute). */
  readonly switchCalm: number;
  /** 1 / (1 + context switches per minute in this update alone). */
  readonly switchNow: number;
  /** 1 / (1 + context switches per minute smoothed over about two minutes). */
  readonly switchSteady: number;
  /** Window focus duration over the update's length, capped at 1 (focused the whole update). */
  readonly focusShare: number;
  /** Window focus duration, log-scaled: ln(1 + minutes) / ln(31), saturating at 30 min. */
  readonly focusDepth: number;
  /** 1 − ln(1 + smoothed error events per minute) / ln 11: 1 without errors, 0 at 10 a minute. */
  readonly errorCalm: number;
  /** Error-then-fix: previous update had errors, this one edits files without switching. */
  readonly errorFix: number;
  /** Smoothed file modifications per minute, 1 − 1/(1 + rate). */
  readonly editRate: number;
  /** Evidence: keystrokes in this update / 20, capped at 1. */
  readonly typingEvidence: number;
}

/** Constants of the rhythm features. */
export const RHYTHM_FEATURES = {
  /** A pause is an interval longer than this many times the person's median… */
  pauseFactor: 4,
  /** …but never shorter than this, ms… */
  minPauseMs: 700,
  /** …nor longer than this, ms. */
  maxPauseMs: 4_000,
  /** Intervals longer than this are gaps (not thinking while typing), ms. */
  gapMs: 10_000,
  /** Time constant of the smoothed rates, ms. */
  emaTauMs: 30_000,
  /** Time constant of the slow switch rate, ms. */
  slowTauMs: 120_000,
  /** Length assumed for the first update of a stretch when it cannot be measured, ms bounds. */
  firstUpdateMs: [10_000, 120_000] as const,
} as const;

const F = RHYTHM_FEATURES;

/** A fresh rhythm state. */
export function emptyRhythmState(): RhythmState {
  return { hist: emptyRhythmHistogram(), histTotal: 0, ema: null, prevErrors: 0 };
}

/** Result of scoring one update's rhythm: the features and the smoothed rates after it. */
export interface RhythmStep {
  readonly features: RhythmFeatures;
  readonly ema: RhythmEma;
}

/**
 * Computes the rhythm features of `input` from the state before it. `elapsedMs` is the time since
 * the previous update (null for the first update of a stretch).
 */
export function rhythmStep(
  state: RhythmState,
  input: FlowInput,
  elapsedMs: number | null,
  baseline: PersonalBaseline | null,
): RhythmStep {
  const xs = input.keystrokeIntervals;
  const n = xs.length;
  let typed = 0;
  for (let i = 0; i < n; i++) typed += xs[i];
  const dt =
    elapsedMs === null
      ? clamp(typed, F.firstUpdateMs[0], F.firstUpdateMs[1])
      : Math.max(1_000, elapsedMs);
  const median = personalMedianMs(state.hist, state.histTotal, rhythmPrior(baseline));
  const cut = clamp(median * F.pauseFactor, F.minPauseMs, F.maxPauseMs);

  let burstMs = 0;
  let thinkMs = 0;
  let pauses = 0;
  const { logs, burstLogs } = scratch(n);
  let nLogs = 0;
  let nBurst = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    const lx = x <= F.gapMs ? Math.log(Math.max(1, x)) : 0;
    if (x <= cut) {
      burstMs += x;
      burstLogs[nBurst++] = lx;
    } else {
      pauses++;
      if (x <= F.gapMs) thinkMs += x;
    }
    if (x <= F.gapMs) logs[nLogs++] = lx;
  }
  const burstShare = clamp(burstMs / dt, 0, 1);
  const thinkShare = clamp(thinkMs / dt, 0, 1 - burstShare);
  const gapShare = clamp(1 - burstShare - thinkShare, 0, 1);
  const bursts = n > 0 ? pauses + 1 : 0;
  const burstKeys = n - pauses;

  const minutes = dt / 60_000;
  const alpha = state.ema === null ? 1 : 1 - Math.exp(-dt / F.emaTauMs);
  const alphaSlow = state.ema === null ? 1 : 1 - Math.exp(-dt / F.slowTauMs);
  const prev = state.ema;
  const mix = (old: number | undefined, now: number) =>
    old === undefined ? now : old + alpha * (now - old);
  const ema: RhythmEma = {
    switchesPerMin: mix(prev?.switchesPerMin, input.contextSwitches / minutes),
    switchesPerMinSlow:
      prev === null
        ? input.contextSwitches / minutes
        : prev.switchesPerMinSlow +
          alphaSlow * (input.contextSwitches / minutes - prev.switchesPerMinSlow),
    errorsPerMin: mix(prev?.errorsPerMin, input.errorEvents / minutes),
    editsPerMin: mix(prev?.editsPerMin, input.fileModifications / minutes),
    burstShare: mix(prev?.burstShare, burstShare),
  };

  const sortedBurst = burstLogs.subarray(0, nBurst).sort();
  const sortedLogs = logs.subarray(0, nLogs).sort();
  const paceShift =
    nBurst >= 3
      ? clamp(0.5 + (quantileSorted(sortedBurst, 0.5) - Math.log(median)) / 1.2, 0, 1)
      : 0.5;
  const spread =
    nLogs >= 4
      ? clamp((quantileSorted(sortedLogs, 0.75) - quantileSorted(sortedLogs, 0.25)) / 3, 0, 1)
      : 0;
  const errorFix =
    state.prevErrors > 0 && input.contextSwitches === 0
      ? clamp(input.fileModifications / state.prevErrors, 0, 1)
      : 0;

  return {
    ema,
    features: {
      burstShare,
      burstTrend: clamp(ema.burstShare, 0, 1),
      thinkShare,
      gapShare,
      pauseRate: n > 0 ? pauses / n : 1,
      burstLength: bursts > 0 ? clamp(Math.log(1 + burstKeys / bursts) / Math.log(201), 0, 1) : 0,
      paceShift,
      spread,
      switchCalm: 1 / (1 + ema.switchesPerMin),
      switchNow: 1 / (1 + input.contextSwitches / minutes),
      switchSteady: 1 / (1 + ema.switchesPerMinSlow),
      focusShare: clamp(input.windowFocusDuration / dt, 0, 1),
      focusDepth: clamp(Math.log(1 + input.windowFocusDuration / 60_000) / Math.log(31), 0, 1),
      errorCalm: clamp(1 - Math.log1p(ema.errorsPerMin) / Math.log(11), 0, 1),
      errorFix,
      editRate: 1 - 1 / (1 + ema.editsPerMin),
      typingEvidence: clamp(n / 20, 0, 1),
    },
  };
}

/** Advances the state past `input` with the step {@link rhythmStep} computed for it. */
export function advanceRhythm(state: RhythmState, input: FlowInput, step: RhythmStep): void {
  addToRhythmHistogram(state.hist, input.keystrokeIntervals);
  state.histTotal += input.keystrokeIntervals.length;
  state.ema = { ...step.ema };
  state.prevErrors = input.errorEvents;
}

/**
 * Scratch buffers for the log intervals of one update, reused across calls (and grown when an
 * update is larger): scoring runs on every update, and allocating and comparator-sorting two
 * arrays each time was most of its cost. Typed-array sort is numeric.
 */
let scratchLogs = new Float64Array(256);
let scratchBurst = new Float64Array(256);

function scratch(n: number): { logs: Float64Array; burstLogs: Float64Array } {
  if (scratchLogs.length < n) {
    scratchLogs = new Float64Array(n);
    scratchBurst = new Float64Array(n);
  }
  return { logs: scratchLogs, burstLogs: scratchBurst };
}

/** Linear-interpolated quantile of an ascending array (non-empty). */
function quantileSorted(xs: ArrayLike<number>, q: number): number {
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(xs.length - 1, lo + 1);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}
