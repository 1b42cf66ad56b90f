import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FlowDetector,
  IDLE_THRESHOLD_MS,
  MAX_ERROR_RATE,
  accumulate,
  activityToFlowInput,
  hasActivity,
  seedFromColumns,
  startAccumulator,
  summarizeSession,
  summaryColumns,
  type FlowPeriod,
  type SessionAccumulator,
  type SessionActivityUpdate,
  type SummaryLimits,
} from '../../shared/src/index';
import { T0 } from './flow-arbitraries';

const activeArb = fc.record({
  keystrokeIntervals: fc.array(fc.integer({ min: 50, max: 2_000 }), {
    minLength: 1,
    maxLength: 40,
  }),
  keystrokes: fc.integer({ min: 0, max: 400 }),
  fileModifications: fc.integer({ min: 0, max: 5 }),
  linesAdded: fc.integer({ min: 0, max: 50 }),
  linesDeleted: fc.integer({ min: 0, max: 20 }),
});
const idleArb = fc.constant({
  keystrokeIntervals: [] as number[],
  keystrokes: 0,
  fileModifications: 0,
  linesAdded: 0,
  linesDeleted: 0,
});

/** Updates in timestamp order: some without activity, some after an idle gap, languages mixed. */
const updatesArb: fc.Arbitrary<SessionActivityUpdate[]> = fc
  .array(
    fc.record({
      gap: fc.oneof(
        fc.integer({ min: 0, max: IDLE_THRESHOLD_MS }),
        fc.integer({ min: IDLE_THRESHOLD_MS + 1, max: 2 * IDLE_THRESHOLD_MS }),
      ),
      body: fc.oneof({ arbitrary: activeArb, weight: 3 }, { arbitrary: idleArb, weight: 1 }),
      contextSwitches: fc.integer({ min: 0, max: 6 }),
      errorEvents: fc.oneof(
        { arbitrary: fc.constant(0), weight: 3 },
        { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 1 },
      ),
      focusDuration: fc.integer({ min: 0, max: 3_600_000 }),
      language: fc.option(fc.constantFrom('typescript', 'python', 'go'), { nil: undefined }),
    }),
    { maxLength: 40 },
  )
  .map((items) => {
    let t = T0;
    return items.map(({ gap, body, language, ...rest }) => {
      t += gap;
      return { timestamp: t, ...body, ...rest, ...(language ? { language } : {}) };
    });
  });

/** The updates' flow scores and final periods, from one detector over all of them. */
function detect(updates: readonly SessionActivityUpdate[], endMs: number) {
  const detector = new FlowDetector({ baseline: null });
  const scores = updates.map((u) => detector.update(activityToFlowInput(u)).flowIntensity);
  return { scores, periods: detector.close(endMs) };
}

function fold(
  state: SessionAccumulator,
  updates: readonly SessionActivityUpdate[],
  scores: readonly number[],
): SessionAccumulator {
  return updates.reduce((s, u, i) => accumulate(s, u, scores[i]!), state);
}

/** A session split after its first `at mod (n+1)` updates, scored by one detector. */
const splitArb = fc.tuple(updatesArb, fc.nat()).map(([updates, at]) => {
  const k = at % (updates.length + 1);
  const endMs = updates.at(-1)?.timestamp ?? T0;
  const { scores, periods } = detect(updates, endMs);
  return {
    endMs,
    periods,
    whole: fold(startAccumulator(T0), updates, scores),
    head: fold(startAccumulator(T0), updates.slice(0, k), scores.slice(0, k)),
    rest: updates.slice(k),
    restScores: scores.slice(k),
  };
});

