import { z } from 'zod';

/**
 * The one time-format rule of the API (docs/api.md "Time"): a point in time
 * is an ISO-8601 date-time with an offset or milliseconds since the Unix
 * epoch (a number, or a string of digits as a query string carries it); a
 * day is `YYYY-MM-DD`. Pure parsing: no clock is read here.
 */
export const WIRE_TIME_LIMITS = {
  /** Earliest instant accepted (2000-01-01T00:00:00Z), ms. */
  minMs: 946_684_800_000,
  /** Latest instant accepted (2100-01-01T00:00:00Z), ms. */
  maxMs: 4_102_444_800_000,
} as const;

const inRange = z
  .number()
  .int('must be an integer number of ms since the epoch')
  .min(WIRE_TIME_LIMITS.minMs, `must be >= ${WIRE_TIME_LIMITS.minMs} (year 2000)`)
  .max(WIRE_TIME_LIMITS.maxMs, `must be <= ${WIRE_TIME_LIMITS.maxMs} (year 2100)`);

const isoDateTime = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 date-time with an offset, or epoch ms' })
  .transform((text) => Date.parse(text));

const digits = z
  .string()
  .regex(/^\d{1,16}$/, 'must be an ISO-8601 date-time with an offset, or epoch ms')
  .transform(Number);

/**
 * A point in time on the wire, parsed to epoch ms: `"2026-11-28T09:30:00Z"`,
 * `"2026-11-28T10:30:00+01:00"`, `1795865400000` or `"1795865400000"`. A
 * date-time without an offset is refused (it names a different instant on
 * every machine).
 *
 * @example
 * wireInstantMs.parse('2026-11-28T09:30:00Z'); // 1795858200000
 */
export const wireInstantMs = z
  .union([z.number(), z.string().regex(/^\d+$/).pipe(digits), isoDateTime])
  .pipe(inRange)
  .meta({
    description:
      'ISO-8601 date-time with an offset (e.g. 2026-11-28T09:30:00Z) or milliseconds since the Unix epoch',
    examples: ['2026-11-28T09:30:00Z', 1795858200000],
  });

/** {@link wireInstantMs} normalised to an ISO-8601 UTC string (`…T09:30:00.000Z`). */
export const wireInstantIso = wireInstantMs.transform((ms) => new Date(ms).toISOString());

/** A calendar day, `YYYY-MM-DD`. */
export const wireDay = z.iso
  .date('must be a date, YYYY-MM-DD')
  .meta({ description: 'A calendar day, YYYY-MM-DD', examples: ['2026-11-28'] });

/** What {@link wireInstantOrDay} parses to. */
export type InstantOrDay = { kind: 'instant'; ms: number } | { kind: 'day'; day: string };

/**
 * A range bound that may be a day (`2026-11-28`, read by the caller in the
 * user's time zone) or a point in time (see {@link wireInstantMs}).
 */
export const wireInstantOrDay = z
  .union([
    wireDay.transform((day): InstantOrDay => ({ kind: 'day', day })),
    wireInstantMs.transform((ms): InstantOrDay => ({ kind: 'instant', ms })),
  ])
  .meta({
    description:
      'A day (YYYY-MM-DD, read in your time zone), an ISO-8601 date-time with an offset, or epoch ms',
    examples: ['2026-11-28', '2026-11-28T09:30:00Z'],
  });

/** An IANA time zone name this runtime knows (`Europe/Berlin`, `UTC`). */
export const ianaTimeZone = z
  .string()
  .max(64)
  .refine((zone) => isKnownTimeZone(zone), {
    message: 'must be an IANA time zone such as Europe/Berlin',
  })
  .meta({ description: 'IANA time zone', examples: ['Europe/Berlin', 'UTC'] });

function isKnownTimeZone(zone: string): boolean {
  if (zone === 'UTC') return true;
  try {
    // Canonical and alias names alike (Intl.supportedValuesOf lists canonical ones only).
    new Intl.DateTimeFormat('en', { timeZone: zone });
    // Newer runtimes also take offsets such as +01:00, which are not zones: no DST rules.
    return /^[A-Za-z]/.test(zone);
  } catch {
    return false;
  }
}
