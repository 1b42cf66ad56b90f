/** Hours in a week; hour-of-week buckets run 0..167. */
export const HOURS_PER_WEEK = 168;

const MS_PER_HOUR = 3_600_000;

/**
 * Hour of the week in the user's local time: 0 = Sunday 00:00–00:59, 167 = Saturday 23:00.
 * `utcOffsetMinutes` is the user's offset east of UTC (e.g. +60 for CET in winter).
 *
 * @example
 * ```ts
 * hourOfWeek(Date.UTC(2024, 0, 1, 9), 0) // Monday 09:00 → 33
 * ```
 */
export function hourOfWeek(timestampMs: number, utcOffsetMinutes = 0): number {
  const local = new Date(timestampMs + utcOffsetMinutes * 60_000);
  return local.getUTCDay() * 24 + local.getUTCHours();
}

/** Calendar date `YYYY-MM-DD` of a timestamp in the user's local time. */
export function isoDate(timestampMs: number, utcOffsetMinutes = 0): string {
  return new Date(timestampMs + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/**
 * Splits the span [startMs, endMs) over hour-of-week buckets, adding the ms of overlap to
 * `into` (length {@link HOURS_PER_WEEK}).
 */
export function addSpanToHourBuckets(
  into: number[],
  startMs: number,
  endMs: number,
  utcOffsetMinutes = 0,
): void {
  let t = startMs;
  while (t < endMs) {
    const nextHour = (Math.floor((t + utcOffsetMinutes * 60_000) / MS_PER_HOUR) + 1) * MS_PER_HOUR;
    const boundary = nextHour - utcOffsetMinutes * 60_000;
    const until = Math.min(endMs, boundary);
    into[hourOfWeek(t, utcOffsetMinutes)] += until - t;
    t = until;
  }
}
