import type pg from 'pg';
import { placeOf, type FieldCipher } from '../privacy/cipher';
import type { JsonObjectStream } from '../privacy/json-stream';

/** Export sections of the tables this subsystem adds (the export test checks every table has one). */
export const WAKATIME_EXPORT_SECTIONS = {
  api_keys: 'api_keys',
  wakatime_heartbeats: 'wakatime_heartbeats',
  wakatime_imports: 'wakatime_imports',
} as const;

const PAGE = 500;

interface HeartbeatRow {
  id: string;
  time: Date;
  type: string;
  category: string;
  entity: string | null;
  project: string | null;
  branch: string | null;
  language: string | null;
  is_write: boolean;
  lines: number | null;
  lineno: number | null;
  cursorpos: number | null;
  editor: string | null;
  plugin: string | null;
  machine: string | null;
  created_at: Date;
}

async function* heartbeatPages(
  db: pg.ClientBase,
  cipher: FieldCipher,
  userId: string,
): AsyncGenerator<unknown[]> {
  let after = '';
  for (;;) {
    const { rows } = await db.query<HeartbeatRow>(
      `SELECT id::text AS id, time, type, category, entity, project, branch, language, is_write,
              lines, lineno, cursorpos, editor, plugin, machine, created_at
       FROM wakatime_heartbeats WHERE user_id = $1 AND id::text > $2 ORDER BY id LIMIT ${PAGE}`,
      [userId, after],
    );
    if (rows.length === 0) return;
    const open = (row: HeartbeatRow, column: 'entity' | 'project' | 'branch') =>
      row[column] === null
        ? null
        : cipher.decryptString(row[column], placeOf('wakatime_heartbeats', column, row.id));
    yield rows.map((row) => ({
      id: row.id,
      time: row.time.getTime() / 1000,
      type: row.type,
      category: row.category,
      entity: open(row, 'entity'),
      project: open(row, 'project'),
      branch: open(row, 'branch'),
      language: row.language,
      is_write: row.is_write,
      lines: row.lines,
      lineno: row.lineno,
      cursorpos: row.cursorpos,
      editor: row.editor,
      plugin: row.plugin,
      machine: row.machine,
      created_at: row.created_at.toISOString(),
    }));
    after = rows[rows.length - 1]!.id;
    if (rows.length < PAGE) return;
  }
}

/** Writes the API keys (prefixes only), heartbeats (decrypted) and imports into an export. */
export async function writeWakatimeSections(
  out: JsonObjectStream,
  db: pg.ClientBase,
  cipher: FieldCipher,
  userId: string,
): Promise<void> {
  const one = async (sql: string) => (await db.query(sql, [userId])).rows;
  await out.member(
    'api_keys',
    await one(
      `SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys
       WHERE user_id = $1 ORDER BY created_at, id`,
    ),
  );
  await out.member(
    'wakatime_imports',
    await one(
      `SELECT id, status, bytes_total, bytes_read, days_processed, heartbeats_processed,
              heartbeats_stored, heartbeats_refused, error, created_at, finished_at
       FROM wakatime_imports WHERE user_id = $1 ORDER BY created_at, id`,
    ),
  );
  await out.array('wakatime_heartbeats', heartbeatPages(db, cipher, userId));
}

/** Deletes the user's heartbeats and imports (a purge; the account's API keys go with the account). */
export async function purgeWakatimeData(client: pg.ClientBase, userId: string): Promise<void> {
  await client.query('DELETE FROM wakatime_heartbeats WHERE user_id = $1', [userId]);
  await client.query('DELETE FROM wakatime_imports WHERE user_id = $1', [userId]);
}

/**
 * Deletes heartbeats older than each user's `retention_days`, like the
 * sessions built from them.
 * @returns how many were deleted.
 */
export async function expireHeartbeats(client: pg.ClientBase, now: Date): Promise<number> {
  const { rowCount } = await client.query(
    `DELETE FROM wakatime_heartbeats h USING users u
     WHERE h.user_id = u.id
       AND jsonb_typeof(u.privacy_settings -> 'retention_days') = 'number'
       AND h.time < $1::timestamptz
             - make_interval(days => (u.privacy_settings ->> 'retention_days')::int)`,
    [now.toISOString()],
  );
  return rowCount ?? 0;
}
