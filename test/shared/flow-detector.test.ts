import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_DETECTOR_CONFIG,
  FlowDetector,
  FlowInputError,
  heuristicFlowModel,
  OutOfOrderInputError,
  RECOMMENDATIONS,
} from '../../shared/src';
import { inputStreamArb, steadyInput, T0 } from './flow-arbitraries';

/**
 * Dwell times long enough to see the mechanism (the default model's tuned defaults enter on the
 * first high score, see DEFAULT_DETECTOR_CONFIG).
 */
const DWELL = {
  enterThreshold: 0.7,
  exitThreshold: 0.5,
  enterDwellMs: 60_000,
  exitDwellMs: 90_000,
};

function feed(d: FlowDetector, scores: number[], stepMs = 30_000) {
  return scores.map((s, i) => d.updateWithScore(steadyInput(T0 + i * stepMs), s));
}

describe('FlowDetector hysteresis', () => {
  it('enters after the enter dwell and reports flow duration', () => {
    const d = new FlowDetector({ config: DWELL });
    const r = feed(d, [0.8, 0.8, 0.8, 0.8]);
    expect(r.map((x) => x.isInFlow)).toEqual([false, false, true, true]);
    expect(r[3].flowDurationMs).toBe(90_000);
  });

  it('does not leave flow on a short dip, leaves after the exit dwell', () => {
    const d = new FlowDetector({ config: DWELL });
    const r = feed(d, [0.8, 0.8, 0.8, 0.3, 0.8, 0.3, 0.3, 0.3, 0.3]);
    expect(r.map((x) => x.isInFlow)).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(d.periods).toHaveLength(1);
    expect(d.periods[0]).toMatchObject({ startMs: T0, endMs: T0 + 150_000, endReason: 'score' });
  });

  it('never flaps on a stream whose scores stay between the thresholds', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(
          fc.double({
            min: DEFAULT_DETECTOR_CONFIG.exitThreshold,
            max: DEFAULT_DETECTOR_CONFIG.enterThreshold - 1e-4,
            noNaN: true,
          }),
          { maxLength: 80 },
        ),
        (startInFlow, band) => {
          const d = new FlowDetector();
          if (startInFlow) feed(d, [0.95, 0.95, 0.95]);
          const before = d.isInFlow;
          band.forEach((s, i) => d.updateWithScore(steadyInput(T0 + (10 + i) * 30_000), s));
          expect(d.isInFlow).toBe(before);
        },
      ),
    );
  });

  // The hysteresis itself, under a model whose score is a function of the input alone
  // (the seed heuristic). The default model calibrates to the person's pace online, so
  // its score moves during a session's first minutes even on constant input.
  it('a constant input stream changes state at most once', () => {
    fc.assert(
      fc.property(inputStreamArb, fc.integer({ min: 2, max: 80 }), (stream, n) => {
        const d = new FlowDetector({ model: heuristicFlowModel });
        const states = Array.from(
          { length: n },
          (_, i) => d.update({ ...stream[0], timestamp: T0 + i * 30_000 }).isInFlow,
        );
        const changes = states.filter((s, i) => i > 0 && s !== states[i - 1]).length;
        expect(changes).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('an idle gap closes the open period at the last update', () => {
    const d = new FlowDetector({ config: DWELL });
    feed(d, [0.9, 0.9, 0.9, 0.9]);
    d.updateWithScore(steadyInput(T0 + 90_000 + 10 * 60_000), 0.9);
    expect(d.periods[0]).toMatchObject({ endMs: T0 + 90_000, endReason: 'idle' });
    expect(d.isInFlow).toBe(false);
  });

  it('records recovery time after an interruption', () => {
    const d = new FlowDetector();
    feed(d, [0.9, 0.9, 0.9, 0.2, 0.2, 0.2, 0.2, 0.9, 0.9, 0.9]);
    d.close(T0 + 10 * 30_000);
    expect(d.periods).toHaveLength(2);
    expect(d.periods[1].recoveryTimeMs).toBe(d.periods[1].startMs - d.periods[0].endMs);
    expect(d.periods[1].endReason).toBe('session_end');
  });

  it('rejects out-of-order input and invalid scores', () => {
    const d = new FlowDetector();
    d.update(steadyInput(T0 + 1000));
    expect(() => d.update(steadyInput(T0))).toThrow(OutOfOrderInputError);
    expect(() => d.updateWithScore(steadyInput(T0 + 2000), Number.NaN)).toThrow(RangeError);
  });

  it('outputs stay in range for any stream', () => {
    fc.assert(
      fc.property(inputStreamArb, (stream) => {
        const d = new FlowDetector();
        for (const input of stream) {
          const r = d.update(input);
          expect(r.flowIntensity).toBeGreaterThanOrEqual(0);
          expect(r.flowIntensity).toBeLessThanOrEqual(1);
          expect(r.confidence).toBeGreaterThanOrEqual(0);
          expect(r.confidence).toBeLessThanOrEqual(1);
          expect(r.flowDurationMs).toBeGreaterThanOrEqual(0);
        }
        for (const p of d.close(stream[stream.length - 1].timestamp)) {
          expect(p.durationMs).toBeGreaterThanOrEqual(0);
          expect(p.intensity).toBeGreaterThanOrEqual(0);
          expect(p.intensity).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('gives the seed recommendations and the break recommendation on their triggers', () => {
    const d = new FlowDetector();
    const r = d.updateWithScore(steadyInput(T0, { contextSwitches: 6, errorEvents: 4 }), 0.2);
    expect(r.recommendations).toEqual([
      RECOMMENDATIONS.resetBreak,
      RECOMMENDATIONS.focusMode,
      RECOMMENDATIONS.slowDown,
    ]);
    let last = r;
    for (let i = 1; i <= 101; i++) last = d.updateWithScore(steadyInput(T0 + i * 30_000), 0.6);
    expect(last.recommendations).toContain(RECOMMENDATIONS.longStretchBreak);
  });
});

describe('FlowDetector state', () => {
  it('snapshot → JSON → restore, then continuing, equals replaying all inputs', () => {
    fc.assert(
      fc.property(inputStreamArb, fc.nat(), (stream, cutSeed) => {
        const cut = cutSeed % (stream.length + 1);
        const whole = new FlowDetector();
        const wholeResults = stream.map((x) => whole.update(x));
        const first = new FlowDetector();
        stream.slice(0, cut).forEach((x) => first.update(x));
        const restored = FlowDetector.restore(JSON.parse(JSON.stringify(first.snapshot())));
        const rest = stream.slice(cut).map((x) => restored.update(x));
        expect(rest).toEqual(wholeResults.slice(cut));
        expect(restored.snapshot()).toEqual(whole.snapshot());
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a malformed snapshot with a named error', () => {
    const snap = { ...new FlowDetector().snapshot(), lastTimestamp: 'yesterday' };
    expect(() => FlowDetector.restore(snap)).toThrow(FlowInputError);
    expect(() => FlowDetector.restore(snap)).toThrow(/lastTimestamp/);
  });

  it('featuresFor does not change state', () => {
    const d = new FlowDetector();
    d.update(steadyInput(T0));
    const before = d.snapshot();
    d.featuresFor(steadyInput(T0 + 30_000));
    expect(d.snapshot()).toEqual(before);
  });
});
