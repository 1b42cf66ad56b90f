import fc from 'fast-check';
import type { FlowInput } from '../../shared/src/schemas/flow-input';
import type { FlowFeatures } from '../../shared/src/flow/features';

const T0 = Date.UTC(2024, 0, 1, 9);

function unit(): fc.Arbitrary<number> {
  return fc.double({ min: 0, max: 1, noNaN: true });
}

/** Any valid features. */
export const featuresArb: fc.Arbitrary<FlowFeatures> = fc.record({
  rhythm: fc.constantFrom(0, 0.3, 0.7, 0.9),
  focus: fc.constantFrom(1, 0.8, 0.5, 0.2),
  errorScore: fc.double({ min: 0, max: 1, noNaN: true }),
  focusDuration: fc.double({ min: 0, max: 1, noNaN: true }),
  steadiness: fc.double({ min: 0, max: 1, noNaN: true }),
  pace: fc.double({ min: 0, max: 1, noNaN: true }),
  activity: fc.double({ min: 0, max: 1, noNaN: true }),
  burstShare: unit(),
  burstTrend: unit(),
  thinkShare: unit(),
  gapShare: unit(),
  pauseRate: unit(),
  burstLength: unit(),
  paceShift: unit(),
  spread: unit(),
  switchCalm: unit(),
  switchNow: unit(),
  switchSteady: unit(),
  focusShare: unit(),
  focusDepth: unit(),
  errorCalm: unit(),
  errorFix: unit(),
  editRate: unit(),
  typingEvidence: unit(),
});

/** A valid input without timestamp. */
export const inputBodyArb = fc.record({
  keystrokeIntervals: fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 120 }),
  contextSwitches: fc.integer({ min: 0, max: 30 }),
  errorEvents: fc.integer({ min: 0, max: 30 }),
  windowFocusDuration: fc.integer({ min: 0, max: 3_600_000 }),
  fileModifications: fc.integer({ min: 0, max: 20 }),
});

/** A stream of valid inputs with non-decreasing timestamps (gaps sometimes idle). */
export const inputStreamArb: fc.Arbitrary<FlowInput[]> = fc
  .array(fc.tuple(inputBodyArb, fc.integer({ min: 0, max: 400_000 })), {
    minLength: 1,
    maxLength: 60,
  })
  .map((items) => {
    let t = T0;
    return items.map(([body, gap]) => {
      t += gap;
      return { ...body, timestamp: t };
    });
  });

/** A steady, flow-like input at time t. */
export function steadyInput(t: number, overrides: Partial<FlowInput> = {}): FlowInput {
  return {
    keystrokeIntervals: Array.from({ length: 60 }, (_, i) => 200 + (i % 5) * 10),
    contextSwitches: 0,
    errorEvents: 0,
    windowFocusDuration: 20 * 60_000,
    fileModifications: 2,
    timestamp: t,
    ...overrides,
  };
}

export { T0 };
