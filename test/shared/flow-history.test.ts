import { describe, expect, it } from 'vitest';
import {
  computeBaseline,
  computePersonalPatterns,
  generateInsights,
  summarizeSession,
  type SessionActivityUpdate,
  type SessionHistoryEntry,
} from '../../shared/src';
import { steadyInput, T0 } from './flow-arbitraries';

function update(t: number, o: Partial<SessionActivityUpdate> = {}): SessionActivityUpdate {
  const s = steadyInput(t);
  return {
    timestamp: t,
    keystrokeIntervals: s.keystrokeIntervals,
    contextSwitches: 0,
    errorEvents: 0,
    focusDuration: 20 * 60_000,
    fileModifications: 1,
    keystrokes: 60,
    linesAdded: 2,
    linesDeleted: 1,
    language: 'typescript',
    ...o,
  };
}

describe('summarizeSession', () => {
  it('computes the coding_sessions columns, excluding idle gaps', () => {
    const updates = [
      ...Array.from({ length: 20 }, (_, i) =>
        update(T0 + (i + 1) * 30_000, { errorEvents: i === 0 ? 5 : 0 }),
      ),
      // 20-minute gap (idle), then 10 minutes of Rust
      ...Array.from({ length: 20 }, (_, i) =>
        update(T0 + 30 * 60_000 + i * 30_000, { language: 'rust' }),
      ),
    ];
    const s = summarizeSession({ startTime: T0, endTime: T0 + 40 * 60_000, updates });
    expect(s.total_duration_ms).toBe(40 * 60_000);
    expect(s.active_duration_ms).toBe(10 * 60_000 + 19 * 30_000);
    expect(s.language_breakdown).toEqual({ typescript: 10 * 60_000, rust: 19 * 30_000 });
    expect(s.keystrokes).toBe(40 * 60);
    expect(s.lines_added).toBe(80);
    expect(s.lines_deleted).toBe(40);
    expect(s.files_modified).toBe(40);
    expect(s.error_rate).toBeCloseTo(5 / (s.active_duration_ms / 60_000), 4);
    expect(s.focus_score).toBeGreaterThanOrEqual(0);
    expect(s.focus_score).toBeLessThanOrEqual(1);
    expect(s.flow_state_periods.length).toBe(2);
    expect(s.flow_state_periods[0].end_reason).toBe('idle');
    expect(s.interruption_count).toBe(1);
  });

  it('an empty session has zero activity', () => {
    const s = summarizeSession({ startTime: T0, updates: [] });
    expect(s).toMatchObject({
      total_duration_ms: 0,
      active_duration_ms: 0,
      focus_score: 0,
      error_rate: 0,
    });
  });
});

describe('computeBaseline', () => {
  it('needs enough history, then learns the person', () => {
    const slow = (t: number) => ({
      ...steadyInput(t),
      keystrokeIntervals: new Array(60).fill(0).map((_, i) => 450 + (i % 2) * 60),
    });
    expect(computeBaseline([slow(T0), slow(T0 + 30_000)])).toBeNull();
    const b = computeBaseline(Array.from({ length: 20 }, (_, i) => slow(T0 + i * 30_000)));
    expect(b?.meanIntervalMs).toBeCloseTo(480, 0);
    expect(b?.keystrokesPerMinute).toBeCloseTo(120, 0);
  });
});

function session(day: number, hour: number, flowMinutes: number): SessionHistoryEntry {
  const start = Date.UTC(2024, 0, 1 + day, hour);
  const p = (offset: number, recovery: number | null) => ({
    start_time: new Date(start + offset).toISOString(),
    end_time: new Date(start + offset + flowMinutes * 60_000).toISOString(),
    duration_ms: flowMinutes * 60_000,
    intensity_score: 0.8,
    context_switches: 1,
    recovery_time_ms: recovery,
    end_reason: 'score' as const,
  });
  return {
    startTime: start,
    summary: {
      total_duration_ms: (day % 2 ? 60 : 120) * 60_000,
      focus_score: day % 2 ? 0.8 : 0.5,
      interruption_count: 1,
      flow_state_periods: [p(0, null), p((flowMinutes + 10) * 60_000, 10 * 60_000)],
    },
  };
}

describe('patterns and insights', () => {
  it('claims nothing from three sessions', () => {
    const history = [0, 1, 2].map((d) => session(d, 9, 30));
    const p = computePersonalPatterns(history);
    expect(Object.values(p.confidence).every((c) => c === 0)).toBe(true);
    expect(p.peak_hours).toEqual([]);
    expect(p.typical_flow_duration_ms).toBeNull();
    expect(generateInsights(history)).toEqual([]);
  });

  it('finds peak hours, typical duration, recovery and optimal length with growing confidence', () => {
    const history = Array.from({ length: 20 }, (_, d) => session(d, 9, 30));
    const p = computePersonalPatterns(history);
    expect(p.peak_hours_of_day).toContain(9);
    expect(p.typical_flow_duration_ms).toBe(30 * 60_000);
    expect(p.recovery_time_ms).toBe(10 * 60_000);
    expect(p.optimal_session_length_ms).toBe(60 * 60_000);
    expect(p.date_range_start).toBe('2024-01-01');
    expect(p.date_range_end).toBe('2024-01-20');
    const more = computePersonalPatterns(Array.from({ length: 60 }, (_, d) => session(d, 9, 30)));
    expect(more.confidence.peak_hours).toBeGreaterThan(p.confidence.peak_hours);
    const insights = generateInsights(history);
    expect(insights.map((i) => i.insight_type).sort()).toEqual([
      'best_days',
      'optimal_session_length',
      'peak_hours',
      'recovery_time',
      'typical_flow_duration',
    ]);
    for (const i of insights) {
      expect(i.confidence_score).toBeGreaterThan(0);
      expect(i.confidence_score).toBeLessThanOrEqual(1);
      expect(i.date_range_start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
