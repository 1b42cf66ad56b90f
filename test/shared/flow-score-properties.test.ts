import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FLOW_INPUT_LIMITS,
  FlowDetector,
  FlowInputError,
  heuristicFlowModel,
  learnedFlowModel,
  parseFlowInput,
  type FlowFeatures,
  type FlowInput,
  type PersonalBaseline,
} from '../../shared/src';
import { T0 } from './flow-arbitraries';

const L = FLOW_INPUT_LIMITS;

/** Intervals from the whole valid range: 0, tiny, typing, pauses, huge. */
const intervalArb = fc.oneof(
  fc.constant(0),
  fc.double({ min: 0, max: 5, noNaN: true }),
  fc.integer({ min: 20, max: 2_000 }),
  fc.integer({ min: 2_000, max: 600_000 }),
  fc.double({ min: 600_000, max: L.maxIntervalMs, noNaN: true }),
);

/** Empty windows, one keystroke, ordinary and maximal batches. */
const intervalsArb = fc.oneof(
  fc.constant([] as number[]),
  fc.array(intervalArb, { minLength: 1, maxLength: 1 }),
  fc.array(intervalArb, { maxLength: 200 }),
  fc.array(fc.integer({ min: 0, max: 3 }), {
    minLength: L.maxIntervals,
    maxLength: L.maxIntervals,
  }),
);

const countArb = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: L.maxCount }));

const bodyArb = fc.record({
  keystrokeIntervals: intervalsArb,
  contextSwitches: countArb,
  errorEvents: countArb,
  windowFocusDuration: fc.oneof(
    fc.constant(0),
    fc.double({ min: 0, max: L.maxFocusDurationMs, noNaN: true }),
  ),
  fileModifications: countArb,
});

/** Valid streams: gaps of 0 (same timestamp), ordinary, and beyond the idle gap. */
const streamArb: fc.Arbitrary<FlowInput[]> = fc
  .array(
    fc.tuple(
      bodyArb,
      fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 90_000 }),
        fc.integer({ min: 300_001, max: 86_400_000 }),
      ),
    ),
    { minLength: 1, maxLength: 25 },
  )
  .map((items) => {
    let t = T0;
    return items.map(([body, gap]) => ({ ...body, timestamp: (t += gap) }));
  });

const baselineArb: fc.Arbitrary<PersonalBaseline | null> = fc.option(
  fc.record({
    meanIntervalMs: fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
    intervalCov: fc.double({ min: 1e-3, max: 100, noNaN: true }),
    keystrokesPerMinute: fc.double({ min: 1e-3, max: 1e5, noNaN: true }),
    sampleCount: fc.integer({ min: 0, max: 1e7 }),
  }),
);

function expectUnit(x: number, what: string): void {
  expect(Number.isFinite(x), `${what} = ${x}`).toBe(true);
  expect(x, what).toBeGreaterThanOrEqual(0);
  expect(x, what).toBeLessThanOrEqual(1);
}

describe('scores for any valid input', () => {
  it('every feature, score and confidence is finite and in [0,1] (default model)', () => {
    fc.assert(
      fc.property(streamArb, baselineArb, (stream, baseline) => {
        const d = new FlowDetector({ baseline });
        for (const input of stream) {
          const features: FlowFeatures = d.featuresFor(input);
          for (const [k, v] of Object.entries(features)) expectUnit(v, k);
          const r = d.update(input);
          expectUnit(r.flowIntensity, 'flowIntensity');
          expectUnit(r.confidence, 'confidence');
          expect(r.flowDurationMs).toBeGreaterThanOrEqual(0);
        }
        for (const p of d.close(stream[stream.length - 1].timestamp))
          expectUnit(p.intensity, 'intensity');
      }),
      { numRuns: 80 },
    );
  });

  it('the heuristic and the previous learned model stay in [0,1] on the same inputs', () => {
    fc.assert(
      fc.property(streamArb, (stream) => {
        for (const model of [heuristicFlowModel, learnedFlowModel]) {
          const d = new FlowDetector({ model });
          for (const input of stream) expectUnit(d.update(input).flowIntensity, model.name);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a snapshot taken mid-stream restores to the same scores', () => {
    fc.assert(
      fc.property(streamArb, fc.nat(), (stream, cut) => {
        const k = cut % stream.length;
        const whole = new FlowDetector();
        const first = new FlowDetector();
        const expected = stream.map((x) => whole.update(x).flowIntensity);
        stream.slice(0, k).forEach((x) => first.update(x));
        const restored = FlowDetector.restore(JSON.parse(JSON.stringify(first.snapshot())));
        const got = stream.slice(k).map((x) => restored.update(x).flowIntensity);
        expect(got).toEqual(expected.slice(k));
      }),
      { numRuns: 60 },
    );
  });
});

const wire = (x: FlowInput) => ({
  keystroke_intervals: [...x.keystrokeIntervals],
  context_switches: x.contextSwitches,
  error_events: x.errorEvents,
  window_focus_duration: x.windowFocusDuration,
  file_modifications: x.fileModifications,
  timestamp: x.timestamp,
});

/** One field made invalid, and the wire name the error must carry. */
const breakageArb = fc.oneof(
  fc.constantFrom(-1, Number.NaN, Infinity, L.maxIntervalMs + 1).map((v) => ({
    field: 'keystroke_intervals',
    apply: (w: Record<string, unknown>) => ({ ...w, keystroke_intervals: [200, v] }),
  })),
  fc.constant({
    field: 'keystroke_intervals',
    apply: (w: Record<string, unknown>) => ({
      ...w,
      keystroke_intervals: new Array(L.maxIntervals + 1).fill(100),
    }),
  }),
  fc
    .tuple(
      fc.constantFrom('context_switches', 'error_events', 'file_modifications'),
      fc.constantFrom(-1, 1.5, Number.NaN, L.maxCount + 1, '3'),
    )
    .map(([field, v]) => ({
      field,
      apply: (w: Record<string, unknown>) => ({ ...w, [field]: v }),
    })),
  fc.constantFrom(-5, Number.NaN, L.maxFocusDurationMs + 1, null).map((v) => ({
    field: 'window_focus_duration',
    apply: (w: Record<string, unknown>) => ({ ...w, window_focus_duration: v }),
  })),
  fc.constantFrom(0, L.maxTimestamp + 1, 1.5e12 + 0.5, undefined).map((v) => ({
    field: 'timestamp',
    apply: (w: Record<string, unknown>) => ({ ...w, timestamp: v }),
  })),
);

describe('invalid input', () => {
  it('is refused with a FlowInputError naming the bad field', () => {
    fc.assert(
      fc.property(bodyArb, breakageArb, (body, breakage) => {
        const raw = breakage.apply(wire({ ...body, timestamp: T0 }));
        let caught: unknown;
        try {
          parseFlowInput(raw);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(FlowInputError);
        const fields = (caught as FlowInputError).issues.map((i) => i.field);
        expect(
          fields.some((f) => f.startsWith(breakage.field)),
          fields.join(', '),
        ).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
