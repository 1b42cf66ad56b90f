import { describe, expect, it } from 'vitest';
import { evaluateMember } from '../../server/src/teams/burnout/evaluate-member';
import { focusTrend, leastSquaresSlope } from '../../server/src/teams/burnout/focus-trend-rule';
import type { MemberWork, WorkSession } from '../../server/src/teams/burnout/member-work';
import { teamAlerts, type EvaluatedMember } from '../../server/src/teams/burnout/team-alerts';
import {
  DEFAULT_BURNOUT_THRESHOLDS as T,
  burnoutThresholdsInput,
  mergeThresholds,
} from '../../server/src/teams/burnout/thresholds';
import {
  toWallIntervals,
  UnknownTimeZoneError,
  zoneOffsetMs,
} from '../../server/src/time/zoned-time';

/** The week under test: Monday 3 June 2024 to Sunday 9 June 2024 (local days). */
const WEEK = { start: '2024-06-03' };

/** A session between two UTC instants (ISO without zone = UTC). */
const s = (start: string, end: string, focus: number | null = 0.5): WorkSession => ({
  startMs: Date.parse(`${start}Z`),
  endMs: Date.parse(`${end}Z`),
  focus,
});

const run = (timeZone: string, sessions: WorkSession[], thresholds = T) =>
  evaluateMember({ sessions, timeZone }, thresholds, WEEK).days;

