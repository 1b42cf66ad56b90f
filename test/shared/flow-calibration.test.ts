import { describe, expect, it } from 'vitest';
import {
  computeBaseline,
  FlowDetector,
  heuristicFlowModel,
  personalScale,
  POPULATION_BASELINE,
  type PersonalBaseline,
} from '../../shared/src';
import type { FlowInput } from '../../shared/src/schemas/flow-input';
import { SEED_FLOW_THRESHOLD } from '../../shared/src/flow/heuristic-model';
import { T0 } from './flow-arbitraries';

/** Deterministic intervals around `mean` with spread ±`spread`, and a `pause` every `pauseEvery`. */
function typing(n: number, mean: number, spread: number, pauseEvery = 0, pause = 0): number[] {
  return Array.from({ length: n }, (_, i) =>
    pauseEvery > 0 && i % pauseEvery === pauseEvery - 1 ? pause : mean + ((i % 5) - 2) * spread,
  );
}

/** 30 updates of the person's usual typing: steady stretches and ordinary stretches with pauses. */
function history(mean: number, spread: number, pause: number): FlowInput[] {
  return Array.from({ length: 30 }, (_, i) => ({
    keystrokeIntervals:
      i % 3 === 0 ? typing(60, mean, spread) : typing(60, mean, spread, 20, pause),
    contextSwitches: 1,
    errorEvents: 1,
    windowFocusDuration: 300_000,
    fileModifications: 1,
    timestamp: T0 + i * 30_000,
  }));
}

function heuristicScore(input: FlowInput, baseline: PersonalBaseline | null): number {
  const d = new FlowDetector({ baseline });
  return heuristicFlowModel.score(d.featuresFor(input));
}

const later = T0 + 86_400_000;

describe('personal calibration of the seed heuristic', () => {
  it('without a baseline the seed thresholds are untouched', () => {
    expect(personalScale(undefined)).toEqual({ mean: 1, cov: 1 });
    expect(personalScale(POPULATION_BASELINE)).toEqual({ mean: 1, cov: 1 });
  });

  it('lifts a slow but steady typist into flow with their own baseline', () => {
    // ~450 ms between keys, CoV ≈ 0.09: steady, but outside the seed's 100–300 ms window.
    const baseline = computeBaseline(history(450, 30, 3_000));
    expect(baseline).not.toBeNull();
    // Steady pace: near 450 ms, not the pause-inflated median window (≈ 570 ms here).
    expect(baseline!.meanIntervalMs).toBeGreaterThan(440);
    expect(baseline!.meanIntervalMs).toBeLessThan(520);
    const input: FlowInput = {
      keystrokeIntervals: typing(80, 450, 30),
      contextSwitches: 0,
      errorEvents: 3,
      windowFocusDuration: 60_000,
      fileModifications: 1,
      timestamp: later,
    };
    const plain = heuristicScore(input, null);
    const personal = heuristicScore(input, baseline);
    expect(plain).toBeLessThan(SEED_FLOW_THRESHOLD);
    expect(personal).toBeGreaterThanOrEqual(SEED_FLOW_THRESHOLD);
  });

  it('does not lift a distracted fast typist into flow', () => {
    // ~150 ms between keys; now bursty with long pauses and many switches.
    const baseline = computeBaseline(history(150, 15, 1_500));
    expect(baseline).not.toBeNull();
    const input: FlowInput = {
      keystrokeIntervals: typing(80, 170, 40, 8, 4_000),
      contextSwitches: 7,
      errorEvents: 2,
      windowFocusDuration: 20_000,
      fileModifications: 0,
      timestamp: later,
    };
    const plain = heuristicScore(input, null);
    const personal = heuristicScore(input, baseline);
    expect(plain).toBeLessThan(SEED_FLOW_THRESHOLD);
    expect(personal).toBeLessThan(SEED_FLOW_THRESHOLD);
    expect(personal).toBeLessThanOrEqual(plain);
  });

  it("a person's ordinary pause-laden typing is not scored as flow after calibration", () => {
    // The old calibration mapped the median (pause-inflated) CoV onto "steady", so ordinary
    // typing with the person's usual pauses came out as flow.
    const baseline = computeBaseline(history(240, 20, 3_000));
    const ordinary: FlowInput = {
      keystrokeIntervals: typing(100, 240, 20, 20, 3_000),
      contextSwitches: 1,
      errorEvents: 1,
      windowFocusDuration: 120_000,
      fileModifications: 1,
      timestamp: later,
    };
    expect(heuristicScore(ordinary, baseline)).toBeLessThan(SEED_FLOW_THRESHOLD);
  });
});