describe('session accumulator', () => {
  it('folded one update at a time equals summarizeSession', () => {
    fc.assert(
      fc.property(updatesArb, fc.integer({ min: 0, max: 600_000 }), (updates, tail) => {
        const last = updates.at(-1)?.timestamp ?? T0;
        const endMs = last + tail;
        const { scores, periods } = detect(updates, endMs);
        const state = fold(startAccumulator(T0), updates, scores);
        const { flow_state_periods, ...expected } = summarizeSession({
          startTime: T0,
          endTime: endMs,
          updates,
        });
        expect(summaryColumns(state, periods, endMs)).toEqual(expected);
        expect(periods.length).toBe(flow_state_periods.length);
        // Without an end, the session runs to the latest update.
        const open = summarizeSession({ startTime: T0, updates });
        expect(summaryColumns(state, periods).total_duration_ms).toBe(open.total_duration_ms);
      }),
      { numRuns: 200 },
    );
  });

  it('seeded from its own state and continued, equals the unsplit fold exactly', () => {
    fc.assert(
      fc.property(splitArb, ({ whole, head, rest, restScores }) => {
        const { startMs, ...seed } = JSON.parse(JSON.stringify(head)) as SessionAccumulator;
        expect(fold(startAccumulator(startMs, seed), rest, restScores)).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('seeded from the produced columns (the server restart) and continued, equals the unsplit fold within rounding', () => {
    fc.assert(
      fc.property(splitArb, ({ endMs, periods, whole, head, rest, restScores }) => {
        const seed = seedFromColumns(T0, summaryColumns(head, [] as FlowPeriod[]));
        // The columns do not hold what they cannot: the last activity is taken as the latest
        // update, the language as the breakdown's last, errors from the (capped) rate.
        fc.pre(seed.lastActivityMs === head.lastActivityMs);
        fc.pre(seed.errors === head.errors);
        fc.pre(
          seed.language === head.language ||
            rest.every((u) => u.language !== undefined || !hasActivity(u)),
        );
        const resumed = fold(startAccumulator(T0, seed), rest, restScores);
        const got = summaryColumns(resumed, periods, endMs);
        const want = summaryColumns(whole, periods, endMs);
        const { focus_score, ...exact } = got;
        const { focus_score: wantFocus, ...wantExact } = want;
        expect(exact).toEqual(wantExact);
        // The seed's focus score is rounded to 2 decimals.
        expect(Math.abs(focus_score - wantFocus)).toBeLessThanOrEqual(0.01 + 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('seeds exactly from columns when the split follows activity and rates are below the cap', () => {
    const u = (t: number, language?: string): SessionActivityUpdate => ({
      timestamp: T0 + t,
      keystrokeIntervals: [200, 210],
      contextSwitches: 0,
      errorEvents: 1,
      focusDuration: 60_000,
      fileModifications: 1,
      keystrokes: 10,
      linesAdded: 2,
      linesDeleted: 0,
      ...(language ? { language } : {}),
    });
    const head = [u(60_000, 'go'), u(120_000), u(180_000)].reduce(
      (s, x) => accumulate(s, x, 0.5),
      startAccumulator(T0),
    );
    const seed = seedFromColumns(T0, summaryColumns(head, []));
    expect(startAccumulator(T0, seed)).toEqual(head);
    expect(summaryColumns(head, []).error_rate).toBe(1);
    expect(summaryColumns(head, []).error_rate).toBeLessThan(MAX_ERROR_RATE);
  });

  it('saturates at limits and stops crediting new languages past maxLanguages', () => {
    const limits: SummaryLimits = {
      maxDurationMs: 90_000,
      maxCounter: 15,
      maxLanguages: 1,
      maxErrorRate: 999.9999,
    };
    const u = (t: number, language: string): SessionActivityUpdate => ({
      timestamp: T0 + t,
      keystrokeIntervals: [200],
      contextSwitches: 0,
      errorEvents: 0,
      focusDuration: 0,
      fileModifications: 0,
      keystrokes: 10,
      linesAdded: 0,
      linesDeleted: 0,
      language,
    });
    let s = startAccumulator(T0);
    s = accumulate(s, u(60_000, 'go'), 1, { limits });
    s = accumulate(s, u(120_000, 'rust'), 1, { limits });
    expect(s.keystrokes).toBe(15);
    expect(s.activeMs).toBe(90_000);
    expect(s.languageBreakdown).toEqual({ go: 60_000 });
    expect(s.weightedScore).toBe(120_000);
    const columns = summaryColumns(s, [], T0 + 10 * 60_000, limits);
    expect(columns.total_duration_ms).toBe(90_000);
    expect(columns.focus_score).toBe(1);
    s = accumulate(s, u(180_000, 'go'), 1, { limits, trackLanguages: false });
    expect(s.language).toBe('go');
    expect(s.languageBreakdown).toEqual({ go: 60_000 });
  });

  it('error rate: above the seed 10/min limit, capped only at the DECIMAL(7,4) column maximum', () => {
    const u = (minute: number, errorEvents: number): SessionActivityUpdate => ({
      timestamp: T0 + minute * 60_000,
      keystrokeIntervals: [200, 210, 190],
      contextSwitches: 0,
      errorEvents,
      focusDuration: 60_000,
      fileModifications: 0,
      keystrokes: 3,
      linesAdded: 0,
      linesDeleted: 0,
    });
    // Two active minutes, 25 errors each: 25 per minute, over the seed's DECIMAL(5,4) limit.
    const burst = summarizeSession({ startTime: T0, updates: [u(1, 25), u(2, 25)] });
    expect(burst.error_rate).toBe(25);
    expect(MAX_ERROR_RATE).toBe(999.9999);
    const absurd = summarizeSession({ startTime: T0, updates: [u(1, 5_000)] });
    expect(absurd.error_rate).toBe(MAX_ERROR_RATE);
    const running = [u(1, 25), u(2, 25)].reduce(
      (acc, x) => accumulate(acc, x, 0.5),
      startAccumulator(T0),
    );
    expect(summaryColumns(running, []).error_rate).toBe(burst.error_rate);
  });
});
