import type { Prng } from './prng';

/**
 * Keystroke-interval processes the generator families draw from. Each returns the intervals typed
 * during `activeMs` of an update (their sum is about `activeMs`): a body of in-burst intervals and
 * a pause process, both around the person's own pace.
 */
export interface TypingProcess {
  /** Median in-burst interval, ms (the person's pace times the state's slow-down). */
  readonly medianMs: number;
  /** Log-normal σ of in-burst intervals (or the ex-Gaussian's relative spread). */
  readonly sigma: number;
  /** Probability that an interval is a pause instead. */
  readonly pauseP: number;
  /** Pause length range, ms (uniform, or the Pareto scale and cap). */
  readonly pauseMs: readonly [number, number];
  /** Body shape. */
  readonly body: 'lognormal' | 'exgauss';
  /** Pause shape: uniform in the range, or Pareto (heavy tail) from its low end. */
  readonly pauses: 'uniform' | 'pareto';
  /** Pareto tail index (pauses = 'pareto'). */
  readonly paretoAlpha?: number;
}

function bodyInterval(rng: Prng, p: TypingProcess): number {
  if (p.body === 'lognormal') return p.medianMs * Math.exp(p.sigma * rng.normal());
  // Ex-Gaussian: normal part + exponential tail with the same median scale.
  const mu = p.medianMs * 0.75;
  const sd = p.medianMs * p.sigma * 0.5;
  const tau = p.medianMs * 0.35;
  return Math.max(15, mu + sd * rng.normal() - tau * Math.log(1 - rng.next()));
}

function pauseInterval(rng: Prng, p: TypingProcess): number {
  const [lo, hi] = p.pauseMs;
  if (p.pauses === 'uniform') return rng.uniform(lo, hi);
  const alpha = p.paretoAlpha ?? 1.5;
  return Math.min(hi, lo / Math.pow(1 - rng.next(), 1 / alpha));
}

/** Intervals typed during `activeMs`, rounded to whole ms (what an editor reports). */
export function typeDuring(rng: Prng, p: TypingProcess, activeMs: number): number[] {
  const out: number[] = [];
  let total = 0;
  while (total < activeMs) {
    const x = rng.chance(p.pauseP) ? pauseInterval(rng, p) : bodyInterval(rng, p);
    const v = Math.max(1, Math.round(Math.min(x, 600_000)));
    out.push(v);
    total += v;
  }
  return out;
}

/**
 * Bursty typing: bursts of a geometric number of keys (mean `burstKeys`) at the body pace,
 * separated by pauses from the process's pause law.
 */
export function typeInBursts(
  rng: Prng,
  p: TypingProcess,
  burstKeys: number,
  activeMs: number,
): number[] {
  const out: number[] = [];
  let total = 0;
  let left = 0;
  while (total < activeMs) {
    let x: number;
    if (left <= 0) {
      x = pauseInterval(rng, p);
      left = 1 + Math.floor(-Math.log(1 - rng.next()) * burstKeys);
    } else {
      x = bodyInterval(rng, p);
      left--;
    }
    const v = Math.max(1, Math.round(Math.min(x, 600_000)));
    out.push(v);
    total += v;
  }
  return out;
}
