// The detector's activity window (keystrokes per minute over the last activityWindowMs) holds
// one entry per update at the extension's pace, and a bounded number however often updates come:
// a client updating every 40 ms made each update filter and copy 3,000 entries (30 µs of a
// 3 µs update; docs/performance.md, "Seventh round").
import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_ENTRY_MS,
  DEFAULT_DETECTOR_CONFIG,
  FlowDetector,
  POPULATION_BASELINE,
  type FlowInput,
} from '../../shared/src';

const T0 = Date.UTC(2026, 0, 5, 9);

function input(atMs: number, keys: number): FlowInput {
  return {
    keystrokeIntervals: Array.from({ length: keys }, () => 180),
    contextSwitches: 0,
    errorEvents: 0,
    windowFocusDuration: 60_000,
    fileModifications: 0,
    timestamp: T0 + atMs,
  };
}

describe('activity window', () => {
  it('stays bounded when updates come every 40 ms', () => {
    const detector = new FlowDetector();
    for (let i = 0; i < 10_000; i++) detector.update(input(i * 40, 8));
    const bound = Math.ceil(DEFAULT_DETECTOR_CONFIG.activityWindowMs / ACTIVITY_ENTRY_MS) + 1;
    expect(detector.snapshot().activity.length).toBeLessThanOrEqual(bound);
  });

  it('keeps one entry per update at the extension’s pace of one update every 30 s', () => {
    const detector = new FlowDetector();
    for (let i = 0; i < 4; i++) detector.update(input(i * 30_000, 20));
    expect(detector.snapshot().activity.map((e) => e.keystrokes)).toEqual([20, 20, 20, 20]);
  });

  it('measures the same typing rate whether updates come every second or every 30 s', () => {
    // 60 keystrokes a minute either way: one key a second, or 30 keys every 30 s.
    const often = new FlowDetector();
    for (let s = 0; s < 600; s++) often.update(input(s * 1000, 1));
    const seldom = new FlowDetector();
    for (let s = 0; s < 20; s++) seldom.update(input(s * 30_000, 30));
    const rate = (d: FlowDetector, atMs: number, keys: number) =>
      d.featuresFor(input(atMs, keys)).activity * POPULATION_BASELINE.keystrokesPerMinute;
    expect(rate(often, 600_000, 1)).toBeCloseTo(60, -0.5);
    expect(rate(seldom, 600_000, 30)).toBeCloseTo(60, -0.5);
  });
});
