import type pg from 'pg';
import type { DailyTotalsSession } from '@mindful/shared';
import type { FieldCipher } from '../privacy/cipher';
import { SESSION_COLUMNS, sessionFromRow, type SessionRow } from '../sessions/session-rows';

/**
 * The user's stored sessions overlapping [fromMs, toMs), decrypted, read from
 * `coding_sessions` (what the reconciler stored, with the privacy settings
 * applied): the same rows the export serves.
 */
export async function sessionsBetween(
  db: Pick<pg.Pool, 'query'>,
  cipher: FieldCipher,
  userId: string,
  fromMs: number,
  toMs: number,
): Promise<DailyTotalsSession[]> {
  const { rows } = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS.join(', ')}, created_at FROM coding_sessions
     WHERE user_id = $1 AND start_time < to_timestamp($3 / 1000.0)
       AND COALESCE(end_time, start_time + make_interval(secs => COALESCE(total_duration_ms, 0) / 1000.0))
           >= to_timestamp($2 / 1000.0)
     ORDER BY start_time`,
    [userId, fromMs, toMs],
  );
  return preferKeystrokeFlow(
    rows.map((row) => sessionFromRow(row, cipher) as unknown as DailyTotalsSession),
  );
}

/** The first day the user has a session on, as an instant (ms), or null. */
export async function firstSessionMs(
  db: Pick<pg.Pool, 'query'>,
  userId: string,
): Promise<number | null> {
  const { rows } = await db.query<{ first: Date | null }>(
    'SELECT min(start_time) AS first FROM coding_sessions WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.first ? rows[0].first.getTime() : null;
}

type WithSource = DailyTotalsSession & { source?: string };

/**
 * Coarse flow (from heartbeat cadence) never overrides the keystroke-level
 * detector: a coarse period overlapping a session the extension captured is
 * dropped, whichever arrived first.
 */
export function preferKeystrokeFlow(sessions: DailyTotalsSession[]): DailyTotalsSession[] {
  const spans = (sessions as WithSource[])
    .filter((s) => s.source !== 'wakatime')
    .map((s) => ({
      start: new Date(s.start_time).getTime(),
      end: s.end_time === null ? Infinity : new Date(s.end_time).getTime(),
    }));
  if (spans.length === 0) return sessions;
  return (sessions as WithSource[]).map((s) => {
    if (s.source !== 'wakatime' || !s.flow_state_periods?.length) return s;
    const periods = s.flow_state_periods.filter((p) => {
      const start = new Date(p.start_time).getTime();
      const end = new Date(p.end_time).getTime();
      return !spans.some((c) => c.start < end && c.end > start);
    });
    return { ...s, flow_state_periods: periods };
  });
}
