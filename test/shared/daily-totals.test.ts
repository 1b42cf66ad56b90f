import {
  addDaysToDate,
  combineDailyTotals,
  dailyTotals,
  DayRangeError,
  dayWindows,
  fixedZoneOffset,
  hourOfWeekFlowSeconds,
  intlZoneOffset,
  localDate,
  type DailyTotalsSession,
} from '@mindful/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const H = 3_600_000;
const M = 60_000;
const utc = fixedZoneOffset(0);
const iso = (ms: number) => new Date(ms).toISOString();
const at = (day: string, hour: number, minute = 0) =>
  Date.parse(`${day}T00:00:00Z`) + hour * H + minute * M;

function session(
  over: Partial<DailyTotalsSession> & { start: number; end: number | null },
): DailyTotalsSession {
  const { start, end, ...rest } = over;
  return {
    start_time: iso(start),
    end_time: end === null ? null : iso(end),
    total_duration_ms: end === null ? null : end - start,
    active_duration_ms: end === null ? null : end - start,
    language_breakdown: {},
    project_path: null,
    flow_state_periods: [],
    interruption_count: 0,
    focus_score: null,
    ...rest,
  };
}

describe('dayWindows', () => {
  it('gives 24-hour UTC days for a zero offset', () => {
    const w = dayWindows('2026-11-28', '2026-11-30', utc);
    expect(w.map((d) => d.date)).toEqual(['2026-11-28', '2026-11-29', '2026-11-30']);
    expect(w[0].start_ms).toBe(Date.parse('2026-11-28T00:00:00Z'));
    expect(w.every((d) => d.end_ms - d.start_ms === 24 * H)).toBe(true);
  });

  it('follows DST in an IANA zone: a 23-hour and a 25-hour day in Paris', () => {
    const paris = intlZoneOffset('Europe/Paris');
    const [spring] = dayWindows('2026-03-29', '2026-03-29', paris);
    expect(spring.start_ms).toBe(Date.parse('2026-03-28T23:00:00Z'));
    expect(spring.end_ms - spring.start_ms).toBe(23 * H);
    const [autumn] = dayWindows('2026-10-25', '2026-10-25', paris);
    expect(autumn.end_ms - autumn.start_ms).toBe(25 * H);
    expect(localDate(spring.start_ms, paris)).toBe('2026-03-29');
    expect(localDate(spring.start_ms - 1, paris)).toBe('2026-03-28');
  });

  it('refuses bad dates, reversed ranges, huge ranges and unknown zones', () => {
    expect(() => dayWindows('2026-02-30', '2026-03-01', utc)).toThrow(DayRangeError);
    expect(() => dayWindows('2026-03-02', '2026-03-01', utc)).toThrow(/before/);
    expect(() => dayWindows('2000-01-01', '2026-03-01', utc)).toThrow(/at most/);
    expect(() => intlZoneOffset('Mars/Olympus')).toThrow(/Unknown time zone/);
    expect(addDaysToDate('2026-02-28', 1)).toBe('2026-03-01');
  });
});

