import type pg from 'pg';
import { z } from 'zod';
import { wireInstantOrDay } from '@mindful/shared';
import type { FieldCipher } from '../privacy/cipher';
import { badRequest } from '../errors/domain-error';
import { historyBoundIso } from './history-range';
import { sessionFromRow, type SessionRow, type SessionWire } from './session-rows';

export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 200;

/** Query of `GET /api/sessions/history`. */
export const historyQuerySchema = z
  .object({
    // A point in time, or a day read in the user's zone (docs/api.md "Time").
    start: wireInstantOrDay.optional(),
    end: wireInstantOrDay.optional(),
    limit: z.coerce.number().int().min(1).max(HISTORY_MAX_LIMIT).default(HISTORY_DEFAULT_LIMIT),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

const cursorSchema = z.tuple([z.string().datetime(), z.string().uuid()]);

/** A keyset position: the (start_time, id) of the last session of a page. */
export function encodeCursor(startTime: string, id: string): string {
  return Buffer.from(JSON.stringify([startTime, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('The query is invalid', [
      { field: 'cursor', message: 'is not a cursor this API issued' },
    ]);
  }
}

/**
 * One page of the user's sessions, newest first, keyset-paginated on
 * (start_time, id) so pages stay stable while sessions are added.
 */
export async function sessionHistory(
  pool: pg.Pool,
  cipher: FieldCipher,
  userId: string,
  query: HistoryQuery,
  timeZone = 'UTC',
): Promise<{ sessions: SessionWire[]; next_cursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const { rows } = await pool.query<SessionRow>(
    `SELECT id::text AS id, user_id::text AS user_id, start_time, end_time, total_duration_ms,
            active_duration_ms, files_modified, keystrokes, lines_added, lines_deleted,
            language_breakdown, project_path, environment_data, flow_state_periods,
            interruption_count, error_rate, focus_score, device_id, created_at
     FROM coding_sessions
     WHERE user_id = $1
       AND ($2::timestamptz IS NULL OR start_time >= $2)
       AND ($3::timestamptz IS NULL OR start_time < $3)
       AND ($4::timestamptz IS NULL OR (start_time, id) < ($4::timestamptz, $5::uuid))
     ORDER BY start_time DESC, id DESC
     LIMIT $6`,
    [
      userId,
      historyBoundIso(query.start, 'start', timeZone),
      historyBoundIso(query.end, 'end', timeZone),
      after?.[0] ?? null,
      after?.[1] ?? null,
      query.limit + 1,
    ],
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    sessions: page.map((row) => sessionFromRow(row, cipher)),
    next_cursor:
      rows.length > query.limit && last
        ? encodeCursor(last.start_time.toISOString(), last.id)
        : null,
  };
}

/** One stored session of the user as session JSON, or null. */
export async function storedSession(
  pool: pg.Pool,
  cipher: FieldCipher,
  userId: string,
  id: string,
): Promise<SessionWire | null> {
  const { rows } = await pool.query<SessionRow>(
    `SELECT id::text AS id, user_id::text AS user_id, start_time, end_time, total_duration_ms,
            active_duration_ms, files_modified, keystrokes, lines_added, lines_deleted,
            language_breakdown, project_path, environment_data, flow_state_periods,
            interruption_count, error_rate, focus_score, device_id, created_at
     FROM coding_sessions WHERE user_id = $1 AND id = $2`,
    [userId, id],
  );
  return rows[0] ? sessionFromRow(rows[0], cipher) : null;
}
