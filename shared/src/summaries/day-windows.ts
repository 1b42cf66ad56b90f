/**
 * Local calendar days as real-time windows. A day in a time zone is not always 24 hours (DST), so
 * daily totals take each day's start and end instant as input rather than assuming UTC days. How
 * the offsets are known is the caller's business: a fixed offset, the runtime's `Intl` data for an
 * IANA zone ({@link intlZoneOffset}), or the server's zone table.
 */

const DAY_MS = 24 * 3600 * 1000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** One local calendar day as the real-time window [start_ms, end_ms). */
export interface DayWindow {
  /** The local date, `YYYY-MM-DD`. */
  readonly date: string;
  /** The instant of local midnight starting the day, ms since epoch. */
  readonly start_ms: number;
  /** The instant of the next local midnight, ms since epoch. */
  readonly end_ms: number;
}

/** The zone's offset east of UTC at an instant, in ms (Tokyo: +9 h → 32 400 000). */
export type ZoneOffsetAt = (instantMs: number) => number;

/** A bad date range or time zone given to {@link dayWindows} or {@link intlZoneOffset}. */
export class DayRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DayRangeError';
  }
}

/** Most days {@link dayWindows} builds at once (about 10 years): a guard against a typo'd year. */
export const MAX_DAY_WINDOWS = 3700;

/** A fixed offset east of UTC, in minutes (CET in winter: +60). */
export function fixedZoneOffset(utcOffsetMinutes: number): ZoneOffsetAt {
  const ms = utcOffsetMinutes * 60_000;
  return () => ms;
}

/**
 * The offset of an IANA zone from the runtime's time-zone data (`Intl`, no I/O). Throws
 * {@link DayRangeError} for a zone the runtime does not know.
 *
 * @example
 * ```ts
 * const offsetAt = intlZoneOffset('Europe/Paris');
 * offsetAt(Date.UTC(2026, 0, 1)) // 3 600 000
 * ```
 */
export function intlZoneOffset(timeZone: string): ZoneOffsetAt {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new DayRangeError(
      `Unknown time zone "${timeZone}": use an IANA name such as Europe/Paris or UTC.`,
    );
  }
  return (instantMs) => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(instantMs))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const wall = Date.UTC(
      parts.year,
      parts.month - 1,
      parts.day,
      parts.hour,
      parts.minute,
      parts.second,
    );
    // formatToParts drops milliseconds: compare whole seconds.
    return wall - (instantMs - (((instantMs % 1000) + 1000) % 1000));
  };
}

/** The instant at which the local wall clock reads `wallMs` (the later one if it is skipped). */
function instantOfWall(wallMs: number, offsetAt: ZoneOffsetAt): number {
  // Two passes settle on the offset in force at the result, also across a DST change.
  const first = wallMs - offsetAt(wallMs);
  return wallMs - offsetAt(first);
}

function parseDay(day: string, field: string): number {
  const ms = ISO_DAY.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new DayRangeError(`${field} must be a calendar date YYYY-MM-DD, got "${day}"`);
  }
  return ms;
}

/**
 * The windows of the local days `from` … `to` (inclusive, `YYYY-MM-DD`).
 *
 * @example
 * ```ts
 * dayWindows('2026-03-28', '2026-03-29', intlZoneOffset('Europe/Paris'))
 * // the 29th is 23 hours long (summer time starts)
 * ```
 */
export function dayWindows(from: string, to: string, offsetAt: ZoneOffsetAt): DayWindow[] {
  const first = parseDay(from, 'from');
  const last = parseDay(to, 'to');
  if (last < first) throw new DayRangeError(`to (${to}) is before from (${from})`);
  const count = (last - first) / DAY_MS + 1;
  if (count > MAX_DAY_WINDOWS) {
    throw new DayRangeError(`at most ${MAX_DAY_WINDOWS} days at once, asked for ${count}`);
  }
  const windows: DayWindow[] = [];
  for (let wall = first; wall <= last; wall += DAY_MS) {
    windows.push({
      date: new Date(wall).toISOString().slice(0, 10),
      start_ms: instantOfWall(wall, offsetAt),
      end_ms: instantOfWall(wall + DAY_MS, offsetAt),
    });
  }
  return windows;
}

/** The local date `YYYY-MM-DD` of an instant. */
export function localDate(instantMs: number, offsetAt: ZoneOffsetAt): string {
  return new Date(instantMs + offsetAt(instantMs)).toISOString().slice(0, 10);
}

/** The date `n` days after a `YYYY-MM-DD` date (negative: before). */
export function addDaysToDate(day: string, n: number): string {
  return new Date(parseDay(day, 'day') + n * DAY_MS).toISOString().slice(0, 10);
}