describe('dailyTotals', () => {
  const days = dayWindows('2026-11-23', '2026-11-25', utc);

  it('sums coding, flow, longest flow, interruptions and breakdowns of one day', () => {
    const s1 = session({
      start: at('2026-11-23', 9),
      end: at('2026-11-23', 11),
      active_duration_ms: 100 * M,
      language_breakdown: { typescript: 80 * M, sql: 20 * M },
      project_path: '/work/app',
      editor: 'vscode',
      machine: 'laptop',
      category: 'coding',
      focus_score: 0.8,
      flow_state_periods: [
        { start_time: iso(at('2026-11-23', 9, 10)), end_time: iso(at('2026-11-23', 9, 40)) },
        { start_time: iso(at('2026-11-23', 10, 0)), end_time: iso(at('2026-11-23', 10, 45)) },
      ],
      interruption_count: 2,
    });
    const s2 = session({
      start: at('2026-11-23', 14),
      end: at('2026-11-23', 15),
      language_breakdown: { typescript: 60 * M },
      focus_score: 0.5,
    });
    const [mon, tue] = dailyTotals([s1, s2], days);
    expect(mon).toMatchObject({
      date: '2026-11-23',
      coding_seconds: 160 * 60,
      flow_seconds: 75 * 60,
      longest_flow_seconds: 45 * 60,
      interruptions: 2,
      session_count: 2,
      languages: { typescript: 140 * 60, sql: 20 * 60 },
      projects: { '/work/app': 100 * 60 },
      editors: { vscode: 100 * 60 },
      machines: { laptop: 100 * 60 },
      categories: { coding: 100 * 60 },
    });
    expect(mon.focus_score).toBeCloseTo((0.8 * 100 + 0.5 * 60) / 160, 10);
    expect(tue).toMatchObject({
      coding_seconds: 0,
      flow_seconds: 0,
      session_count: 0,
      focus_score: null,
    });
  });

  it('splits a session across midnight by its share of the span, and flow periods exactly', () => {
    const s = session({
      start: at('2026-11-23', 23),
      end: at('2026-11-24', 1),
      active_duration_ms: 60 * M,
      language_breakdown: { go: 60 * M },
      flow_state_periods: [
        { start_time: iso(at('2026-11-23', 23, 30)), end_time: iso(at('2026-11-24', 0, 45)) },
      ],
      interruption_count: 1,
    });
    const [mon, tue] = dailyTotals([s], days);
    expect(mon.coding_seconds).toBe(30 * 60);
    expect(tue.coding_seconds).toBe(30 * 60);
    expect(mon.languages).toEqual({ go: 30 * 60 });
    expect(mon.flow_seconds).toBe(30 * 60);
    expect(tue.flow_seconds).toBe(45 * 60);
    expect(tue.longest_flow_seconds).toBe(45 * 60);
    // The interruption is where the period ended (before the session's end), on Tuesday.
    expect([mon.interruptions, tue.interruptions]).toEqual([0, 1]);
    expect([mon.session_count, tue.session_count]).toEqual([1, 0]);
  });

  it('does not place an interruption at a flow period cut by the session end', () => {
    // Two interruptions counted, one located period end before the session's end: the other
    // (an idle break, say) is placed at the session start, Monday, not at the session end.
    const s = session({
      start: at('2026-11-23', 23),
      end: at('2026-11-24', 1),
      flow_state_periods: [
        { start_time: iso(at('2026-11-24', 0, 10)), end_time: iso(at('2026-11-24', 0, 20)) },
        { start_time: iso(at('2026-11-24', 0, 30)), end_time: iso(at('2026-11-24', 1, 0)) },
      ],
      interruption_count: 2,
    });
    const [mon, tue] = dailyTotals([s], days);
    expect([mon.interruptions, tue.interruptions]).toEqual([1, 1]);
    expect(tue.flow_seconds).toBe(40 * 60);
  });

  it('uses the zone: 23:30 UTC is the next day in Tokyo', () => {
    const tokyo = dayWindows('2026-11-23', '2026-11-24', intlZoneOffset('Asia/Tokyo'));
    const s = session({ start: at('2026-11-23', 23, 30), end: at('2026-11-23', 23, 50) });
    const [, tue] = dailyTotals([s], tokyo);
    expect(tue.coding_seconds).toBe(20 * 60);
    expect(tue.session_count).toBe(1);
  });

  it('counts an open session over its recorded duration, and reads Date and ms times', () => {
    const start = at('2026-11-25', 8);
    const open: DailyTotalsSession = {
      ...session({ start, end: null }),
      start_time: new Date(start),
      total_duration_ms: 30 * M,
      active_duration_ms: 20 * M,
    };
    const [, , wed] = dailyTotals([open], days);
    expect(wed.coding_seconds).toBe(20 * 60);
    const numeric = {
      ...session({ start, end: start + 10 * M }),
      start_time: start,
      end_time: start + 10 * M,
    };
    expect(dailyTotals([numeric], days)[2].coding_seconds).toBe(10 * 60);
  });

  it('ignores sessions outside the windows and unreadable times', () => {
    const before = session({ start: at('2026-11-20', 9), end: at('2026-11-20', 10) });
    const bad = {
      ...session({ start: at('2026-11-23', 9), end: at('2026-11-23', 10) }),
      start_time: 'nope',
    };
    expect(
      dailyTotals([before, bad], days).every(
        (d) => d.coding_seconds === 0 && d.session_count === 0,
      ),
    ).toBe(true);
  });

  it('never loses or invents coding or flow time across day boundaries (property)', () => {
    const week = dayWindows('2026-11-23', '2026-11-29', intlZoneOffset('America/New_York'));
    const first = week[0].start_ms;
    const last = week[week.length - 1].end_ms;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            offset: fc.integer({ min: 0, max: last - first - 6 * H }),
            length: fc.integer({ min: 1, max: 6 * H }),
            activeShare: fc.double({ min: 0, max: 1, noNaN: true }),
            flowFrom: fc.double({ min: 0, max: 0.5, noNaN: true }),
            flowTo: fc.double({ min: 0.5, max: 1, noNaN: true }),
          }),
          { maxLength: 20 },
        ),
        (specs) => {
          const sessions = specs.map((p) => {
            const start = first + p.offset;
            const end = start + p.length;
            return session({
              start,
              end,
              active_duration_ms: Math.round(p.length * p.activeShare),
              flow_state_periods: [
                {
                  start_time: iso(start + Math.floor(p.length * p.flowFrom)),
                  end_time: iso(start + Math.floor(p.length * p.flowTo)),
                },
              ],
            });
          });
          const totals = dailyTotals(sessions, week);
          const coding = totals.reduce((a, d) => a + d.coding_seconds, 0);
          const flow = totals.reduce((a, d) => a + d.flow_seconds, 0);
          const expectedCoding =
            sessions.reduce((a, s) => a + (s.active_duration_ms ?? 0), 0) / 1000;
          const expectedFlow =
            sessions.reduce((a, s) => {
              const p = s.flow_state_periods![0];
              return a + Date.parse(String(p.end_time)) - Date.parse(String(p.start_time));
            }, 0) / 1000;
          expect(coding).toBeCloseTo(expectedCoding, 1);
          expect(flow).toBeCloseTo(expectedFlow, 1);
          expect(totals.reduce((a, d) => a + d.session_count, 0)).toBe(sessions.length);
        },
      ),
    );
  });
});

