import { dayWindows, intlZoneOffset, type InstantOrDay } from '@mindful/shared';

/**
 * A history range bound as an instant. A day means the start of that day
 * for `start` and the start of the next day for `end` (the range is
 * end-exclusive, so `start=D&end=D` is the whole day D), both read in the
 * user's time zone.
 */
export function historyBoundIso(
  bound: InstantOrDay | undefined,
  side: 'start' | 'end',
  timeZone: string,
): string | null {
  if (!bound) return null;
  if (bound.kind === 'instant') return new Date(bound.ms).toISOString();
  const [window] = dayWindows(bound.day, bound.day, usableOffset(timeZone));
  return new Date(side === 'start' ? window!.start_ms : window!.end_ms).toISOString();
}

/** An unknown stored zone (older rows) reads as UTC rather than failing the request. */
function usableOffset(timeZone: string) {
  try {
    return intlZoneOffset(timeZone);
  } catch {
    return intlZoneOffset('UTC');
  }
}
