import {
  dailyTotals,
  dayWindows,
  fixedZoneOffset,
  hourOfWeekFlowSeconds,
  intlZoneOffset,
  storedTimeMs,
  type DailyTotals,
  type DayWindow,
  type ZoneOffsetAt,
} from '@mindful/shared';
import { z } from 'zod';
import { InvalidQueryError } from './invalid-query-error';
import type { SessionRecord } from '../replica/replica-records';
import { sessionEnd } from '../replica/session-extent';

/** A span of real time, [start, end): ms since epoch or ISO-8601 text. */
export interface TimeRange {
  start: number | string;
  end: number | string;
}

/** Local calendar days `from` … `to` (inclusive, `YYYY-MM-DD`) in a time zone. */
export interface DayRange {
  from: string;
  to: string;
  /** IANA zone; default the client's `utcOffsetMinutes` if set, else this machine's zone. */
  timeZone?: string;
}

/** A flow period of a session, with where it sits in the session. */
export interface FlowPeriodRecord {
  session_id: string;
  start_time: string;
  end_time: string;
  duration_ms: number;
  intensity: number;
  /** The period ended before its session did: an interruption (or an idle break) ended it. */
  interrupted: boolean;
}

const instant = z.union([z.number().finite(), z.string().datetime({ offset: true })]);
const timeRangeSchema = z.object({ start: instant, end: instant });
const dayRangeSchema = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'from must be YYYY-MM-DD'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'to must be YYYY-MM-DD'),
  timeZone: z.string().min(1).optional(),
});

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'range'}: ${i.message}`).join('; ');
}

/** Checks a {@link TimeRange}; returns it as ms. Throws {@link InvalidQueryError}. */
export function parseTimeRange(range: TimeRange): { start: number; end: number } {
  const parsed = timeRangeSchema.safeParse(range);
  if (!parsed.success) throw new InvalidQueryError(issues(parsed.error));
  const start = storedTimeMs(parsed.data.start);
  const end = storedTimeMs(parsed.data.end);
  if (end < start) throw new InvalidQueryError('range: end is before start');
  return { start, end };
}

/** The offset function of a range's zone, else of the client's fixed offset, else this machine's zone. */
export function zoneOf(
  timeZone: string | undefined,
  utcOffsetMinutes: number | undefined,
): ZoneOffsetAt {
  try {
    if (timeZone) return intlZoneOffset(timeZone);
    if (utcOffsetMinutes !== undefined) return fixedZoneOffset(utcOffsetMinutes);
    return intlZoneOffset(Intl.DateTimeFormat().resolvedOptions().timeZone);
  } catch (error) {
    throw new InvalidQueryError(error instanceof Error ? error.message : String(error));
  }
}

/** The sessions overlapping `range` (an open session counts up to its recorded length), oldest first. */
export function sessionsInRange(
  sessions: readonly SessionRecord[],
  range: TimeRange,
): SessionRecord[] {
  const { start, end } = parseTimeRange(range);
  return sessions.filter((s) => {
    const from = Date.parse(s.start_time);
    const to = sessionEnd(s);
    // A zero-length session (just started) still belongs to the range it started in.
    return from < end && (to > start || (to === from && from >= start));
  });
}

/** The closed flow periods overlapping `range`, oldest first. */
export function flowPeriodsInRange(
  sessions: readonly SessionRecord[],
  range: TimeRange,
): FlowPeriodRecord[] {
  const { start, end } = parseTimeRange(range);
  const out: FlowPeriodRecord[] = [];
  for (const s of sessions) {
    const endOfSession = s.end_time === null ? Infinity : Date.parse(s.end_time);
    for (const p of s.flow_state_periods) {
      const from = Date.parse(p.start_time);
      const to = Date.parse(p.end_time);
      if (from >= end || to <= start) continue;
      out.push({
        session_id: s.id,
        start_time: p.start_time,
        end_time: p.end_time,
        duration_ms: p.duration_ms,
        intensity: p.intensity,
        interrupted: to < endOfSession,
      });
    }
  }
  return out.sort((a, b) => Date.parse(a.start_time) - Date.parse(b.start_time));
}

/**
 * Checks a {@link DayRange}; returns its days as real-time windows (sorted, adjoining, at least
 * one). Throws {@link InvalidQueryError}.
 */
export function parseDayRange(range: DayRange, utcOffsetMinutes: number | undefined): DayWindow[] {
  const parsed = dayRangeSchema.safeParse(range);
  if (!parsed.success) throw new InvalidQueryError(issues(parsed.error));
  const offsetAt = zoneOf(range.timeZone, utcOffsetMinutes);
  try {
    return dayWindows(range.from, range.to, offsetAt);
  } catch (error) {
    throw new InvalidQueryError(error instanceof Error ? error.message : String(error));
  }
}

/** Daily totals (the shared definitions) of the days of `range`. Throws {@link InvalidQueryError}. */
export function dailyTotalsInRange(
  sessions: readonly SessionRecord[],
  range: DayRange,
  utcOffsetMinutes: number | undefined,
): DailyTotals[] {
  return dailyTotals(sessions, parseDayRange(range, utcOffsetMinutes));
}

/** Flow seconds per local hour of the week over every session (a focus heatmap's cells). */
export function focusHeatmap(
  sessions: readonly SessionRecord[],
  timeZone: string | undefined,
  utcOffsetMinutes: number | undefined,
): number[] {
  return hourOfWeekFlowSeconds(sessions, zoneOf(timeZone, utcOffsetMinutes));
}
