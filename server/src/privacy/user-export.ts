import type { Response } from 'express';
import type pg from 'pg';
import type { PrivacySettings } from '@mindful/shared';
import { inTransaction } from '../db/database';
import { DecryptionError, placeOf, type FieldCipher } from './cipher';
import { ClientGoneError, JsonObjectStream } from './json-stream';
import { sessionFromRow, SESSION_COLUMNS, type SessionRow } from '../sessions/session-rows';
import { WAKATIME_EXPORT_SECTIONS, writeWakatimeSections } from '../wakatime/wakatime-privacy';

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
  team_invitations: 'sent_invitations',
  team_invitation_quota: 'invitation_quota',
  auth_accounts: 'accounts',
  auth_sessions: 'devices',
  crdt_documents: 'sync',
  crdt_updates: 'sync',
  ...WAKATIME_EXPORT_SECTIONS,
};

/** Keyset pages of `sql` (which must select `page_key` and take $1 user, $2 after-key, $3 limit). */
async function* pages<T extends { page_key: string }>(
  db: pg.ClientBase,
  sql: string,
  userId: string,
): AsyncGenerator<T[]> {
  let after = '';
  for (;;) {
    const { rows } = await db.query<T>(sql, [userId, after, PAGE]);
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.page_key;
    if (rows.length < PAGE) return;
  }
}

/** A row that could not be exported, named by its id (its values stay out of messages). */
class RowExportError extends Error {
  constructor(
    readonly rowId: string,
    readonly reason: unknown,
  ) {
    super(`row ${rowId}`);
    this.name = 'RowExportError';
  }
}

async function* mapped<T extends { page_key: string }, U>(
  source: AsyncIterable<T[]>,
  map: (row: T) => U,
): AsyncGenerator<U[]> {
  for await (const batch of source) {
    yield batch.map((row) => {
      try {
        return map(row);
      } catch (error) {
        throw new RowExportError(row.page_key, error);
      }
    });
  }
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
 * The export could not be completed. The message names the section and,
 * for a value that failed to decrypt, its place (table, column, row id) —
 * never a value: a parser's message may quote the plaintext it choked on.
 */
export class ExportFailedError extends Error {
  constructor(section: string | null, cause: unknown) {
    super(`The export failed in section ${section ?? '(none)'}: ${describeSafely(cause)}`);
    this.name = 'ExportFailedError';
  }
}

function describeSafely(error: unknown): string {
  if (error instanceof RowExportError) return `row ${error.rowId}: ${describeSafely(error.reason)}`;
  if (error instanceof DecryptionError) return `${error.name}: ${error.message}`;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} (code ${code})` : error.name;
  }
  return typeof error;
}

/** Tuning of {@link streamUserExport}. */
export interface ExportOptions {
  /** How long to wait for a client that stopped reading before cutting it off. */
  stallTimeoutMs?: number;
}

/**
 * Streams everything the server holds about the user as one JSON object,
 * sensitive values decrypted: API.md's `{user, settings, sessions,
 * flow_states, insights, teams, export_timestamp}` plus the account rows
 * better-auth keeps (without secrets), named alerts and the sync log's summary.
 *
 * Every section is read in one REPEATABLE READ snapshot, so a write that
 * commits while the export streams is either wholly in it or wholly out.
 * When anything fails after the first byte, the connection is cut before the
 * closing brace: the client sees a failed transfer, never a short document
 * that parses. The error (without values) is thrown for the error handler to log.
 */
export async function streamUserExport(
  res: Response,
  pool: pg.Pool,
  cipher: FieldCipher,
  userId: string,
  settings: PrivacySettings,
  now: Date,
  options: ExportOptions = {},
): Promise<void> {
  const out = new JsonObjectStream(res, options.stallTimeoutMs);
  try {
    await inTransaction(pool, async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      await writeSections(out, res, client, cipher, userId, settings, now);
    });
  } catch (error) {
    // Chunked and unterminated: no client can take the part for the whole.
    if (res.headersSent) res.destroy();
    if (error instanceof ClientGoneError) return;
    throw new ExportFailedError(out.section, error);
  }
}

async function writeSections(
  out: JsonObjectStream,
  res: Response,
  db: pg.ClientBase,
  cipher: FieldCipher,
  userId: string,
  settings: PrivacySettings,
  now: Date,
): Promise<void> {
  const one = async (sql: string) => (await db.query(sql, [userId])).rows;
  const [user] = await one(
    `SELECT id, email, email_verified, name, image, subscription_tier, timezone, privacy_settings,
            created_at, updated_at
     FROM users WHERE id = $1`,
  );
  res.status(200);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-disposition', 'attachment; filename="mindful-code-export.json"');
  await out.open();
  await out.member('export_timestamp', now.toISOString());
  await out.member('user', user ?? null);
  await out.member('settings', settings);
  await out.array(
    'sessions',
    mapped(
      pages<SessionRow & { page_key: string }>(
        db,
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
        db,
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
  // DATE columns as text: pg turns a DATE into a local-midnight Date, which shifts the day.
  await out.member(
    'named_alerts',
    await one(
      `SELECT a.id AS alert_id, a.team_id, a.rule, to_char(a.week_start, 'YYYY-MM-DD') AS week_start,
              to_char(a.week_end, 'YYYY-MM-DD') AS week_end, a.message, am.dates, a.created_at
       FROM team_alert_members am JOIN team_alerts a ON a.id = am.alert_id
       WHERE am.user_id = $1 ORDER BY a.created_at, a.id`,
    ),
  );
  await out.member(
    'sent_invitations',
    await one(
      `SELECT id, team_id, email, role, created_at, expires_at FROM team_invitations
       WHERE invited_by = $1 ORDER BY created_at, id`,
    ),
  );
  // Invitations to the user's address name them by address, not by id.
  await out.member(
    'received_invitations',
    await one(
      `SELECT i.id, i.team_id, i.role, i.created_at, i.expires_at
       FROM team_invitations i JOIN users me ON i.email = lower(me.email)
       WHERE me.id = $1 ORDER BY i.created_at, i.id`,
    ),
  );
  await out.member(
    'invitation_quota',
    await one(`SELECT window_start, sent FROM team_invitation_quota WHERE user_id = $1`),
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
  await writeWakatimeSections(out, db, cipher, userId);
  await out.close();
}
