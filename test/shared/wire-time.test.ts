import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ianaTimeZone, wireDay, wireInstantMs, wireInstantOrDay } from '@mindful/shared';

describe('wire time rule', () => {
  it('reads epoch ms and ISO-8601 with any offset as the same instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 946_684_800_000, max: 4_102_444_799_000 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (ms, offsetMinutes) => {
          const whole = ms - (ms % 1000);
          const local = new Date(whole + offsetMinutes * 60_000).toISOString().slice(0, 19);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(wireInstantMs.parse(`${local}${offset}`)).toBe(whole);
          expect(wireInstantMs.parse(whole)).toBe(whole);
          expect(wireInstantMs.parse(String(whole))).toBe(whole);
        },
      ),
    );
  });

  it('refuses a date-time without offset, fractions of ms, and out-of-range instants', () => {
    for (const bad of ['2026-11-28T09:30:00', 1.5, 'yesterday', 0, '2200-01-01T00:00:00Z', '']) {
      expect(wireInstantMs.safeParse(bad).success, String(bad)).toBe(false);
    }
  });

  it('tells a day from an instant', () => {
    expect(wireInstantOrDay.parse('2026-11-28')).toEqual({ kind: 'day', day: '2026-11-28' });
    expect(wireInstantOrDay.parse('2026-11-28T00:00:00Z')).toEqual({
      kind: 'instant',
      ms: Date.parse('2026-11-28T00:00:00Z'),
    });
    expect(wireDay.safeParse('2026-02-30').success).toBe(false);
  });

  it('accepts IANA zones only', () => {
    for (const zone of ['Europe/Berlin', 'UTC', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata']) {
      expect(ianaTimeZone.safeParse(zone).success, zone).toBe(true);
    }
    for (const zone of ['Mars/Base', '+01:00', '', 'Europe/Berlin; DROP']) {
      expect(ianaTimeZone.safeParse(zone).success, zone).toBe(false);
    }
  });
});
