import type { HistoryPage, HistoryQuery, FlowStateRecord, SessionRecord } from './replica-records';
import { InvalidClientOptionsError } from '../errors';

/** A row as PGlite returns it. */
export type Row = Record<string, unknown>;

/** Default and largest history page sizes. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

/** Position after which an older page starts: the last row's start time and id. */
export interface HistoryCursor {
  startTime: string;
  id: string;
}

/** Encodes a cursor as an opaque string. */
export function encodeCursor(c: HistoryCursor): string {
  return `${c.startTime}|${c.id}`;
}

/** Decodes a cursor from {@link encodeCursor}; throws on a malformed one. */
export function decodeCursor(raw: string | null | undefined): HistoryCursor | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const [startTime, id, extra] = raw.split('|');
  if (extra !== undefined || !startTime || !id || Number.isNaN(Date.parse(startTime))) {
    throw new InvalidClientOptionsError(`history cursor ${JSON.stringify(raw)} is malformed`);
  }
  return { startTime, id };
}

function toIso(value: number | string): string {
  const date = typeof value === 'number' ? new Date(value) : new Date(Date.parse(value));
  if (Number.isNaN(date.getTime()))
    throw new InvalidClientOptionsError(`${String(value)} is not a time`);
  return date.toISOString();
}

/** Sessions with their device-only fields, as {@link toSessionRecord} reads them. */
export const SESSIONS_SELECT = `SELECT s.*, p.project_path AS private_project_path, p.environment_data AS private_environment_data
  FROM sessions s LEFT JOIN local_session_private p ON p.session_id = s.id`;

/**
 * SQL of the sessions whose extent meets [startMs, endMs] (finite), both ends included, oldest
 * first. The range expression is the one `sessions_extent_idx` indexes (replica migration 3); a
 * NULL end makes it unbounded. Fractions of a millisecond widen the range to whole ones.
 */
export function sessionsOverlappingQuery(
  startMs: number,
  endMs: number,
): { sql: string; params: number[] } {
  return {
    sql: `${SESSIONS_SELECT}
      WHERE int8range(s.extent_start_ms, s.extent_end_ms, '[]') && int8range($1, $2, '[]')
      ORDER BY s.start_time, s.id`,
    params: [extentBound(Math.floor(startMs)), extentBound(Math.ceil(endMs))],
  };
}

/**
 * A bound as an int8 PostgreSQL accepts: any finite ms (a range may lie far outside what a Date
 * holds) clamped to the safe integers, which lie beyond every time a session can have.
 */
function extentBound(ms: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(-Number.MAX_SAFE_INTEGER, ms));
}

/** SQL and row mapping of one history page. */
export function buildHistoryQuery(
  query: HistoryQuery,
  cursor: HistoryCursor | null,
): { sql: string; params: unknown[]; toPage(rows: Row[]): HistoryPage } {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidClientOptionsError(`history limit must be an integer in 1..${MAX_LIMIT}`);
  }
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.start !== undefined) {
    params.push(toIso(query.start));
    where.push(`s.start_time >= $${params.length}`);
  }
  if (query.end !== undefined) {
    params.push(toIso(query.end));
    where.push(`s.start_time < $${params.length}`);
  }
  if (cursor) {
    params.push(cursor.startTime, cursor.id);
    where.push(
      `(s.start_time, s.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
    );
  }
  params.push(limit + 1);
  const sql = `${SESSIONS_SELECT}
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY s.start_time DESC, s.id DESC LIMIT $${params.length}`;
  return {
    sql,
    params,
    toPage(rows) {
      const sessions = rows.slice(0, limit).map(toSessionRecord);
      const last = sessions[sessions.length - 1];
      return {
        sessions,
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({ startTime: last.start_time, id: last.id })
            : null,
      };
    },
  };
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

/** Maps a `sessions` row (joined with its local-only fields) to a record. */
export function toSessionRecord(row: Row): SessionRecord {
  return {
    id: row.id as string,
    start_time: iso(row.start_time)!,
    end_time: iso(row.end_time),
    total_duration_ms: row.total_duration_ms as number | null,
    active_duration_ms: row.active_duration_ms as number | null,
    files_modified: row.files_modified as number,
    keystrokes: row.keystrokes as number,
    lines_added: row.lines_added as number,
    lines_deleted: row.lines_deleted as number,
    language_breakdown: row.language_breakdown as Record<string, number>,
    // The synced value wins; the device-only copy fills in what was kept back.
    project_path: (row.project_path ?? row.private_project_path ?? null) as string | null,
    environment_data: (row.environment_data ?? row.private_environment_data ?? null) as Record<
      string,
      unknown
    > | null,
    flow_state_periods: row.flow_state_periods as SessionRecord['flow_state_periods'],
    interruption_count: row.interruption_count as number,
    error_rate: row.error_rate as number | null,
    focus_score: row.focus_score as number | null,
    device_id: row.device_id as string | null,
    updated_at: iso(row.updated_at)!,
    // Only sessions built from WakaTime heartbeats have these; absent (as in the document entry)
    // for the others, so a record still equals the entry it came from.
    ...optionalText(row, 'editor'),
    ...optionalText(row, 'machine'),
    ...optionalText(row, 'category'),
    ...(row.source === 'wakatime' ? { source: 'wakatime' as const } : {}),
  };
}

/** `{ [column]: value }` when the row holds text in `column`, else nothing. */
function optionalText<K extends 'editor' | 'machine' | 'category'>(
  row: Row,
  column: K,
): Partial<Record<K, string>> {
  const value = row[column];
  return typeof value === 'string' ? ({ [column]: value } as Record<K, string>) : {};
}

/** Maps a `flow_states` row to a record. */
export function toFlowStateRecord(row: Row): FlowStateRecord {
  return {
    id: row.id as string,
    session_id: row.session_id as string,
    start_time: iso(row.start_time)!,
    end_time: iso(row.end_time),
    duration_ms: row.duration_ms as number | null,
    intensity_score: row.intensity_score as number,
    context_switches: row.context_switches as number,
    recovery_time_ms: row.recovery_time_ms as number | null,
    typing_rhythm_data: row.typing_rhythm_data as FlowStateRecord['typing_rhythm_data'],
    error_events: row.error_events as FlowStateRecord['error_events'],
    environmental_factors: row.environmental_factors as FlowStateRecord['environmental_factors'],
  };
}
