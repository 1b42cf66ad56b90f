import { describe, expect, it } from 'vitest';
import {
  FlowDetector,
  POPULATION_BASELINE,
  RECOMMENDATIONS,
  RECOMMENDATION_TRIGGERS,
  hourOfWeek,
  type PersonalBaseline,
} from '../../shared/src';
import { steadyInput, T0 } from './flow-arbitraries';

/** UTC+1: peak hours are local, so the test crosses a time-zone boundary on purpose. */
const OFFSET = 60;
const HOUR = 3_600_000;
const peakBaseline: PersonalBaseline = {
  ...POPULATION_BASELINE,
  peakHours: { hoursOfWeek: [hourOfWeek(T0, OFFSET)], utcOffsetMinutes: OFFSET },
};
/** More context switches than a peak hour tolerates, but too few for the seed's focus advice. */
const leaking = RECOMMENDATION_TRIGGERS.peakHourMaxContextSwitches + 1;

describe('peak-hour recommendation from the baseline', () => {
  it('fires inside a peak hour on its trigger, not outside the hour, not below the trigger', () => {
    const d = new FlowDetector({ baseline: peakBaseline });
    const inside = d.update(steadyInput(T0 + 10 * 60_000, { contextSwitches: leaking }));
    expect(inside.recommendations).toContain(RECOMMENDATIONS.protectPeakHour);
    const calm = d.update(steadyInput(T0 + 11 * 60_000, { contextSwitches: leaking - 1 }));
    expect(calm.recommendations).not.toContain(RECOMMENDATIONS.protectPeakHour);
    const after = d.update(steadyInput(T0 + HOUR + 60_000, { contextSwitches: leaking }));
    expect(after.recommendations).not.toContain(RECOMMENDATIONS.protectPeakHour);
    for (const baseline of [null, POPULATION_BASELINE]) {
      const none = new FlowDetector({ baseline }).update(
        steadyInput(T0 + 10 * 60_000, { contextSwitches: leaking }),
      );
      expect(none.recommendations).not.toContain(RECOMMENDATIONS.protectPeakHour);
    }
  });

  it('reads the hour in the time zone the peak hours were computed in', () => {
    const hours = [hourOfWeek(T0, 0)];
    const input = steadyInput(T0, { contextSwitches: leaking });
    const inUtc = new FlowDetector({
      baseline: { ...POPULATION_BASELINE, peakHours: { hoursOfWeek: hours, utcOffsetMinutes: 0 } },
    });
    expect(inUtc.update(input).recommendations).toContain(RECOMMENDATIONS.protectPeakHour);
    const inCet = new FlowDetector({
      baseline: {
        ...POPULATION_BASELINE,
        peakHours: { hoursOfWeek: hours, utcOffsetMinutes: OFFSET },
      },
    });
    expect(inCet.update(input).recommendations).not.toContain(RECOMMENDATIONS.protectPeakHour);
  });

  it('keeps the peak hours through snapshot and restore', () => {
    const d = new FlowDetector({ baseline: peakBaseline });
    d.update(steadyInput(T0));
    const restored = FlowDetector.restore(JSON.parse(JSON.stringify(d.snapshot())));
    expect(restored.baseline).toEqual(peakBaseline);
    expect(
      restored.update(steadyInput(T0 + 60_000, { contextSwitches: leaking })).recommendations,
    ).toContain(RECOMMENDATIONS.protectPeakHour);
  });

  it('rejects peak hours that could never match, naming the field', () => {
    const bad = (peakHours: PersonalBaseline['peakHours']) => () =>
      new FlowDetector({ baseline: { ...POPULATION_BASELINE, peakHours } });
    expect(bad({ hoursOfWeek: [168], utcOffsetMinutes: 0 })).toThrow(/hoursOfWeek.*168/);
    expect(bad({ hoursOfWeek: [1.5], utcOffsetMinutes: 0 })).toThrow(RangeError);
    expect(bad({ hoursOfWeek: [3], utcOffsetMinutes: 5000 })).toThrow(/utcOffsetMinutes/);
  });
});

describe('break recommendation', () => {
  const minute = 60_000;
  /** Results of updates every 30 s for `minutes`, all with `score`. */
  function stretch(score: number, minutes: number) {
    const d = new FlowDetector();
    return Array.from({ length: minutes * 2 + 1 }, (_, i) =>
      d.updateWithScore(steadyInput(T0 + i * 30_000), score),
    );
  }
  const at = (results: ReturnType<typeof stretch>, minutes: number) => results[minutes * 2];

  it('in flow: says 60 minutes and fires at 60 minutes of continuous work, outside flow at 50', () => {
    expect(RECOMMENDATION_TRIGGERS.breakInFlowAfterMs).toBe(60 * minute);
    expect(RECOMMENDATIONS.longFlowBreak).toMatch(/over 60 minutes/);
    const r = stretch(0.9, 61);
    expect(at(r, 59)).toMatchObject({ isInFlow: true, recommendations: [] });
    expect(at(r, 60).isInFlow).toBe(true);
    expect(at(r, 60).recommendations).toEqual([RECOMMENDATIONS.longFlowBreak]);

    // Outside flow the same stretch is advised against at 50 minutes, with its own number.
    expect(RECOMMENDATION_TRIGGERS.breakAfterMs).toBe(50 * minute);
    expect(RECOMMENDATIONS.longStretchBreak).toMatch(/over 50 minutes/);
    const out = stretch(0.6, 61);
    expect(at(out, 49)).toMatchObject({ isInFlow: false, recommendations: [] });
    expect(at(out, 50).recommendations).toEqual([RECOMMENDATIONS.longStretchBreak]);
    expect(at(out, 61).recommendations).toEqual([RECOMMENDATIONS.longStretchBreak]);
  });
});
