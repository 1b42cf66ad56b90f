import { DayRangeError, intlZoneOffset, type ZoneOffsetAt } from '@mindful/shared';

/**
 * Local wall-clock time without a date library. A "wall ms" is the member's
 * local date and time read as if it were UTC, so calendar arithmetic on it is
 * plain UTC arithmetic (`new Date(wall).getUTCHours()` is the local hour).
 */

/** A time zone name that the runtime's ICU does not know. */
export class UnknownTimeZoneError extends Error {
  constructor(readonly timeZone: string) {
    super(`Unknown time zone "${timeZone}": use an IANA name such as Europe/Paris or UTC.`);
    this.name = 'UnknownTimeZoneError';
  }
}

const zones = new Map<string, ZoneOffsetAt>();

/** The shared core's offset function for `timeZone`, made once per zone. */
function offsetsIn(timeZone: string): ZoneOffsetAt {
  let offsetAt = zones.get(timeZone);
  if (!offsetAt) {
    try {
      offsetAt = intlZoneOffset(timeZone);
    } catch (error) {
      if (error instanceof DayRangeError) throw new UnknownTimeZoneError(timeZone);
      throw error;
    }
    zones.set(timeZone, offsetAt);
  }
  return offsetAt;
}

// Every real zone changes its offset on a quarter hour of UTC, so one offset
// holds for a whole quarter hour: remembered per zone and quarter hour, since
// formatToParts dominates team evaluations (every member, every week).
const QUARTER_HOUR = 15 * 60_000;
const MAX_REMEMBERED_OFFSETS = 100_000;
const offsets = new Map<string, number>();

/** The zone's offset from UTC at instant `ms`, in ms (Tokyo: +9 h). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(ms / QUARTER_HOUR)}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const offset = offsetsIn(timeZone)(ms);
  if (offsets.size >= MAX_REMEMBERED_OFFSETS) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** Wall-clock ms of instant `ms` in `timeZone`. */
export function toWallMs(ms: number, timeZone: string): number {
  return ms + zoneOffsetMs(ms, timeZone);
}

/** An interval of wall-clock time, [start, end). */
export interface WallInterval {
  start: number;
  end: number;
}

/**
 * The wall-clock pieces of the real interval [startMs, endMs). One piece
 * unless a DST change falls inside, where the piece before and after the
 * change carry their own offsets (an autumn night's repeated hour is counted
 * twice on the clock, as it was worked).
 */
export function toWallIntervals(startMs: number, endMs: number, timeZone: string): WallInterval[] {
  if (endMs <= startMs) return [];
  const startOffset = zoneOffsetMs(startMs, timeZone);
  if (zoneOffsetMs(endMs, timeZone) === startOffset) {
    return [{ start: startMs + startOffset, end: endMs + startOffset }];
  }
  const pieces: WallInterval[] = [];
  let from = startMs;
  let offset = startOffset;
  let cursor = (Math.floor(startMs / QUARTER_HOUR) + 1) * QUARTER_HOUR;
  while (cursor < endMs) {
    const next = zoneOffsetMs(cursor, timeZone);
    if (next !== offset) {
      pieces.push({ start: from + offset, end: cursor + offset });
      from = cursor;
      offset = next;
    }
    cursor += QUARTER_HOUR;
  }
  pieces.push({ start: from + offset, end: endMs + offset });
  return pieces;
}

const DAY_MS = 24 * 3600 * 1000;

/** The YYYY-MM-DD of a wall-clock ms. */
export function wallDate(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 10);
}

/** Wall ms of 00:00 on a YYYY-MM-DD day. */
export function dayStartWall(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** The day `n` days after a YYYY-MM-DD day. */
export function addDays(day: string, n: number): string {
  return wallDate(dayStartWall(day) + n * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday, of a YYYY-MM-DD day. */
export function weekdayOf(day: string): number {
  return new Date(dayStartWall(day)).getUTCDay();
}

/** Splits wall intervals at local midnights: day → the pieces of that day. */
export function splitByDay(intervals: readonly WallInterval[]): Map<string, WallInterval[]> {
  const byDay = new Map<string, WallInterval[]>();
  for (const interval of intervals) {
    let from = interval.start;
    while (from < interval.end) {
      const day = wallDate(from);
      const midnight = dayStartWall(day) + DAY_MS;
      const to = Math.min(interval.end, midnight);
      const list = byDay.get(day) ?? [];
      list.push({ start: from, end: to });
      byDay.set(day, list);
      from = to;
    }
  }
  return byDay;
}
