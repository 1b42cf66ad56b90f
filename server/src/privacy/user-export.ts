import type { Response } from 'express';
import type pg from 'pg';
import type { PrivacySettings } from '@mindful/shared';
import type { FieldCipher } from './cipher';
import { placeOf } from './cipher';
import { JsonObjectStream } from './json-stream';
import { sessionFromRow, SESSION_COLUMNS, type SessionRow } from '../sessions/session-rows';

/** Rows fetched per query while streaming: bounds the export's memory. */
const PAGE = 200;

/**
 * Which export section shows each table that references a user. A test reads
 * the catalog and fails when a table holding user data has no section here.
 */
export const EXPORT_SECTIONS: Readonly<Record<string, string>> = {
  users: 'user',
  coding_sessions: 'sessions',
  flow_states: 'flow_states',
  user_insights: 'insights',
  team_members: 'teams',
  teams: 'owned_teams',
  team_alert_members: 'named_alerts',
  auth_accounts: 'accounts',
  auth_sessions: 'devices',
  crdt_documents: 'sync',
  crdt_updates: 'sync',
};

/** Keyset pages of `sql` (which must select `page_key` and take $1 user, $2 after-key, $3 limit). */
async function* pages<T extends { page_key: string }>(
  pool: pg.Pool,
  sql: string,
  userId: string,
): AsyncGenerator<T[]> {
  let after = '';
  for (;;) {
    const { rows } = await pool.query<T>(sql, [userId, after, PAGE]);
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.page_key;
    if (rows.length < PAGE) return;
  }
}

async function* mapped<T, U>(source: AsyncIterable<T[]>, map: (row: T) => U): AsyncGenerator<U[]> {
  for await (const batch of source) yield batch.map(map);
}

interface FlowStateRow {
  page_key: string;
  id: string;
  session_id: string;
  start_time: Date;
  end_time: Date | null;
  duration_ms: string | null;
  intensity_score: string | null;
  typing_rhythm_data: string | null;
  context_switches: number | null;
  error_events: string | null;
  recovery_time_ms: string | null;
  environmental_factors: string | null;
  created_at: Date;
}

function flowStateFromRow(row: FlowStateRow, cipher: FieldCipher) {
  const open = (column: 'typing_rhythm_data' | 'error_events' | 'environmental_factors') =>
    row[column] === null
      ? null
      : cipher.decryptJson(row[column], placeOf('flow_states', column, row.id));
  const num = (value: string | null) => (value === null ? null : Number(value));
  return {
    id: row.id,
    session_id: row.session_id,
    start_time: row.start_time.toISOString(),
    end_time: row.end_time?.toISOString() ?? null,
    duration_ms: num(row.duration_ms),
    intensity_score: num(row.intensity_score),
    typing_rhythm_data: open('typing_rhythm_data'),
    context_switches: row.context_switches,
    error_events: open('error_events'),
    recovery_time_ms: num(row.recovery_time_ms),
    environmental_factors: open('environmental_factors'),
    created_at: row.created_at.toISOString(),
  };
}

/**
 * Streams everything the server holds about the user as one JSON object,
 * sensitive values decrypted: API.md's `{user, settings, sessions,
 * flow_states, insights, teams, export_timestamp}` plus the account rows
 * better-auth keeps (without secrets) and the sync log's summary.
 */
export async function streamUserExport(
  res: Response,
  pool: pg.Pool,
  cipher: FieldCipher,
  userId: string,
  settings: PrivacySettings,
  now: Date,
): Promise<void> {
  const one = async (sql: string) => (await pool.query(sql, [userId])).rows;
  const [user] = await one(
    `SELECT id, email, name, subscription_tier, timezone, privacy_settings, created_at, updated_at
     FROM users WHERE id = $1`,
  );
  res.status(200);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-disposition', 'attachment; filename="mindful-code-export.json"');
  const out = new JsonObjectStream(res);
  await out.open();
  await out.member('export_timestamp', now.toISOString());
  await out.member('user', user ?? null);
  await out.member('settings', settings);
  await out.array(
    'sessions',
    mapped(
      pages<SessionRow & { page_key: string }>(
        pool,
        `SELECT ${SESSION_COLUMNS.join(', ')}, created_at, id::text AS page_key
         FROM coding_sessions WHERE user_id = $1 AND id::text > $2 ORDER BY id LIMIT $3`,
        userId,
      ),
      (row) => sessionFromRow(row, cipher),
    ),
  );
  await out.array(
    'flow_states',
    mapped(
      pages<FlowStateRow>(
        pool,
        `SELECT *, id::text AS page_key FROM flow_states
         WHERE user_id = $1 AND id::text > $2 ORDER BY id LIMIT $3`,
        userId,
      ),
      (row) => flowStateFromRow(row, cipher),
    ),
  );
  await out.member(
    'insights',
    await one(
      `SELECT insight_type, insight_data, confidence_score::float8 AS confidence_score,
              to_char(date_range_start, 'YYYY-MM-DD') AS date_range_start,
              to_char(date_range_end, 'YYYY-MM-DD') AS date_range_end, is_active, created_at
       FROM user_insights WHERE user_id = $1 ORDER BY created_at`,
    ),
  );
  await out.member(
    'teams',
    await one(
      `SELECT t.id AS team_id, t.name, m.role, m.data_sharing_consent,
              m.individual_alerts_opt_in, m.joined_at
       FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = $1 ORDER BY m.joined_at`,
    ),
  );
  await out.member(
    'owned_teams',
    await one(
      `SELECT id, name, settings, created_at FROM teams WHERE owner_id = $1 ORDER BY created_at`,
    ),
  );
  await out.member(
    'named_alerts',
    await one(
      `SELECT a.team_id, a.rule, a.week_start, a.week_end, a.message, a.created_at
       FROM team_alert_members am JOIN team_alerts a ON a.id = am.alert_id
       WHERE am.user_id = $1 ORDER BY a.created_at`,
    ),
  );
  await out.member(
    'accounts',
    await one(
      `SELECT provider_id, account_id, created_at, updated_at FROM auth_accounts WHERE user_id = $1`,
    ),
  );
  await out.member(
    'devices',
    await one(
      `SELECT created_at, expires_at, ip_address, user_agent FROM auth_sessions
       WHERE user_id = $1 ORDER BY created_at`,
    ),
  );
  await out.member(
    'sync',
    await one(
      `SELECT d.doc_name, d.generation, count(u.id)::int AS logged_updates,
              COALESCE(sum(u.byte_length), 0)::bigint::text AS logged_bytes
       FROM crdt_documents d LEFT JOIN crdt_updates u ON u.doc_name = d.doc_name
       WHERE d.user_id = $1 GROUP BY d.doc_name, d.generation`,
    ),
  );
  await out.close();
}
