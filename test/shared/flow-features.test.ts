import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  errorScore,
  extractFeatures,
  focusDurationScore,
  focusScore,
  heuristicFlowModel,
  intervalStats,
  learnedFlowModel,
  NO_RHYTHM_FEATURES,
  rhythmScore,
  type FlowFeatures,
} from '../../shared/src';
import { featuresArb } from './flow-arbitraries';

const models = [heuristicFlowModel, learnedFlowModel];
const FEATURE_KEYS: (keyof FlowFeatures)[] = [
  'rhythm',
  'focus',
  'errorScore',
  'focusDuration',
  'steadiness',
  'pace',
  'activity',
];

describe('seed features', () => {
  it('rhythm follows the seed thresholds', () => {
    const steady = Array.from({ length: 20 }, (_, i) => 200 + (i % 2 ? 20 : -20));
    expect(rhythmScore(intervalStats(steady))).toBe(0.9);
    expect(rhythmScore(intervalStats(steady.map((x) => x * 2)))).toBe(0.7); // 400 ms, CoV 0.1
    expect(rhythmScore(intervalStats(steady.map((x) => x * 3)))).toBe(0.3); // 600 ms
    expect(rhythmScore(intervalStats([200, 200, 200, 200]))).toBe(0); // fewer than 5
    expect(rhythmScore(intervalStats([100, 1000, 100, 1000, 100, 1000]))).toBe(0.3); // bursty
  });

  it('focus follows the seed table', () => {
    expect([0, 2, 3, 5, 6, 10, 11].map(focusScore)).toEqual([1, 1, 0.8, 0.8, 0.5, 0.5, 0.2]);
  });

  it('error score is 1 without errors and halves at 3', () => {
    expect(errorScore(0)).toBe(1);
    expect(errorScore(3)).toBeCloseTo(0.5);
  });

  it('focus duration saturates at 15 minutes instead of exceeding 1', () => {
    expect(focusDurationScore(0)).toBe(0);
    expect(focusDurationScore(450_000)).toBeCloseTo(0.5);
    expect(focusDurationScore(86_400_000)).toBe(1);
  });

  it('more context switches never raise focus; more errors never raise the error score', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(focusScore(hi)).toBeLessThanOrEqual(focusScore(lo));
        expect(errorScore(hi)).toBeLessThanOrEqual(errorScore(lo));
      }),
    );
  });

  it('all features stay in [0,1] for any input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 3_600_000, noNaN: true }), { maxLength: 200 }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.nat(10_000),
        fc.nat(10_000),
        fc.double({ min: 0, max: 86_400_000, noNaN: true }),
        (iv, kpm, sw, err, focus) => {
          const f = extractFeatures({
            stats: intervalStats(iv),
            keystrokesPerMinute: kpm,
            contextSwitches: sw,
            errorEvents: err,
            windowFocusDuration: focus,
          });
          for (const k of FEATURE_KEYS) {
            expect(f[k]).toBeGreaterThanOrEqual(0);
            expect(f[k]).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });

  it('personal baseline: a slow steady typist is judged like a typical one', () => {
    const slow = Array.from({ length: 50 }, (_, i) => 480 + (i % 2 ? 40 : -40));
    const ctx = {
      keystrokesPerMinute: 100,
      contextSwitches: 0,
      errorEvents: 0,
      windowFocusDuration: 0,
    };
    const population = extractFeatures({ ...ctx, stats: intervalStats(slow) });
    const personal = extractFeatures({
      ...ctx,
      stats: intervalStats(slow),
      baseline: {
        meanIntervalMs: 480,
        intervalCov: 0.45,
        keystrokesPerMinute: 100,
        sampleCount: 500,
      },
    });
    expect(population.rhythm).toBe(0.7);
    expect(personal.rhythm).toBe(0.9);
    expect(personal.activity).toBe(1);
  });
});

describe('models', () => {
  it.each(models.map((m) => [m.name, m] as const))('%s scores in [0,1]', (_n, model) => {
    fc.assert(
      fc.property(featuresArb, (f) => {
        const s = model.score(f);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
      }),
    );
  });

  it.each(models.map((m) => [m.name, m] as const))(
    '%s: more errors or more context switches never raise the score',
    (_n, model) => {
      fc.assert(
        fc.property(
          featuresArb,
          fc.nat(50),
          fc.nat(50),
          fc.nat(50),
          fc.nat(50),
          (f, e1, e2, s1, s2) => {
            const lo = {
              ...f,
              errorScore: errorScore(Math.min(e1, e2)),
              focus: focusScore(Math.min(s1, s2)),
            };
            const hi = {
              ...f,
              errorScore: errorScore(Math.max(e1, e2)),
              focus: focusScore(Math.max(s1, s2)),
            };
            expect(model.score(hi)).toBeLessThanOrEqual(model.score(lo));
          },
        ),
      );
    },
  );

  it('heuristic reproduces the seed weights', () => {
    const f = {
      ...NO_RHYTHM_FEATURES,
      rhythm: 0.9,
      focus: 1,
      errorScore: 1,
      focusDuration: 1,
      steadiness: 0,
      pace: 0,
      activity: 0,
    };
    expect(heuristicFlowModel.score(f)).toBeCloseTo(0.96);
    expect(heuristicFlowModel.score({ ...f, rhythm: 0, focusDuration: 0 })).toBeCloseTo(0.5);
  });
});
