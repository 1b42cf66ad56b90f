import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PrivacySettings } from '@mindful/shared';
import { placeOf, type FieldCipher } from '../crypto/cipher';
import type { Heartbeat } from './heartbeat-input';
import type { HeartbeatPoint } from './session-builder';

/**
 * The identity of a heartbeat, keyed with the server's fingerprint key: a
 * re-sent heartbeat (wakatime-cli's offline queue, a second import of the
 * same export) has the same fingerprint and is stored once. User-Agent and
 * machine are left out, so an imported heartbeat matches the one the editor
 * sent live.
 */
export function heartbeatFingerprint(cipher: FieldCipher, hb: Heartbeat): string {
  return cipher.fingerprint(
    JSON.stringify([
      'wakatime-heartbeat',
      hb.time,
      hb.type,
      hb.category,
      hb.entity,
      hb.project,
      hb.branch,
      hb.language,
      hb.isWrite,
      hb.lines,
      hb.lineno,
      hb.cursorpos,
    ]),
  );
}

const INSERT = `INSERT INTO wakatime_heartbeats
  (id, user_id, fingerprint, time, type, category, entity_key, entity, project, branch, language,
   is_write, lines, lineno, cursorpos, editor, plugin, machine)
  SELECT h.id, $1, h.fingerprint, to_timestamp(h.t), h.type, h.category, h.entity_key, h.entity,
         h.project, h.branch, h.language, h.is_write, h.lines, h.lineno, h.cursorpos, h.editor,
         h.plugin, h.machine
  FROM unnest($2::uuid[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::text[], $8::text[],
              $9::text[], $10::text[], $11::text[], $12::boolean[], $13::int[], $14::int[],
              $15::int[], $16::text[], $17::text[], $18::text[])
    AS h(id, fingerprint, t, type, category, entity_key, entity, project, branch, language,
         is_write, lines, lineno, cursorpos, editor, plugin, machine)
  ON CONFLICT (user_id, fingerprint) DO NOTHING
  RETURNING extract(epoch FROM time)::float8 AS t`;

/**
 * Stores heartbeats not seen before, as the user's privacy settings allow:
 * the file path and branch only when project paths may leave the device,
 * the project name only when names may be tracked and synced, the language
 * only when languages are tracked. Returns the times (ms) of the new ones.
 */
export async function insertHeartbeats(
  db: Pick<pg.Pool, 'query'>,
  cipher: FieldCipher,
  userId: string,
  heartbeats: readonly Heartbeat[],
  settings: PrivacySettings,
): Promise<number[]> {
  if (heartbeats.length === 0) return [];
  const paths = settings.track_project_names && settings.sync_project_paths;
  const cols: unknown[][] = Array.from({ length: 17 }, () => []);
  const seen = new Set<string>();
  for (const hb of heartbeats) {
    const fingerprint = heartbeatFingerprint(cipher, hb);
    if (seen.has(fingerprint)) continue; // the same heartbeat twice in one request
    seen.add(fingerprint);
    const id = randomUUID();
    const seal = (column: string, value: string | null) =>
      value === null ? null : cipher.encrypt(value, placeOf('wakatime_heartbeats', column, id));
    const values = [
      id,
      fingerprint,
      hb.time,
      hb.type,
      hb.category,
      cipher.fingerprint(`wakatime-entity|${hb.entity}`),
      paths ? seal('entity', hb.entity) : null,
      paths ? seal('project', hb.project) : null,
      paths ? seal('branch', hb.branch) : null,
      settings.track_languages ? hb.language : null,
      hb.isWrite,
      hb.lines,
      hb.lineno,
      hb.cursorpos,
      hb.editor,
      hb.plugin,
      hb.machine,
    ];
    values.forEach((value, i) => cols[i]!.push(value));
  }
  const { rows } = await db.query<{ t: number }>({
    name: 'mc_wakatime_insert',
    text: INSERT,
    values: [userId, ...cols],
  });
  return rows.map((row) => row.t * 1000);
}