describe('combineDailyTotals', () => {
  it('adds days into a week, keeping the longest flow and weighting focus by coding time', () => {
    const days = dayWindows('2026-11-23', '2026-11-24', utc);
    const totals = dailyTotals(
      [
        session({
          start: at('2026-11-23', 9),
          end: at('2026-11-23', 10),
          focus_score: 1,
          language_breakdown: { ts: 60 * M },
          flow_state_periods: [
            { start_time: iso(at('2026-11-23', 9)), end_time: iso(at('2026-11-23', 9, 40)) },
          ],
        }),
        session({
          start: at('2026-11-24', 9),
          end: at('2026-11-24', 12),
          focus_score: 0,
          language_breakdown: { ts: 180 * M },
          interruption_count: 3,
        }),
      ],
      days,
    );
    const week = combineDailyTotals(totals)!;
    expect(week).toMatchObject({
      coding_seconds: 240 * 60,
      flow_seconds: 40 * 60,
      longest_flow_seconds: 40 * 60,
      interruptions: 3,
      session_count: 2,
      languages: { ts: 240 * 60 },
    });
    expect(week.focus_score).toBeCloseTo(0.25, 10);
    expect(combineDailyTotals([])).toBeNull();
  });
});

describe('hourOfWeekFlowSeconds', () => {
  it('splits flow periods over local hours of the week', () => {
    // Monday 2026-11-23 09:30–11:15 UTC, seen from UTC and from Tokyo (+9).
    const s = session({
      start: at('2026-11-23', 9),
      end: at('2026-11-23', 12),
      flow_state_periods: [
        { start_time: iso(at('2026-11-23', 9, 30)), end_time: iso(at('2026-11-23', 11, 15)) },
      ],
    });
    const cells = hourOfWeekFlowSeconds([s], utc);
    expect(cells).toHaveLength(168);
    expect([cells[24 + 9], cells[24 + 10], cells[24 + 11]]).toEqual([1800, 3600, 900]);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(105 * 60);
    const tokyo = hourOfWeekFlowSeconds([s], intlZoneOffset('Asia/Tokyo'));
    expect(tokyo[24 + 18]).toBe(1800);
  });
});