describe('burnout rules on constructed weeks', () => {
  it('after hours and weekend work, in UTC, with the tolerance', () => {
    const days = run('UTC', [
      s('2024-06-03T19:00', '2024-06-03T20:00'), // Mon: 60 min after 18:00
      s('2024-06-04T17:50', '2024-06-04T18:10'), // Tue: 10 min over, under the 15-min tolerance
      s('2024-06-05T08:00', '2024-06-05T10:00'), // Wed: 60 min before 09:00
      s('2024-06-06T09:00', '2024-06-06T17:00'), // Thu: inside working hours
      s('2024-06-08T20:00', '2024-06-08T20:30'), // Sat: weekend, not "after hours"
      s('2024-06-09T10:00', '2024-06-09T10:10'), // Sun: 10 min, under the tolerance
    ]);
    expect(days.after_hours).toEqual(['2024-06-03', '2024-06-05']);
    expect(days.weekend_work).toEqual(['2024-06-08']);
  });

  it('reads working hours and weekends on each member’s own clock (LA and Tokyo)', () => {
    // 02:00–03:00 UTC Tuesday is 19:00–20:00 Monday in Los Angeles (PDT, UTC−7).
    // 06:30–08:30 UTC Wednesday is Tuesday 23:30 → Wednesday 01:30 in LA: split at local midnight.
    const la = run('America/Los_Angeles', [
      s('2024-06-04T02:00', '2024-06-04T03:00'),
      s('2024-06-05T06:30', '2024-06-05T08:30'),
    ]);
    expect(la.after_hours).toEqual(['2024-06-03', '2024-06-04', '2024-06-05']);
    expect(la.weekend_work).toEqual([]);
    // Read in UTC the same sessions fall on Tuesday and Wednesday only.
    expect(
      run('UTC', [
        s('2024-06-04T02:00', '2024-06-04T03:00'),
        s('2024-06-05T06:30', '2024-06-05T08:30'),
      ]).after_hours,
    ).toEqual(['2024-06-04', '2024-06-05']);

    // 15:30–16:30 UTC Friday is 00:30–01:30 Saturday in Tokyo (UTC+9): weekend work, not Friday after hours.
    // 23:00 UTC Sunday the 9th is 08:00 Monday the 10th in Tokyo: outside the week.
    const tokyo = run('Asia/Tokyo', [
      s('2024-06-07T15:30', '2024-06-07T16:30'),
      s('2024-06-09T23:00', '2024-06-10T00:00'),
    ]);
    expect(tokyo.weekend_work).toEqual(['2024-06-08']);
    expect(tokyo.after_hours).toEqual([]);
  });

  it('long stretches: gaps under 5 minutes are no break, exactly 60 minutes is allowed', () => {
    const days = run('UTC', [
      s('2024-06-03T09:00', '2024-06-03T10:00'),
      s('2024-06-03T10:03', '2024-06-03T10:30'), // Mon: chained, 90 min
      s('2024-06-04T09:00', '2024-06-04T10:00'),
      s('2024-06-04T10:05', '2024-06-04T11:00'), // Tue: a 5-minute break splits it
      s('2024-06-05T09:00', '2024-06-05T10:00'), // Wed: exactly 60
      s('2024-06-06T09:00', '2024-06-06T10:01'), // Thu: 61
    ]);
    expect(days.long_stretch).toEqual(['2024-06-03', '2024-06-06']);
  });

  it('short rest: less than 11 hours between working days, measured from work before the week too', () => {
    const days = run('UTC', [
      s('2024-06-02T12:00', '2024-06-02T22:00'), // Sun before the week, until 22:00
      s('2024-06-03T08:00', '2024-06-03T17:00'), // Mon from 08:00: 10 h rest → fires
      s('2024-06-03T21:00', '2024-06-03T23:00'), // Mon evening: same day, no new day
      s('2024-06-04T07:00', '2024-06-04T12:00'), // Tue 07:00: 8 h after 23:00 → fires
      s('2024-06-05T10:00', '2024-06-05T23:30'), // Wed: 22 h rest
      s('2024-06-06T10:00', '2024-06-06T12:00'), // Thu: 10.5 h after 23:30 → fires
      s('2024-06-07T09:00', '2024-06-07T10:00'), // Fri: 21 h rest
    ]);
    expect(days.short_rest).toEqual(['2024-06-03', '2024-06-04', '2024-06-06']);
  });

  it('short rest on a Tokyo clock crosses the UTC date', () => {
    // Ends Tuesday 23:00 JST (14:00 UTC), resumes Wednesday 07:00 JST (22:00 UTC, still Tuesday in UTC).
    const sessions = [
      s('2024-06-04T05:00', '2024-06-04T14:00'),
      s('2024-06-04T22:00', '2024-06-05T02:00'),
    ];
    expect(run('Asia/Tokyo', sessions).short_rest).toEqual(['2024-06-05']);
    // On a UTC clock both sessions start on Tuesday: one working day, nothing to flag.
    expect(run('UTC', sessions).short_rest).toEqual([]);
  });

  it('focus decline: least-squares slope over two weeks, days without data left out', () => {
    expect(
      leastSquaresSlope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toBe(2);
    expect(leastSquaresSlope([{ x: 1, y: 1 }])).toBeNull();
    const falling: WorkSession[] = [];
    const flat: WorkSession[] = [];
    for (let i = 0; i < 14; i += 2) {
      const day = new Date(Date.parse('2024-05-27T10:00:00Z') + i * 86_400_000)
        .toISOString()
        .slice(0, 16);
      const end = day.replace('T10:00', 'T10:30');
      falling.push(s(day, end, 0.9 - 0.02 * i));
      flat.push(s(day, end, 0.7));
    }
    const work = (sessions: WorkSession[]): MemberWork => ({ sessions, timeZone: 'UTC' });
    const trend = focusTrend(work(falling), T, '2024-06-09');
    expect(trend.daysWithData).toBe(7);
    expect(trend.slope).toBeCloseTo(-0.02, 10);
    expect(trend.fired).toBe(true);
    expect(focusTrend(work(flat), T, '2024-06-09')).toMatchObject({ slope: 0, fired: false });
    expect(focusTrend(work(falling.slice(0, 4)), T, '2024-06-09')).toEqual({
      slope: null,
      daysWithData: 4,
      fired: false,
    });
  });

  it('thresholds come from JSON and are validated', () => {
    const parsed = burnoutThresholdsInput.parse({
      working_hours_start: '08:30',
      min_days: { weekend_work: 2 },
    });
    const t = mergeThresholds(T, parsed);
    expect(t.workdayStartMinute).toBe(510);
    expect(t.minDays).toEqual({ ...T.minDays, weekend_work: 2 });
    const bad = burnoutThresholdsInput.safeParse({
      working_hours_start: '18:00',
      working_hours_end: '09:00',
      nope: 1,
    });
    expect(bad.success).toBe(false);
    // 08:00–08:30 Monday is after hours by default, not with an 08:00 start.
    const early = [s('2024-06-03T08:00', '2024-06-03T08:30')];
    expect(run('UTC', early).after_hours).toEqual(['2024-06-03']);
    expect(run('UTC', early, mergeThresholds(T, { working_hours_start: 480 })).after_hours).toEqual(
      [],
    );
  });
});

describe('team-level alerts', () => {
  const member = (userId: string, optIn: boolean, weekend: string[]): EvaluatedMember => ({
    userId,
    email: `${userId}@example.com`,
    individualAlertsOptIn: optIn,
    findings: {
      days: { after_hours: [], weekend_work: weekend, long_stretch: [], short_rest: [] },
      focus: { slope: null, daysWithData: 0, fired: false },
    },
  });

  it('counts members, names only those who opted in, and says nothing about a too-small group', () => {
    const members = [
      member('a', true, ['2024-06-08']),
      member('b', false, ['2024-06-08', '2024-06-09']),
      member('c', false, []),
    ];
    const outcome = teamAlerts(members, T, WEEK, 3);
    expect(outcome.kind).toBe('alerts');
    if (outcome.kind !== 'alerts') return;
    expect(outcome.alerts).toHaveLength(1);
    expect(outcome.alerts[0]).toMatchObject({
      rule: 'weekend_work',
      affectedMembers: 2,
      evaluatedMembers: 3,
      weekStart: '2024-06-03',
      weekEnd: '2024-06-09',
      message: '2 of 3 members worked on the weekend on 1+ day this week.',
      namedMembers: [{ userId: 'a', email: 'a@example.com', dates: ['2024-06-08'] }],
      evidence: { min_days: 1, member_days: 3 },
    });
    expect(teamAlerts(members, T, WEEK, 4)).toEqual({
      kind: 'too_few_members',
      evaluatedMembers: 3,
      minGroupSize: 4,
    });
    const twoDays = mergeThresholds(T, { min_days: { weekend_work: 2 } });
    const strict = teamAlerts(members, twoDays, WEEK, 3);
    expect(
      strict.kind === 'alerts' &&
        strict.alerts.map((a) => [a.affectedMembers, a.namedMembers.length]),
    ).toEqual([[1, 0]]);
  });
});

describe('local clock', () => {
  it('knows zone offsets and splits a session across a DST change', () => {
    expect(zoneOffsetMs(Date.parse('2024-06-08T17:00:00Z'), 'America/Los_Angeles')).toBe(
      -7 * 3600_000,
    );
    expect(zoneOffsetMs(Date.parse('2024-01-08T17:00:00Z'), 'America/Los_Angeles')).toBe(
      -8 * 3600_000,
    );
    // 09:30–10:30 UTC on 10 March 2024 is 01:30 PST → 03:30 PDT: one real hour, two wall pieces.
    const pieces = toWallIntervals(
      Date.parse('2024-03-10T09:30:00Z'),
      Date.parse('2024-03-10T10:30:00Z'),
      'America/Los_Angeles',
    );
    expect(
      pieces.map((p) => [new Date(p.start).toISOString(), new Date(p.end).toISOString()]),
    ).toEqual([
      ['2024-03-10T01:30:00.000Z', '2024-03-10T02:00:00.000Z'],
      ['2024-03-10T03:00:00.000Z', '2024-03-10T03:30:00.000Z'],
    ]);
    expect(() => zoneOffsetMs(0, 'Mars/Olympus')).toThrow(UnknownTimeZoneError);
  });
});
