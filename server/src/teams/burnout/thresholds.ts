import { z } from 'zod';

/** The burnout rules, by the name alerts carry. */
export const BURNOUT_RULES = {
  afterHours: 'after_hours',
  weekendWork: 'weekend_work',
  longStretch: 'long_stretch',
  shortRest: 'short_rest',
  focusDecline: 'focus_decline',
} as const;
export type BurnoutRule = (typeof BURNOUT_RULES)[keyof typeof BURNOUT_RULES];

/** Rules that fire per day (focus decline fires once per evaluated week). */
export type DailyBurnoutRule = Exclude<BurnoutRule, 'focus_decline'>;

/** What the burnout rules compare against; all times in the member's own time zone. */
export interface BurnoutThresholds {
  /** Minutes after local midnight the working day starts (09:00). */
  workdayStartMinute: number;
  /** Minutes after local midnight the working day ends (18:00). */
  workdayEndMinute: number;
  /** Local weekdays that are rest days, 0 = Sunday … 6 = Saturday. */
  weekendDays: number[];
  /** Work outside working hours on a weekday counts from this many minutes (tolerates overrunning a little). */
  afterHoursMinMinutes: number;
  /** Work on a weekend day counts from this many minutes. */
  weekendMinMinutes: number;
  /** Longer continuous work without a break fires long_stretch (50–60 min guidance). */
  maxContinuousMinutes: number;
  /** A gap shorter than this is not a break: the sessions around it are one stretch. */
  breakGapMinutes: number;
  /** Minimum consecutive rest between working days (EU Working Time Directive 2003/88/EC art. 3). */
  minRestHours: number;
  /** Days of daily focus the trend is fitted over. */
  focusTrendDays: number;
  /** Fewest days with focus data for a trend to be fitted at all. */
  focusTrendMinDays: number;
  /** A least-squares slope of daily average focus (per day) below this fires focus_decline. */
  focusSlopeThreshold: number;
  /** A member counts toward a team alert when the rule fired on at least this many days of the week. */
  minDays: Record<DailyBurnoutRule, number>;
}

/**
 * Defaults: a 09:00–18:00 working day, Saturday and Sunday off, a break at
 * least every 60 minutes (gaps under 5 minutes are no break), 11 hours of
 * daily rest (2003/88/EC art. 3), and a focus trend over two weeks falling by
 * more than 0.01 a day (≈0.14 over the fortnight).
 */
export const DEFAULT_BURNOUT_THRESHOLDS: BurnoutThresholds = {
  workdayStartMinute: 9 * 60,
  workdayEndMinute: 18 * 60,
  weekendDays: [6, 0],
  afterHoursMinMinutes: 15,
  weekendMinMinutes: 15,
  maxContinuousMinutes: 60,
  breakGapMinutes: 5,
  minRestHours: 11,
  focusTrendDays: 14,
  focusTrendMinDays: 5,
  focusSlopeThreshold: -0.01,
  minDays: { after_hours: 3, weekend_work: 1, long_stretch: 3, short_rest: 2 },
};

const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)')
  .transform((value) => Number(value.slice(0, 2)) * 60 + Number(value.slice(3)));
const minutes = z
  .number()
  .int()
  .min(0)
  .max(24 * 60);
const days = z.number().int().min(1).max(7);

/** Thresholds as JSON (teams.settings.burnout_thresholds and request bodies): every field optional. */
export const burnoutThresholdsInput = z
  .object({
    working_hours_start: clock,
    working_hours_end: clock,
    weekend_days: z.array(z.number().int().min(0).max(6)).max(7),
    after_hours_min_minutes: minutes,
    weekend_min_minutes: minutes,
    max_continuous_minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    break_gap_minutes: z.number().int().min(0).max(240),
    min_rest_hours: z.number().min(0).max(24),
    focus_trend_days: z.number().int().min(3).max(90),
    focus_trend_min_days: z.number().int().min(2).max(90),
    focus_slope_threshold: z.number().min(-1).max(1),
    min_days: z
      .object({ after_hours: days, weekend_work: days, long_stretch: days, short_rest: days })
      .partial()
      .strict(),
  })
  .partial()
  .strict()
  .refine(
    (t) =>
      t.working_hours_start === undefined ||
      t.working_hours_end === undefined ||
      t.working_hours_start < t.working_hours_end,
    {
      message: 'working_hours_start must be before working_hours_end',
      path: ['working_hours_end'],
    },
  );
export type BurnoutThresholdsInput = z.output<typeof burnoutThresholdsInput>;

/** Applies JSON overrides, later ones winning, on top of `base`. */
export function mergeThresholds(
  base: BurnoutThresholds,
  ...overrides: (BurnoutThresholdsInput | undefined)[]
): BurnoutThresholds {
  let t = { ...base, minDays: { ...base.minDays } };
  for (const o of overrides) {
    if (!o) continue;
    t = {
      workdayStartMinute: o.working_hours_start ?? t.workdayStartMinute,
      workdayEndMinute: o.working_hours_end ?? t.workdayEndMinute,
      weekendDays: o.weekend_days ?? t.weekendDays,
      afterHoursMinMinutes: o.after_hours_min_minutes ?? t.afterHoursMinMinutes,
      weekendMinMinutes: o.weekend_min_minutes ?? t.weekendMinMinutes,
      maxContinuousMinutes: o.max_continuous_minutes ?? t.maxContinuousMinutes,
      breakGapMinutes: o.break_gap_minutes ?? t.breakGapMinutes,
      minRestHours: o.min_rest_hours ?? t.minRestHours,
      focusTrendDays: o.focus_trend_days ?? t.focusTrendDays,
      focusTrendMinDays: o.focus_trend_min_days ?? t.focusTrendMinDays,
      focusSlopeThreshold: o.focus_slope_threshold ?? t.focusSlopeThreshold,
      minDays: { ...t.minDays, ...o.min_days },
    };
  }
  return t;
}

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Thresholds as the JSON stored in teams.settings and echoed in alert evidence. */
export function thresholdsToJson(t: BurnoutThresholds) {
  return {
    working_hours_start: hhmm(t.workdayStartMinute),
    working_hours_end: hhmm(t.workdayEndMinute),
    weekend_days: t.weekendDays,
    after_hours_min_minutes: t.afterHoursMinMinutes,
    weekend_min_minutes: t.weekendMinMinutes,
    max_continuous_minutes: t.maxContinuousMinutes,
    break_gap_minutes: t.breakGapMinutes,
    min_rest_hours: t.minRestHours,
    focus_trend_days: t.focusTrendDays,
    focus_trend_min_days: t.focusTrendMinDays,
    focus_slope_threshold: t.focusSlopeThreshold,
    min_days: t.minDays,
  };
}

/**
 * What is inconsistent in thresholds once merged (each override alone may be
 * valid: a later working_hours_start can pass the stored end). Field names are
 * the JSON ones, prefixed with `prefix`.
 */
export function thresholdProblems(
  t: BurnoutThresholds,
  prefix = '',
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (t.workdayStartMinute >= t.workdayEndMinute) {
    problems.push({
      field: `${prefix}working_hours_end`,
      message: `must be after working_hours_start (${hhmm(t.workdayStartMinute)})`,
    });
  }
  if (t.focusTrendMinDays > t.focusTrendDays) {
    problems.push({
      field: `${prefix}focus_trend_min_days`,
      message: `must not exceed focus_trend_days (${t.focusTrendDays})`,
    });
  }
  return problems;
}
