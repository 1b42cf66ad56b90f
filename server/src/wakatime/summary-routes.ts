import express from 'express';
import { z } from 'zod';
import {
  DayRangeError,
  MAX_DAY_WINDOWS,
  addDaysToDate,
  combineDailyTotals,
  dailyTotals,
  dayWindows,
  intlZoneOffset,
  localDate,
  type DailyTotalsSession,
  type DayWindow,
} from '@mindful/shared';
import { currentUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { HttpError } from '../http/errors';
import { badRequest } from '../errors/domain-error';
import { parseInput } from '../errors/parse-input';
import { firstSessionMs, sessionsBetween } from './summary-source';
import { dayRange, durationParts, summaryBody } from './wakatime-shapes';

/** A date as WakaTime clients send it: `YYYY-MM-DD`, or an ISO date-time (its date is used). */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'must be a date YYYY-MM-DD')
  .transform((s) => s.slice(0, 10));

/** Query of `GET /users/current/summaries`. */
export const summariesQuerySchema = z.object({
  start: day,
  end: day,
  project: z.string().max(500).optional(),
  timezone: z.string().max(64).optional(),
});

/** The ranges of `GET /users/current/stats/:range`, in days ending today (`all_time`: since the first session). */
export const STATS_RANGES = {
  last_7_days: 7,
  last_30_days: 30,
  last_6_months: 183,
  last_year: 365,
  all_time: null,
} as const;

const statsQuerySchema = z.object({
  project: z.string().max(500).optional(),
  timezone: z.string().max(64).optional(),
});

/**
 * The read side in WakaTime's shapes, computed with the shared daily-totals
 * definitions (the dashboard's) over the stored sessions, so every client
 * sees the same figures.
 */
