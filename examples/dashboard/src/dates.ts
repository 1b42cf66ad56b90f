// Calendar helpers of the dashboard: everything is in the browser's time zone, and "today" can
// be pinned with `?today=YYYY-MM-DD` (for screenshots and tests of a known week).
import { addDaysToDate, dayWindows, intlZoneOffset, localDate } from '@mindful/shared';

/** The browser's IANA time zone. */
export const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const offsetAt = intlZoneOffset(TIME_ZONE);

/** Today's local date, or the one pinned by `?today=`. */
export function today(): string {
  const pinned = new URLSearchParams(location.search).get('today');
  return pinned && /^\d{4}-\d{2}-\d{2}$/.test(pinned) ? pinned : localDate(Date.now(), offsetAt);
}

/** Monday of the week holding `day`. */
export function weekStart(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDaysToDate(day, -((weekday + 6) % 7));
}

/** The real-time span of a local day: [start, end) in ms. */
export function daySpan(day: string): { start: number; end: number } {
  const [w] = dayWindows(day, day, offsetAt);
  return { start: w.start_ms, end: w.end_ms };
}

export { addDaysToDate };

/** `Mon 23 Nov` for a YYYY-MM-DD. */
export function shortDay(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}