/**
 * Grows [lo, hi] by the heartbeats within `idle` of its edges, again and
 * again, until none lies within `idle` outside it: then no session can
 * straddle its edges. One statement (a recursive query, one step per idle
 * timeout of the run, about 20 for a working day), not a round trip per step.
 */
const RUN_AROUND = `
  WITH RECURSIVE span(lo, hi, grew) AS (
    SELECT to_timestamp($2 / 1000.0), to_timestamp($3 / 1000.0), true
    UNION ALL
    SELECT LEAST(s.lo, b.lo), GREATEST(s.hi, b.hi), b.lo < s.lo OR b.hi > s.hi
    FROM span s
    CROSS JOIN LATERAL (
      SELECT min(time) AS lo, max(time) AS hi FROM wakatime_heartbeats
      WHERE user_id = $1
        AND time >= s.lo - $4 * interval '1 millisecond'
        AND time <= s.hi + $4 * interval '1 millisecond') b
    WHERE s.grew)
  SELECT extract(epoch FROM min(lo))::float8 * 1000 AS lo,
         extract(epoch FROM max(hi))::float8 * 1000 AS hi
  FROM span`;

/**
 * The stretch of the user's heartbeats around [fromMs, toMs] with no gap
 * longer than `idleMs` (ms): [fromMs, toMs] itself when no heartbeat lies
 * within `idleMs` of it.
 */
export async function heartbeatRunAround(
  db: Pick<pg.Pool, 'query'>,
  userId: string,
  fromMs: number,
  toMs: number,
  idleMs: number,
): Promise<{ lo: number; hi: number }> {
  const { rows } = await db.query<{ lo: number; hi: number }>({
    name: 'mc_wakatime_run_around',
    text: RUN_AROUND,
    values: [userId, fromMs, toMs, idleMs],
  });
  return { lo: Math.min(fromMs, rows[0]!.lo), hi: Math.max(toMs, rows[0]!.hi) };
}

interface PointRow {
  id: string;
  t: number;
  editor: string | null;
  machine: string | null;
  project: string | null;
  category: string;
  language: string | null;
  is_write: boolean;
  entity_key: string;
}

/** The user's heartbeats in [fromMs, toMs], project names decrypted, for building sessions. */
export async function loadPoints(
  db: Pick<pg.Pool, 'query'>,
  cipher: FieldCipher,
  userId: string,
  fromMs: number,
  toMs: number,
): Promise<HeartbeatPoint[]> {
  const { rows } = await db.query<PointRow>({
    name: 'mc_wakatime_points',
    text: `SELECT id::text AS id, extract(epoch FROM time)::float8 * 1000 AS t, editor, machine,
                  project, category, language, is_write, entity_key
           FROM wakatime_heartbeats
           WHERE user_id = $1 AND time >= to_timestamp($2 / 1000.0)
             AND time <= to_timestamp($3 / 1000.0)`,
    values: [userId, fromMs, toMs],
  });
  return rows.map((row) => ({
    timeMs: row.t,
    editor: row.editor,
    machine: row.machine,
    project: row.project
      ? cipher.decryptString(row.project, placeOf('wakatime_heartbeats', 'project', row.id))
      : null,
    category: row.category,
    language: row.language,
    isWrite: row.is_write,
    entityKey: row.entity_key,
  }));
}

/** A session id from the user, the stream and the start: rebuilding gives the same ids. */
export function sessionIdFor(userId: string, streamKey: string, startMs: number): string {
  return nameUuid(`wakatime-session|${userId}|${streamKey}|${startMs}`);
}

/** A UUID (version 5 layout) derived from a name: the same name, the same id. */
export function nameUuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5 (name-based)
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The user's idle timeout (ms) and time zone. */
export async function userWakatimeProfile(
  db: Pick<pg.Pool, 'query'>,
  userId: string,
): Promise<{ idleTimeoutMs: number; timeZone: string }> {
  const { rows } = await db.query<{ idle: number; timezone: string }>(
    'SELECT wakatime_idle_timeout_s AS idle, timezone FROM users WHERE id = $1',
    [userId],
  );
  return { idleTimeoutMs: (rows[0]?.idle ?? 900) * 1000, timeZone: rows[0]?.timezone ?? 'UTC' };
}