export function summaryRoutes(
  ctx: Pick<AppContext, 'db' | 'cipher' | 'projection'>,
): express.Router {
  const router = express.Router();

  const totals = async (userId: string, windows: DayWindow[], project: string | undefined) => {
    // Heartbeats just sent are reconciled before they are read.
    await ctx.projection.reconcileNow(userId);
    const first = windows[0]!;
    const last = windows[windows.length - 1]!;
    let sessions: DailyTotalsSession[] = await sessionsBetween(
      ctx.db.pool,
      ctx.cipher,
      userId,
      first.start_ms,
      last.end_ms,
    );
    if (project !== undefined) sessions = sessions.filter((s) => s.project_path === project);
    return dailyTotals(sessions, windows);
  };

  const zone = (requested: string | undefined, fallback: string) => {
    const timeZone = requested ?? fallback;
    try {
      return { timeZone, offsetAt: intlZoneOffset(timeZone) };
    } catch (error) {
      if (error instanceof DayRangeError) {
        throw badRequest(error.message, [{ field: 'timezone', message: error.message }]);
      }
      throw error;
    }
  };
  const windowsOf = (from: string, to: string, offsetAt: ReturnType<typeof intlZoneOffset>) => {
    try {
      return dayWindows(from, to, offsetAt);
    } catch (error) {
      if (error instanceof DayRangeError) {
        throw badRequest(error.message, [{ field: 'end', message: error.message }]);
      }
      throw error;
    }
  };

  router.get('/users/current/statusbar/today', async (_req, res) => {
    const user = currentUser(res);
    const { timeZone, offsetAt } = zone(undefined, user.timezone);
    const today = localDate(Date.now(), offsetAt);
    const windows = windowsOf(today, today, offsetAt);
    const [day] = await totals(user.id, windows, undefined);
    res.json({
      cached_at: new Date().toISOString(),
      data: { ...summaryBody(day!), range: dayRange(windows[0]!, timeZone, 'Today') },
    });
  });

  router.get('/users/current/summaries', async (req, res) => {
    const user = currentUser(res);
    const query = parseInput(summariesQuerySchema, req.query, 'query');
    const { timeZone, offsetAt } = zone(query.timezone, user.timezone);
    const windows = windowsOf(query.start, query.end, offsetAt);
    const days = await totals(user.id, windows, query.project);
    const all = combineDailyTotals(days)!;
    const average = all.coding_seconds / days.length;
    res.json({
      data: days.map((d, i) => ({ ...summaryBody(d), range: dayRange(windows[i]!, timeZone) })),
      start: new Date(windows[0]!.start_ms).toISOString(),
      end: new Date(windows[windows.length - 1]!.end_ms).toISOString(),
      cumulative_total: {
        seconds: all.coding_seconds,
        text: durationParts(all.coding_seconds).text,
        decimal: durationParts(all.coding_seconds).decimal,
        digital: durationParts(all.coding_seconds).digital,
      },
      daily_average: {
        holidays: days.filter((d) => d.coding_seconds === 0).length,
        days_including_holidays: days.length,
        days_minus_holidays: days.filter((d) => d.coding_seconds > 0).length,
        seconds: Math.round(average * 1000) / 1000,
        text: durationParts(average).text,
        seconds_including_other_language: Math.round(average * 1000) / 1000,
        text_including_other_language: durationParts(average).text,
      },
      mindful: { flow_seconds: all.flow_seconds, interruptions: all.interruptions },
    });
  });

  router.get('/users/current/stats/:range', async (req, res) => {
    const user = currentUser(res);
    const range = req.params.range as keyof typeof STATS_RANGES;
    if (!Object.hasOwn(STATS_RANGES, range)) {
      throw new HttpError(
        400,
        'unknown_range',
        `range must be one of ${Object.keys(STATS_RANGES).join(', ')}`,
      );
    }
    const query = parseInput(statsQuerySchema, req.query, 'query');
    const { timeZone, offsetAt } = zone(query.timezone, user.timezone);
    const today = localDate(Date.now(), offsetAt);
    const span = STATS_RANGES[range];
    let from = addDaysToDate(today, -((span ?? 1) - 1));
    if (span === null) {
      const first = await firstSessionMs(ctx.db.pool, user.id);
      from = first === null ? today : localDate(Math.min(first, Date.now()), offsetAt);
      if (addDaysToDate(from, MAX_DAY_WINDOWS - 1) < today) {
        from = addDaysToDate(today, -(MAX_DAY_WINDOWS - 1));
      }
    }
    const windows = windowsOf(from, today, offsetAt);
    const days = await totals(user.id, windows, query.project);
    const all = combineDailyTotals(days)!;
    const worked = days.filter((d) => d.coding_seconds > 0);
    const average = worked.length > 0 ? all.coding_seconds / worked.length : 0;
    const best = [...days].sort((a, b) => b.coding_seconds - a.coding_seconds)[0]!;
    const body = summaryBody(all);
    res.json({
      data: {
        user_id: user.id,
        range,
        start: new Date(windows[0]!.start_ms).toISOString(),
        end: new Date(windows[windows.length - 1]!.end_ms).toISOString(),
        timezone: timeZone,
        status: 'ok',
        is_up_to_date: true,
        is_cached: false,
        percent_calculated: 100,
        total_seconds: all.coding_seconds,
        total_seconds_including_other_language: all.coding_seconds,
        human_readable_total: body.grand_total.text,
        human_readable_total_including_other_language: body.grand_total.text,
        daily_average: Math.round(average * 1000) / 1000,
        daily_average_including_other_language: Math.round(average * 1000) / 1000,
        human_readable_daily_average: durationParts(average).text,
        human_readable_daily_average_including_other_language: durationParts(average).text,
        days_including_holidays: days.length,
        days_minus_holidays: worked.length,
        holidays: days.length - worked.length,
        best_day: {
          date: best.date,
          total_seconds: best.coding_seconds,
          text: durationParts(best.coding_seconds).text,
        },
        categories: body.categories,
        projects: body.projects,
        languages: body.languages,
        editors: body.editors,
        machines: body.machines,
        operating_systems: body.operating_systems,
        dependencies: body.dependencies,
        mindful: body.mindful,
      },
    });
  });
  return router;
}
